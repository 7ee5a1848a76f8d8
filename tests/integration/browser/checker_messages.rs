//! A custom validator's messages on the submission page: an admin sees the message for the
//! judges and the one for the team; the author sees the team's only.

use super::{Browser, PAGE_TIMEOUT, PASSWORD, VERDICT_TIMEOUT};
use crate::{
    helpers::{spawn_app, AppOptions},
    submissions::{checker_messages::problem_with_validator, finished, submit},
};

#[tokio::test]
async fn the_submission_page_shows_admins_the_judge_message_and_the_author_the_team_message() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    let admin = app.admin_token("root@example.org", PASSWORD).await;
    let ann = app.register("ann@example.org", PASSWORD).await;
    let ann = ann["access_token"].as_str().expect("access_token").to_owned();
    problem_with_validator(&app, &admin, "messages").await;
    let submitted: serde_json::Value = submit(&app, &ann, "messages", "python3", "print(input())\n")
        .await
        .json()
        .await
        .expect("JSON");
    let id = submitted["id"].as_str().expect("id").to_owned();
    assert_eq!(finished(&app, &ann, &id).await["verdict"], "AC");

    let browser = Browser::open(&app, false).await;
    browser.sign_in("root@example.org", "/problems").await;
    browser.goto(&format!("/submissions/{id}")).await;
    browser
        .until(
            "the judge message",
            "document.querySelectorAll('#messages .judge-message').length === 2",
            VERDICT_TIMEOUT,
        )
        .await;
    let judge = browser
        .text("document.querySelector('#messages .judge-message').textContent")
        .await;
    assert_eq!(judge, "for the judges: arguments --tolerance 0.5");
    let team = browser
        .text("document.querySelector('#messages .team-message').textContent")
        .await;
    assert_eq!(team, "for the team: right");
    browser.sign_out().await;

    browser.sign_in("ann@example.org", "/problems").await;
    browser.goto(&format!("/submissions/{id}")).await;
    browser
        .until(
            "the team message",
            "document.querySelectorAll('#messages .team-message').length === 1",
            PAGE_TIMEOUT,
        )
        .await;
    assert_eq!(
        browser
            .text("document.querySelectorAll('.judge-message').length")
            .await,
        "0",
        "the judge message is for admins"
    );
    assert!(!browser
        .text("document.body.innerText")
        .await
        .contains("for the judges"));
    browser.close().await;
}
