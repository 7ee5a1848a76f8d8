//! The judge: the sandbox that compiles once and runs every test, verdicts and checkers.
//!
//! [`verdict`] names the outcomes and maps a package's `submissions/` folders to them;
//! [`checker`] decides whether an output is right; [`languages`] is the language table and
//! [`images`] builds and runs the judge images it names; [`source`] is a submission's code (a
//! file or a folder); [`sandbox`] and [`engine`] judge it; [`commands`] holds the subcommands.

pub mod bench;
pub mod checker;
pub mod commands;
pub mod cpus;
pub mod engine;
pub mod images;
pub mod languages;
pub mod sandbox;
pub mod source;
pub mod verdict;
