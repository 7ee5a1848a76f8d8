-- A problem's statement in each language its package has (`statement/problem.<lang>.md|tex|pdf`),
-- read at import. The source files themselves stay rows of problem_files like every other
-- package file, so an export still rebuilds the package; this table holds what the problem page
-- needs per language without reading objects: the title in that language and, for LaTeX, the
-- HTML that pandoc made of it at import (LaTeX is never rendered while a page is viewed).
-- The statement in `problems.statement` (the one admins edit) is one of these languages: the
-- row whose `path` is `problems.statement_path`.
CREATE TABLE problem_statements (
    problem_id uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    -- A language code as in the file name (`en`, `sv`, `pt-BR`).
    language text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]+)*$'),
    -- The problem's name in this language (problem.yaml's `name` map, else `\problemname{}`).
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    format text NOT NULL CHECK (format IN ('markdown', 'latex', 'pdf')),
    -- The source file's path in the package, e.g. `statement/problem.sv.tex`.
    path text NOT NULL,
    -- The Markdown or LaTeX source ('' for a PDF).
    source text NOT NULL DEFAULT '',
    -- For LaTeX: the HTML (MathML for math) pandoc made at import, sanitized each time it is
    -- shown; NULL otherwise.
    html text,
    PRIMARY KEY (problem_id, language)
);
