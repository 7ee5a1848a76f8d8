-- Scoring problems (issue 15): a judged submission of a scoring problem has a score and a
-- per-group breakdown; the leaderboard counts each user's best score per problem.

-- Whether the problem is scored, and the most a submission can score (NULL: unbounded, or a
-- pass-fail problem). Set at import from the package's test groups.
ALTER TABLE problems ADD COLUMN scoring boolean NOT NULL DEFAULT false;
ALTER TABLE problems ADD COLUMN max_score double precision;

-- The judging's score (NULL for a pass-fail problem or an internal error) and its breakdown,
-- the engine's ScoreReport as JSON (score, max_score, groups).
ALTER TABLE judgings ADD COLUMN score double precision;
ALTER TABLE judgings ADD COLUMN scores jsonb;

-- The user's best score on the problem over their current judgings (NULL: never scored).
ALTER TABLE user_problem_stats ADD COLUMN best_score double precision;
-- The sum of the user's best scores on visible scoring problems: ranks users who solved as
-- many problems.
ALTER TABLE user_stats ADD COLUMN score double precision NOT NULL DEFAULT 0;

-- Migration 0007's totals, with the score.
CREATE OR REPLACE FUNCTION refresh_user_stats(target uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO user_stats (user_id, solved, attempts, reached_at, score)
    SELECT target, count(ups.solved_at)::int, COALESCE(sum(ups.attempts), 0)::int, max(ups.solved_at),
           COALESCE(sum(ups.best_score), 0)
    FROM user_problem_stats ups JOIN problems p ON p.id = ups.problem_id
    WHERE ups.user_id = target AND p.published AND p.archived_at IS NULL
    ON CONFLICT (user_id) DO UPDATE
    SET solved = EXCLUDED.solved, attempts = EXCLUDED.attempts, reached_at = EXCLUDED.reached_at,
        score = EXCLUDED.score
$$;
