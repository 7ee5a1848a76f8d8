// Syscall measurement: a "heavier" Rust program (judge-images/tests/measure-syscalls.sh).
// Deep recursion in a thread with a big stack, scoped threads, HashMap
// (RandomState seeds from getrandom), Instant; prints A+B.
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::time::Instant;

fn depth(n: u64) -> u64 {
    if n == 0 { 0 } else { 1 + depth(n - 1) }
}

fn main() {
    let mut s = String::new();
    io::stdin().read_to_string(&mut s).unwrap();
    let ab: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();
    let t0 = Instant::now();
    let n = 1_000_000 + (ab[0] - ab[0]) as u64; // not a constant
    let deep = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || depth(n))
        .unwrap()
        .join()
        .unwrap();
    let mut v: Vec<u32> = (0..2_000_000u32).map(|i| i.wrapping_mul(2654435761) % 1000).collect();
    v.sort_unstable();
    let parts: Vec<u64> = std::thread::scope(|sc| {
        let hs: Vec<_> = v.chunks(500_000).map(|c| sc.spawn(move || c.iter().map(|&x| x as u64).sum::<u64>())).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut cnt: HashMap<u32, u32> = HashMap::new();
    for &x in &v {
        *cnt.entry(x).or_default() += 1;
    }
    let total: u64 = v.iter().map(|&x| x as u64).sum();
    let ok = deep == 1_000_000 && parts.iter().sum::<u64>() == total && cnt.len() <= 1000 && t0.elapsed().as_nanos() < u128::MAX;
    let out = io::stdout();
    let mut out = out.lock();
    if ok { writeln!(out, "{}", ab[0] + ab[1]).unwrap(); } else { writeln!(out, "bad").unwrap(); }
}
