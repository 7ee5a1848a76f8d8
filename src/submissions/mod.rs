//! Submissions: the durable judge queue, the workers that judge, live updates, history,
//! rejudges and the leaderboard.
//!
//! - [`records`]: submissions and judgings as rows, statuses and verdicts typed; creating and
//!   rejudging (each with its queue job in the same transaction);
//! - [`judgings`]: what a worker reads and writes of the judging it holds, fenced by its lease;
//! - [`view`]: what a user may see of a submission;
//! - [`queue`]: the judge queue, leased with SKIP LOCKED, results fenced by lease tokens;
//! - [`broker`]: apalis carrying a wake-up message per queued job to the workers, over
//!   PostgreSQL or RabbitMQ;
//! - [`worker`]: the judging slots of `coderank worker` / `serve --workers`: check, claim, judge
//!   with the engine, record;
//! - [`events`]: `LISTEN` on submission changes and finished runs, in any API process;
//! - [`leaderboard`]: per-user and per-problem stats kept up to date at each verdict;
//! - [`playground`]: one-off runs of a program on an input, judged by the workers;
//! - [`execution`]: what a run executes (one test or several, compiled once) and its outcome;
//! - [`judge0`]: the Judge0 CE vocabulary (language ids, statuses, limits) and callbacks.

pub mod broker;
pub mod events;
pub mod execution;
pub mod judge0;
pub mod judgings;
pub mod leaderboard;
pub mod playground;
pub mod queue;
pub mod records;
pub mod view;
pub mod worker;
