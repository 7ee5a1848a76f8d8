//! What can be wrong with a package: the warnings a package is still judged with, and the errors
//! that stop it from being read, each naming the file at fault.

use std::io;
use std::path::PathBuf;

use crate::judge::checker::default_validator::FlagError;

/// Something odd about a package that does not prevent judging with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageWarning {
    /// A `submissions/` folder whose expected verdict is unknown; its
    /// submissions were skipped.
    #[error("{}: unknown submission folder, its submissions were skipped", path.display())]
    UnknownSubmissionFolder {
        /// The folder.
        path: PathBuf,
    },
    /// A directory submission without any files; it was skipped.
    #[error("{}: submission directory has no files, skipped", path.display())]
    EmptySubmission {
        /// The directory.
        path: PathBuf,
    },
    /// An output validator present in a package that uses default validation.
    #[error("{}: output validator is unused because validation is default", path.display())]
    UnusedOutputValidator {
        /// The validator directory.
        path: PathBuf,
    },
}

/// Why a package could not be read. Every variant names the file at fault.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The package root is not a directory.
    #[error("{}: not a directory", path.display())]
    NotADirectory {
        /// The path given as the package root.
        path: PathBuf,
    },
    /// No `problem.yaml` at the package root.
    #[error("{}: missing; a problem package must have a problem.yaml", path.display())]
    MissingProblemYaml {
        /// Where `problem.yaml` was expected.
        path: PathBuf,
    },
    /// `problem.yaml` is not valid YAML or has a key of the wrong type.
    #[error("{}: {source}", path.display())]
    InvalidProblemYaml {
        /// The `problem.yaml` path.
        path: PathBuf,
        /// The parser's complaint.
        source: serde_norway::Error,
    },
    /// A problem type this judge cannot run.
    #[error("{}: {what} problems are not supported", path.display())]
    Unsupported {
        /// The `problem.yaml` path.
        path: PathBuf,
        /// The kind of problem, e.g. `interactive`.
        what: String,
    },
    /// A `testdata.yaml`, `test_group.yaml` or test case `.yaml` that is not valid YAML or has
    /// a key of the wrong type.
    #[error("{}: {source}", path.display())]
    InvalidGroupYaml {
        /// The file.
        path: PathBuf,
        /// The parser's complaint.
        source: serde_norway::Error,
    },
    /// Test groups or scores that contradict each other or cannot be right: an unknown
    /// aggregation, a negative score, `require_pass` naming a missing group, group scores that
    /// do not add up to the problem's.
    #[error("{}: {reason}", path.display())]
    InvalidScoring {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An expected score in `submissions.yaml` or a submission's source that is not a number.
    #[error("{}: {reason}", path.display())]
    InvalidExpectedScore {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A `validation` value that is neither `default` nor `custom`.
    #[error("{}: unknown validation {value:?} (expected \"default\" or \"custom\")", path.display())]
    UnknownValidation {
        /// The `problem.yaml` path.
        path: PathBuf,
        /// The value found.
        value: String,
    },
    /// `validator_flags` the default validator cannot run with.
    #[error("{}: validator_flags: {source}", path.display())]
    InvalidValidatorFlags {
        /// The `problem.yaml` path.
        path: PathBuf,
        /// What is wrong with the flags.
        source: FlagError,
    },
    /// `validator_flags` that cannot be split into arguments as a shell would.
    #[error("{}: validator_flags has an unclosed quote or ends in a backslash", path.display())]
    UnsplittableValidatorFlags {
        /// The `problem.yaml` path.
        path: PathBuf,
    },
    /// A limit that is not a positive finite number.
    #[error("{}: {key} must be a positive number, got {value:?}", path.display())]
    InvalidLimit {
        /// The file holding the limit.
        path: PathBuf,
        /// The limit's key.
        key: &'static str,
        /// The value found.
        value: String,
    },
    /// No `data/` directory.
    #[error("{}: missing test data directory", path.display())]
    MissingDataDir {
        /// Where `data/` was expected.
        path: PathBuf,
    },
    /// Neither `data/sample` nor `data/secret` holds a test case.
    #[error("{}: no test cases in data/sample or data/secret", path.display())]
    NoTestCases {
        /// The `data/` directory.
        path: PathBuf,
    },
    /// A `.in` file without its `.ans`.
    #[error("{}: test input has no matching .ans file", path.display())]
    MissingAnswer {
        /// The `.in` file.
        path: PathBuf,
    },
    /// A `.ans` file without its `.in`.
    #[error("{}: answer file has no matching .in file", path.display())]
    MissingInput {
        /// The `.ans` file.
        path: PathBuf,
    },
    /// Custom validation without a validator program.
    #[error("{}: validation is custom but there is no output_validator/ or output_validators/ program", path.display())]
    MissingOutputValidator {
        /// The package root.
        path: PathBuf,
    },
    /// More than one validator program in `output_validators/`.
    #[error("{}: holds more than one output validator program", path.display())]
    MultipleOutputValidators {
        /// The `output_validators/` directory.
        path: PathBuf,
    },
    /// A statement source larger than any real statement.
    #[error("{}: {size} bytes, over the {limit} bytes a statement source may have", path.display())]
    StatementTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// A statement file that is not UTF-8 text.
    #[error("{}: not valid UTF-8", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// Directories nested deeper than any real package does, most likely a
    /// symlink loop.
    #[error("{}: directories nested too deeply (symlink loop?)", path.display())]
    TooDeep {
        /// The directory where reading stopped.
        path: PathBuf,
    },
    /// A file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}
