//! The judge supervisor: a small static program that runs inside each judge container as its
//! first process and runs the submitted program once per request, with limits, measuring it and
//! killing everything it left behind.
//!
//! The worker talks to it over the container's attached stdin and stdout with the frames of
//! [`protocol`]. Expected answers never enter the container: the supervisor only ever sees
//! sources, inputs, and the program's own output.

pub mod protocol;
pub mod session;
