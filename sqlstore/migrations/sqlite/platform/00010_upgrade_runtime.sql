-- +goose Up
-- What an upgrade needs to undo its steps and to share the fleet's slots.
CREATE TABLE upgrade_snapshots (
    snapshot_key TEXT PRIMARY KEY,
    body         TEXT NOT NULL
);

CREATE TABLE upgrade_slots (
    slot   INTEGER PRIMARY KEY, -- unix seconds of the slot's start
    booked INTEGER NOT NULL
);

CREATE TABLE slot_bookings (
    upgrade_id TEXT PRIMARY KEY,
    slot       INTEGER NOT NULL
);

-- +goose Down
DROP TABLE slot_bookings;
DROP TABLE upgrade_slots;
DROP TABLE upgrade_snapshots;
