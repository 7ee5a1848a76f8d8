//! Tests of package reading, on small packages built in temporary directories.

use super::{files::file_name_lossy, validator::is_testlib_include, *};
use crate::judge::{checker::default_validator::FlagError, verdict::Verdict};

/// A throwaway package directory with helpers to fill it.
struct Pkg {
    dir: tempfile::TempDir,
}

impl Pkg {
    /// A legacy package with one sample and one secret case.
    fn new(problem_yaml: &str) -> Pkg {
        let pkg = Pkg::bare();
        pkg.write("problem.yaml", problem_yaml);
        pkg.write("data/sample/1.in", "1\n");
        pkg.write("data/sample/1.ans", "2\n");
        pkg.write("data/secret/1.in", "3\n");
        pkg.write("data/secret/1.ans", "4\n");
        pkg
    }

    fn bare() -> Pkg {
        Pkg {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, contents: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }

    fn remove(&self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            fs::remove_dir_all(path).expect("rmdir");
        } else {
            fs::remove_file(path).expect("rm");
        }
    }

    fn load(&self) -> ProblemPackage {
        ProblemPackage::load(self.dir.path()).expect("package loads")
    }

    fn load_err(&self) -> PackageError {
        ProblemPackage::load(self.dir.path()).expect_err("package is rejected")
    }
}

fn case_names(pkg: &ProblemPackage) -> Vec<&str> {
    pkg.test_cases.iter().map(|c| c.name.as_str()).collect()
}

// --- problem.yaml basics ---

#[test]
fn a_minimal_legacy_package_loads_with_defaults() {
    let pkg = Pkg::new("name: Hello World\n");
    let loaded = pkg.load();
    assert_eq!(loaded.format, PackageFormat::Legacy);
    assert_eq!(loaded.name, ProblemName::Single("Hello World".to_owned()));
    assert_eq!(loaded.validation, Validation::Default);
    assert_eq!(loaded.validator_flags, "");
    assert_eq!(
        loaded.limits,
        Limits {
            time_multiplier: 5.0,
            time_safety_margin: 2.0,
            memory_mib: 1024,
            output_mib: 8,
            compilation_time_secs: 60.0,
            compilation_memory_mib: 2048,
        }
    );
    assert_eq!(loaded.time_limit, None);
    assert!(loaded.statements.is_empty());
    assert!(loaded.submissions.is_empty());
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.root, pkg.dir.path());
}

#[test]
fn test_case_paths_point_at_the_in_and_ans_files() {
    let pkg = Pkg::new("name: x\n");
    let loaded = pkg.load();
    assert_eq!(
        loaded.test_cases[0],
        TestCase {
            name: "sample/1".to_owned(),
            input: pkg.path("data/sample/1.in"),
            answer: pkg.path("data/sample/1.ans"),
            is_sample: true,
            group: "sample".to_owned(),
            validator_args: Vec::new(),
            interaction: None,
        }
    );
    assert!(!loaded.test_cases[1].is_sample);
}

#[test]
fn an_empty_problem_yaml_means_defaults_and_the_folder_name() {
    for yaml in ["", "# just a comment\n", "---\n"] {
        let pkg = Pkg::new(yaml);
        let loaded = pkg.load();
        let folder = file_name_lossy(pkg.dir.path());
        assert_eq!(loaded.name, ProblemName::Single(folder), "{yaml:?}");
    }
}

#[test]
fn unknown_keys_in_problem_yaml_are_ignored() {
    let pkg = Pkg::new(
        "name: x\nauthor: Someone\nsource: NWERC\nlicense: cc by-sa\nkeywords: [a, b]\nlimits:\n  code: 128\n  validation_time: 60\n",
    );
    assert_eq!(pkg.load().name.preferred(), "x");
}

#[test]
fn a_missing_problem_yaml_is_an_error_saying_it_is_required() {
    let pkg = Pkg::new("");
    pkg.remove("problem.yaml");
    let err = pkg.load_err();
    assert!(matches!(&err, PackageError::MissingProblemYaml { path } if *path == pkg.path("problem.yaml")));
    let text = err.to_string();
    assert!(
        text.contains("problem.yaml") && text.contains("must have"),
        "{text}"
    );
}

#[test]
fn malformed_problem_yaml_is_an_error_naming_the_file() {
    let pkg = Pkg::new("name: [unclosed\n");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::InvalidProblemYaml { .. }));
    assert!(err.to_string().contains("problem.yaml"));
    let pkg = Pkg::new("limits:\n  memory: lots\n");
    assert!(matches!(pkg.load_err(), PackageError::InvalidProblemYaml { .. }));
}

#[test]
fn a_root_that_is_not_a_directory_is_an_error() {
    let pkg = Pkg::new("");
    let err = ProblemPackage::load(pkg.path("problem.yaml")).expect_err("a file");
    assert!(matches!(err, PackageError::NotADirectory { .. }));
}

#[test]
fn name_may_be_a_map_of_languages() {
    let pkg = Pkg::new("name:\n  sv: Hej\n  en: Hello\n");
    let name = pkg.load().name;
    assert_eq!(name.get("sv"), Some("Hej"));
    assert_eq!(name.get("en"), Some("Hello"));
    assert_eq!(name.get("de"), None);
    assert_eq!(name.preferred(), "Hello");
}

#[test]
fn a_name_map_without_english_prefers_the_first_language_code() {
    let pkg = Pkg::new("name:\n  sv: Hej\n  de: Hallo\n");
    assert_eq!(pkg.load().name.preferred(), "Hallo");
}

#[test]
fn a_single_name_serves_every_language() {
    let name = ProblemName::Single("Hi".to_owned());
    assert_eq!(name.get("fr"), Some("Hi"));
}

#[test]
fn a_2023_07_package_is_recognised_by_its_format_version() {
    let pkg = Pkg::new("problem_format_version: 2023-07-draft\nname: x\n");
    assert_eq!(pkg.load().format, PackageFormat::V2023_07);
    let pkg = Pkg::new("problem_format_version: legacy\n");
    assert_eq!(pkg.load().format, PackageFormat::Legacy);
}

mod data;
mod groups;
mod limits;
mod submissions;
mod validation;
