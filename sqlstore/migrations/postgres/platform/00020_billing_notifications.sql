-- +goose Up
-- One notification per key and account (NULL keys never clash); billing
-- accounts by customer account; and what each billing consolidation changed,
-- one row per consolidated account, so that it can be undone exactly.
ALTER TABLE notifications ADD COLUMN notification_key TEXT;
CREATE UNIQUE INDEX notifications_key ON notifications (account_id, notification_key);
CREATE INDEX billing_accounts_account ON billing_accounts (account_id, id);

CREATE TABLE billing_consolidations (
    account_id BIGINT PRIMARY KEY,
    body       TEXT NOT NULL
);

-- +goose Down
DROP TABLE billing_consolidations;
DROP INDEX billing_accounts_account;
DROP INDEX notifications_key;
ALTER TABLE notifications DROP COLUMN notification_key;
