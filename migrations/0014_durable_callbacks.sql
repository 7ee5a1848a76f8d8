-- Judge0 callbacks are sent from the database, so that an API process that stops does not lose
-- them (src/http/judge0/callbacks.rs). A run whose spec names a `callback_url` is recorded with
-- `callback` 'pending'; once it is finished, any API process may claim it for a while
-- (`callback_lease_until`: one sender at a time; a process that dies while sending leaves it
-- to another when the lease runs out) and marks it 'delivered' or 'failed' (every attempt
-- failed, or the address is not allowed). NULL: the run has no callback.
ALTER TABLE runs ADD COLUMN callback text CHECK (callback IN ('pending', 'delivered', 'failed'));
ALTER TABLE runs ADD COLUMN callback_lease_until timestamptz;
CREATE INDEX runs_callbacks_due ON runs (finished_at) WHERE callback = 'pending';
