//! Measuring CodeRank on this machine: [`judge`] the judge itself (per-test overhead, end to end,
//! against DMOJ and a container per test), [`pipeline`] the whole submission path (HTTP, queue,
//! workers, verdicts, leaderboard) with an in-process server. `scripts/bench` runs both.

pub mod judge;
pub mod pipeline;
