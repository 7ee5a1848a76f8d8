//! Broken and oversized packages are refused naming their fault, leaving no row and no object.

use std::io::Write;

use coderank::{config::ProblemsConfig, problems::objects::sha256_hex};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{
    app_with_callers, create, import, import_ok, refusal, row_counts, stored, unique, zip_sample, Package,
    ZipWriter, ZIP,
};
use crate::helpers::{object_store, problems_config, AppOptions};

/// `package` zipped under `aplusb/`, plus one entry whose name is not UTF-8. The zip crate takes
/// names as `str`, so the entry is written under a placeholder of the same length, which is then
/// overwritten in the local header and in the central directory (no checksum covers names).
fn not_utf8_entry(package: &Package) -> Vec<u8> {
    const PLACEHOLDER: &[u8] = b"PLACEHOLDER-NAME";
    let zip = package.zip_with("aplusb", |writer| {
        let options = zip::write::SimpleFileOptions::default();
        writer
            .start_file("aplusb/data/secret/PLACEHOLDER-NAME.in", options)
            .expect("start");
        writer.write_all(b"1 1\n").expect("write");
    });
    let mut patched = zip.clone();
    let mut replaced = 0;
    for start in 0..zip.len().saturating_sub(PLACEHOLDER.len()) {
        if &zip[start..start + PLACEHOLDER.len()] == PLACEHOLDER {
            patched[start..start + PLACEHOLDER.len()].fill(0xff);
            replaced += 1;
        }
    }
    assert_eq!(
        replaced, 2,
        "the name is in the local header and the central directory"
    );
    patched
}

/// One broken upload and what its refusal must say.
struct Broken {
    what: &'static str,
    query: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    /// Words the error message must contain: the file or setting at fault.
    names: Vec<&'static str>,
}

#[tokio::test]
async fn each_kind_of_broken_package_is_refused_naming_its_fault_and_nothing_is_written() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let (db, store) = (app.db().await, object_store().await);
    import_ok(&app, &admin, "", zip_sample("aplusb")).await;
    // aplusb with a test case of this run's own, whose objects must stay out of the store.
    let (mark_in, mark_ans) = (unique("marked input"), unique("marked answer"));
    let marks = [sha256_hex(mark_in.as_bytes()), sha256_hex(mark_ans.as_bytes())];
    let marked = || {
        Package::sample("aplusb")
            .with("data/secret/zz.in", mark_in.clone())
            .with("data/secret/zz.ans", mark_ans.clone())
    };
    let broken = |what, query, body, status, names| Broken {
        what,
        query,
        content_type: ZIP,
        body,
        status,
        names,
    };
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let flags = marked().with(
        "problem.yaml",
        "name: A plus B\nvalidation: default\nvalidator_flags: frobnicate\nlimits:\n  time_limit: 2\n",
    );
    let file_at = |name: &'static str| {
        move |writer: &mut ZipWriter| {
            writer
                .start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            writer.write_all(b"escaped\n").expect("write");
        }
    };
    let cases = vec![
        broken(
            "random bytes",
            "?slug=fresh",
            garbage,
            StatusCode::BAD_REQUEST,
            vec!["not a readable zip"],
        ),
        broken(
            "an input without its answer",
            "?slug=fresh",
            marked()
                .without("data/secret/small/03-both-negative.ans")
                .zip("aplusb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["data/secret/small/03-both-negative.in", ".ans"],
        ),
        broken(
            "a parent-directory entry",
            "?slug=fresh",
            marked().zip_with("aplusb", file_at("../x")),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["../x"],
        ),
        broken(
            "an absolute entry",
            "?slug=fresh",
            marked().zip_with("aplusb", file_at("/abs")),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["/abs"],
        ),
        broken(
            "a symlink entry",
            "?slug=fresh",
            marked().zip_with("aplusb", |writer| {
                writer
                    .add_symlink(
                        "aplusb/data/secret/link.in",
                        "/etc/passwd",
                        zip::write::SimpleFileOptions::default(),
                    )
                    .expect("add a symlink");
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["aplusb/data/secret/link.in", "symlink"],
        ),
        broken(
            "an entry name that is not UTF-8",
            "?slug=fresh",
            not_utf8_entry(&marked()),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["aplusb/data/secret/", "not UTF-8"],
        ),
        broken(
            "an unknown validator flag",
            "?slug=fresh",
            flags.zip("aplusb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["problem.yaml", "frobnicate"],
        ),
        broken(
            "a slug that is taken",
            "",
            marked().zip("aplusb"),
            StatusCode::CONFLICT,
            vec!["\"aplusb\"", "already exists"],
        ),
        broken(
            "an invalid slug",
            "?slug=Bad%20Slug",
            marked().zip("aplusb"),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["Bad Slug"],
        ),
        Broken {
            content_type: "application/octet-stream",
            ..broken(
                "the wrong content type",
                "?slug=fresh",
                marked().zip("aplusb"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                vec!["application/zip", "application/octet-stream"],
            )
        },
    ];
    let before = row_counts(&db).await;
    assert_eq!(before[0], 1, "only the first aplusb");
    for case in cases {
        let response = app
            .send_bytes(
                Method::POST,
                &format!("/api/v1/problems/import{}", case.query),
                Some(&admin),
                case.content_type,
                case.body,
            )
            .await;
        let (status, message) = refusal(response).await;
        assert_eq!(status, case.status, "{}: {message}", case.what);
        for name in &case.names {
            assert!(
                message.contains(name),
                "{}: {message:?} does not name {name:?}",
                case.what
            );
        }
        assert_eq!(row_counts(&db).await, before, "{}: rows were written", case.what);
        for hash in &marks {
            assert!(
                !stored(&store, hash).await,
                "{}: an object was left in the store",
                case.what
            );
        }
    }
    // The same package unbroken goes in, so the refusals were for the faults alone.
    import_ok(&app, &admin, "?slug=fresh", marked().zip("aplusb")).await;
    assert!(stored(&store, &marks[0]).await);
}

#[tokio::test]
async fn files_and_packages_over_their_caps_are_refused_with_413_and_nothing_is_written() {
    let limits = ProblemsConfig {
        max_test_file_bytes: 1000,
        max_package_bytes: 5000,
        ..problems_config()
    };
    let (app, admin, _) = app_with_callers(AppOptions {
        problems: Some(limits),
        ..AppOptions::default()
    })
    .await;
    let (db, store) = (app.db().await, object_store().await);

    // Only test data unique to this test proves anything when it is absent from the store.
    let mut own_hashes = Vec::new();
    let big_file = Package::fresh("Big File");
    own_hashes.extend(big_file.data_hashes());
    let big_input = unique("x").repeat(30);
    own_hashes.push(sha256_hex(big_input.as_bytes()));
    let big_file = big_file
        .with("data/secret/big.in", big_input)
        .with("data/secret/big.ans", "1\n");
    assert!(big_file.files["data/secret/big.in"].len() > 1000);
    let response = import(&app, &admin, "", big_file.zip("big-file")).await;
    let (status, message) = refusal(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(
        message.contains("data/secret/big.in") && message.contains("1000"),
        "{message}"
    );

    // Small as a zip, too big unpacked: the sizes a zip declares are not what counts.
    let many = Package::fresh("Many Files");
    own_hashes.extend(many.data_hashes());
    let many = (0..8).fold(many, |package, i| {
        package
            .with(&format!("data/secret/many-{i}.in"), "7 ".repeat(450))
            .with(&format!("data/secret/many-{i}.ans"), "7\n")
    });
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in &many.files {
        writer
            .start_file(
                format!("many-files/{path}"),
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
            )
            .expect("start");
        writer.write_all(bytes).expect("write");
    }
    let compressed = writer.finish().expect("finish").into_inner();
    assert!(compressed.len() < 5000, "{} bytes", compressed.len());
    let (status, message) = refusal(import(&app, &admin, "", compressed).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("5000"), "{message}");

    assert_eq!(row_counts(&db).await, [0, 0, 0]);
    for hash in &own_hashes {
        assert!(!stored(&store, hash).await, "{hash} was stored");
    }

    // Single files through the API have the same cap.
    create(&app, &admin, json!({ "slug": "capped", "title": "Capped" })).await;
    let (status, message) = refusal(
        app.call(
            Method::POST,
            "/api/v1/problems/capped/tests",
            Some(&admin),
            Some(json!({ "kind": "secret", "name": "big", "input": "9".repeat(1001), "answer": "1" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("input"), "{message}");
    let (status, message) = refusal(
        app.call(
            Method::PUT,
            "/api/v1/problems/capped/validator",
            Some(&admin),
            Some(json!({ "files": { "huge.py": "#".repeat(1001) } })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("huge.py"), "{message}");
    assert_eq!(row_counts(&db).await, [1, 0, 0]);
}
