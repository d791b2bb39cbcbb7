package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
)

// TestWritesGiveWay: while a background store (a worker process's) writes
// back to back, each transaction holding the file a while, a request's
// write waits for at most the background transaction under way and the
// one already past the gate — not for whichever of the stream's gaps it
// happens to catch, as SQLite's sleep-and-retry left it.
func TestWritesGiveWay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "platform.db")
	fg := open(t, sqlstore.Config{Path: path, Role: sqlstore.RolePlatform})
	bg := open(t, sqlstore.Config{Path: path, Role: sqlstore.RolePlatform, Background: true})
	ctx := context.Background()
	var commits atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			err := bg.InTx(ctx, func(tx chatlift.PlatformStore) error {
				if _, err := tx.NextIDs(ctx, "background", 1); err != nil {
					return err
				}
				time.Sleep(2 * time.Millisecond) // a transaction of some length
				return nil
			})
			if err != nil {
				done <- err
				return
			}
			commits.Add(1)
		}
	}()
	for commits.Load() < 3 { // the stream is flowing
		select {
		case err := <-done:
			t.Fatal(err)
		case <-time.After(time.Millisecond):
		}
	}
	worst, start := int64(0), commits.Load()
	for range 50 {
		before := commits.Load()
		if _, err := fg.NextIDs(ctx, "request", 1); err != nil {
			t.Fatal(err)
		}
		worst = max(worst, commits.Load()-before)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if worst > 2 {
		t.Fatalf("a request's write waited for %d background transactions, want at most 2", worst)
	}
	t.Logf("at most %d background transactions before a request's write; %d background ones meanwhile", worst, commits.Load()-start)
}

// TestCheckpointer: the store copies the WAL back into the database file
// itself (SQLite's own checkpoints are off, so that none runs inside a
// COMMIT while the writer holds the queue).
func TestCheckpointer(t *testing.T) {
	for _, background := range []bool{false, true} { // a fallback every 2 s, or often
		t.Run(fmt.Sprintf("Background=%v", background), func(t *testing.T) { testCheckpointer(t, background) })
	}
}

func testCheckpointer(t *testing.T, background bool) {
	path := filepath.Join(t.TempDir(), "chat.db")
	db := open(t, sqlstore.Config{Path: path, Role: sqlstore.RoleChat, Background: background})
	ctx := context.Background()
	var autockpt int
	if err := db.SQL().QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&autockpt); err != nil || autockpt != 0 {
		t.Fatalf("wal_autocheckpoint %d (%v), want 0", autockpt, err)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	if _, err := db.SQL().ExecContext(ctx, "CREATE TABLE ballast (b TEXT)"); err != nil {
		t.Fatal(err)
	}
	const rows, each = 400, 8 << 10
	for range rows {
		if _, err := db.SQL().ExecContext(ctx, "INSERT INTO ballast VALUES (?)", strings.Repeat("x", each)); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); size()-before < rows*each; {
		if time.Now().After(deadline) {
			t.Fatalf("database file grew by %d bytes after %d bytes written: the WAL is not checkpointed", size()-before, rows*each)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCheckpoint checks that Checkpoint leaves the WAL empty and its pages
// in the database file, with no checkpointer of the store's running.
func TestCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	db := open(t, sqlstore.Config{Path: path, Role: sqlstore.RoleChat, NoCheckpoints: true})
	ctx := context.Background()
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if _, err := db.SQL().ExecContext(ctx, "CREATE TABLE ballast (b TEXT)"); err != nil {
		t.Fatal(err)
	}
	before := size(path)
	const rows, each = 100, 8 << 10
	for range rows {
		if _, err := db.SQL().ExecContext(ctx, "INSERT INTO ballast VALUES (?)", strings.Repeat("x", each)); err != nil {
			t.Fatal(err)
		}
	}
	if wal := size(path + "-wal"); wal < rows*each {
		t.Fatalf("WAL of %d bytes after %d bytes written: checkpointed without being asked", wal, rows*each)
	}
	// A reader of another connection keeps the WAL from being emptied:
	// SQLite answers busy, and Checkpoint must not take that for done.
	defer sqlstore.SetCheckpointWait(300 * time.Millisecond)()
	db.SQL().SetMaxOpenConns(1) // the one connection whose busy_timeout is shortened
	if _, err := db.SQL().ExecContext(ctx, "PRAGMA busy_timeout = 20"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	reading, err := other.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reading.QueryRowContext(ctx, "SELECT COUNT(*) FROM ballast").Scan(&n); err != nil || n != rows {
		t.Fatalf("reader counted %d rows (%v), want %d", n, err, rows)
	}
	if err := db.Checkpoint(ctx); chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
		t.Fatalf("Checkpoint with a reader on the WAL: %v, want unavailable (WAL %d bytes)", err, size(path+"-wal"))
	}
	reading.Rollback()
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if wal, grew := size(path+"-wal"), size(path)-before; wal != 0 || grew < rows*each {
		t.Fatalf("after Checkpoint: WAL %d bytes (want 0), database file grew by %d (want at least %d)", wal, grew, rows*each)
	}
}

// TestSnapshotWaitsForNoWriter: a page of tickets is read on a snapshot
// that begins as a reader (a deferred BEGIN), not as the store's write
// transactions do (BEGIN IMMEDIATE), so it is read while a writer holds
// the file.
func TestSnapshotWaitsForNoWriter(t *testing.T) {
	db := open(t, sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform})
	ctx := context.Background()
	writing, err := db.SQL().BeginTx(ctx, nil) // BEGIN IMMEDIATE: the file's write lock
	if err != nil {
		t.Fatal(err)
	}
	defer writing.Rollback()
	readCtx, cancel := context.WithTimeout(ctx, 2*time.Second) // a writer's wait would be busy_timeout's 10 s
	defer cancel()
	if _, _, err := db.TicketPage(readCtx, 1, 0, 10); err != nil {
		t.Fatalf("a page of tickets while a writer holds the file: %v", err)
	}
}
