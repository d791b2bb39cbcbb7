package seed_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
)

var (
	start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now   = start.Add(36 * time.Hour)
)

// stores are a test's legacy chat store and platform store, both SQLite.
type stores struct {
	legacy, platform *sqlstore.DB
}

func setup(t testing.TB) stores {
	t.Helper()
	dir := t.TempDir()
	return stores{
		legacy:   open(t, sqlstore.Config{Path: filepath.Join(dir, "legacy.db"), Role: sqlstore.RoleChat}),
		platform: open(t, sqlstore.Config{Path: filepath.Join(dir, "platform.db"), Role: sqlstore.RolePlatform}),
	}
}

func open(t testing.TB, cfg sqlstore.Config) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails the test unless err carries the chatlift error code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := chatlift.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

// same fails the test unless got and want encode to the same JSON.
func same(t testing.TB, what string, got, want any) {
	t.Helper()
	if g, w := encode(t, got), encode(t, want); g != w {
		t.Fatalf("%s:\n got  %.2000s\n want %.2000s", what, g, w)
	}
}
