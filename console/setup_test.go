package console_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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
}

func setup(t *testing.T) *env {
	t.Helper()
	store := newFakeStore()
	ups := &fakeUpgrades{store: store, refuse: map[string]string{}}
	rules := chatlift.DefaultScheduleRules
	rules.Capacity = 2
	c := &console.Console{Store: store, Accounts: fakeAccounts{}, Upgrades: ups, OperatorToken: opToken, Rules: rules,
		Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, store: store, ups: ups}
}

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
