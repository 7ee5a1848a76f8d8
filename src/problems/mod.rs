//! Problems: the ICPC / Kattis package format and (to come) their storage and admin API.

pub mod package;
