-- Problems: metadata in PostgreSQL, every file (test data, validators, statement images,
-- reference submissions) in the object store under its SHA-256 (`testdata/sha256/xx/<hash>`), so
-- a file shared by several problems or versions is stored once. See src/problems/mod.rs.

CREATE TABLE problems (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The URL name: lowercase letters, digits and inner dashes.
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- Markdown (shown rendered) or LaTeX (kept as source, as the package had it).
    statement text NOT NULL DEFAULT '',
    statement_format text NOT NULL DEFAULT 'markdown' CHECK (statement_format IN ('markdown', 'latex')),
    -- Where the statement lives in an exported package.
    statement_path text NOT NULL DEFAULT 'statement/problem.en.md',
    time_limit_ms integer NOT NULL CHECK (time_limit_ms BETWEEN 1 AND 60000),
    memory_mb integer NOT NULL CHECK (memory_mb BETWEEN 1 AND 65536),
    output_mb integer NOT NULL CHECK (output_mb BETWEEN 1 AND 65536),
    -- `default`: the ICPC default output validator with `validator_flags`; `custom`: the
    -- package's own validator (its files are in problem_files under output_validators/).
    checker text NOT NULL DEFAULT 'default' CHECK (checker IN ('default', 'custom')),
    validator_flags text NOT NULL DEFAULT '',
    -- Users see published problems only; admins see all.
    published boolean NOT NULL DEFAULT false,
    -- Set instead of deleting a problem that has submissions, which must never be orphaned.
    archived_at timestamptz,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    tags text[] NOT NULL DEFAULT '{}',
    difficulty integer CHECK (difficulty BETWEEN 0 AND 10000),
    -- The imported problem.yaml, so an export keeps keys CodeRank does not model.
    package_yaml text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER problems_set_updated_at BEFORE UPDATE ON problems FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX problems_published ON problems (published, created_at) WHERE archived_at IS NULL;
CREATE INDEX problems_tags ON problems USING gin (tags);

-- One test case: an input and the judge's answer, run in `ordinal` order (samples first).
CREATE TABLE test_cases (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    -- Samples are shown to users; secret cases never are.
    kind text NOT NULL CHECK (kind IN ('sample', 'secret')),
    -- Folders between data/<kind>/ and the file, e.g. `group1` (empty for none).
    group_path text NOT NULL DEFAULT '',
    name text NOT NULL,
    ordinal integer NOT NULL,
    input_sha256 text NOT NULL,
    input_size bigint NOT NULL,
    answer_sha256 text NOT NULL,
    answer_size bigint NOT NULL,
    UNIQUE (problem_id, kind, group_path, name),
    -- Deferred, so a reorder can swap ordinals inside one transaction.
    UNIQUE (problem_id, ordinal) DEFERRABLE INITIALLY DEFERRED
);

-- Every other file of the problem's package (output validators, statement files and images,
-- reference submissions, testdata.yaml, …) by its path in the package.
CREATE TABLE problem_files (
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    path text NOT NULL,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    PRIMARY KEY (problem_id, path)
);
CREATE INDEX problem_files_sha256 ON problem_files (sha256);
CREATE INDEX test_cases_input_sha256 ON test_cases (input_sha256);
CREATE INDEX test_cases_answer_sha256 ON test_cases (answer_sha256);
