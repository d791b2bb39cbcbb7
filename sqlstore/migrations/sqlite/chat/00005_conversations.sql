-- +goose Up
-- Live conversations on an account's widget. A conversation's messages are
-- numbered per conversation (seq, without gaps); a message a client sends
-- twice with its client id is kept once. Every change of an account's
-- conversations is numbered per account (change_seq, the account's counter
-- in conversation_changes), so that the agents' stream of them resumes.
-- The widget key is public: it only names the account whose widget a
-- visitor talks to.
CREATE TABLE widget_keys (
    account_id INTEGER PRIMARY KEY,
    widget_key TEXT NOT NULL UNIQUE
);

CREATE TABLE conversations (
    account_id  INTEGER NOT NULL,
    id          TEXT NOT NULL,
    state       TEXT NOT NULL,
    activity_us INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    change_seq  INTEGER NOT NULL,
    secret_hash TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE INDEX conversations_idle ON conversations (state, activity_us);
CREATE INDEX conversations_changes ON conversations (account_id, change_seq);

CREATE TABLE conversation_changes (
    account_id INTEGER PRIMARY KEY,
    last       INTEGER NOT NULL
);

CREATE TABLE conversation_messages (
    account_id      INTEGER NOT NULL,
    conversation_id TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    client_id       TEXT NOT NULL,
    body            TEXT NOT NULL,
    PRIMARY KEY (account_id, conversation_id, seq),
    UNIQUE (account_id, conversation_id, client_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE conversation_messages;
DROP TABLE conversation_changes;
DROP TABLE conversations;
DROP TABLE widget_keys;
