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
		c.Get("/console/sign-in").Want(t, http.StatusOK, `<label for="token">Operator token</label>`)
		c.signIn("Aiko")
		ck := c.Cookies["chatlift_console"]
		if ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console/" {
			t.Fatalf("session cookie = %+v, want Secure, HttpOnly, SameSite=Strict on /console/", ck)
		}
		if len(ck.Value) < 40 {
			t.Fatalf("session id %q is too short to be unguessable", ck.Value)
		}
		c.Get("/console/").Want(t, http.StatusOK, "Fleet at a glance", "operator (Aiko)")
	})
	t.Run("WrongToken", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		a := c.Post("/console/sign-in", "/console/sign-in", url.Values{"token": {"nope"}})
		a.Want(t, http.StatusUnauthorized, "That is not the operator token", `aria-invalid="true"`)
		c.Get("/console/").Want(t, http.StatusSeeOther)
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.Get("/console/sign-in")
		c.Do("POST", "/console/sign-in", url.Values{"token": {opToken}, "csrf": {"made-up"}}).Want(t, http.StatusForbidden, "The form expired")
		c.Get("/console/").Want(t, http.StatusSeeOther)
	})
	t.Run("Throttled", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		for range 10 {
			c.Post("/console/sign-in", "/console/sign-in", url.Values{"token": {"guess"}}).Want(t, http.StatusUnauthorized)
		}
		a := c.Post("/console/sign-in", "/console/sign-in", url.Values{"token": {opToken}})
		a.Want(t, http.StatusTooManyRequests, "Too many attempts")
		if a.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})
	t.Run("NextStaysInConsole", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		for next, want := range map[string]string{"/console/upgrades?state=scheduled": "/console/upgrades?state=scheduled",
			"//evil.example/": "/console/", "https://evil.example/console/": "/console/"} {
			c.Cookies = map[string]*http.Cookie{}
			a := c.Post("/console/sign-in?next="+url.QueryEscape(next), "/console/sign-in", url.Values{"token": {opToken}, "next": {next}})
			if got := a.Header.Get("Location"); a.Status != http.StatusSeeOther || got != want {
				t.Errorf("next %q: %d to %q, want 303 to %q", next, a.Status, got, want)
			}
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		e := setup(t)
		c := e.client()
		c.signIn("")
		old := c.Cookies["chatlift_console"]
		c.Post("/console/", "/console/sign-out", nil).Want(t, http.StatusSeeOther)
		c.Cookies["chatlift_console"] = old // a copy of the cookie kept from before
		a := c.Get("/console/")
		if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Header.Get("Location"), "/console/sign-in") {
			t.Fatalf("after sign-out the old session answers %d %q", a.Status, a.Header.Get("Location"))
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
		a := anon.Get(path)
		if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/console/sign-in?next="+url.QueryEscape(path) {
			t.Errorf("anonymous GET %s = %d to %q, want 303 to the sign-in form", path, a.Status, a.Header.Get("Location"))
		}
	}
	for _, path := range []string{"/console/upgrades/upg_a/pause", "/console/upgrades/upg_a/reschedule", "/console/batch", "/console/sign-out"} {
		anon.Do("POST", path, url.Values{"action": {"pause"}}).Want(t, http.StatusUnauthorized, "sign in again")
	}
	signed := e.client()
	signed.signIn("")
	signed.Do("POST", "/console/upgrades/upg_a/pause", url.Values{}).Want(t, http.StatusForbidden, "reload the page")
	signed.Do("POST", "/console/batch", url.Values{"action": {"pause"}, "csrf": {"forged"}}).Want(t, http.StatusForbidden)
	if calls := e.ups.called(); calls != "" {
		t.Fatalf("the upgrade service was asked %q", calls)
	}
	big := url.Values{"note": {strings.Repeat("x", 70<<10)}}
	signed.Post("/console/", "/console/upgrades/upg_a/pause", big).Want(t, http.StatusRequestEntityTooLarge)
	if calls := e.ups.called(); calls != "" {
		t.Fatalf("an oversized form reached the upgrade service: %q", calls)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.client().Get("/console/sign-in")
	for h, want := range map[string]string{"Content-Security-Policy": "script-src 'self'", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if !strings.Contains(a.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to hold %q", h, a.Header.Get(h), want)
		}
	}
	e.client().Get("/console/static/htmx.min.js").Want(t, http.StatusOK, "htmx")
}
