//! The judge: verdicts, checkers, and (to come) the sandbox that compiles once and runs every test.
//!
//! Pure logic lives here so it can be tested without Docker: [`verdict`] names the outcomes and
//! maps a package's `submissions/` folders to them; [`checker`] decides whether an output is right.

pub mod checker;
pub mod verdict;
