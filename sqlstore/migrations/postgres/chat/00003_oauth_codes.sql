-- +goose Up
-- Authorization codes waiting to be exchanged for tokens: single use, minutes
-- long, only their hashes kept. And the index the refresh grant looks tokens
-- up by.
CREATE TABLE oauth_codes (
    code_hash  TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    client_id  BIGINT NOT NULL,
    expires_s  BIGINT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX oauth_codes_account ON oauth_codes (account_id, expires_s);
CREATE INDEX oauth_tokens_refresh ON oauth_tokens (refresh_hash);

-- +goose Down
DROP INDEX oauth_tokens_refresh;
DROP TABLE oauth_codes;
