//! Prometheus metrics: one recorder per process, rendered by `GET /metrics` on the API and on
//! each worker (`coderank worker --metrics-bind`).
//!
//! Every metric's name and labels are written here and nowhere else, as small functions the
//! rest of the code calls; `deploy/grafana/coderank.json` charts them, and README lists them.
//! Recording is cheap (an atomic add) and never fails: a process that never renders metrics
//! (the CLI) only pays for the recorder.

use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use axum::{http::header, routing::get, Router};
use futures::future::BoxFuture;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Buckets of request latencies: from a cached page to a package upload.
const REQUEST_SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Buckets of judging steps: from a sub-millisecond test to a slow compile.
const JUDGE_SECONDS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use.
fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(HTTP_REQUEST_SECONDS.to_owned()),
                REQUEST_SECONDS,
            )
            .and_then(|builder| builder.set_buckets(JUDGE_SECONDS))
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|err| {
                // Only empty bucket lists are refused, and ours are constants.
                tracing::error!(error = %err, "metrics buckets refused; using the defaults");
                PrometheusBuilder::new().build_recorder()
            });
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first; /metrics shows only gauges read at scrape time");
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            // Histograms buffer their samples until upkeep folds them into buckets.
            let upkeep = handle.clone();
            runtime.spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    upkeep.run_upkeep();
                }
            });
        }
        handle
    })
}

/// Installs the recorder now, so that metrics recorded before the first scrape are kept.
pub fn install() {
    handle();
}

/// Every metric in the Prometheus text format.
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

/// The content type of [`render`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Sets the gauges that are read from elsewhere (the queue in PostgreSQL) just before a scrape.
pub type Refresh = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// How long a scrape waits for [`Refresh`]; past it the gauges keep their last values.
const REFRESH_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /metrics`: refresh the gauges read at scrape time, then render every metric.
pub fn router<S: Clone + Send + Sync + 'static>(refresh: Refresh) -> Router<S> {
    Router::new().route(
        "/metrics",
        get(move || {
            let refresh = Arc::clone(&refresh);
            async move {
                if tokio::time::timeout(REFRESH_TIMEOUT, refresh()).await.is_err() {
                    tracing::warn!("metrics: the queue gauges were not read in time");
                }
                ([(header::CONTENT_TYPE, CONTENT_TYPE)], render())
            }
        }),
    )
}

const HTTP_REQUESTS: &str = "coderank_http_requests_total";
const HTTP_REQUEST_SECONDS: &str = "coderank_http_request_duration_seconds";
const QUEUE_DEPTH: &str = "coderank_queue_depth";
const QUEUE_RUNNING: &str = "coderank_queue_running";
const LIVE_WORKERS: &str = "coderank_live_workers";
const JUDGINGS: &str = "coderank_judgings_total";
const JUDGING_SECONDS: &str = "coderank_judging_duration_seconds";
const TEST_SECONDS: &str = "coderank_test_time_seconds";
const SANDBOX_START_SECONDS: &str = "coderank_sandbox_start_seconds";
const WARM_POOL_TAKES: &str = "coderank_warm_pool_takes_total";
const WORKER_SLOTS: &str = "coderank_worker_slots";
const WORKER_SLOTS_BUSY: &str = "coderank_worker_slots_busy";
const RATE_LIMIT_REFUSALS: &str = "coderank_rate_limit_refusals_total";

/// One HTTP request answered. `route` is the matched route template (`/api/v1/submissions/{id}`),
/// never the raw path, so that a scan of random URLs cannot grow the label set.
pub fn http_request(method: &str, route: &str, status: u16, elapsed: Duration) {
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_REQUEST_SECONDS, &labels).record(elapsed.as_secs_f64());
}

/// Jobs of one kind (`submit`, `rejudge`, `run`) waiting and being judged, read at scrape time.
pub fn queue(kind: &str, queued: i64, running: i64) {
    metrics::gauge!(QUEUE_DEPTH, "kind" => kind.to_owned()).set(queued as f64);
    metrics::gauge!(QUEUE_RUNNING, "kind" => kind.to_owned()).set(running as f64);
}

/// Judge workers that announced themselves in the last minute, read at scrape time.
pub fn live_workers(count: i64) {
    metrics::gauge!(LIVE_WORKERS).set(count as f64);
}

/// A judging recorded, from its claim to its verdict.
pub fn judged(verdict: &str, language: &str, elapsed: Duration) {
    metrics::counter!(JUDGINGS, "verdict" => verdict.to_owned(), "language" => language.to_owned())
        .increment(1);
    metrics::histogram!(JUDGING_SECONDS, "language" => language.to_owned()).record(elapsed.as_secs_f64());
}

/// The CPU time of one test run.
pub fn test_time(language: &str, cpu_ms: u64) {
    metrics::histogram!(TEST_SECONDS, "language" => language.to_owned()).record(cpu_ms as f64 / 1000.0);
}

/// How long a sandbox container took to be created and started.
pub fn sandbox_started(elapsed: Duration) {
    metrics::histogram!(SANDBOX_START_SECONDS).record(elapsed.as_secs_f64());
}

/// A judging asked the warm pool for a sandbox: `ready` (one was waiting) or `missed` (none:
/// the judging starts its own).
pub fn warm_pool_take(outcome: &'static str) {
    metrics::counter!(WARM_POOL_TAKES, "outcome" => outcome).increment(1);
}

/// The judging slots of worker `worker`.
pub fn worker_slots(worker: &str, slots: usize) {
    metrics::gauge!(WORKER_SLOTS, "worker" => worker.to_owned()).set(slots as f64);
    metrics::gauge!(WORKER_SLOTS_BUSY, "worker" => worker.to_owned()).set(0.0);
}

/// Marks one slot of `worker` busy until the guard is dropped.
pub fn slot_busy(worker: &str) -> BusySlot {
    let gauge = metrics::gauge!(WORKER_SLOTS_BUSY, "worker" => worker.to_owned());
    gauge.increment(1.0);
    BusySlot(gauge)
}

/// A busy judging slot; dropping it frees the slot in the gauge.
pub struct BusySlot(metrics::Gauge);

impl Drop for BusySlot {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// A request refused by rate limit `limit` (`submit`, `run`, `login`, `register`).
pub fn rate_limited(limit: &str) {
    metrics::counter!(RATE_LIMIT_REFUSALS, "limit" => limit.to_owned()).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_metrics_are_rendered_with_their_labels() {
        install();
        http_request("GET", "/api/v1/problems", 200, Duration::from_millis(3));
        rate_limited("submit");
        let text = render();
        assert!(
            text.contains(
                r#"coderank_http_requests_total{method="GET",route="/api/v1/problems",status="200"}"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"coderank_http_request_duration_seconds_bucket{method="GET",route="/api/v1/problems",status="200",le="0.005"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#"coderank_rate_limit_refusals_total{limit="submit"}"#),
            "{text}"
        );
    }
}
