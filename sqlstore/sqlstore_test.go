package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/storetest"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) chatlift.PlatformStore {
		return open(t, sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform})
	})
}

var schemaSeq atomic.Int64

// TestPostgres runs the suite on PostgreSQL at TEST_DATABASE_URL, each test in
// a schema of its own. CI always sets the URL.
func TestPostgres(t *testing.T) {
	t.Parallel()
	url := postgresURL(t)
	storetest.Run(t, func(t *testing.T) chatlift.PlatformStore {
		schema := fmt.Sprintf("t%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
		return open(t, sqlstore.Config{URL: url, Schema: schema, Role: sqlstore.RolePlatform})
	})
}

func postgresURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TEST_DATABASE_URL must be set in CI")
		}
		t.Skip("TEST_DATABASE_URL not set")
	}
	return url
}

func open(t *testing.T, cfg sqlstore.Config) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	t.Parallel()
	t.Run("ReopenKeepsData", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "chat.db")
		ctx := context.Background()
		db := open(t, sqlstore.Config{Path: path, Role: sqlstore.RoleChat})
		a := &chatlift.ChatAccount{ID: 1, Name: "A", OwnerEmail: "a@a.test", State: chatlift.ChatAccountActive}
		if err := db.PutChatAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db = open(t, sqlstore.Config{Path: path, Role: sqlstore.RoleChat})
		if _, err := db.ChatAccount(ctx, 1); err != nil {
			t.Fatalf("after reopen: %v", err)
		}
	})
	t.Run("ErrUnwritable", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.Open(context.Background(), sqlstore.Config{Path: filepath.Join(file, "x", "chat.db"), Role: sqlstore.RoleChat}); err == nil {
			t.Fatal("opened a database under a regular file")
		}
	})
	t.Run("ErrUnreachablePostgres", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := sqlstore.Open(ctx, sqlstore.Config{URL: "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", Schema: "x", Role: sqlstore.RoleChat})
		if err == nil {
			t.Fatal("connected to a closed port")
		}
	})
}
