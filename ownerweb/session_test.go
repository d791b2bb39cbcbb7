package ownerweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestSignIn(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		a := c.signIn("ANN@example.com", password)
		wantStatus(t, "sign in", a, http.StatusSeeOther)
		if a.Header.Get("Location") != "/account/" {
			t.Fatalf("redirected to %q", a.Header.Get("Location"))
		}
		ck := c.Cookies["chatlift_account"]
		if ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/account/" {
			t.Fatalf("session cookie %+v", ck)
		}
		home := c.Do("GET", "/account/", nil)
		wantStatus(t, "home", home, http.StatusOK)
		wantBody(t, "home", home, "Signed in as ann@example.com")
		wantBody(t, "home escapes", home, "Acme &lt;Support&gt;")
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		for _, tc := range []struct{ name, email, pw string }{
			{"wrong password", "ann@example.com", "nope"},
			{"unknown email", "zed@example.com", password},
			{"agent", "bob@example.com", password},
			{"suspended admin", "cid@example.com", password},
			{"too long", "ann@example.com", strings.Repeat("x", 2000)},
		} {
			e := setup(t)
			c := e.client()
			a := c.signIn(tc.email, tc.pw)
			wantStatus(t, tc.name, a, http.StatusUnauthorized)
			wantBody(t, tc.name, a, "Wrong email or password")
			if e.compare != 1 {
				t.Errorf("%s: %d bcrypt comparisons, want exactly 1", tc.name, e.compare)
			}
			if c.Cookies["chatlift_account"] != nil {
				t.Errorf("%s: got a session", tc.name)
			}
		}
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.CSRF("/account/sign-in")
		a := c.Do("POST", "/account/sign-in", url.Values{"csrf": {"forged"}, "email": {"ann@example.com"}, "password": {password}})
		wantStatus(t, "forged sign-in", a, http.StatusForbidden)
	})
	t.Run("ErrThrottled", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		var last answer
		for range 11 {
			last = c.signIn("ann@example.com", "guess")
		}
		wantStatus(t, "11th guess", last, http.StatusTooManyRequests)
		if last.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		wantStatus(t, "right password past the limit", c.signIn("ann@example.com", password), http.StatusTooManyRequests)
	})
	t.Run("EndsWhenNoLongerAdmin", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.signIn("ann@example.com", password)
		wantStatus(t, "as admin", c.Do("GET", "/account/", nil), http.StatusOK)
		e.store.users[1].Role = "agent"
		wantStatus(t, "demoted", c.Do("GET", "/account/", nil), http.StatusSeeOther)
		e.store.users[1].Role = chatlift.UserRoleAdmin
		wantStatus(t, "the session stays ended", c.Do("GET", "/account/", nil), http.StatusSeeOther)
	})
	t.Run("SignOut", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.signIn("ann@example.com", password)
		kept := *c.Cookies["chatlift_account"]
		tok := c.CSRF("/account/")
		wantStatus(t, "sign out without csrf", c.Do("POST", "/account/sign-out", url.Values{}), http.StatusForbidden)
		wantStatus(t, "sign out", c.Do("POST", "/account/sign-out", url.Values{"csrf": {tok}}), http.StatusSeeOther)
		c.Cookies["chatlift_account"] = &kept // the old cookie no longer works
		a := c.Do("GET", "/account/", nil)
		wantStatus(t, "after sign out", a, http.StatusSeeOther)
	})
}

func TestAuthenticateFirst(t *testing.T) {
	e := setup(t)
	c := e.client()
	a := c.Do("GET", "/account/", nil)
	wantStatus(t, "page without session", a, http.StatusSeeOther)
	if !strings.HasPrefix(a.Header.Get("Location"), "/account/sign-in?next=") {
		t.Fatalf("redirected to %q", a.Header.Get("Location"))
	}
	a = c.Do("POST", "/account/sign-out", url.Values{"x": {strings.Repeat("y", 100<<10)}})
	wantStatus(t, "action without session", a, http.StatusUnauthorized)
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
		if a.Header.Get(h) == "" {
			t.Errorf("no %s", h)
		}
	}
	wantStatus(t, "stylesheet without session", c.Do("GET", "/account/static/console.css", nil), http.StatusOK)
	wantBody(t, "htmx without session", c.Do("GET", "/account/static/htmx.min.js", nil), "htmx")
	c.signIn("ann@example.com", password)
	a = c.Do("POST", "/account/sign-out", url.Values{"csrf": {strings.Repeat("y", 100<<10)}})
	wantStatus(t, "oversized form", a, http.StatusRequestEntityTooLarge)
}

// TestSessionSurvivesRestart: a session outlives the pages that made it,
// with its CSRF token and its one-time message; expired, it is refused
// and pruned.
func TestSessionSurvivesRestart(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.signIn("ann@example.com", password)
		tok := c.CSRF("/account/upgrade")
		e.restart()
		wantBody(t, "home after a restart", c.Do("GET", "/account/", nil), "Signed in as ann@example.com")
		wantStatus(t, "request", c.Do("POST", "/account/upgrade/request", url.Values{"csrf": {tok}}), http.StatusSeeOther)
		e.restart()
		wantBody(t, "the message after a restart", c.Do("GET", "/account/upgrade", nil), "Upgrade requested")
		if a := c.Do("GET", "/account/upgrade", nil); strings.Contains(a.Body, "Upgrade requested") {
			t.Fatal("the one-time message showed twice")
		}
	})
	t.Run("ExpiredIsRefusedAndPruned", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.signIn("ann@example.com", password)
		e.later = 12 * time.Hour
		e.restart()
		wantStatus(t, "expired session", c.Do("GET", "/account/", nil), http.StatusSeeOther)
		if n := e.store.Len(chatlift.FaceAccount); n != 0 {
			t.Fatalf("%d sessions kept after the only one expired", n)
		}
	})
}
