-- A playground run may carry several tests, compiled once, with limits of its own: the
-- Judge0-compatible API (src/http/judge0/) records each Judge0 submission as a run, and its
-- `test_cases` extension asks for many tests in one. `spec` holds the tests (each an input and
-- perhaps an expected output) and the limits; NULL is a playground run of old: the one test
-- `stdin` under the playground's limits. See src/submissions/execution.rs.
ALTER TABLE runs ADD COLUMN spec jsonb;
-- When the result was recorded (Judge0 answers it as `finished_at`).
ALTER TABLE runs ADD COLUMN finished_at timestamptz;
