-- One-time password-reset links, issued by an admin (`coderank user reset-link`, the users page)
-- since no mail server is assumed. Only the SHA-256 of the link's token is stored, as for every
-- other bearer secret. A link works once (`used_at`), until `expires_at`; issuing a new link for
-- a user retires the user's older ones.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The admin who issued it; NULL when issued from the command line.
    issued_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX password_resets_user_id ON password_resets (user_id);
