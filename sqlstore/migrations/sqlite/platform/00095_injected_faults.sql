-- +goose Up
-- Faults armed for drills (serve --fault-injection). Each fires once: the
-- first process to run the step takes it (sets taken_at) before it acts.
CREATE TABLE injected_faults (
    account_id INTEGER NOT NULL,
    step       TEXT NOT NULL,
    mode       TEXT NOT NULL,
    armed_at   INTEGER NOT NULL, -- unix milliseconds
    taken_at   INTEGER,          -- unix milliseconds; NULL while armed
    PRIMARY KEY (account_id, step)
);

-- +goose Down
DROP TABLE injected_faults;
