package oauthserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/oauth2"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/oauthserver"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// countingCompare compares passwords with bcrypt and records the cost of
// each hash it was given.
type countingCompare struct {
	mu    sync.Mutex
	costs []int
}

func (c *countingCompare) compare(hash, password []byte) error {
	cost, err := bcrypt.Cost(hash)
	if err != nil {
		cost = -1
	}
	c.mu.Lock()
	c.costs = append(c.costs, cost)
	c.mu.Unlock()
	return bcrypt.CompareHashAndPassword(hash, password)
}

// since returns the costs recorded after the first n.
func (c *countingCompare) since(n int) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int{}, c.costs[n:]...)
}

// signInEnv is a server with a driven clock and a counting comparer, and a
// confidential client of its first account.
type signInEnv struct {
	*env
	clock   *fakeClock
	compare *countingCompare
	client  *oauthserver.OAuthClient
	me      accountCreds
	srv     *httpapi.Server
}

func setupSignIn(t *testing.T) *signInEnv {
	t.Helper()
	e := &signInEnv{clock: &fakeClock{t: time.Now().UTC()}, compare: &countingCompare{}}
	e.env = setup(t, 1, 0, func(s *httpapi.Server) {
		s.Now, s.ComparePassword, e.srv = e.clock.now, e.compare.compare, s
	})
	e.me = e.account(0)
	e.client = e.NewClient(t, e.me.token, nil)
	return e
}

// passwordGrant asks the token endpoint for a token with the password grant.
func (e *signInEnv) passwordGrant(t *testing.T, email, password string) answer {
	t.Helper()
	form := map[string][]string{"grant_type": {"password"}, "username": {email}, "password": {password},
		"client_id": {e.client.ClientIdentifier}, "client_secret": {e.client.ClientSecret}}
	return fetch(t, http.DefaultClient, "POST", e.URL+"/oauth2/chat/token", form)
}

// passwordGrantFrom is passwordGrant from the client address remote
// ("ip:port"), served by the server's handler directly.
func (e *signInEnv) passwordGrantFrom(t *testing.T, remote, email, password string) answer {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {email}, "password": {password},
		"client_id": {e.client.ClientIdentifier}, "client_secret": {e.client.ClientSecret}}
	req := httptest.NewRequest("POST", "/oauth2/chat/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return answer{status: rec.Code, body: rec.Body.String(), header: rec.Header()}
}

// wantThrottled fails unless a is a 429 with a Retry-After of want seconds.
func wantThrottled(t *testing.T, a answer, want string) {
	t.Helper()
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != want {
		t.Fatalf("status %d, Retry-After %q; want 429 after %s s: %s", a.status, a.header.Get("Retry-After"), want, a.body)
	}
}

func TestPasswordGrantThrottled(t *testing.T) {
	t.Parallel()
	t.Run("PerAccount", func(t *testing.T) {
		t.Parallel()
		e := setupSignIn(t)
		for i := range 10 {
			if a := e.passwordGrant(t, e.me.email, fmt.Sprint("guess-", i)); a.status != http.StatusBadRequest || !strings.Contains(a.body, "invalid_grant") {
				t.Fatalf("guess %d: %d %s", i+1, a.status, a.body)
			}
		}
		n := len(e.compare.since(0))
		a := e.passwordGrant(t, strings.ToUpper(e.me.email), e.me.password)
		wantThrottled(t, a, "30")
		if !strings.Contains(a.body, `"error":"slow_down"`) || !strings.Contains(a.body, `"error_description"`) {
			t.Fatalf("not in the OAuth error shape: %s", a.body)
		}
		if got := e.compare.since(n); len(got) != 0 {
			t.Fatalf("a throttled attempt compared %d passwords", len(got))
		}
		e.clock.advance(29 * time.Second)
		wantThrottled(t, e.passwordGrant(t, e.me.email, e.me.password), "1")
		e.clock.advance(time.Second)
		if a := e.passwordGrant(t, e.me.email, e.me.password); a.status != http.StatusOK {
			t.Fatalf("after the wait: %d %s", a.status, a.body)
		}
	})
	t.Run("PerAddress", func(t *testing.T) {
		t.Parallel()
		e := setupSignIn(t)
		for i := range 50 {
			if a := e.passwordGrant(t, fmt.Sprintf("nobody%d@example.test", i), "guess"); a.status != http.StatusBadRequest {
				t.Fatalf("guess %d: %d %s", i+1, a.status, a.body)
			}
		}
		wantThrottled(t, e.passwordGrant(t, e.me.email, e.me.password), "2")
		e.clock.advance(2 * time.Second)
		if a := e.passwordGrant(t, e.me.email, e.me.password); a.status != http.StatusOK {
			t.Fatalf("after the wait: %d %s", a.status, a.body)
		}
	})
	t.Run("PerAddressIPv6Prefix", func(t *testing.T) {
		t.Parallel()
		e := setupSignIn(t)
		for i := range 50 { // each guess from another address of one /64
			remote := fmt.Sprintf("[2001:db8:1:2:%x::1]:4000", i)
			if a := e.passwordGrantFrom(t, remote, fmt.Sprintf("nobody%d@example.test", i), "guess"); a.status != http.StatusBadRequest {
				t.Fatalf("guess %d: %d %s", i+1, a.status, a.body)
			}
		}
		wantThrottled(t, e.passwordGrantFrom(t, "[2001:db8:1:2:ffff::9]:4000", e.me.email, e.me.password), "2")
		if a := e.passwordGrantFrom(t, "[2001:db8:1:3::1]:4000", e.me.email, e.me.password); a.status != http.StatusOK {
			t.Fatalf("from another /64: %d %s", a.status, a.body)
		}
		if a := e.passwordGrantFrom(t, "192.0.2.8:4000", e.me.email, e.me.password); a.status != http.StatusOK {
			t.Fatalf("from an IPv4 address: %d %s", a.status, a.body)
		}
	})
}

func TestConsentThrottled(t *testing.T) {
	t.Parallel()
	e := setupSignIn(t)
	authURL := oauthConfig(e.URL, e.client, oauth2.AuthStyleInParams).AuthCodeURL("st-1")
	b := newBrowser(t)
	for i := range 10 {
		if a := consent(t, b, e.URL, authURL, e.me.email, fmt.Sprint("guess-", i), "approve"); a.status != http.StatusOK || !strings.Contains(a.body, "Wrong email or password") {
			t.Fatalf("guess %d: %d %s", i+1, a.status, a.body)
		}
	}
	a := consent(t, b, e.URL, authURL, e.me.email, e.me.password, "approve")
	if wantThrottled(t, a, "30"); !strings.Contains(a.body, "Too many sign-in attempts") || !strings.Contains(a.body, `name="csrf"`) {
		t.Fatalf("throttled consent page: %s", a.body)
	}
	e.clock.advance(30 * time.Second)
	if u := redirect(t, consent(t, b, e.URL, authURL, e.me.email, e.me.password, "approve")); u.Query().Get("code") == "" {
		t.Fatalf("after the wait, redirected to %s", u)
	}
}

// TestSignInCostsAlike: every refusal compares one password against a hash
// of the cost of the account's own hashes, whether or not the email is an
// agent's.
func TestSignInCostsAlike(t *testing.T) {
	t.Parallel()
	e := setupSignIn(t)
	ctx := context.Background()
	agents, err := e.Legacy.Agents(ctx, e.me.id)
	if err != nil {
		t.Fatal(err)
	}
	cost, err := bcrypt.Cost([]byte(agents[0].PasswordHash))
	if err != nil {
		t.Fatal(err)
	}
	disabled := newDisabledAgent(t, e, cost)
	for _, tc := range []struct{ name, email, password string }{
		{"ErrWrongPassword", e.me.email, "guess"},
		{"ErrUnknownEmail", "nobody@example.test", "guess"},
		{"ErrDisabledAgent", disabled.Email, "disabled-password"},
		{"ErrLongPassword", e.me.email, strings.Repeat("x", 2000)},
		{"OK", e.me.email, e.me.password},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(e.compare.since(0))
			a := e.passwordGrant(t, tc.email, tc.password)
			if (a.status == http.StatusOK) != (tc.name == "OK") {
				t.Fatalf("%d %s", a.status, a.body)
			}
			if got := e.compare.since(n); len(got) != 1 || got[0] != cost {
				t.Fatalf("compared at costs %v, want one comparison at the agents' cost %d", got, cost)
			}
		})
	}
}

// newDisabledAgent stores a disabled agent of e's account whose password,
// "disabled-password", is hashed at cost.
func newDisabledAgent(t *testing.T, e *signInEnv, cost int) *chatlift.Agent {
	t.Helper()
	ctx := context.Background()
	id, err := e.Legacy.NextIDs(ctx, fmt.Sprint("agents/", e.me.id), 1)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("disabled-password"), cost)
	if err != nil {
		t.Fatal(err)
	}
	a := &chatlift.Agent{ID: id, AccountID: e.me.id, Email: fmt.Sprintf("disabled%d@example.test", id), DisplayName: "Disabled",
		Role: "agent", RoleID: 3, Enabled: false, Departments: []int64{}, Skills: []int64{}, CreatedAt: time.Now().UTC(),
		PasswordHash: string(hash)}
	if err := e.Legacy.PutAgents(ctx, []*chatlift.Agent{a}); err != nil {
		t.Fatal(err)
	}
	return a
}
