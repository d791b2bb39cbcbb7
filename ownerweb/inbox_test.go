package ownerweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestInbox(t *testing.T) {
	e, c := signedIn(t)
	at := now.Add(-time.Hour)
	e.store.notices = []*chatlift.Notification{
		{ID: 1, AccountID: 1, Kind: "upgrade_scheduled", Title: "Scheduled", Body: "Old <b>notice</b>", URL: "/account/upgrade", CreatedAt: at},
		{ID: 2, AccountID: 1, Kind: "billing", Title: "Elsewhere", Body: "b", URL: "https://evil.example/account/", CreatedAt: at},
		{ID: 3, AccountID: 1, Kind: "upgrade_completed", Title: "Completed", Body: "c", CreatedAt: now},
		{ID: 4, AccountID: 1, UserEmail: "bob@example.com", Kind: "x", Title: "For Bob", Body: "d", CreatedAt: now},
		{ID: 5, AccountID: 2, Kind: "x", Title: "Another account", Body: "e", CreatedAt: now},
	}
	a := c.Do("GET", "/account/notifications", nil)
	wantStatus(t, "inbox", a, http.StatusOK)
	wantBody(t, "unread", a, "3 unread.")
	wantBody(t, "link", a, `<a href="/account/upgrade">Scheduled</a>`)
	wantBody(t, "link of an upgrade notice without URL", a, `<a href="/account/upgrade">Completed</a>`)
	wantBody(t, "escaped", a, "Old &lt;b&gt;notice&lt;/b&gt;")
	for _, not := range []string{"evil.example", "For Bob", "Another account"} {
		if strings.Contains(a.Body, not) {
			t.Errorf("inbox shows %q", not)
		}
	}
	if strings.Index(a.Body, "Completed") > strings.Index(a.Body, "Scheduled") {
		t.Error("not newest first")
	}
	wantStatus(t, "mark read, forged", c.Do("POST", "/account/notifications/read", url.Values{"csrf": {"x"}}), http.StatusForbidden)
	tok := c.CSRF("/account/notifications")
	wantStatus(t, "mark read", c.Do("POST", "/account/notifications/read", url.Values{"csrf": {tok}}), http.StatusSeeOther)
	wantBody(t, "after", c.Do("GET", "/account/notifications", nil), "0 unread.")
	if e.store.notices[3].ReadAt != nil || e.store.notices[4].ReadAt != nil {
		t.Error("marked others' notifications read")
	}
	if e.store.notices[0].ReadAt == nil || !e.store.notices[0].ReadAt.Equal(now) {
		t.Errorf("read at %v", e.store.notices[0].ReadAt)
	}
}

func TestProgress(t *testing.T) {
	t.Run("Live", func(t *testing.T) {
		e, c := requested(t)
		u := e.store.upgrades[0]
		u.State, u.Import = chatlift.UpgradeImporting, chatlift.ImportProgress{State: chatlift.ImportRunning, Done: 40, Total: 100, Rate: 1234, ETASeconds: 90}
		frozen := now
		u.FrozenAt, u.ChatDowntimeMS = &frozen, 850
		a := c.Do("GET", "/account/upgrade/progress", nil)
		wantStatus(t, "fragment", a, http.StatusOK)
		if strings.Contains(a.Body, "<html") {
			t.Fatal("the fragment has the layout")
		}
		wantBody(t, "refresh", a, `hx-get="/account/upgrade/progress"`)
		wantBody(t, "bar", a, `<progress id="import-bar" max="100" value="40">`)
		wantBody(t, "rows", a, "40 of 100 rows (40 %)")
		wantBody(t, "rate", a, "1234 rows/s")
		wantBody(t, "eta", a, "about 1m30s left")
		wantBody(t, "downtime", a, "850 ms")
		wantBody(t, "page has it", c.Do("GET", "/account/upgrade", nil), `id="import-bar"`)
	})
	t.Run("Finished", func(t *testing.T) {
		e, c := requested(t)
		u := e.store.upgrades[0]
		u.State, u.Import = chatlift.UpgradeCompleted, chatlift.ImportProgress{State: chatlift.ImportDone, Done: 100, Total: 100}
		u.Verification = &chatlift.Verification{Passed: true}
		a := c.Do("GET", "/account/upgrade/progress", nil)
		if strings.Contains(a.Body, "hx-get") {
			t.Fatal("a finished upgrade keeps refreshing")
		}
		wantBody(t, "verified", a, `id="verified"`)
		wantBody(t, "bar", a, `value="100"`)
	})
	t.Run("ErrSignedOut", func(t *testing.T) {
		e := setup(t)
		wantStatus(t, "fragment", e.client().Do("GET", "/account/upgrade/progress", nil), http.StatusSeeOther)
	})
}
