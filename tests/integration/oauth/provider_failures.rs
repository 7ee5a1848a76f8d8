//! A provider that reports an error, or whose token or user-info endpoint fails, signs nobody in.

use serde_json::json;

use super::{ada, assert_error, counts, provider::Answer, setup, sign_in};

#[tokio::test]
async fn a_provider_error_in_the_callback_is_reported_and_signs_nobody_in() {
    let (app, provider, db) = setup().await;
    provider.switch(|state| state.deny = true);
    let before = counts(&db).await;

    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "access_denied (the user declined)").await;
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 0);
}

#[tokio::test]
async fn a_token_endpoint_answering_garbage_or_an_error_signs_nobody_in() {
    let (app, provider, db) = setup().await;
    provider.answer_claims(ada(true));
    let before = counts(&db).await;

    for (answer, message) in [
        (Answer::Garbage, "unexpected response Content-Type: \"text/html\""),
        (Answer::BrokenJson, "the token endpoint did not answer a token"),
        (Answer::ServerError, "server_error"),
    ] {
        provider.switch(|state| state.token = answer);
        let response = sign_in(&app, "/").await;
        let expected = format!("the provider refused the authorization code: {message}");
        assert_error(response, 400, "bad_request", &expected).await;
    }
    assert_eq!(counts(&db).await, before);
    assert_eq!(provider.token_requests(), 3);
}

#[tokio::test]
async fn user_info_that_fails_is_not_json_or_lacks_the_subject_signs_nobody_in() {
    let (app, provider, db) = setup().await;
    let before = counts(&db).await;

    provider.answer_claims(ada(true));
    provider.switch(|state| state.userinfo = Answer::Garbage);
    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "did not answer the expected JSON").await;

    provider.switch(|state| state.userinfo = Answer::ServerError);
    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "answered 500 Internal Server Error").await;

    provider.switch(|state| state.userinfo = Answer::Normal);
    provider.answer_claims(json!({ "email": "ada@example.org", "email_verified": true, "name": "Ada" }));
    let response = sign_in(&app, "/").await;
    assert_error(response, 400, "bad_request", "it has no `sub`").await;

    assert_eq!(counts(&db).await, before);
}
