//! The judge: the problem package format it judges, the sandbox that compiles once and runs
//! every test, checkers and verdicts. It knows nothing of users, rows or HTTP: the domain rooms
//! call it, and it calls only the infrastructure below.
//!
//! [`package`] reads a problem package (ICPC / Kattis) or makes a judging plan in memory;
//! [`verdict`] names the outcomes and maps a package's `submissions/` folders to them;
//! [`checker`] decides whether an output is right (the default validator, a package's own in a
//! sandbox, the bounded sample diff); [`languages`] is the language table (parsed once) and
//! [`images`] builds and runs the judge images it names; [`seccomp`] is the sandboxes' system
//! call profile; [`source`] is a submission's code (a file or a folder); [`sandbox`] is one
//! container, [`program`] the submission's sandbox over a judging, [`limits`] what a judging
//! runs with, [`sizing`] how large its sandbox is and how long it may take, [`engine`] the
//! judging and [`report`] what it reports; [`redact`] keeps host paths out of it; [`reference`]
//! judges a package's own submissions as problemtools does and derives a missing time limit
//! from them; [`cpus`] pins sandboxes; [`commands`] holds `coderank judge` and `problem verify`.

pub mod checker;
pub mod commands;
pub mod cpus;
pub mod engine;
pub mod images;
pub mod interactive;
pub mod languages;
pub mod limits;
pub mod package;
pub mod program;
pub mod redact;
pub mod reference;
pub mod report;
pub mod sandbox;
pub mod scoring;
pub mod seccomp;
pub mod sizing;
pub mod source;
pub mod verdict;
