-- +goose Up
-- Live conversations on an account's widget. A conversation's messages are
-- numbered per conversation (seq, without gaps); a message a client sends
-- twice with its client id is kept once. Every change of an account's
-- conversations is numbered per account (change_seq, the account's counter
-- in conversation_changes), so that the agents' stream of them resumes.
-- The widget key is public: it only names the account whose widget a
-- visitor talks to.
CREATE TABLE widget_keys (
    account_id BIGINT PRIMARY KEY,
    widget_key TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE conversations (
    account_id  BIGINT NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    state       TEXT NOT NULL,
    activity_us BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    change_seq  BIGINT NOT NULL,
    secret_hash TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX conversations_idle ON conversations (state, activity_us);
CREATE INDEX conversations_changes ON conversations (account_id, change_seq);

CREATE TABLE conversation_changes (
    account_id BIGINT PRIMARY KEY,
    last       BIGINT NOT NULL
);

CREATE TABLE conversation_messages (
    account_id      BIGINT NOT NULL,
    conversation_id TEXT COLLATE "C" NOT NULL,
    seq             BIGINT NOT NULL,
    client_id       TEXT COLLATE "C" NOT NULL,
    body            TEXT NOT NULL,
    PRIMARY KEY (account_id, conversation_id, seq),
    UNIQUE (account_id, conversation_id, client_id)
);

-- +goose Down
DROP TABLE conversation_messages;
DROP TABLE conversation_changes;
DROP TABLE conversations;
DROP TABLE widget_keys;
