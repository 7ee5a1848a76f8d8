use super::*;

#[test]
fn the_builtin_table_has_every_required_language() {
    let languages = Languages::builtin().expect("the shipped table parses");
    for id in [
        "c",
        "cpp",
        "python3",
        "pypy3",
        "java",
        "kotlin",
        "javascript",
        "go",
        "rust",
        "ruby",
        "csharp",
        "haskell",
    ] {
        assert!(languages.get(id).is_ok(), "{id} missing");
    }
}

#[test]
fn extensions_pick_the_first_language_that_claims_them() {
    let languages = Languages::builtin().expect("table");
    assert_eq!(languages.by_extension("py").expect("py").id.as_str(), "python3");
    assert_eq!(languages.by_extension(".CPP").expect("cpp").id.as_str(), "cpp");
    assert_eq!(languages.by_extension("java").expect("java").id.as_str(), "java");
    assert!(matches!(
        languages.by_extension("exe"),
        Err(LanguageError::UnknownExtension(_))
    ));
}

#[test]
fn a_language_id_before_the_extension_picks_that_language() {
    let languages = Languages::builtin().expect("table");
    let id = |name: &str| {
        languages
            .for_path(std::path::Path::new(name))
            .map(|l| l.id.to_string())
    };
    assert_eq!(id("sol.pypy3.py").expect("pypy3"), "pypy3");
    assert_eq!(id("sol.py").expect("python3"), "python3");
    assert_eq!(
        id("a.b.py").expect("python3"),
        "python3",
        "an unknown id is just part of the name"
    );
    assert_eq!(
        id("sol.cpp.py").expect("python3"),
        "python3",
        "cpp does not take .py"
    );
    assert!(id("sol.exe").is_err());
}

#[test]
fn an_unknown_language_error_lists_the_known_ones() {
    let languages = Languages::builtin().expect("table");
    let message = languages.get("cobol").expect_err("unknown").to_string();
    assert!(
        message.contains("unknown language \"cobol\"") && message.contains("cpp"),
        "{message}"
    );
}

#[test]
fn images_are_named_after_their_judge_images_folder() {
    let languages = Languages::builtin().expect("table");
    assert_eq!(languages.get("cpp").expect("cpp").image_family(), Some("c-cpp"));
    for image in languages.images() {
        let family = image_family(image).expect("family");
        let dockerfile = format!("{}/judge-images/{family}/Dockerfile", env!("CARGO_MANIFEST_DIR"));
        assert!(
            std::path::Path::new(&dockerfile).is_file(),
            "{dockerfile} missing"
        );
    }
}

#[test]
fn a_files_table_must_say_what_it_compiles_and_name_an_entry_it_uses() {
    let row = |files: &str| {
        format!(
            "[[languages]]\nid = \"x\"\nname = \"x\"\nextensions = [\"x\"]\nimage = \"coderank-judge-x:1\"\n\
             source_file = \"main.x\"\nrun = [\"./main\"]\nversion = [\"x\"]\n\n[languages.files]\n{files}\n"
        )
    };
    assert!(Languages::parse(&row("sources = [\"x\"]\ncompile = [\"cc\", \"{sources}\"]")).is_ok());
    for bad in [
        "sources = []\ncompile = [\"cc\", \"{sources}\"]",
        "sources = [\"x\"]\ncompile = []",
        "sources = [\"x\"]\nrun = [\"x\", \"{entry}\"]",
    ] {
        assert!(
            matches!(Languages::parse(&row(bad)), Err(LanguageError::Incomplete { .. })),
            "{bad}"
        );
    }
}

#[test]
fn malformed_tables_are_refused_with_the_reason() {
    let row = |id: &str, run: &str| {
        format!(
            "[[languages]]\nid = \"{id}\"\nname = \"x\"\nextensions = [\"x\"]\nimage = \"coderank-judge-x:1\"\n\
             source_file = \"main.x\"\nrun = {run}\nversion = [\"x\"]\n"
        )
    };
    assert!(Languages::parse(&row("ok", "[\"./main\"]")).is_ok());
    assert!(matches!(
        Languages::parse(&format!("{}{}", row("a", "[\"x\"]"), row("a", "[\"x\"]"))),
        Err(LanguageError::Duplicate(_))
    ));
    assert!(matches!(
        Languages::parse(&row("a", "[]")),
        Err(LanguageError::Incomplete { .. })
    ));
    assert!(matches!(
        Languages::parse(&row("Bad Id", "[\"x\"]")),
        Err(LanguageError::Malformed(_))
    ));
    assert!(matches!(
        Languages::parse("languages = 3"),
        Err(LanguageError::Malformed(_))
    ));
}
