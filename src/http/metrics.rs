//! The layer that counts and times every HTTP request for `GET /metrics`, by the route that
//! matched (its template, not the raw path) and the status answered.

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use tokio::time::Instant;

use crate::telemetry::metrics;

/// Label of requests no route matched (404s of random paths), so they share one series.
const UNMATCHED: &str = "unmatched";

pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = match request.method().as_str() {
        known @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => known,
        _ => "other",
    }
    .to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    metrics::http_request(&method, &route, response.status().as_u16(), started.elapsed());
    response
}
