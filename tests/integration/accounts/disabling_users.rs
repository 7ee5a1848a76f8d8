//! Admins disabling users: the user's tokens and sign-in stop; some changes to users are refused.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{access, error_message, login, make_admin, PASSWORD};
use crate::helpers::{spawn_app, AppOptions};

#[tokio::test]
async fn disabling_a_user_stops_their_tokens_and_sign_in() {
    let app = spawn_app(AppOptions::default()).await;
    let admin = access(&app.register("root@example.org", PASSWORD).await);
    make_admin(&app, "root@example.org").await;
    let user = app.register("dan@example.org", PASSWORD).await;
    let user_token = access(&user);
    let id = user["user"]["id"].as_str().expect("id");
    let disabled = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(disabled.status(), 200);
    let me = app.call(Method::GET, "/api/v1/me", Some(&user_token), None).await;
    assert_eq!(me.status(), StatusCode::FORBIDDEN);
    assert!(error_message(me).await.contains("disabled"));
    assert_eq!(
        login(&app, "dan@example.org", PASSWORD).await.status(),
        StatusCode::FORBIDDEN
    );
    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": user["refresh_token"] })),
        )
        .await;
    assert_eq!(refreshed.status(), StatusCode::FORBIDDEN);

    let admin_id = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM users WHERE role = 'admin'")
        .fetch_one(&app.db().await)
        .await
        .expect("admin id");
    for body in [json!({ "role": "user" }), json!({ "disabled": true })] {
        let response = app
            .call(
                Method::PATCH,
                &format!("/api/v1/users/{admin_id}"),
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
    }
    let missing = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
            Some(&admin),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
