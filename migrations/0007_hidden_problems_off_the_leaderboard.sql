-- Nothing of a problem hidden from contestants (unpublished or archived) reaches them, the
-- leaderboard's totals included: a user's solved count and attempts count only problems everyone
-- sees, and follow a problem being published, unpublished or archived.

-- A user's totals, from their per-problem stats on visible problems. Called by the transaction
-- recording a verdict (after it locked the user's row) and by the trigger below.
CREATE FUNCTION refresh_user_stats(target uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO user_stats (user_id, solved, attempts, reached_at)
    SELECT target, count(ups.solved_at)::int, COALESCE(sum(ups.attempts), 0)::int, max(ups.solved_at)
    FROM user_problem_stats ups JOIN problems p ON p.id = ups.problem_id
    WHERE ups.user_id = target AND p.published AND p.archived_at IS NULL
    ON CONFLICT (user_id) DO UPDATE
    SET solved = EXCLUDED.solved, attempts = EXCLUDED.attempts, reached_at = EXCLUDED.reached_at
$$;

CREATE FUNCTION refresh_stats_of_problem_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_user_stats(ups.user_id) FROM user_problem_stats ups WHERE ups.problem_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER problem_visibility_moves_the_leaderboard
    AFTER UPDATE OF published, archived_at ON problems
    FOR EACH ROW
    WHEN (OLD.published IS DISTINCT FROM NEW.published OR OLD.archived_at IS DISTINCT FROM NEW.archived_at)
    EXECUTE FUNCTION refresh_stats_of_problem_users();

-- Totals written before this migration may count hidden problems.
SELECT refresh_user_stats(user_id) FROM user_stats;
