//! Problems: the problem set in PostgreSQL and the object store. The package format itself
//! (reading a package directory) is the judge's, `crate::judge::package`.
//!
//! - [`fields`]: the one rulebook of a problem's fields (slug, title, limits, tags, kinds);
//! - [`records`]: problems, test cases and files as rows, and the queries on them;
//! - [`view`]: what a user may see of a problem (the listing, one problem with its samples);
//! - [`import`]: a package (zip or directory) into rows and objects, all or nothing;
//! - [`export`]: rows and objects back into a package directory or zip;
//! - [`editing`]: admins' changes to test cases and validators, deleting problems;
//! - [`statements`]: statements per language (LaTeX rendered by pandoc) and their files;
//! - [`objects`]: content-addressed objects and their collection when unused;
//! - [`cache`]: the local, size-bounded test-data cache keyed by SHA-256;
//! - [`time_limits`]: limits the workers derive for packages that give none (jobs, outcomes);
//! - [`commands`]: `coderank problem import|export`.
//!
//! A problem's metadata (title, statement, limits, checker, tags, published) is in `problems`;
//! its test cases are rows naming the SHA-256 of their input and answer; every other package
//! file (validators, statement images, reference submissions) is a row of `problem_files`. So an
//! export rebuilds the package from rows and objects, and import → export → import gives the
//! same problem.

pub mod cache;
pub mod commands;
pub mod editing;
pub mod export;
pub mod fields;
pub mod import;
pub mod objects;
pub mod records;
pub mod statements;
pub mod time_limits;
pub mod view;
