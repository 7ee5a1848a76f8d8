-- Judge workers announce themselves, so admins can see which are alive and how many slots
-- they judge with. A worker renews its row every few seconds and deletes it when it stops; a row
-- not renewed for a minute belongs to a worker that died.
CREATE TABLE judge_workers (
    name text PRIMARY KEY,
    slots integer NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
