//! The judge images as a user meets them: `coderank languages` and `coderank images build`,
//! against the real Docker engine and the images `scripts/bootstrap` built.

use std::process::Command;

use serde_json::Value;

fn coderank(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run coderank")
}

/// The one-off containers the `coderank` process `pid` left (other tests running beside this
/// one may have live ones of their own).
fn leftover_containers(pid: u32) -> String {
    let output = Command::new("docker")
        .args(["ps", "-aq", "--filter", "label=coderank=run-once"])
        .args(["--filter", &format!("label=coderank.owner-pid={pid}")])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn languages_reports_the_version_each_image_really_holds() {
    let child = Command::new(env!("CARGO_BIN_EXE_coderank"))
        .args(["languages", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run coderank");
    let pid = child.id();
    let output = child.wait_with_output().expect("coderank languages");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reports: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    let version = |id: &str| {
        let report = reports
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        report["version"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: {report}"))
            .to_owned()
    };
    for (id, expected) in [
        ("c", "gcc"),
        ("cpp", "g++"),
        ("python3", "Python 3.11"),
        ("pypy3", "Python 3.9"),
        ("java", "javac 17"),
        ("kotlin", "kotlinc"),
        ("javascript", "v18"),
        ("go", "go1.19"),
        ("rust", "rustc 1.63"),
        ("ruby", "ruby 3.1"),
        ("csharp", "Mono C# compiler"),
        ("haskell", "Glasgow Haskell Compilation System, version 9.0"),
    ] {
        let found = version(id);
        assert!(
            found.contains(expected),
            "{id}: expected {expected:?} in {found:?}"
        );
    }
    assert_eq!(reports.len(), 12);
    assert_eq!(
        leftover_containers(pid),
        "",
        "version probes left containers behind"
    );
}

#[test]
fn the_languages_table_is_readable_by_people_too() {
    let output = coderank(&["languages"]);
    assert!(output.status.success());
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.starts_with("ID "), "{table}");
    assert!(
        table
            .lines()
            .any(|line| line.starts_with("cpp ") && line.contains("g++")),
        "{table}"
    );
}

#[test]
fn building_an_image_that_is_up_to_date_shows_its_steps_and_succeeds() {
    let output = coderank(&["images", "build", "c"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("[1/2] building coderank-judge-base:1"),
        "{stdout}"
    );
    assert!(stdout.contains("[2/2] built coderank-judge-c-cpp:1"), "{stdout}");
    assert!(stdout.contains("Step 1/"), "{stdout}");
}

#[test]
fn building_only_missing_images_does_nothing_when_all_are_there() {
    let output = coderank(&["images", "build", "--missing"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "every judge image is present"
    );
}

#[test]
fn an_unknown_language_is_refused_with_the_known_ones_listed() {
    let output = coderank(&["images", "build", "cobol"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown language \"cobol\"") && stderr.contains("python3"),
        "{stderr}"
    );
}
