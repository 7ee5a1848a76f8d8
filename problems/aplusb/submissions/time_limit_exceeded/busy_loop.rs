// Time limit exceeded: reads the input, then spins forever (volatile writes keep the loop).
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut n: u64 = 0;
    loop {
        unsafe { std::ptr::write_volatile(&mut n, n.wrapping_add(1)) };
    }
}
