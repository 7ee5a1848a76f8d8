//! The leaderboard: problems solved, then who got there first; verdicts recorded at once all count.

use std::time::Duration;

use serde_json::{json, Value};

use super::{
    count, echo_problem, finished, get_json, import_sample, submit_ok, token, APLUSB_PY, APLUSB_PY_WRONG,
    ECHO_PY, PASSWORD,
};
use crate::helpers::{spawn_app, AppOptions};

#[tokio::test]
async fn the_leaderboard_ranks_by_problems_solved_then_by_who_got_there_first() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    import_sample(&app, "aplusb").await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    echo_problem(&app, &admin, "echo", true).await;
    let mut users = Vec::new();
    for name in ["ann", "bea", "cid", "dan"] {
        let tokens = app.register(&format!("{name}@example.org"), PASSWORD).await;
        users.push((tokens["user"]["id"].clone(), token(&tokens)));
    }
    let [(ann_id, ann), (bea_id, bea), (cid_id, cid), (dan_id, dan)] = &users[..] else {
        unreachable!()
    };
    // In this order: bea reaches one solved problem before cid, though with more attempts.
    let plan = [
        (ann, "aplusb", APLUSB_PY),
        (ann, "echo", ECHO_PY),
        (bea, "aplusb", APLUSB_PY_WRONG),
        (bea, "aplusb", APLUSB_PY),
        (cid, "aplusb", APLUSB_PY),
        (dan, "aplusb", APLUSB_PY_WRONG),
    ];
    let mut ids = Vec::new();
    for (user, problem, source) in plan {
        ids.push((user, submit_ok(&app, user, problem, "python3", source).await));
    }
    for (user, id) in &ids {
        finished(&app, user, id).await;
    }

    let board = get_json(&app, "/api/v1/leaderboard", None).await;
    let standings = board["standings"].as_array().expect("standings");
    let rows: Vec<(&Value, &Value, &Value, &Value)> = standings
        .iter()
        .map(|s| (&s["user_id"], &s["rank"], &s["solved"], &s["attempts"]))
        .collect();
    assert_eq!(
        rows,
        vec![
            (ann_id, &json!(1), &json!(2), &json!(2)),
            (bea_id, &json!(2), &json!(1), &json!(2)),
            (cid_id, &json!(3), &json!(1), &json!(1)),
            (dan_id, &json!(4), &json!(0), &json!(1)),
        ],
        "{board}"
    );
    let reached = |standing: &Value| {
        chrono::DateTime::parse_from_rfc3339(standing["reached_at"].as_str().expect("reached_at"))
            .expect("a time")
    };
    assert!(reached(&standings[1]) < reached(&standings[2]), "{board}");
    assert!(standings[3]["reached_at"].is_null(), "{board}");
    let bea_problems = &standings[1]["problems"];
    assert_eq!(bea_problems.as_array().map(Vec::len), Some(1), "{board}");
    assert_eq!(bea_problems[0]["slug"], "aplusb");
    assert_eq!(bea_problems[0]["attempts"], 2);
    assert!(bea_problems[0]["solved_at"].is_string());
    assert!(standings[3]["problems"][0]["solved_at"].is_null(), "{board}");
    let slugs: Vec<&Value> = standings[0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| &p["slug"])
        .collect();
    assert_eq!(slugs, [&json!("aplusb"), &json!("echo")]);

    let problems: Vec<(&Value, &Value, &Value, &Value)> = board["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (&p["slug"], &p["attempts"], &p["solved_by"], &p["acceptance_rate"]))
        .collect();
    assert_eq!(
        problems,
        vec![
            (&json!("aplusb"), &json!(5), &json!(3), &json!(0.75)),
            (&json!("echo"), &json!(1), &json!(1), &json!(1.0)),
        ],
        "{board}"
    );
}

#[tokio::test]
async fn two_verdicts_recorded_at_once_for_one_user_both_count_on_the_leaderboard() {
    // Two workers record verdicts of one user's submissions at the same moment: the second
    // transaction must not overwrite the user's stats with a count that misses the first.
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let user = app.register("racer@example.org", PASSWORD).await;
    let user_id: uuid::Uuid = user["user"]["id"].as_str().expect("id").parse().expect("uuid");
    let bearer = token(&user);
    let first = submit_ok(&app, &bearer, "aplusb", "python3", APLUSB_PY).await;
    let second = submit_ok(&app, &bearer, "aplusb", "python3", APLUSB_PY_WRONG).await;
    let db = app.db().await;
    let judging_of = |id: String| {
        let db = db.clone();
        async move {
            sqlx::query_as::<_, (uuid::Uuid, uuid::Uuid)>(
                "SELECT current_judging_id, problem_id FROM submissions WHERE id = $1::uuid",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("a judging")
        }
    };
    let (first_judging, problem_id) = judging_of(first).await;
    let (second_judging, _) = judging_of(second).await;
    let finish = "UPDATE judgings SET status = 'finished', verdict = $2 WHERE id = $1";

    // As `finish` in the worker does: the verdict, then the stats, in one transaction each.
    let mut one = db.begin().await.expect("begin");
    sqlx::query(finish)
        .bind(first_judging)
        .bind("AC")
        .execute(&mut *one)
        .await
        .expect("verdict");
    coderank::submissions::leaderboard::update(&mut one, user_id, problem_id)
        .await
        .expect("stats");
    let other = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut two = db.begin().await.expect("begin");
            sqlx::query(finish)
                .bind(second_judging)
                .bind("WA")
                .execute(&mut *two)
                .await
                .expect("verdict");
            coderank::submissions::leaderboard::update(&mut two, user_id, problem_id)
                .await
                .expect("stats");
            two.commit().await.expect("commit");
        })
    };
    // The second transaction waits on the first's lock before the first commits.
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let blocked = crate::helpers::eventually(Duration::from_secs(30), || {
        let db = db.clone();
        async move { count(&db, waiting).await > 0 }
    })
    .await;
    assert!(blocked, "the second recording did not wait for the first");
    one.commit().await.expect("commit");
    other.await.expect("the second recording");

    let (attempts, solved): (i32, bool) =
        sqlx::query_as("SELECT attempts, solved_at IS NOT NULL FROM user_problem_stats WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&db)
            .await
            .expect("stats");
    assert_eq!((attempts, solved), (2, true));
    let (solved, attempts): (i32, i32) =
        sqlx::query_as("SELECT solved, attempts FROM user_stats WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&db)
            .await
            .expect("user stats");
    assert_eq!((solved, attempts), (1, 2));
}
