// Compile error: the borrow checker rejects pushing to a vector while a
// reference into it is still alive (E0502).
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut numbers: Vec<i64> = input.split_whitespace().map(|t| t.parse().unwrap()).collect();
    let first = &numbers[0];
    numbers.push(0);
    println!("{}", first + numbers[1]);
}
