-- Accounts: users, their sign-in identities, sessions, API tokens, JWT signing keys, OAuth
-- login attempts and rate-limit buckets. See src/auth/mod.rs for how they fit together.

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- NULL when the only identity is an OAuth account whose provider gave no verified e-mail:
    -- an unverified address is never stored, so it can never be used to take over an account.
    email citext UNIQUE,
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
    role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    -- argon2id PHC string; NULL for users who only sign in through a provider.
    password_hash text,
    -- A disabled user's sessions and tokens stop working at their next request.
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- An account at an OAuth 2 / OpenID Connect provider that signs a user in.
CREATE TABLE identities (
    provider text NOT NULL,
    -- The provider's stable user id (`sub` in OIDC, `id` at GitHub), never the e-mail.
    subject text NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- What the provider said at the last login, for admins; not used to find the user.
    email citext,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_user_id ON identities (user_id);

-- A signed-in browser or API client. The secret (the browser's cookie, or the API client's
-- refresh token) is stored as its SHA-256 only. Access tokens (JWTs) name their session in `sid`
-- and are accepted only while it is live, so logout revokes them too.
CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('browser', 'api')),
    secret_hash bytea NOT NULL UNIQUE,
    -- The refresh token that was rotated away last: presenting it again means it was stolen
    -- (or replayed), and the whole session is revoked.
    previous_secret_hash bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_previous_secret_hash ON sessions (previous_secret_hash) WHERE previous_secret_hash IS NOT NULL;

-- Personal API tokens for scripts and CI. Shown once at creation; only the hash is kept.
CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The first characters of the token, so a user can tell their tokens apart.
    prefix text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- HMAC keys that sign access tokens, named by `kid` in the JWT header. Kept in the database so
-- every API process signs and verifies with the same keys. `coderank auth rotate-key` adds a new
-- key and retires the current one, which keeps verifying until the tokens it signed expire.
CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    secret bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

-- OAuth logins in flight: one row from the redirect to the provider until the callback uses it
-- (deleted then, so a state works once). `browser_hash` binds it to the cookie of the browser
-- that started it; the PKCE verifier never leaves the server.
CREATE TABLE oauth_states (
    state_hash bytea PRIMARY KEY,
    provider text NOT NULL,
    browser_hash bytea NOT NULL,
    pkce_verifier text NOT NULL,
    redirect_to text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Token buckets of the rate limits, shared by every API process. A row per key, e.g.
-- `login:ip:203.0.113.7` or `submit:user:<uuid>`; updated atomically by one statement.
CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    tokens double precision NOT NULL,
    updated_at timestamptz NOT NULL,
    -- Whether the last check took a token; answered by the same statement that updates the row.
    last_allowed boolean NOT NULL
);
