-- Playground runs are judged by the judge workers, like submissions, instead of inside the API
-- process: an API without a Docker engine (docker-compose, Kubernetes) serves the playground,
-- runs survive an API restart, and the workers' capacity bounds them. The `runs` row is its own
-- queue entry, leased as `judge_jobs` rows are (see src/submissions/playground.rs).

-- What to run. Rows from before this migration never ran again; they get empty text.
ALTER TABLE runs ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN stdin text NOT NULL DEFAULT '';
-- The lease of the worker running it: claims, the fencing token, who and until when.
ALTER TABLE runs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN lease_token uuid;
ALTER TABLE runs ADD COLUMN leased_by text;
ALTER TABLE runs ADD COLUMN lease_expires_at timestamptz;
-- Workers look for unfinished runs, oldest first; finished ones are most of the table.
CREATE INDEX runs_unfinished ON runs (created_at) WHERE status <> 'finished';
