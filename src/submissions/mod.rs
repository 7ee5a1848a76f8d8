//! Submissions: the durable judge queue, the workers that judge, live updates, history,
//! rejudges and the leaderboard.
//!
//! - [`records`]: submissions and judgings as rows; creating and rejudging (each with its queue
//!   job in the same transaction);
//! - [`queue`]: the judge queue, leased with SKIP LOCKED, results fenced by lease tokens;
//! - [`worker`]: `coderank worker` / `serve --workers`: claim, judge with the engine, record;
//! - [`events`]: `LISTEN` on submission changes, for WebSocket clients in any API process;
//! - [`leaderboard`]: per-user and per-problem stats kept up to date at each verdict;
//! - [`playground`]: one-off runs of a program on an input.

pub mod bench;
pub mod events;
pub mod leaderboard;
pub mod playground;
pub mod queue;
pub mod records;
pub mod worker;
