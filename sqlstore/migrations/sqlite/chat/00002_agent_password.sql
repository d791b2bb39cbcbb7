-- +goose Up
-- The bcrypt hash of the password an agent signs in with on the OAuth
-- consent page; '' means none. Kept beside the body, which never shows it.
ALTER TABLE agents ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE agents DROP COLUMN password_hash;
