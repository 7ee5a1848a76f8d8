//! Browser tests of the web UI: headless Chromium (Debian's `chromium` and `chromium-driver`,
//! which `scripts/bootstrap` installs) driven over WebDriver with fantoccini. They sign in,
//! submit, watch verdicts arrive live, use the admin pages, and save the screenshots the README
//! shows to `docs/screenshots/`.
//!
//! Every wait polls a DOM condition until a deadline; none sleeps a fixed time as an assertion.

mod checker_messages;
mod driver;
mod passwords;

use driver::Browser;

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::{
    helpers::{eventually, spawn_app, AppOptions, TestApp},
    submissions::import_sample,
};

const PASSWORD: &str = "correct horse battery";
const APLUSB_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";
const APLUSB_PY_WRONG: &str = "a, b = map(int, input().split())\nprint(a - b)\n";
/// Long enough for a first judging on a cold machine.
const VERDICT_TIMEOUT: Duration = Duration::from_secs(180);
const PAGE_TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_contestant_signs_in_submits_and_watches_the_verdict_arrive_live() {
    let app = spawn_app(AppOptions {
        workers: 1,
        ..AppOptions::default()
    })
    .await;
    for problem in ["sortwords", "circle", "aplusb"] {
        import_sample(&app, problem).await;
    }
    app.register("ada@example.org", PASSWORD).await;
    let browser = Browser::open(&app, false).await;

    browser.goto("/signin?redirect=/problems").await;
    browser.screenshot("signin").await;
    browser.sign_in("ada@example.org", "/problems").await;

    browser.click("#problem-list a[href='/problems/aplusb']").await;
    browser
        .until(
            "the problem page",
            "document.getElementById('submit-form')",
            PAGE_TIMEOUT,
        )
        .await;
    assert!(browser
        .text("document.getElementById('sample-in-1').textContent")
        .await
        .contains(' '));
    let accepted = browser.submit("python3", APLUSB_PY).await;
    browser.wait_for_verdict("AC").await;
    browser
        .until(
            "the test table",
            "document.querySelectorAll('#tests tbody tr').length > 0",
            PAGE_TIMEOUT,
        )
        .await;
    browser.screenshot("submission-accepted").await;

    browser.goto("/submissions").await;
    browser
        .until(
            "the submission in the history",
            &format!("document.querySelector(\"tr[data-id='{accepted}'] .verdict\")?.textContent === 'AC'"),
            PAGE_TIMEOUT,
        )
        .await;
    browser.screenshot("history").await;
    browser.goto("/leaderboard").await;
    browser
        .until(
            "ada on the leaderboard with one solve",
            "[...document.querySelectorAll('#leaderboard tbody tr')].some(row => row.innerText.includes('ada') && row.cells[2].textContent === '1')",
            PAGE_TIMEOUT,
        )
        .await;
    browser.screenshot("leaderboard").await;

    browser.goto("/problems").await;
    browser
        .until(
            "the solved mark",
            "document.querySelector(\"tr[data-slug='aplusb'] .solved\")",
            PAGE_TIMEOUT,
        )
        .await;
    browser.screenshot("problems").await;
    browser.goto("/problems/aplusb").await;
    browser
        .until(
            "the editor",
            "window.coderankEditor && document.getElementById('language').value === 'python3'",
            PAGE_TIMEOUT,
        )
        .await;
    browser.screenshot("problem").await;
    browser.click("#playground summary").await;
    browser.fill("#run-stdin", "20 22").await;
    browser.click("#run-button").await;
    browser
        .until(
            "the playground's output",
            "document.getElementById('run-stdout').textContent.trim() === '42'",
            VERDICT_TIMEOUT,
        )
        .await;
    browser.submit("python3", APLUSB_PY_WRONG).await;
    browser.wait_for_verdict("WA").await;
    browser
        .until(
            "the sample's input, expected and actual output and diff",
            "document.querySelector('.sample-result .sample-input') && document.querySelector('.sample-result .sample-expected') && document.querySelector('.sample-result .sample-output') && document.querySelector('.sample-result .diff .del')",
            PAGE_TIMEOUT,
        )
        .await;
    browser
        .client
        .execute(
            "document.querySelector('.sample-result').scrollIntoView();",
            Vec::new(),
        )
        .await
        .expect("scroll to the sample");
    browser.screenshot("submission-wrong-answer").await;

    browser.click("#nav-user").await;
    browser
        .until(
            "the profile",
            "document.querySelector('#solved a[href=\"/problems/aplusb\"]')",
            PAGE_TIMEOUT,
        )
        .await;
    browser.screenshot("profile").await;

    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("phone size");
    browser.goto("/problems/aplusb").await;
    browser
        .until(
            "the problem page on a phone",
            "document.getElementById('problem-title')",
            PAGE_TIMEOUT,
        )
        .await;
    let overflow = browser
        .text("document.documentElement.scrollWidth <= window.innerWidth + 1")
        .await;
    assert_eq!(overflow, "true", "the problem page scrolls sideways on a phone");
    browser.screenshot("problem-phone").await;
    browser.close().await;

    let dark = Browser::open(&app, true).await;
    dark.goto("/problems/aplusb").await;
    dark.until(
        "the problem page",
        "document.querySelector('#statement .katex')",
        PAGE_TIMEOUT,
    )
    .await;
    let background = dark.text("getComputedStyle(document.body).backgroundColor").await;
    assert_ne!(
        background, "rgb(246, 247, 249)",
        "the dark scheme was not applied"
    );
    dark.screenshot("problem-dark").await;
    dark.close().await;
}

#[tokio::test]
async fn an_admin_imports_edits_and_publishes_a_problem_that_a_user_then_sees() {
    let app = spawn_app(AppOptions::default()).await;
    app.admin_token("grace@example.org", PASSWORD).await;
    app.register("linus@example.org", PASSWORD).await;
    let package = tempfile::tempdir().expect("a temporary folder");
    let zip_path = package.path().join("circle.zip");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("problems/circle");
    let zip = coderank::problems::export::zip_dir(&root, "circle").expect("zip the package");
    std::fs::write(&zip_path, zip).expect("write the zip");
    let browser = Browser::open(&app, false).await;

    // Signed out, admin pages send the browser to sign in.
    browser.goto("/admin").await;
    browser
        .until(
            "the sign-in page",
            "location.pathname === '/signin' && document.getElementById('signin-form')",
            PAGE_TIMEOUT,
        )
        .await;

    browser.sign_in("grace@example.org", "/admin").await;
    browser
        .client
        .find(Locator::Css("#package"))
        .await
        .expect("the file input")
        .send_keys(&zip_path.to_string_lossy())
        .await
        .expect("choose the package");
    browser.click("#import-button").await;
    browser
        .until(
            "the problem editor",
            "location.pathname === '/admin/problems/circle' && document.getElementById('statement')",
            PAGE_TIMEOUT,
        )
        .await;
    let statement =
        "# Circle\n\nPrint the area of a circle of radius $r$: $\\pi r^2$.\n\nEdited in the browser.";
    browser
        .client
        .execute(
            "const s = document.getElementById('statement'); s.value = arguments[0]; s.dispatchEvent(new Event('input'));",
            vec![json!(statement)],
        )
        .await
        .expect("edit the statement");
    browser
        .until(
            "the preview with rendered math",
            "document.getElementById('preview').innerText.includes('Edited in the browser') && document.querySelector('#preview .katex')",
            PAGE_TIMEOUT,
        )
        .await;
    if browser.text("document.getElementById('published').checked").await != "true" {
        browser.click("#published").await;
    }
    browser.click("#save").await;
    browser
        .until(
            "saved",
            "document.getElementById('saved').textContent.startsWith('Saved')",
            PAGE_TIMEOUT,
        )
        .await;
    browser
        .client
        .execute("window.scrollTo(0, 0);", Vec::new())
        .await
        .expect("scroll to the top");
    browser.screenshot("admin-editor").await;
    browser.goto("/admin/status").await;
    browser
        .until(
            "the status page",
            "document.getElementById('queue-depth')",
            PAGE_TIMEOUT,
        )
        .await;
    browser.goto("/admin/users").await;
    browser
        .until(
            "the users page",
            "document.querySelectorAll('#admin-users tbody tr').length === 2",
            PAGE_TIMEOUT,
        )
        .await;
    browser.sign_out().await;

    browser.sign_in("linus@example.org", "/problems").await;
    browser.click("#problem-list a[href='/problems/circle']").await;
    browser
        .until(
            "the edited statement with math",
            "document.getElementById('statement')?.innerText.includes('Edited in the browser') && document.querySelector('#statement .katex')",
            PAGE_TIMEOUT,
        )
        .await;
    browser.goto("/admin").await;
    browser
        .until(
            "a 403 page",
            "document.title.startsWith('403') && document.getElementById('error-message') && document.getElementById('nav-user')",
            PAGE_TIMEOUT,
        )
        .await;
    assert!(
        !browser
            .text("document.body.innerText")
            .await
            .contains("Import a package"),
        "a user saw the admin page"
    );
    browser.goto("/admin/problems/circle").await;
    browser
        .until("a 403 page", "document.title.startsWith('403')", PAGE_TIMEOUT)
        .await;
    browser.goto("/no-such-page").await;
    browser
        .until(
            "a 404 page",
            "document.title.startsWith('404') && document.getElementById('error-message')",
            PAGE_TIMEOUT,
        )
        .await;
    browser.close().await;
}
