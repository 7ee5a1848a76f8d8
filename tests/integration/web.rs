//! The web UI over plain HTTP (the browser tests in `browser.rs` drive it in Chromium): admin
//! pages are guarded by the API's checks, pages answer errors as HTML, and every asset a page
//! loads is served by CodeRank itself.

use reqwest::{header, redirect::Policy, StatusCode};

use crate::{
    helpers::{spawn_app, AppOptions},
    submissions::import_sample,
};

const PASSWORD: &str = "correct horse battery";
const ADMIN_PAGES: &[&str] = &[
    "/admin",
    "/admin/problems/aplusb",
    "/admin/users",
    "/admin/status",
    "/admin/submissions",
];

fn page_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("a client")
}

#[tokio::test]
async fn admin_pages_send_visitors_to_sign_in_and_refuse_users_with_a_403_page() {
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let user = app.register("page-user@example.org", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let admin = app.admin_token("page-admin@example.org", PASSWORD).await;
    let client = page_client();
    for page in ADMIN_PAGES {
        let anonymous = client.get(app.url(page)).send().await.expect("request");
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "{page}");
        let location = anonymous.headers()[header::LOCATION].to_str().expect("ASCII");
        assert!(
            location.starts_with("/signin?redirect=%2Fadmin"),
            "{page}: {location}"
        );

        let refused = client
            .get(app.url(page))
            .bearer_auth(&user)
            .send()
            .await
            .expect("request");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{page}");
        let content_type = refused.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert!(content_type.starts_with("text/html"), "{page}: {content_type}");
        assert!(
            refused.text().await.expect("body").contains("only admins"),
            "{page}"
        );

        let allowed = client
            .get(app.url(page))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("request");
        assert_eq!(allowed.status(), StatusCode::OK, "{page}");
    }
    let preview = client
        .post(app.url("/admin/preview"))
        .bearer_auth(&user)
        .body("# Hi")
        .send()
        .await
        .expect("request");
    assert_eq!(preview.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_load_only_assets_served_by_coderank_and_stay_out_of_the_api_document() {
    let app = spawn_app(AppOptions::default()).await;
    import_sample(&app, "aplusb").await;
    let client = page_client();
    for page in ["/", "/problems", "/problems/aplusb", "/signin", "/leaderboard"] {
        let response = client.get(app.url(page)).send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        let html = response.text().await.expect("body");
        for attribute in ["src=\"", "href=\""] {
            for reference in html.split(attribute).skip(1) {
                let target = reference.split('"').next().unwrap_or_default();
                assert!(!target.contains("//"), "{page} loads {target} from elsewhere");
                if target.starts_with("/static/") {
                    let asset = client.get(app.url(target)).send().await.expect("request");
                    assert_eq!(asset.status(), StatusCode::OK, "{page}: {target}");
                }
            }
        }
    }
    let font = app
        .get("/static/vendor/katex/fonts/KaTeX_Main-Regular.woff2")
        .await;
    assert_eq!(font.status(), StatusCode::OK);
    assert_eq!(font.headers()[header::CONTENT_TYPE], "font/woff2");

    let missing = client
        .get(app.url("/no-such-page"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.expect("body").contains("<html"));

    let document: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    let pages = [
        "/",
        "/problems",
        "/submissions",
        "/signin",
        "/leaderboard",
        "/users",
        "/admin",
        "/static",
    ];
    assert!(
        !paths.keys().any(|path| pages
            .iter()
            .any(|page| path == page || path.starts_with(&format!("{page}/")))),
        "{:?}",
        paths.keys()
    );
}
