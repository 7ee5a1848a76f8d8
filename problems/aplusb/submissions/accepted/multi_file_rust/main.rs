// A plus B in Rust: the crate root and a module in a file of its own.
mod adder;

use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let numbers: Vec<i64> = input.split_whitespace().map(|t| t.parse().unwrap()).collect();
    println!("{}", adder::add(numbers[0], numbers[1]));
}
