// Run-time error: panics (exit status 101).
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let numbers: Vec<i64> = input.split_whitespace().map(|t| t.parse().unwrap()).collect();
    let out_of_range = numbers[numbers.len()];
    println!("{}", out_of_range);
}
