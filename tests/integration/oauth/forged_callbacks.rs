//! Replayed, forged and cross-browser callbacks, reused codes and wrong PKCE verifiers are refused.

use super::{
    ada, assert_error, callback, counts, follow_to_provider, forged_callback, query_param, setup,
    signed_in_as, start_login,
};

#[tokio::test]
async fn a_replayed_callback_is_refused_and_starts_no_session() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    signed_in_as(&app, callback(&app, &back, Some(&login.oauth_cookie)).await, "/").await;
    let before = counts(&db).await;

    let replay = callback(&app, &back, Some(&login.oauth_cookie)).await;
    assert_error(replay, 400, "bad_request", "already used").await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 1, "the code is not exchanged again");
}

#[tokio::test]
async fn a_forged_state_is_refused_and_leaves_the_real_one_usable() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    let code = query_param(&back, "code").expect("a code");
    let before = counts(&db).await;

    let forged = forged_callback(&[("code", &code), ("state", "made-up-by-an-attacker")]);
    let response = callback(&app, &forged, Some(&login.oauth_cookie)).await;
    assert_error(response, 400, "bad_request", "state is unknown").await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 0);

    signed_in_as(&app, callback(&app, &back, Some(&login.oauth_cookie)).await, "/").await;
}

#[tokio::test]
async fn a_state_works_only_in_the_browser_that_started_it_and_is_used_up_by_a_wrong_one() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let before = counts(&db).await;

    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    let response = callback(&app, &back, None).await;
    assert_error(response, 400, "bad_request", "another browser").await;
    let retry = callback(&app, &back, Some(&login.oauth_cookie)).await;
    assert_error(retry, 400, "bad_request", "already used").await;

    let victim = start_login(&app, "/").await;
    let victim_back = follow_to_provider(&victim).await;
    let attacker = start_login(&app, "/").await;
    let response = callback(&app, &victim_back, Some(&attacker.oauth_cookie)).await;
    assert_error(response, 400, "bad_request", "another browser").await;
    let retry = callback(&app, &victim_back, Some(&victim.oauth_cookie)).await;
    assert_error(retry, 400, "bad_request", "already used").await;

    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 0, "no code was exchanged");
}

#[tokio::test]
async fn an_authorization_code_already_exchanged_is_refused_by_the_provider() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let first = start_login(&app, "/").await;
    let first_back = follow_to_provider(&first).await;
    signed_in_as(
        &app,
        callback(&app, &first_back, Some(&first.oauth_cookie)).await,
        "/",
    )
    .await;
    let before = counts(&db).await;

    let second = start_login(&app, "/").await;
    let used_code = query_param(&first_back, "code").expect("a code");
    let reused = forged_callback(&[("code", &used_code), ("state", &second.state())]);
    let response = callback(&app, &reused, Some(&second.oauth_cookie)).await;
    assert_error(
        response,
        400,
        "bad_request",
        "the provider refused the authorization code: invalid_grant",
    )
    .await;
    assert_eq!(counts(&db).await, before);
}

#[tokio::test]
async fn a_pkce_verifier_that_does_not_match_the_challenge_is_refused() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let login = start_login(&app, "/").await;
    let back = follow_to_provider(&login).await;
    // As if someone who intercepted the code exchanged it with their own verifier.
    sqlx::query("UPDATE oauth_states SET pkce_verifier = $1")
        .bind("a".repeat(43))
        .execute(&db)
        .await
        .unwrap();
    let before = counts(&db).await;

    let response = callback(&app, &back, Some(&login.oauth_cookie)).await;
    assert_error(
        response,
        400,
        "bad_request",
        "the provider refused the authorization code: invalid_grant",
    )
    .await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 1);
}
