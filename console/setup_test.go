package console_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/console"
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
	if e.srv != nil {
		e.srv.Close()
		e.c.Stop()
	}
	rules := chatlift.DefaultScheduleRules
	rules.Capacity = 2
	e.c = &console.Console{Store: e.store, Accounts: fakeAccounts{}, Upgrades: e.ups, OperatorToken: opToken, Rules: rules,
		Now: e.now, Logger: slog.New(slog.DiscardHandler)}
	e.srv = httptest.NewServer(e.c)
	e.t.Cleanup(e.srv.Close)
	e.t.Cleanup(e.c.Stop)
}

func (e *env) now() time.Time { return time.Unix(0, e.clock.Load()).UTC() }

// advance moves the console's clock on by d.
func (e *env) advance(d time.Duration) { e.clock.Add(int64(d)) }

// client is a browser without JavaScript: it keeps cookies (Secure ones too,
// as browsers do on a loopback address) and does not follow redirects.
type client struct {
	e       *env
	cookies map[string]*http.Cookie
	addr    string // the remote address the server sees, for throttling
}

func (e *env) client() *client { return &client{e: e, cookies: map[string]*http.Cookie{}} }

type answer struct {
	status int
	body   string
	header http.Header
}

func (c *client) do(method, path string, form url.Values) answer {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return answer{resp.StatusCode, string(b), resp.Header}
}

func (c *client) get(path string) answer { return c.do("GET", path, nil) }

// post sends a form with the CSRF token of the page at from.
func (c *client) post(from, path string, form url.Values) answer {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", csrfOf(c.e.t, c.get(from).body))
	return c.do("POST", path, form)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

// signIn signs the client in as the operator, giving name.
func (c *client) signIn(name string) {
	c.e.t.Helper()
	a := c.post("/console/sign-in", "/console/sign-in", url.Values{"token": {opToken}, "name": {name}})
	if a.status != http.StatusSeeOther {
		c.e.t.Fatalf("sign in = %d, want 303:\n%s", a.status, a.body)
	}
}

// want fails unless the answer has the status and contains every text.
func (a answer) want(t *testing.T, status int, texts ...string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", a.status, status, a.body)
	}
	for _, s := range texts {
		if !strings.Contains(a.body, s) {
			t.Fatalf("the page does not say %q:\n%s", s, a.body)
		}
	}
}

func upgradeIn(id string, account int64, state string) *chatlift.Upgrade {
	at := now.Add(48 * time.Hour)
	return &chatlift.Upgrade{ID: id, AccountID: account, State: state, Attempt: 1, ScheduledFor: &at, UpdatedAt: now,
		Import: chatlift.ImportProgress{State: chatlift.ImportPending}}
}
