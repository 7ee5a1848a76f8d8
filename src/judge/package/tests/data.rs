//! Test data: its order, the files that pair up and those that do not, and statements.

use super::*;

#[test]
fn nested_secret_groups_are_ordered_by_path_with_samples_first() {
    let pkg = Pkg::new("");
    for rel in [
        "data/secret/group2/01",
        "data/secret/group1/03",
        "data/secret/group1/sub/deeper/01",
        "data/secret/group1/02",
        "data/secret/00",
        "data/sample/2",
        "data/sample/zz/9",
    ] {
        pkg.write(&format!("{rel}.in"), "in");
        pkg.write(&format!("{rel}.ans"), "ans");
    }
    let loaded = pkg.load();
    assert_eq!(
        case_names(&loaded),
        [
            "sample/1",
            "sample/2",
            "sample/zz/9",
            "secret/00",
            "secret/1",
            "secret/group1/02",
            "secret/group1/03",
            "secret/group1/sub/deeper/01",
            "secret/group2/01",
        ]
    );
    let samples: Vec<bool> = loaded.test_cases.iter().map(|c| c.is_sample).collect();
    assert_eq!(
        samples,
        [true, true, true, false, false, false, false, false, false]
    );
}

#[test]
fn paths_are_ordered_component_by_component() {
    let pkg = Pkg::new("");
    pkg.remove("data/secret");
    for rel in ["data/secret/g1-b/01", "data/secret/g1/02"] {
        pkg.write(&format!("{rel}.in"), "in");
        pkg.write(&format!("{rel}.ans"), "ans");
    }
    assert_eq!(
        case_names(&pkg.load()),
        ["sample/1", "secret/g1/02", "secret/g1-b/01"]
    );
}

#[test]
fn an_input_without_an_answer_is_an_error_naming_the_input() {
    let pkg = Pkg::new("");
    pkg.write("data/secret/group/05.in", "x");
    let err = pkg.load_err();
    let input = pkg.path("data/secret/group/05.in");
    assert!(matches!(&err, PackageError::MissingAnswer { path } if *path == input));
    assert!(err.to_string().contains("05.in"));
}

#[test]
fn an_answer_without_an_input_is_an_error_naming_the_answer() {
    let pkg = Pkg::new("");
    pkg.write("data/sample/7.ans", "x");
    let err = pkg.load_err();
    let answer = pkg.path("data/sample/7.ans");
    assert!(matches!(&err, PackageError::MissingInput { path } if *path == answer));
    assert!(err.to_string().contains("7.ans"));
}

#[test]
fn other_files_in_data_are_ignored() {
    let pkg = Pkg::new("");
    for rel in [
        "data/secret/1.desc",
        "data/secret/1.hint",
        "data/secret/1.png",
        "data/sample/1.in.statement",
        "data/secret/.hidden.in",
        "data/secret/README",
        "data/invalid_input/bad.in",
        "data/loose.in",
    ] {
        pkg.write(rel, "x");
    }
    assert_eq!(case_names(&pkg.load()), ["sample/1", "secret/1"]);
}

#[test]
fn a_package_without_samples_or_secrets_alone_still_loads() {
    let pkg = Pkg::new("");
    pkg.remove("data/sample");
    assert_eq!(case_names(&pkg.load()), ["secret/1"]);
    let pkg = Pkg::new("");
    pkg.remove("data/secret");
    assert_eq!(case_names(&pkg.load()), ["sample/1"]);
}

#[test]
fn a_package_without_test_cases_is_an_error() {
    let pkg = Pkg::new("");
    pkg.remove("data/sample");
    pkg.remove("data/secret");
    pkg.write("data/secret/notes.txt", "x");
    assert!(matches!(pkg.load_err(), PackageError::NoTestCases { .. }));
    pkg.remove("data");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::MissingDataDir { .. }));
    assert!(err.to_string().contains("data"));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_data_is_an_error_not_a_hang() {
    let pkg = Pkg::new("");
    std::os::unix::fs::symlink(pkg.path("data/secret"), pkg.path("data/secret/loop")).expect("symlink");
    assert!(matches!(pkg.load_err(), PackageError::TooDeep { .. }));
}

// --- statements ---

// Reading statements in each layout and language is tested in `statement.rs`.

#[test]
fn a_statement_that_is_not_utf8_is_an_error_naming_it() {
    let pkg = Pkg::new("");
    fs::create_dir_all(pkg.path("statement")).expect("mkdir");
    fs::write(pkg.path("statement/problem.en.md"), b"\xff\xfe").expect("write");
    let err = pkg.load_err();
    assert!(matches!(err, PackageError::NotUtf8 { .. }));
    assert!(err.to_string().contains("problem.en.md"));
}
