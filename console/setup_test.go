package console_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/console"
	"github.com/chatlift/chatlift/internal/webtest"
)

const opToken = "op-console-test"

var now = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	srv   *httptest.Server
	store *fakeStore
	ups   *fakeUpgrades
	clock atomic.Int64 // the console's now, in unix nanoseconds
	c     *console.Console
	serve atomic.Pointer[console.Console] // the console srv's requests reach
}

func setup(t *testing.T) *env {
	t.Helper()
	store := newFakeStore()
	e := &env{t: t, store: store, ups: &fakeUpgrades{store: store, refuse: map[string]string{}}}
	e.clock.Store(now.UnixNano())
	e.restart()
	return e
}

// restart builds a new console over the same store and upgrade service, as
// a restarted server (or another serve process) would: clients go on with
// their cookies.
func (e *env) restart() {
	e.t.Helper()
	if e.c != nil {
		e.c.Stop()
	}
	rules := chatlift.DefaultScheduleRules
	rules.Capacity = 2
	e.c = &console.Console{Store: e.store, Accounts: fakeAccounts{}, Upgrades: e.ups, OperatorToken: opToken, Rules: rules,
		Now: e.now, Logger: slog.New(slog.DiscardHandler)}
	e.serve.Store(e.c)
	e.t.Cleanup(e.c.Stop)
	if e.srv == nil { // one address throughout, as behind a balancer
		e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve.Load().ServeHTTP(w, r) }))
		e.t.Cleanup(e.srv.Close)
	}
}

func (e *env) now() time.Time { return time.Unix(0, e.clock.Load()).UTC() }

// advance moves the console's clock on by d.
func (e *env) advance(d time.Duration) { e.clock.Add(int64(d)) }

// client is a browser without JavaScript (internal/webtest) with the
// console's own steps.
type client struct{ *webtest.Client }

func (e *env) client() *client { return &client{webtest.NewClient(e.t, e.srv.URL)} }

// signIn signs the client in as the operator, giving name.
func (c *client) signIn(name string) {
	c.T.Helper()
	a := c.Post("/console/sign-in", "/console/sign-in", url.Values{"token": {opToken}, "name": {name}})
	if a.Status != http.StatusSeeOther {
		c.T.Fatalf("sign in = %d, want 303:\n%s", a.Status, a.Body)
	}
}

func upgradeIn(id string, account int64, state string) *chatlift.Upgrade {
	at := now.Add(48 * time.Hour)
	return &chatlift.Upgrade{ID: id, AccountID: account, State: state, Attempt: 1, ScheduledFor: &at, UpdatedAt: now,
		Import: chatlift.ImportProgress{State: chatlift.ImportPending}}
}
