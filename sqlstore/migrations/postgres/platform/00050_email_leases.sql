-- +goose Up
-- Which mailer holds an unsent email and until when (unix milliseconds):
-- while it sends it, and after a failure until its next attempt. Another
-- mailer claims the email only once the lease has expired.
ALTER TABLE emails ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX emails_claimable ON emails (sent, lease_until, id);

-- +goose Down
DROP INDEX emails_claimable;
ALTER TABLE emails DROP COLUMN lease_until;
ALTER TABLE emails DROP COLUMN lease_owner;
