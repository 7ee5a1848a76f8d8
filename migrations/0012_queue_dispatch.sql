-- The judge queue's rows (judge_jobs, runs, time_limit_jobs) stay the record of every job, its
-- priority, lease and attempts; apalis carries a wake-up message per job to the workers (see
-- docs/decisions.md). `dispatched_at` is when a message for the row was last handed to the
-- broker: NULL means not yet (the row is an outbox entry written with its submission), and a
-- row that is ready again after a claim ran out, or whose message is overdue, is dispatched
-- again by the workers' sweeper.
ALTER TABLE judge_jobs ADD COLUMN dispatched_at timestamptz;
ALTER TABLE runs ADD COLUMN dispatched_at timestamptz;
ALTER TABLE time_limit_jobs ADD COLUMN dispatched_at timestamptz;
-- The dispatcher looks for rows never dispatched, often; they are few.
CREATE INDEX judge_jobs_undispatched ON judge_jobs (created_at) WHERE dispatched_at IS NULL;
