//! Checkers decide whether a program's output answers a test. They run outside the sandbox on
//! the worker, so the expected answers never enter a container.

pub mod default_validator;
