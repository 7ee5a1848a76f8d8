-- A package that gives no time limit is imported at once: the judge workers derive its limit
-- from its accepted submissions, as problemtools does (or an admin sets it), and until then the
-- problem has none and cannot be published (see src/problems/time_limits.rs).
ALTER TABLE problems ALTER COLUMN time_limit_ms DROP NOT NULL;
ALTER TABLE problems ADD CONSTRAINT problems_published_have_a_time_limit
    CHECK (NOT published OR time_limit_ms IS NOT NULL);
-- How the limit was found, shown beside it: "problem.yaml", "set by an admin",
-- "derived: slowest accepted 0.42 s (accepted/sol.py) × 5 → 3 s", or "deriving" meanwhile.
ALTER TABLE problems ADD COLUMN time_limit_source text NOT NULL DEFAULT 'given';
-- Why deriving it failed, for admins; NULL unless it failed.
ALTER TABLE problems ADD COLUMN time_limit_error text;

-- Derivation jobs, one per problem, leased and fenced as judge_jobs rows are; the job is deleted
-- in the transaction that records the limit or the failure.
CREATE TABLE time_limit_jobs (
    problem_id uuid PRIMARY KEY REFERENCES problems (id) ON DELETE CASCADE,
    attempts integer NOT NULL DEFAULT 0,
    lease_token uuid,
    leased_by text,
    lease_expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
