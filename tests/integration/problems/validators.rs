//! A validator set through the API: exported, imported again, removed, collected once unused.

use coderank::problems::objects::sha256_hex;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{answer, app_with_callers, export, import_ok, refusal, snapshot, stored, unique, unzip, Package};
use crate::helpers::{object_store, AppOptions};

#[tokio::test]
async fn a_validator_set_through_the_api_is_exported_and_can_be_removed_again() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let (db, store) = (app.db().await, object_store().await);
    let imported = import_ok(
        &app,
        &admin,
        "",
        Package::fresh("Custom Check").zip("custom-check"),
    )
    .await;
    assert_eq!(imported["checker"], "default");

    let source = format!("#!/usr/bin/env python3\n# {}", unique("validator"));
    let (status, problem) = answer(
        app.call(
            Method::PUT,
            "/api/v1/problems/custom-check/validator",
            Some(&admin),
            Some(json!({ "files": { "validate.py": source } })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{problem}");
    assert_eq!(problem["checker"], "custom");
    for (files, named) in [
        (json!({ "../evil.py": "x" }), "../evil.py"),
        (json!({}), "at least one"),
    ] {
        let (status, message) = refusal(
            app.call(
                Method::PUT,
                "/api/v1/problems/custom-check/validator",
                Some(&admin),
                Some(json!({ "files": files })),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(message.contains(named), "{message}");
    }

    // Flags for the custom validator, which the default one would not accept.
    let (status, problem) = answer(
        app.call(
            Method::PATCH,
            "/api/v1/problems/custom-check",
            Some(&admin),
            Some(json!({ "validator_flags": "--strict-order" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{problem}");

    let exported = export(&app, &admin, "custom-check").await;
    let entries = unzip(&exported);
    assert_eq!(
        entries.get("custom-check/output_validators/validator/validate.py"),
        Some(&source.clone().into_bytes()),
        "{:?}",
        entries.keys()
    );
    let yaml = String::from_utf8(entries["custom-check/problem.yaml"].clone()).expect("text");
    assert!(yaml.contains("validation: custom"), "{yaml}");
    let copy = import_ok(&app, &admin, "?slug=custom-check-copy", exported).await;
    assert_eq!(copy["checker"], "custom");
    assert_eq!(
        snapshot(&db, "custom-check").await,
        snapshot(&db, "custom-check-copy").await
    );

    let (status, problem) = answer(
        app.call(
            Method::DELETE,
            "/api/v1/problems/custom-check/validator",
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{problem}");
    assert_eq!(problem["checker"], "default");
    assert_eq!(
        problem["validator_flags"], "",
        "flags the default validator refuses are dropped"
    );
    let entries = unzip(&export(&app, &admin, "custom-check").await);
    assert!(
        !entries.keys().any(|name| name.contains("output_validator")),
        "{:?}",
        entries.keys()
    );
    let yaml = String::from_utf8(entries["custom-check/problem.yaml"].clone()).expect("text");
    assert!(yaml.contains("validation: default"), "{yaml}");
    let source_hash = sha256_hex(source.as_bytes());
    assert!(
        stored(&store, &source_hash).await,
        "the copy still uses the validator"
    );
    let response = app
        .call(
            Method::DELETE,
            "/api/v1/problems/custom-check-copy/validator",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !stored(&store, &source_hash).await,
        "the unused validator was collected"
    );
}
