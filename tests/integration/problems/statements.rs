//! Statements through import, the API and the problem page: a LaTeX statement in two languages
//! rendered by pandoc with MathML, its image and attachment served with their content types to
//! those who may see the problem (and to nobody else), a language switch, a statement pandoc
//! cannot render refused at import without a trace, and the statements through an export.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use super::{answer, app_with_callers, export, import, import_ok, patch, refusal, row_counts, Package};
use crate::helpers::AppOptions;

const ENGLISH: &str = r"\problemname{Circle}
\illustration{0.3}{circle}{A circle of radius $r$.}
Given the radius $r$, print the area $\pi r^2$.
\section*{Input}
One integer $r$ ($1 \le r \le 1000$). \input{/etc/passwd}
\section*{Output}
The area.
";

const SWEDISH: &str = r"\problemname{Cirkel}
\includegraphics[width=0.3\textwidth]{circle.png}
Givet radien $r$, skriv ut arean $\pi r^2$.
\section*{Indata}
Ett heltal $r$.
";

/// A PNG's signature and something unique: what is served must be these very bytes.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(super::unique("png").into_bytes());
    bytes
}

fn circle_package(png: &[u8]) -> Package {
    Package::fresh("Circle")
        .without("statement/problem.en.md")
        .with(
            "problem.yaml",
            "name:\n  en: Circle\n  sv: Cirkel\nvalidation: default\nlimits:\n  time_limit: 1\n",
        )
        .with("problem_statement/problem.en.tex", ENGLISH)
        .with("problem_statement/problem.sv.tex", SWEDISH)
        .with("problem_statement/circle.png", png)
        .with(
            "problem_statement/diagram.svg",
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        )
        .with("attachments/template.py", "print(input())\n")
}

async fn page(app: &crate::helpers::TestApp, path: &str, accept_language: Option<&str>) -> String {
    let mut request = app.client.get(app.url(path));
    if let Some(languages) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, languages);
    }
    let response = request.send().await.expect("request");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.expect("the page")
}

#[tokio::test]
async fn a_latex_statement_in_two_languages_is_shown_per_language_with_math_and_its_image_is_served() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let png = png();
    import_ok(&app, &admin, "?publish=true", circle_package(&png).zip("circle")).await;

    // The API: both languages, each with its title and its HTML (MathML, images at the API).
    let (status, detail) = answer(app.call(Method::GET, "/api/v1/problems/circle", None, None).await).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["languages"], json!(["en", "sv"]));
    let statements = detail["statements"].as_array().expect("statements");
    assert_eq!(statements[0]["title"], "Circle");
    assert_eq!(statements[1]["title"], "Cirkel");
    assert_eq!(statements[1]["format"], "latex");
    let html = |index: usize| statements[index]["html"].as_str().expect("html").to_owned();
    for index in [0, 1] {
        assert!(
            html(index).contains("<math") && html(index).contains("<msup>"),
            "{}",
            html(index)
        );
        assert!(
            !html(index).contains("\\section"),
            "never LaTeX source: {}",
            html(index)
        );
    }
    assert!(
        html(0).contains("src=\"/api/v1/problems/circle/statement/circle\""),
        "{}",
        html(0)
    );
    assert!(
        html(1).contains("src=\"/api/v1/problems/circle/statement/circle.png\""),
        "{}",
        html(1)
    );
    assert!(!html(0).contains("root:"), "\\input read a file: {}", html(0));

    // The page: ?lang= picks the language, else the browser's, else English.
    let swedish = page(&app, "/problems/circle?lang=sv", None).await;
    assert!(
        swedish.contains("Cirkel") && swedish.contains("Givet radien"),
        "{swedish}"
    );
    assert!(swedish.contains("<math"), "{swedish}");
    assert!(
        swedish.contains("src=\"/problems/circle/statement/circle.png\""),
        "{swedish}"
    );
    assert!(
        swedish.contains("href=\"/problems/circle?lang=en\""),
        "the switch: {swedish}"
    );
    assert!(!swedish.contains("\\section"), "never LaTeX source: {swedish}");
    let by_browser = page(&app, "/problems/circle", Some("sv-SE, en;q=0.5")).await;
    assert!(by_browser.contains("Givet radien"), "{by_browser}");
    let default = page(&app, "/problems/circle", Some("fr")).await;
    assert!(default.contains("Given the radius"), "{default}");

    // The image, by its name and by LaTeX's name without extension, from the page and the API.
    for path in [
        "/problems/circle/statement/circle.png",
        "/problems/circle/statement/circle",
        "/api/v1/problems/circle/statement/circle.png",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "image/png", "{path}");
        assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            response.bytes().await.expect("bytes").as_ref(),
            png.as_slice(),
            "{path}"
        );
    }
    // An SVG runs no script, even opened by itself; an attachment that is no image downloads.
    let svg = app.get("/problems/circle/statement/diagram.svg").await;
    assert_eq!(svg.headers()[header::CONTENT_TYPE], "image/svg+xml");
    let policy = svg.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("text");
    assert!(policy.starts_with("sandbox"), "{policy}");
    let attachment = app.get("/api/v1/problems/circle/attachments/template.py").await;
    assert_eq!(attachment.status(), StatusCode::OK);
    assert_eq!(
        attachment.headers()[header::CONTENT_TYPE],
        "application/octet-stream"
    );
    let disposition = attachment.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("text");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    // The statement's sources and paths out of the folder are not served.
    for path in [
        "/problems/circle/statement/problem.en.tex",
        "/api/v1/problems/circle/statement/problem.sv.tex",
        "/api/v1/problems/circle/statement/..%2Fproblem.yaml",
        "/api/v1/problems/circle/attachments/..%2Fdata%2Fsecret%2F1.ans",
    ] {
        assert_eq!(app.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_hidden_problems_statement_files_are_not_found_except_by_admins() {
    let (app, admin, user) = app_with_callers(AppOptions::default()).await;
    import_ok(&app, &admin, "", circle_package(&png()).zip("circle")).await;
    for path in [
        "/problems/circle/statement/circle.png",
        "/api/v1/problems/circle/statement/circle.png",
        "/api/v1/problems/circle/attachments/template.py",
    ] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "anonymous: {path}"
        );
    }
    let as_user = app
        .call(
            Method::GET,
            "/api/v1/problems/circle/statement/circle.png",
            Some(&user),
            None,
        )
        .await;
    assert_eq!(as_user.status(), StatusCode::NOT_FOUND);
    let as_admin = app
        .call(
            Method::GET,
            "/api/v1/problems/circle/statement/circle.png",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(as_admin.status(), StatusCode::OK);
    assert_eq!(as_admin.headers()[header::CONTENT_TYPE], "image/png");
}

#[tokio::test]
async fn statements_in_every_language_come_back_through_an_export_and_an_edit_is_rendered() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    import_ok(&app, &admin, "", circle_package(&png()).zip("circle")).await;
    let exported = export(&app, &admin, "circle").await;
    import_ok(&app, &admin, "?slug=circle-copy", exported).await;
    let rows = |slug: &'static str| {
        let db = db.clone();
        async move {
            let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
                "SELECT s.language, s.title, s.format, s.path, s.html FROM problem_statements s
                 JOIN problems p ON p.id = s.problem_id WHERE p.slug = $1 ORDER BY s.language",
            )
            .bind(slug)
            .fetch_all(&db)
            .await
            .expect("statement rows");
            rows
        }
    };
    let original = rows("circle").await;
    assert_eq!(original.len(), 2);
    assert_eq!(original, rows("circle-copy").await);

    // The English statement is the one admins edit; an edit is rendered again, or refused.
    let (status, body) = patch(&app, &admin, "circle", json!({ "statement": "Edited: $x^2$." })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = answer(
        app.call(Method::GET, "/api/v1/problems/circle", Some(&admin), None)
            .await,
    )
    .await;
    let english: &Value = &detail["statements"][0];
    let html = english["html"].as_str().expect("html");
    assert!(html.contains("Edited:") && html.contains("<msup>"), "{html}");
    let (status, body) = patch(
        &app,
        &admin,
        "circle",
        json!({ "statement": "\\begin{itemize} unclosed" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("problem_statement/problem.en.tex"),
        "{body}"
    );
}

#[tokio::test]
async fn a_statement_pandoc_cannot_render_or_an_oversized_image_is_refused_and_nothing_is_imported() {
    let (app, admin, _) = app_with_callers(AppOptions::default()).await;
    let db = app.db().await;
    let before = row_counts(&db).await;
    let broken = circle_package(&png()).with(
        "problem_statement/problem.sv.tex",
        "\\begin{itemize} \\item unclosed",
    );
    let (status, message) = refusal(import(&app, &admin, "", broken.zip("circle")).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert!(
        message.contains("problem_statement/problem.sv.tex") && message.contains("pandoc"),
        "{message}"
    );
    let huge = circle_package(&png()).with("problem_statement/huge.png", vec![0u8; (16 << 20) + 1]);
    let (status, message) = refusal(import(&app, &admin, "", huge.zip("circle")).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{message}");
    assert!(message.contains("problem_statement/huge.png"), "{message}");
    assert_eq!(row_counts(&db).await, before, "nothing was half-imported");
    let statements: i64 = sqlx::query_scalar("SELECT count(*) FROM problem_statements")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(statements, 0);
}
