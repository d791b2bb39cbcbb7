package sqlstore

import "context"

// OpenAt opens the database as a chatlift of the platform migration
// version left it, to test the migrations after it.
func OpenAt(ctx context.Context, cfg Config, version int64) (*DB, error) {
	return openAt(ctx, cfg, version)
}

// Rebind is rebind on a store of the dialect.
func Rebind(dialect, q string) string { return (&DB{dialect: dialect}).rebind(q) }
