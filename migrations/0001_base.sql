-- Base of the schema: what every later table relies on.

-- Case-insensitive text, for e-mail addresses and slugs that must be unique regardless of case.
-- citext is a trusted extension, so the database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS citext;

-- Trigger function that keeps an `updated_at` column true on every UPDATE, so that no query
-- has to remember to set it. Tables opt in with:
--   CREATE TRIGGER t_set_updated_at BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
