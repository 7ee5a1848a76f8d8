// Output limit exceeded: prints the right answer, then writes to stdout forever (until the write fails).
use std::io::{Read, Write};

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let sum: i64 = input.split_whitespace().map(|t| t.parse::<i64>().unwrap()).sum();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", sum).unwrap();
    let block = [b'y'; 65536];
    loop {
        out.write_all(&block).unwrap();
    }
}
