//! A disabled account signs in through no provider and gains no provider identity.

use super::{ada, assert_error, counts, setup, sign_in, signed_in_as};
use crate::helpers::set_cookie;

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_through_a_provider() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    signed_in_as(&app, sign_in(&app, "/").await, "/").await;
    sqlx::query("UPDATE users SET disabled = true")
        .execute(&db)
        .await
        .unwrap();
    let before = counts(&db).await;
    let last_login = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>("SELECT last_login_at FROM identities")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let last_login_before = last_login().await;

    let response = sign_in(&app, "/").await;
    assert!(
        set_cookie(&response, "coderank_session").is_none(),
        "no session cookie"
    );
    assert_error(response, 403, "forbidden", "this account is disabled").await;
    assert_eq!(counts(&db).await, before, "no session");
    assert_eq!(
        last_login().await,
        last_login_before,
        "a refused sign-in is not recorded as a login"
    );
}

#[tokio::test]
async fn a_disabled_local_account_gains_no_provider_identity() {
    let (app, provider, db) = setup().await;
    app.register("ada@example.org", "correct horse battery").await;
    sqlx::query("UPDATE users SET disabled = true")
        .execute(&db)
        .await
        .unwrap();
    let before = counts(&db).await;

    provider.answer_claims(ada(true));
    let response = sign_in(&app, "/").await;
    assert_error(response, 403, "forbidden", "this account is disabled").await;
    assert_eq!(counts(&db).await, before, "no identity linked, no session");
}
