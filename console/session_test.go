package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.get("/console/sign-in").want(t, http.StatusOK, `<label for="token">Operator token</label>`)
		c.signIn("Aiko")
		ck := c.cookies["chatlift_console"]
		if ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console/" {
			t.Fatalf("session cookie = %+v, want Secure, HttpOnly, SameSite=Strict on /console/", ck)
		}
		if len(ck.Value) < 40 {
			t.Fatalf("session id %q is too short to be unguessable", ck.Value)
		}
		c.get("/console/").want(t, http.StatusOK, "Fleet at a glance", "operator (Aiko)")
	})
	t.Run("WrongToken", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		a := c.post("/console/sign-in", "/console/sign-in", url.Values{"token": {"nope"}})
		a.want(t, http.StatusUnauthorized, "That is not the operator token", `aria-invalid="true"`)
		c.get("/console/").want(t, http.StatusSeeOther)
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.get("/console/sign-in")
		c.do("POST", "/console/sign-in", url.Values{"token": {opToken}, "csrf": {"made-up"}}).want(t, http.StatusForbidden, "The form expired")
		c.get("/console/").want(t, http.StatusSeeOther)
	})
	t.Run("Throttled", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		for range 10 {
			c.post("/console/sign-in", "/console/sign-in", url.Values{"token": {"guess"}}).want(t, http.StatusUnauthorized)
		}
		a := c.post("/console/sign-in", "/console/sign-in", url.Values{"token": {opToken}})
		a.want(t, http.StatusTooManyRequests, "Too many attempts")
		if a.header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})
	t.Run("NextStaysInConsole", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		for next, want := range map[string]string{"/console/upgrades?state=scheduled": "/console/upgrades?state=scheduled",
			"//evil.example/": "/console/", "https://evil.example/console/": "/console/"} {
			c.cookies = map[string]*http.Cookie{}
			a := c.post("/console/sign-in?next="+url.QueryEscape(next), "/console/sign-in", url.Values{"token": {opToken}, "next": {next}})
			if got := a.header.Get("Location"); a.status != http.StatusSeeOther || got != want {
				t.Errorf("next %q: %d to %q, want 303 to %q", next, a.status, got, want)
			}
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.signIn("")
		old := c.cookies["chatlift_console"]
		c.post("/console/", "/console/sign-out", nil).want(t, http.StatusSeeOther)
		c.cookies["chatlift_console"] = old // a copy of the cookie kept from before
		a := c.get("/console/")
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/console/sign-in") {
			t.Fatalf("after sign-out the old session answers %d %q", a.status, a.header.Get("Location"))
		}
	})
}

// TestAuthenticateFirst: no page and no action without a session, and no
// action without the session's CSRF token; the upgrade service is never asked.
func TestAuthenticateFirst(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.store.put(upgradeIn("upg_a", 1, "scheduled"))
	anon := e.client()
	for _, path := range []string{"/console/", "/console/upgrades", "/console/upgrades.csv", "/console/upgrades/upg_a",
		"/console/upgrades/upg_a/progress", "/console/upgrades/upg_a/pause", "/console/batch?action=pause", "/console/nowhere"} {
		a := anon.get(path)
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/console/sign-in?next="+url.QueryEscape(path) {
			t.Errorf("anonymous GET %s = %d to %q, want 303 to the sign-in form", path, a.status, a.header.Get("Location"))
		}
	}
	for _, path := range []string{"/console/upgrades/upg_a/pause", "/console/upgrades/upg_a/reschedule", "/console/batch", "/console/sign-out"} {
		anon.do("POST", path, url.Values{"action": {"pause"}}).want(t, http.StatusUnauthorized, "sign in again")
	}
	signed := e.client()
	signed.signIn("")
	signed.do("POST", "/console/upgrades/upg_a/pause", url.Values{}).want(t, http.StatusForbidden, "reload the page")
	signed.do("POST", "/console/batch", url.Values{"action": {"pause"}, "csrf": {"forged"}}).want(t, http.StatusForbidden)
	if calls := e.ups.called(); calls != "" {
		t.Fatalf("the upgrade service was asked %q", calls)
	}
	big := url.Values{"note": {strings.Repeat("x", 70<<10)}}
	signed.post("/console/", "/console/upgrades/upg_a/pause", big).want(t, http.StatusRequestEntityTooLarge)
	if calls := e.ups.called(); calls != "" {
		t.Fatalf("an oversized form reached the upgrade service: %q", calls)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.client().get("/console/sign-in")
	for h, want := range map[string]string{"Content-Security-Policy": "script-src 'self'", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if !strings.Contains(a.header.Get(h), want) {
			t.Errorf("%s = %q, want it to hold %q", h, a.header.Get(h), want)
		}
	}
	e.client().get("/console/static/htmx.min.js").want(t, http.StatusOK, "htmx")
}
