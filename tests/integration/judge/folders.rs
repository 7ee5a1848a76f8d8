//! Folder submissions: every file compiled and the program found, and the folders refused.

use super::*;

#[test]
fn folder_submissions_compile_every_file_and_find_the_program() {
    for (folder, language) in [
        ("accepted/multi_file_cpp", "cpp"),
        ("accepted/multi_file_java", "java"),
        // A package's .py submissions run with PyPy 3, as problemtools runs them.
        ("accepted/multi_file_python", "pypy3"),
    ] {
        let report = judge("aplusb", folder, &[]);
        assert_eq!(
            (report["verdict"].as_str(), report["language"].as_str()),
            (Some("AC"), Some(language)),
            "{folder}: {report}"
        );
        assert_eq!(report["tests"].as_array().expect("tests").len(), 13);
    }
}

#[test]
fn a_folder_with_a_wrong_helper_is_a_wrong_answer_in_its_own_language_or_the_named_one() {
    let report = judge("aplusb", "wrong_answer/multi_file_c", &[]);
    assert_eq!(
        (report["verdict"].as_str(), report["language"].as_str()),
        (Some("WA"), Some("c"))
    );
    let as_cpp = judge("aplusb", "wrong_answer/multi_file_c", &["--lang", "cpp"]);
    assert_eq!(
        (as_cpp["verdict"].as_str(), as_cpp["language"].as_str()),
        (Some("WA"), Some("cpp")),
        "{as_cpp}"
    );
}

/// `coderank judge problems/aplusb FOLDER` on a folder made of `files` (name, content), and
/// its standard error; the run must fail.
fn judge_bad_folder(files: &[(&str, &[u8])], link: Option<(&str, &str)>) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    }
    if let Some((name, target)) = link {
        std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink");
    }
    let output = coderank(&["judge", "problems/aplusb", dir.path().to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "judged anyway: {stderr}");
    stderr
}

#[test]
fn bad_submission_folders_are_clear_errors_and_a_nonzero_exit() {
    let mixed = judge_bad_folder(&[("a.cpp", b"int main() {}"), ("b.py", b"print(3)")], None);
    assert!(
        mixed.contains("the files disagree on the language (a.cpp is cpp, b.py is python3); pass --lang"),
        "{mixed}"
    );
    let linked = judge_bad_folder(&[("main.py", b"print(3)")], Some(("secret.py", "/etc/passwd")));
    assert!(
        linked.contains("secret.py: symbolic links are not allowed"),
        "{linked}"
    );
    let no_entry = judge_bad_folder(&[("a.py", b"print(3)"), ("b.py", b"print(4)")], None);
    assert!(
        no_entry.contains("cannot tell which pypy3 file is the program: name it main.py"),
        "{no_entry}"
    );
    let names: Vec<String> = (0..101).map(|i| format!("f{i:03}.c")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|name| (name.as_str(), &b""[..])).collect();
    assert!(judge_bad_folder(&many, None).contains("more than 100 files"));
    let big = vec![b'x'; 11 << 20];
    let large = judge_bad_folder(
        &[("main.c", b"int main(void) { return 0; }"), ("data.txt", &big)],
        None,
    );
    assert!(large.contains("more than 10 MiB in all"), "{large}");
    let only_text = judge_bad_folder(&[("notes.txt", b"hello")], None);
    assert!(only_text.contains("no file in a known language"), "{only_text}");
    let hidden_only = judge_bad_folder(&[(".hidden.py", b"print(3)")], None);
    assert!(hidden_only.contains("the folder holds no file"), "{hidden_only}");
}
