package sqlstore

import (
	"context"
	"time"
)

// OpenAt opens the database as a chatlift of the platform migration
// version left it, to test the migrations after it.
func OpenAt(ctx context.Context, cfg Config, version int64) (*DB, error) {
	return openAt(ctx, cfg, version)
}

// Rebind is rebind on a store of the dialect.
func Rebind(dialect, q string) string { return (&DB{dialect: dialect}).rebind(q) }

// SetCheckpointWait bounds Checkpoint's tries at d until restore.
func SetCheckpointWait(d time.Duration) (restore func()) {
	was := checkpointWait
	checkpointWait = d
	return func() { checkpointWait = was }
}
