package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// ImportSettings implements chatlift.PlatformStore.
func (d *DB) ImportSettings(ctx context.Context) (chatlift.ImportSettings, error) {
	var s chatlift.ImportSettings
	err := d.q().QueryRowContext(ctx, "SELECT rows_per_second, max_concurrent FROM import_settings WHERE id = 1").Scan(&s.RowsPerSecond, &s.MaxConcurrent)
	if errors.Is(err, sql.ErrNoRows) {
		return chatlift.DefaultImportSettings(), nil
	} else if err != nil {
		return s, fmt.Errorf("read import settings: %w", err)
	}
	return s, nil
}

// PutImportSettings implements chatlift.PlatformStore.
func (d *DB) PutImportSettings(ctx context.Context, s chatlift.ImportSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	_, err := d.q().ExecContext(ctx, d.rebind(`INSERT INTO import_settings (id, rows_per_second, max_concurrent) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET rows_per_second = excluded.rows_per_second, max_concurrent = excluded.max_concurrent`),
		s.RowsPerSecond, s.MaxConcurrent)
	if err != nil {
		return fmt.Errorf("put import settings: %w", err)
	}
	return nil
}

// AcquireImportLease implements chatlift.PlatformStore. Acquisitions are
// serialized so that two processes never both take the last slot: on SQLite
// by the transaction's immediate write lock, on PostgreSQL by a lock on the
// lease table that conflicts with itself and with every write to the table
// (reads go on).
func (d *DB) AcquireImportLease(ctx context.Context, key string, now time.Time, ttl time.Duration, max int) (bool, error) {
	if err := validLease(key, ttl); err != nil {
		return false, err
	} else if max < 1 {
		return false, chatlift.Errorf(chatlift.EINVALID, "at least one import slot required")
	}
	at, until := now.UnixMilli(), now.Add(ttl).UnixMilli()
	acquired := false
	err := d.inTx(ctx, func(q querier) error {
		if d.dialect == Postgres {
			if _, err := q.ExecContext(ctx, "LOCK TABLE import_leases IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return fmt.Errorf("lock import leases: %w", err)
			}
		}
		if _, err := q.ExecContext(ctx, d.rebind("DELETE FROM import_leases WHERE expires_at <= ?"), at); err != nil {
			return fmt.Errorf("drop expired import leases: %w", err)
		}
		var others int
		err := q.QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM import_leases WHERE lease_key <> ?"), key).Scan(&others)
		if err != nil {
			return fmt.Errorf("count import leases: %w", err)
		}
		var held int
		err = q.QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM import_leases WHERE lease_key = ?"), key).Scan(&held)
		if err != nil {
			return fmt.Errorf("read import lease %s: %w", key, err)
		}
		if held == 0 && others >= max {
			return nil
		}
		_, err = q.ExecContext(ctx, d.rebind(`INSERT INTO import_leases (lease_key, expires_at) VALUES (?, ?)
			ON CONFLICT (lease_key) DO UPDATE SET expires_at = excluded.expires_at`), key, until)
		if err != nil {
			return fmt.Errorf("take import lease %s: %w", key, err)
		}
		acquired = true
		return nil
	})
	return acquired, err
}

// RenewImportLease implements chatlift.PlatformStore.
func (d *DB) RenewImportLease(ctx context.Context, key string, now time.Time, ttl time.Duration) error {
	if err := validLease(key, ttl); err != nil {
		return err
	}
	res, err := d.q().ExecContext(ctx, d.rebind("UPDATE import_leases SET expires_at = ? WHERE lease_key = ? AND expires_at > ?"),
		now.Add(ttl).UnixMilli(), key, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("renew import lease %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("renew import lease %s: %w", key, err)
	} else if n == 0 {
		return chatlift.Errorf(chatlift.ENOTFOUND, "import %s holds no live lease", key)
	}
	return nil
}

// ReleaseImportLease implements chatlift.PlatformStore.
func (d *DB) ReleaseImportLease(ctx context.Context, key string) error {
	if _, err := d.q().ExecContext(ctx, d.rebind("DELETE FROM import_leases WHERE lease_key = ?"), key); err != nil {
		return fmt.Errorf("release import lease %s: %w", key, err)
	}
	return nil
}

// ActiveImportLeases implements chatlift.PlatformStore.
func (d *DB) ActiveImportLeases(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM import_leases WHERE expires_at > ?"), now.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count import leases: %w", err)
	}
	return n, nil
}

func validLease(key string, ttl time.Duration) error {
	switch {
	case key == "":
		return chatlift.Errorf(chatlift.EINVALID, "import lease key required")
	case ttl <= 0:
		return chatlift.Errorf(chatlift.EINVALID, "import lease must last some time")
	}
	return nil
}
