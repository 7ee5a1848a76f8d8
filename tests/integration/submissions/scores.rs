//! A scoring problem end to end: problems/subtasks imported, submissions judged by a worker,
//! their scores and per-group breakdown in the API, the best score on the leaderboard.

use serde_json::Value;

use super::{finished, get_json, import_sample, submit_ok, token, PASSWORD};
use crate::helpers::{spawn_app, AppOptions};

fn sample_source(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("problems/subtasks/submissions");
    std::fs::read_to_string(root.join(path)).expect("a sample submission")
}

fn group_scores(judged: &Value) -> Vec<(String, f64)> {
    judged["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["name"].as_str().expect("name").to_owned(),
                g["score"].as_f64().expect("score"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_partial_solution_scores_its_subtasks_and_the_leaderboard_keeps_the_best_score() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "subtasks").await;
    let user = token(&app.register("scorer@example.org", PASSWORD).await);

    let partial = submit_ok(
        &app,
        &user,
        "subtasks",
        "python3",
        &sample_source("partially_accepted/small_values.py"),
    )
    .await;
    let judged = finished(&app, &user, &partial).await;
    assert_eq!(judged["verdict"], "AC", "{judged}");
    assert_eq!(judged["score"], 20.0, "{judged}");
    assert_eq!(judged["max_score"], 100.0, "{judged}");
    let groups = group_scores(&judged);
    assert!(groups.contains(&("secret/group1".to_owned(), 20.0)), "{groups:?}");
    assert!(groups.contains(&("secret/group2".to_owned(), 0.0)), "{groups:?}");
    let group2 = judged["groups"]
        .as_array()
        .and_then(|groups| groups.iter().find(|g| g["name"] == "secret/group2"))
        .expect("group2");
    assert_eq!(group2["verdict"], "RE", "{group2}");
    assert_eq!(
        group2["judged"], 1,
        "on_reject: break stops the subtask at its first failure"
    );

    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"][0]["score"], 20.0, "{board}");
    assert_eq!(
        board["standings"][0]["solved"], 0,
        "a partial score does not solve it: {board}"
    );

    let wrong = submit_ok(
        &app,
        &user,
        "subtasks",
        "cpp",
        &sample_source("wrong_answer/ordered_pairs.cpp"),
    )
    .await;
    let judged = finished(&app, &user, &wrong).await;
    assert_eq!(
        (&judged["verdict"], &judged["score"]),
        (&Value::from("WA"), &Value::from(0.0)),
        "{judged}"
    );
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(
        board["standings"][0]["score"], 20.0,
        "the best score stays: {board}"
    );
    assert_eq!(
        board["standings"][0]["problems"][0]["best_score"], 20.0,
        "{board}"
    );

    let full = submit_ok(
        &app,
        &user,
        "subtasks",
        "python3",
        &sample_source("accepted/counter.py"),
    )
    .await;
    let judged = finished(&app, &user, &full).await;
    assert_eq!(
        (&judged["verdict"], &judged["score"]),
        (&Value::from("AC"), &Value::from(100.0)),
        "{judged}"
    );
    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    assert_eq!(board["standings"][0]["score"], 100.0, "{board}");
    assert_eq!(
        board["standings"][0]["solved"], 1,
        "the full score solves it: {board}"
    );
}
