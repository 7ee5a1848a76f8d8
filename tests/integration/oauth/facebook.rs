//! The Facebook preset against the test provider answering as Facebook's Graph API: form-body
//! client authentication, Facebook's scopes, a numeric-looking `id` and no verified-e-mail flag.

use serde_json::json;

use super::{counts, provider::Provider, sign_in_at, signed_in_as};
use crate::helpers::{spawn_app, AppOptions};

#[tokio::test]
async fn a_facebook_sign_in_creates_an_account_and_the_next_finds_it_by_the_facebook_id() {
    let provider = Provider::start_facebook().await;
    let app = spawn_app(AppOptions {
        accounts: Some(provider.facebook_accounts()),
        ..Default::default()
    })
    .await;
    provider.answer_claims(json!({ "id": "10001", "name": "Ada Lovelace", "email": "ada@example.org" }));

    let first = signed_in_as(&app, sign_in_at(&app, "facebook", "/").await, "/").await;
    assert_eq!(first["display_name"], "Ada Lovelace");
    assert_eq!(first["providers"], json!(["facebook"]));
    assert_eq!(
        first["email"],
        json!(null),
        "an e-mail Facebook does not vouch for is not stored"
    );

    provider.answer_claims(json!({ "id": "10001", "name": "Ada", "email": "other@example.org" }));
    let again = signed_in_as(&app, sign_in_at(&app, "facebook", "/").await, "/").await;
    assert_eq!(again["id"], first["id"], "the same Facebook id is the same user");
    assert_eq!(counts(&app.db().await).await, [1, 1, 2]);
}

#[tokio::test]
async fn a_facebook_sign_in_never_links_to_an_account_by_its_e_mail() {
    let provider = Provider::start_facebook().await;
    let app = spawn_app(AppOptions {
        accounts: Some(provider.facebook_accounts()),
        ..Default::default()
    })
    .await;
    let local = app.register("ada@example.org", "correct horse battery").await;
    provider.answer_claims(json!({ "id": "10002", "name": "Someone", "email": "ada@example.org" }));

    let signed_in = signed_in_as(&app, sign_in_at(&app, "facebook", "/").await, "/").await;
    assert_ne!(
        signed_in["id"], local["user"]["id"],
        "the local account is not taken over"
    );
    assert_eq!(signed_in["email"], json!(null));
    let identities_of_local: i64 = sqlx::query_scalar("SELECT count(*) FROM identities WHERE user_id = $1")
        .bind(
            local["user"]["id"]
                .as_str()
                .and_then(|id| id.parse::<uuid::Uuid>().ok()),
        )
        .fetch_one(&app.db().await)
        .await
        .expect("count");
    assert_eq!(identities_of_local, 0);
}
