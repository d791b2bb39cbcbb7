package console_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/console"
	"github.com/chatlift/chatlift/sqlstore"
)

// TestSessionSurvivesRestart: a session outlives the console that made it:
// after a restart it is still signed in, its forms' CSRF token still
// holds, and a message set before the restart shows after it, once. The
// store keeps the hash of the session id, never the id.
func TestSessionSurvivesRestart(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		e, c := signedIn(t)
		e.store.put(upgradeIn("upg_a", 1, chatlift.UpgradeScheduled))
		csrf := c.CSRF("/console/upgrades/upg_a/pause")
		e.restart()
		c.Get("/console/").Want(t, http.StatusOK, "Fleet at a glance", "operator (Aiko)")
		c.Do("POST", "/console/upgrades/upg_a/pause", url.Values{"csrf": {csrf}}).Want(t, http.StatusSeeOther)
		e.restart()
		c.Get("/console/upgrades/upg_a").Want(t, http.StatusOK, "Pause: accepted")
		if a := c.Get("/console/upgrades/upg_a"); strings.Contains(a.Body, "Pause: accepted") {
			t.Fatal("the one-time message showed twice")
		}
	})
	t.Run("OnlyTheHashIsKept", func(t *testing.T) {
		e, c := signedIn(t)
		id := c.Cookies["chatlift_console"].Value
		h := sha256.Sum256([]byte(id))
		if got := e.store.Hashes(chatlift.FaceConsole); !slices.Equal(got, []string{hex.EncodeToString(h[:])}) {
			t.Fatalf("kept %q, want only the hash of the session id", got)
		}
	})
	t.Run("ExpiredIsRefusedAndPruned", func(t *testing.T) {
		e, c := signedIn(t)
		e.advance(12 * time.Hour)
		e.restart()
		a := c.Get("/console/")
		if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Header.Get("Location"), "/console/sign-in") {
			t.Fatalf("an expired session answers %d to %q", a.Status, a.Header.Get("Location"))
		}
		if n := e.store.Len(chatlift.FaceConsole); n != 0 {
			t.Fatalf("%d sessions kept after the only one expired", n)
		}
	})
	t.Run("SignOutEndsItEverywhere", func(t *testing.T) {
		e, c := signedIn(t)
		kept := c.Cookies["chatlift_console"]
		c.Post("/console/", "/console/sign-out", nil).Want(t, http.StatusSeeOther)
		e.restart()
		c.Cookies["chatlift_console"] = kept
		c.Get("/console/").Want(t, http.StatusSeeOther)
	})
}

// TestBatchProgressAfterRestart: a batch's progress page still shows after
// the console that ran it is gone.
func TestBatchProgressAfterRestart(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	for _, id := range []string{"upg_a", "upg_b"} {
		e.store.put(upgradeIn(id, 1, chatlift.UpgradeScheduled))
	}
	e.ups.refuse["upg_b"] = "upgrade upg_b is preparing; pause does not apply"
	a := c.Post("/console/batch?action=pause", "/console/batch", url.Values{"action": {"pause"}})
	a.Want(t, http.StatusSeeOther)
	waitBatch(t, c, a.Header.Get("Location"))
	e.restart()
	c.Get(a.Header.Get("Location")).Want(t, http.StatusOK, "Started by operator (Aiko)", "2 of 2", "1 accepted", "1 refused",
		"upg_b</a>: refused: pause refused", `data-finished="true"`)
}

// resumeEnv is a console over a store that holds batch_1 (pause upg_a,
// upg_b, upg_c) as a stopped process left it.
func resumeEnv(t *testing.T) (*env, *client) {
	t.Helper()
	e, c := signedIn(t)
	for _, id := range []string{"upg_a", "upg_b", "upg_c"} {
		e.store.put(upgradeIn(id, 1, chatlift.UpgradeScheduled))
	}
	b := &chatlift.BatchAction{ID: "batch_1", Action: "pause", Actor: "operator (Aiko)", Query: "account=1", Started: now}
	if err := e.store.CreateBatchAction(context.Background(), b, []string{"upg_a", "upg_b", "upg_c"}); err != nil {
		t.Fatal(err)
	}
	return e, c
}

// claim takes the batch's next upgrade as a worker of the stopped process did.
func (e *env) claim(t *testing.T) string {
	t.Helper()
	it, err := e.store.ClaimBatchItem(context.Background(), "batch_1", e.now())
	if err != nil {
		t.Fatal(err)
	}
	return it.UpgradeID
}

// waitResults polls the batch's results until they are want.
func waitResults(t *testing.T, e *env, want ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for got := e.store.results("batch_1"); !slices.Equal(got, want); got = e.store.results("batch_1") {
		if time.Now().After(deadline) {
			t.Fatalf("batch results %q, want %q", got, want)
		}
	}
}

// TestBatchResume: a batch a stopped process left unfinished is finished
// by the next console's Start, and no upgrade is acted on twice: one
// already recorded is left alone, one claimed but unrecorded is settled
// from the audit trail (or marked interrupted) without a second action.
func TestBatchResume(t *testing.T) {
	t.Parallel()
	const interrupted = "interrupted: the server stopped while acting on it; look at the upgrade before acting again"
	t.Run("Pending", func(t *testing.T) {
		e, c := resumeEnv(t)
		e.claim(t)
		if err := e.store.RecordBatchItem(context.Background(), "batch_1", "upg_a", "accepted"); err != nil {
			t.Fatal(err)
		}
		e.restart()
		e.c.Start(t.Context())
		waitResults(t, e, "upg_a accepted", "upg_b accepted", "upg_c accepted")
		if got := e.ups.called(); got != "pause upg_b; pause upg_c" {
			t.Fatalf("the upgrade service was asked %q", got)
		}
		waitBatch(t, c, "/console/batches/batch_1").Want(t, http.StatusOK, "3 of 3", "3 accepted")
	})
	t.Run("NoDoubleAction", func(t *testing.T) {
		e, c := resumeEnv(t)
		e.claim(t) // upg_a: acted on and written in the audit trail, then the process stopped
		e.claim(t) // upg_b: the process stopped while acting
		err := e.store.AddAuditEntry(context.Background(), &chatlift.AuditEntry{UpgradeID: "upg_a", At: now, Actor: "operator (Aiko)",
			Action: "pause", Detail: "batch batch_1", Result: "accepted"})
		if err != nil {
			t.Fatal(err)
		}
		e.advance(3 * time.Minute) // past the claims' lease
		e.restart()
		e.c.Start(t.Context())
		waitResults(t, e, "upg_a accepted", "upg_b "+interrupted, "upg_c accepted")
		if got := e.ups.called(); got != "pause upg_c" {
			t.Fatalf("the upgrade service was asked %q", got)
		}
		waitBatch(t, c, "/console/batches/batch_1").Want(t, http.StatusOK, "3 of 3", "2 accepted", "upg_b</a>: interrupted")
	})
	t.Run("WaitsForLiveClaims", func(t *testing.T) {
		e, _ := resumeEnv(t)
		e.claim(t) // upg_a: another process is acting on it
		e.restart()
		e.c.ResumeEvery = time.Millisecond
		e.c.Start(t.Context())
		waitResults(t, e, "upg_a ", "upg_b accepted", "upg_c accepted")
		if b, err := e.store.BatchAction(context.Background(), "batch_1"); err != nil || b.Finished != nil {
			t.Fatalf("batch finished with an upgrade in another worker's hands: %+v, %v", b, err)
		}
		e.advance(3 * time.Minute)
		waitResults(t, e, "upg_a "+interrupted, "upg_b accepted", "upg_c accepted")
		if got := e.ups.called(); got != "pause upg_b; pause upg_c" {
			t.Fatalf("the upgrade service was asked %q", got)
		}
	})
}

// TestSessionsShared: two consoles over one platform database, as two serve
// processes behind a balancer: a session made by one works on the other,
// and signing out on one ends it on both.
func TestSessionsShared(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "platform.db")
	var servers []*httptest.Server
	for range 2 {
		db, err := sqlstore.Open(context.Background(), sqlstore.Config{Path: path, Role: sqlstore.RolePlatform})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		c := &console.Console{Store: db, Accounts: fakeAccounts{}, Upgrades: &fakeUpgrades{}, OperatorToken: opToken,
			Rules: chatlift.DefaultScheduleRules, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
		srv := httptest.NewServer(c)
		t.Cleanup(srv.Close)
		servers = append(servers, srv)
	}
	e := &env{t: t, srv: servers[0]}
	c := e.client()
	c.signIn("Aiko")
	e.srv = servers[1]
	c.Get("/console/").Want(t, http.StatusOK, "Fleet at a glance", "operator (Aiko)")
	kept := c.Cookies["chatlift_console"]
	c.Post("/console/", "/console/sign-out", nil).Want(t, http.StatusSeeOther)
	e.srv = servers[0]
	c.Cookies["chatlift_console"] = kept
	c.Get("/console/").Want(t, http.StatusSeeOther)
}

// TestBatchStopAndResume: a console stopped mid-batch claims nothing more,
// waits for the actions under way and records them; the next console
// finishes the batch, each upgrade acted on exactly once.
func TestBatchStopAndResume(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	var ids []string
	for i := range 7 {
		ids = append(ids, fmt.Sprintf("upg_%d", i))
		e.store.put(upgradeIn(ids[i], 1, chatlift.UpgradeScheduled))
	}
	hold := make(chan struct{})
	e.ups.hold = hold
	a := c.Post("/console/batch?action=pause", "/console/batch", url.Values{"action": {"pause"}})
	a.Want(t, http.StatusSeeOther)
	batchID := strings.TrimPrefix(a.Header.Get("Location"), "/console/batches/")
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(e.ups.called(), "pause") < 4 { // every worker is acting
		if time.Now().After(deadline) {
			t.Fatalf("the workers did not start: %q", e.ups.called())
		}
	}
	stopped := make(chan struct{})
	go func() { e.c.Stop(); close(stopped) }()
	select {
	case <-e.store.claims().Done(): // the console claims no more
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not stop the claims")
	}
	close(hold)
	<-stopped
	b, err := e.store.BatchAction(context.Background(), batchID)
	if err != nil || b.Done != 4 || b.Finished != nil {
		t.Fatalf("after the stop: %+v, %v; want 4 of 7 done, unfinished", b, err)
	}
	e.restart()
	e.c.Start(t.Context())
	waitBatch(t, c, a.Header.Get("Location")).Want(t, http.StatusOK, "7 of 7", "7 accepted")
	calls := strings.Split(e.ups.called(), "; ")
	slices.Sort(calls)
	var want []string
	for _, id := range ids {
		want = append(want, "pause "+id)
	}
	if !slices.Equal(calls, want) {
		t.Fatalf("the upgrade service was asked %q, want each upgrade once", calls)
	}
}
