use super::*;

fn folder(files: &[(&str, &str)]) -> Source {
    Source::Folder(
        files
            .iter()
            .map(|(name, body)| SourceFile {
                name: (*name).to_owned(),
                body: body.as_bytes().to_vec(),
            })
            .collect(),
    )
}

fn table() -> Languages {
    Languages::builtin().expect("table")
}

#[test]
fn a_folder_takes_the_language_its_sources_agree_on_and_ignores_headers() {
    let table = table();
    let cpp = folder(&[("a.cpp", ""), ("b.cc", ""), ("util.h", "")]);
    assert_eq!(cpp.language(&table).expect("cpp").id.as_str(), "cpp");
    let mixed = folder(&[("a.cpp", ""), ("b.py", "")]);
    let message = mixed.language(&table).expect_err("mixed").to_string();
    assert!(message.contains("a.cpp is cpp, b.py is python3"), "{message}");
    let none = folder(&[("notes.txt", "")]);
    assert!(none.language(&table).is_err());
}

#[test]
fn c_and_cpp_compile_every_source_and_copy_headers_alongside() {
    let table = table();
    let source = folder(&[("a.cpp", ""), ("lib/b.cc", ""), ("lib/b.h", "")]);
    let build = source.build(table.get("cpp").expect("cpp")).expect("build");
    let compile = build.compile.expect("compiles");
    assert!(
        compile.ends_with(&["a.cpp".to_owned(), "lib/b.cc".to_owned()]),
        "{compile:?}"
    );
    assert_eq!(
        build.files.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        ["a.cpp", "lib/b.cc", "lib/b.h"]
    );
    assert_eq!(build.run, ["/work/main"]);
}

#[test]
fn the_python_entry_is_main_py_else_the_one_file_with_the_main_idiom() {
    let table = table();
    let python = table.get("python3").expect("python3");
    let named = folder(&[("helper.py", ""), ("main.py", "")]);
    assert_eq!(
        named.build(python).expect("build").run,
        ["python3", "/work/main.py"]
    );
    let idiom = folder(&[
        ("helper.py", "def f(): pass\n"),
        (
            "solve.py",
            "import helper\nif __name__ == '__main__':\n    pass\n",
        ),
    ]);
    assert_eq!(
        idiom.build(python).expect("build").run,
        ["python3", "/work/solve.py"]
    );
    let unclear = folder(&[("a.py", ""), ("b.py", "")]);
    let message = unclear.build(python).expect_err("no entry").to_string();
    assert!(message.contains("name it main.py"), "{message}");
}

#[test]
fn a_single_file_keeps_the_rows_own_name_and_commands() {
    let table = table();
    let java = table.get("java").expect("java");
    let source = Source::file("Anything.java", "class X {}");
    let build = source.build(java).expect("build");
    assert_eq!(build.files[0].0, "Main.java");
    assert_eq!(build.compile, java.compile);
    assert_eq!(build.run, java.run);
}

#[test]
fn a_folder_without_a_source_of_the_named_language_is_refused() {
    let table = table();
    let source = folder(&[("a.py", "")]);
    let message = source
        .build(table.get("go").expect("go"))
        .expect_err("no go")
        .to_string();
    assert!(message.contains("no go source (.go) among a.py"), "{message}");
}

#[test]
fn plain_names_exclude_paths_dots_and_hidden_files() {
    assert!(is_plain("main.cpp"));
    for bad in ["", ".", "..", ".hidden", "a/b", "/abs", "a\\b"] {
        assert!(!is_plain(bad), "{bad:?}");
    }
}
