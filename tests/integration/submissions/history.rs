//! Submission history and what each viewer sees of a submission, kept when its problem is deleted.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{
    echo_problem, finished, get_json, import_sample, submit, submit_ok, token, APLUSB_CPP, APLUSB_PY,
    APLUSB_PY_WRONG, ECHO_PY, PASSWORD, SYNTAX_ERROR_CPP,
};
use crate::helpers::{spawn_app, AppOptions, TestApp};

/// Pages through `/api/v1/submissions?<query>` with `limit=2`; answers the ids in order and the
/// size of each page.
async fn all_pages(app: &TestApp, query: &str) -> (Vec<String>, Vec<usize>) {
    let (mut ids, mut sizes) = (Vec::new(), Vec::new());
    let mut before: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/submissions?limit=2{query}");
        if let Some(before) = &before {
            path.push_str(&format!("&before={before}"));
        }
        let page = get_json(app, &path, None).await;
        let items = page["items"].as_array().expect("items");
        sizes.push(items.len());
        ids.extend(
            items
                .iter()
                .map(|item| item["id"].as_str().expect("id").to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => return (ids, sizes),
        }
        assert!(sizes.len() < 20, "pagination does not end: {sizes:?}");
    }
}

async fn listed(app: &TestApp, query: &str, bearer: Option<&str>) -> Vec<String> {
    let page = get_json(app, &format!("/api/v1/submissions?{query}"), bearer).await;
    for item in page["items"].as_array().expect("items") {
        assert!(item.get("source").is_none(), "a listing shows a source: {item}");
    }
    let mut ids: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn history_filters_pages_and_shows_each_viewer_only_what_they_may_see() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let alice = app.register("alice@example.org", PASSWORD).await;
    let alice_id = alice["user"]["id"].as_str().expect("id").to_owned();
    let alice = token(&alice);
    let bob = app.register("bob@example.org", PASSWORD).await;
    let bob_id = bob["user"]["id"].as_str().expect("id").to_owned();
    let bob = token(&bob);

    let a_ac = submit_ok(&app, &alice, "aplusb", "python3", APLUSB_PY).await;
    let a_wa = submit_ok(&app, &alice, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let a_cpp = submit_ok(&app, &alice, "aplusb", "cpp", APLUSB_CPP).await;
    let b_echo = submit_ok(&app, &bob, "echo", "python3", ECHO_PY).await;
    let b_ce = submit_ok(&app, &bob, "aplusb", "cpp", SYNTAX_ERROR_CPP).await;
    let created = [&a_ac, &a_wa, &a_cpp, &b_echo, &b_ce];
    for (id, verdict) in created.iter().zip(["AC", "WA", "AC", "AC", "CE"]) {
        let judged = finished(&app, &admin, id).await;
        assert_eq!(judged["verdict"], verdict, "{judged}");
    }

    // Filters, alone and together.
    let cases: [(String, Vec<&String>); 10] = [
        (format!("user={alice_id}"), vec![&a_ac, &a_wa, &a_cpp]),
        (format!("user={bob_id}"), vec![&b_echo, &b_ce]),
        ("problem=echo".to_owned(), vec![&b_echo]),
        ("problem=aplusb".to_owned(), vec![&a_ac, &a_wa, &a_cpp, &b_ce]),
        ("verdict=WA".to_owned(), vec![&a_wa]),
        ("verdict=AC".to_owned(), vec![&a_ac, &a_cpp, &b_echo]),
        ("verdict=CE".to_owned(), vec![&b_ce]),
        ("language=cpp".to_owned(), vec![&a_cpp, &b_ce]),
        ("language=python3".to_owned(), vec![&a_ac, &a_wa, &b_echo]),
        (format!("user={alice_id}&language=cpp&verdict=AC"), vec![&a_cpp]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            listed(&app, &query, Some(&alice)).await,
            sorted(&expected),
            "{query}"
        );
    }
    let bad = app
        .call(Method::GET, "/api/v1/submissions?verdict=OK", None, None)
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Keyset pages of two: each submission once, newest first.
    let (paged, sizes) = all_pages(&app, "").await;
    assert_eq!(sizes, vec![2, 2, 1]);
    let newest_first: Vec<String> = created.iter().rev().map(|id| (*id).clone()).collect();
    assert_eq!(paged, newest_first);
    let (paged, sizes) = all_pages(&app, &format!("&user={alice_id}")).await;
    assert_eq!(sizes, vec![2, 1]);
    assert_eq!(paged, vec![a_cpp.clone(), a_wa.clone(), a_ac.clone()]);

    // Another user, and anyone, see the verdict but no detail.
    let path = format!("/api/v1/submissions/{a_ac}");
    for viewer in [Some(bob.as_str()), None] {
        let seen = get_json(&app, &path, viewer).await;
        assert_eq!(seen["verdict"], "AC", "{seen}");
        assert_eq!(seen["status"], "finished");
        assert!(seen.get("source").is_none(), "{seen}");
        assert!(seen.get("judgings").is_none(), "{seen}");
        assert_eq!(seen["tests"], json!([]), "{seen}");
    }
    let ce = get_json(&app, &format!("/api/v1/submissions/{b_ce}"), Some(&alice)).await;
    assert!(ce.get("compile_output").is_none(), "{ce}");
    assert!(ce.get("source").is_none(), "{ce}");

    // The author: source, every test, sample detail; secret tests without name or data.
    let own = get_json(&app, &path, Some(&alice)).await;
    assert_eq!(own["source"], APLUSB_PY);
    assert_eq!(own["judgings"].as_array().map(Vec::len), Some(1), "{own}");
    let tests = own["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13, "{own}");
    let (samples, secrets) = tests.split_at(2);
    assert_eq!(samples[0]["name"], "sample/1", "{own}");
    assert_eq!(samples[0]["sample"]["input"], "1 2\n");
    assert_eq!(samples[0]["sample"]["expected"], "3\n");
    assert_eq!(samples[0]["sample"]["output"], "3\n");
    for test in secrets {
        assert_eq!(test["verdict"], "AC");
        let mut keys: Vec<&str> = test
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        // A secret test's time and memory are not shown to its author (README "What authors
        // see"): a program could encode the secret input in them.
        assert_eq!(keys, ["index", "verdict"], "{test}");
    }
    let wrong = get_json(&app, &format!("/api/v1/submissions/{a_wa}"), Some(&alice)).await;
    assert_eq!(wrong["tests"][0]["sample"]["output"], "-1\n", "{wrong}");
    assert!(wrong["tests"][0]["sample"]["diff"].is_string(), "{wrong}");

    // Admins see everything, secret test names included.
    let seen = get_json(&app, &path, Some(&admin)).await;
    assert_eq!(seen["source"], APLUSB_PY);
    let tests = seen["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13);
    assert!(
        tests[2..].iter().all(|test| test["name"]
            .as_str()
            .is_some_and(|name| name.starts_with("secret/"))),
        "{seen}"
    );
    let ce = get_json(&app, &format!("/api/v1/submissions/{b_ce}"), Some(&admin)).await;
    assert!(ce["compile_output"].is_string(), "{ce}");
}

#[tokio::test]
async fn an_author_sees_no_measurements_of_secret_tests_and_an_admin_sees_them_all() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    let author = token(&app.register("author@example.org", PASSWORD).await);
    let response = submit(&app, &author, "aplusb", "python3", APLUSB_PY).await;
    let id = response.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let seen_by_author = finished(&app, &author, &id).await;
    assert_eq!(seen_by_author["verdict"], "AC", "{seen_by_author}");
    assert!(
        seen_by_author["time_ms"].is_u64(),
        "the submission's own time is shown"
    );
    let tests = seen_by_author["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 13);
    for test in tests {
        let sample = test.get("sample").is_some();
        assert_eq!(test["time_ms"].is_u64(), sample, "{test}");
        assert_eq!(test["memory_kb"].is_u64(), sample, "{test}");
        assert!(test["verdict"].is_string());
    }
    let seen_by_admin = finished(&app, &admin, &id).await;
    for test in seen_by_admin["tests"].as_array().expect("tests") {
        assert!(test["time_ms"].is_u64() && test["memory_kb"].is_u64(), "{test}");
    }
}

#[tokio::test]
async fn deleting_a_problem_with_submissions_archives_it_and_keeps_them() {
    // No workers: the submission stays queued, which is enough to hold on to the problem.
    let app = spawn_app(AppOptions::default()).await;
    let admin = app.admin_token("archivist@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "archived-echo", true).await;
    let user = token(&app.register("keeper@example.org", PASSWORD).await);
    let id = submit_ok(&app, &user, "archived-echo", "python3", "print(input())").await;

    let deleted = app
        .call(
            Method::DELETE,
            "/api/v1/problems/archived-echo",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let deleted: Value = deleted.json().await.expect("JSON");
    assert_eq!(deleted["deleted"], false, "archived, not deleted: {deleted}");

    let hidden = app
        .call(Method::GET, "/api/v1/problems/archived-echo", Some(&user), None)
        .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let problem = get_json(&app, "/api/v1/problems/archived-echo", Some(&admin)).await;
    assert!(problem["archived_at"].is_string(), "{problem}");
    assert_eq!(problem["published"], false, "{problem}");
    let submission = get_json(&app, &format!("/api/v1/submissions/{id}"), Some(&user)).await;
    assert_eq!(submission["problem"], "archived-echo", "{submission}");
    assert_eq!(submission["source"], "print(input())", "{submission}");
}
