//! The judge: the sandbox that compiles once and runs every test, verdicts and checkers.
//!
//! [`verdict`] names the outcomes and maps a package's `submissions/` folders to them;
//! [`checker`] decides whether an output is right; [`languages`] is the language table and
//! [`images`] builds and runs the judge images it names; [`seccomp`] is the sandboxes' system
//! call profile; [`source`] is a submission's code (a file or a folder); [`sandbox`] is one
//! container, [`program`] the submission's sandbox over a judging, [`limits`] what a judging runs with,
//! [`engine`] the judging and
//! [`report`] what it reports; [`redact`] keeps host paths out of it; [`commands`] holds the
//! subcommands.

pub mod bench;
pub mod checker;
pub mod commands;
pub mod cpus;
pub mod engine;
pub mod images;
pub mod languages;
pub mod limits;
pub mod program;
pub mod redact;
pub mod report;
pub mod sandbox;
pub mod seccomp;
pub mod source;
pub mod verdict;
