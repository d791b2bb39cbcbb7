package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/chatlift/chatlift/sqlstore"
)

// TestRebind: PostgreSQL numbers the placeholders in order, across
// multi-byte text; SQLite keeps them as they are.
func TestRebind(t *testing.T) {
	t.Parallel()
	q := "SELECT 'é✓' FROM t WHERE a = ? AND b IN (?, ?) -- 🌸"
	if got, want := sqlstore.Rebind(sqlstore.Postgres, q), "SELECT 'é✓' FROM t WHERE a = $1 AND b IN ($2, $3) -- 🌸"; got != want {
		t.Errorf("Postgres: %q, want %q", got, want)
	}
	if got := sqlstore.Rebind(sqlstore.SQLite, q); got != q {
		t.Errorf("SQLite: %q, want it unchanged", got)
	}
	many := strings.Repeat("?,", 29999) + "?"
	got := sqlstore.Rebind(sqlstore.Postgres, many)
	if !strings.HasPrefix(got, "$1,$2,") || !strings.HasSuffix(got, ",$29999,$30000") {
		t.Errorf("30,000 placeholders: %q…%q", got[:12], got[len(got)-16:])
	}
}
