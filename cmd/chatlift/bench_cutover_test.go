package main_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/internal/pgtest"
)

// TestBenchCutover runs a small `bench cutover` (4 accounts of 2 live
// conversations, all upgraded, one reverted, under load throughout) and
// checks its report against the targets: no message lost, duplicated or
// out of order, no 5xx, every upgrade and revert done. It asserts no
// timings: the machine running it may be busy.
func TestBenchCutover(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		testBenchCutover(t, "sqlite")
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		url := pgtest.URL(t)
		before := benchDatabases(t, url)
		testBenchCutover(t, "postgres", "--database-url", url)
		if after := benchDatabases(t, url); after != before {
			t.Fatalf("%d cutover bench databases after the run, %d before: its database was not dropped", after, before)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		out, err := exec.Command(binary, "bench", "cutover", "--accounts", "0", "--quiet").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--accounts") || strings.Contains(string(out), "goroutine") {
			t.Fatalf("bench cutover --accounts 0: %v: %s", err, out)
		}
	})
}

// testBenchCutover runs the small bench with the extra flags and checks
// its report, which says its stores were store's.
func testBenchCutover(t *testing.T, store string, extra ...string) {
	args := append([]string{"bench", "cutover", "--accounts", "4", "--conversations-per-account", "2", "--json", "--quiet", "--data", t.TempDir()}, extra...)
	out, err := exec.Command(binary, args...).Output()
	if err != nil {
		var stderr []byte
		if exit, ok := err.(*exec.ExitError); ok {
			stderr = exit.Stderr
		}
		t.Fatalf("bench cutover: %v: %s", err, stderr)
	}
	var r app.CutoverBenchReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("report %s: %v", out, err)
	}
	if r.Store != store {
		t.Fatalf("stores %q, want %q: %s", r.Store, store, out)
	}
	if r.Accounts != 4 || r.Conversations != 8 || r.Upgrades != 4 || r.Reverts != 1 {
		t.Fatalf("not every upgrade and revert done: %s", out)
	}
	if r.MessagesLost != 0 || r.MessagesDuplicated != 0 || r.MessagesOutOfOrder != 0 || r.SendsFailed != 0 || r.API5xx != 0 || r.APINoAnswer != 0 || r.RevertRowsLost != 0 {
		t.Fatalf("the targets are missed: %s", out)
	}
	// Each conversation's visitor and agent sent at least once before
	// the first freeze and after the revert; every message was streamed.
	if r.MessagesSent < 4*int64(r.Conversations) || r.MessagesDelivered < r.MessagesSent || r.APIRequests <= r.MessagesSent {
		t.Fatalf("the load did not run throughout: %s", out)
	}
	// Each agent re-authorized after its switch, and the reverted
	// account's again after its revert.
	if r.Reauthorizations < int64(r.Accounts+r.Reverts) || r.RevertRowsReverseSynced <= 0 {
		t.Fatalf("agents did not re-authorize or nothing was synced back: %s", out)
	}
}

// benchDatabases counts the cutover bench's databases on the server at url.
func benchDatabases(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE starts_with(datname, 'chatlift_cutover_bench_')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
