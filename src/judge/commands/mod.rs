//! The judge's subcommands: [`toolchain`] (`coderank languages`, `coderank images build`) and
//! [`judging`] (`coderank judge`, `coderank problem verify`).

pub mod judging;
pub mod toolchain;

pub use judging::{judge, verify, JudgeArgs, VerifyArgs};
pub use toolchain::{build_images, languages, ImagesBuildArgs, LanguagesArgs};
