-- Submissions, their judgings, the judge queue and the leaderboard. See src/submissions/mod.rs.

-- Judged before others when the queue is busy (e.g. premium accounts); 0 for everyone else.
ALTER TABLE users ADD COLUMN priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 100);

CREATE TABLE submissions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- RESTRICT: a user or problem with submissions is never deleted from under them (a problem
    -- is archived instead).
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE RESTRICT,
    language text NOT NULL,
    source text NOT NULL,
    -- The judging whose result the submission shows: the newest one.
    current_judging_id uuid,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination of history, newest first, overall and per user / problem.
CREATE INDEX submissions_created ON submissions (created_at DESC, id DESC);
CREATE INDEX submissions_user ON submissions (user_id, created_at DESC, id DESC);
CREATE INDEX submissions_problem ON submissions (problem_id, created_at DESC, id DESC);

-- One run of the judge over a submission: the first, and one per rejudge. Earlier judgings stay,
-- so history shows what a rejudge changed.
CREATE TABLE judgings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    submission_id uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    reason text NOT NULL CHECK (reason IN ('submit', 'rejudge')),
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'compiling', 'running', 'finished')),
    verdict text CHECK (verdict IN ('AC', 'WA', 'TLE', 'MLE', 'RE', 'CE', 'OLE', 'IE')),
    time_ms integer,
    memory_kb integer,
    tests_done integer NOT NULL DEFAULT 0,
    tests_total integer,
    -- The compile step's report and every test's result, as the judge engine reports them.
    compile jsonb,
    tests jsonb NOT NULL DEFAULT '[]',
    -- Why the judge failed, for an IE (admins only).
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz
);
CREATE INDEX judgings_submission ON judgings (submission_id, created_at);
ALTER TABLE submissions ADD CONSTRAINT submissions_current_judging
    FOREIGN KEY (current_judging_id) REFERENCES judgings (id) DEFERRABLE INITIALLY DEFERRED;

-- The judge queue: a row per judging waiting or being judged. A worker leases a row with a
-- fresh token (SKIP LOCKED, highest priority first) and renews the lease while it judges; a
-- lease that runs out (its worker died) lets another worker take the job. Results are recorded
-- only by the holder of the current token, in the transaction that deletes the row, so each
-- judging is recorded exactly once.
CREATE TABLE judge_jobs (
    judging_id uuid PRIMARY KEY REFERENCES judgings (id) ON DELETE CASCADE,
    -- Higher first: fresh submissions 100 + the user's priority, rejudges 0.
    priority integer NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    lease_token uuid,
    leased_by text,
    lease_expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX judge_jobs_next ON judge_jobs (priority DESC, created_at);

-- Per user and problem: attempts and when it was first solved. Updated when a judging
-- finishes, so the leaderboard never scans submissions.
CREATE TABLE user_problem_stats (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    attempts integer NOT NULL,
    solved_at timestamptz,
    PRIMARY KEY (user_id, problem_id)
);
CREATE INDEX user_problem_stats_problem ON user_problem_stats (problem_id);

-- Per user: problems solved, and when that count was reached (the tie-break).
CREATE TABLE user_stats (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    solved integer NOT NULL,
    attempts integer NOT NULL,
    reached_at timestamptz
);
CREATE INDEX user_stats_rank ON user_stats (solved DESC, reached_at ASC);

-- Playground runs: one program, one input, kept briefly.
CREATE TABLE runs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language text NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'finished')),
    result jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runs_created ON runs (created_at);
