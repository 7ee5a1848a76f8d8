//! Measuring CodeRank on this machine: [`judge`] the judge itself (per-test overhead, end to end,
//! against DMOJ and a container per test; [`interactive`] the per-test cost of interactive problems), [`pipeline`] the whole submission path (HTTP, queue,
//! workers, verdicts, leaderboard) with an in-process server. `scripts/bench` runs both.

mod client;
pub mod interactive;
pub mod judge;
pub mod pipeline;
