//! The JSON API: one adapter over the application ([`crate::app`]), beside the web pages.
//!
//! Each area keeps its routes beside its handlers (`pub fn router() -> OpenApiRouter<AppState>`)
//! and [`router`] merges them here, so this file is the one place that shows every URL of the
//! API. The OpenAPI document is collected from the same routers, so it cannot drift from them.
//!
//! Authorization is decided here, by group: a route is public, signed-in or admin according to
//! the router it is merged into, and the signed-in and admin groups are wrapped in a layer that
//! runs the [`extract::CurrentUser`] or [`extract::Admin`] extractor first. The document learns
//! the same grouping ([`openapi::Guard`]) and the answers every shared part can give
//! ([`openapi::SharedAnswers`]), so it describes every answer the API gives.

mod account;
mod auth;
mod health;
mod judge0;
pub mod metrics;
pub mod openapi;
mod problems;
mod submissions;
mod users;

use axum::{extract::DefaultBodyLimit, middleware::from_extractor_with_state, Router};
pub use judge0::callbacks::send as send_judge0_callbacks;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::app::{extract, AppState};

/// Every route of the API, grouped by who may call it, and the OpenAPI document and `/docs`.
/// Each group reads bodies up to its own limit (public routes: the application's default, the
/// anonymous limit); the group's credentials are checked before any body is read.
pub fn router(state: &AppState) -> Router<AppState> {
    let limits = state.body_limits;
    let max_package_bytes = usize::try_from(state.problem_limits.max_package_bytes).unwrap_or(usize::MAX);
    let public = OpenApiRouter::new()
        .merge(health::router())
        .merge(auth::public_router())
        .merge(problems::public_router())
        .merge(submissions::public_router());
    let mut signed_in = OpenApiRouter::new()
        .merge(auth::signed_in_router())
        .merge(account::signed_in_router())
        .merge(submissions::signed_in_router())
        .route_layer(DefaultBodyLimit::max(limits.user))
        .route_layer(from_extractor_with_state::<extract::CurrentUser, _>(
            state.clone(),
        ));
    let mut admin = OpenApiRouter::new()
        .merge(users::admin_router())
        .merge(problems::admin_router(max_package_bytes))
        .merge(submissions::admin_router())
        .route_layer(DefaultBodyLimit::max(limits.admin))
        .route_layer(from_extractor_with_state::<extract::Admin, _>(state.clone()));
    openapi::Guard(openapi::Access::SignedIn).modify(signed_in.get_openapi_mut());
    openapi::Guard(openapi::Access::Admin).modify(admin.get_openapi_mut());
    let (api, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(public)
        .merge(signed_in)
        .merge(admin)
        .split_for_parts();
    openapi::SharedAnswers.modify(&mut document);
    api.merge(openapi::router(document))
        .nest("/judge0", judge0::router(state))
}
