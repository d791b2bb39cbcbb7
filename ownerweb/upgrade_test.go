package ownerweb_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

var slotOption = regexp.MustCompile(`<option value="(\d{4}-[^"]+)">`)

// signedIn is a client signed in as ann, the account's admin.
func signedIn(t *testing.T) (*env, *client) {
	t.Helper()
	e := setup(t)
	c := e.client()
	wantStatus(t, "sign in", c.signIn("ann@example.com", password), http.StatusSeeOther)
	return e, c
}

// requested is a signed-in client whose account's upgrade was requested.
func requested(t *testing.T) (*env, *client) {
	t.Helper()
	e, c := signedIn(t)
	tok := c.CSRF("/account/upgrade")
	wantStatus(t, "request", c.Do("POST", "/account/upgrade/request", url.Values{"csrf": {tok}}), http.StatusSeeOther)
	return e, c
}

func TestUpgradePage(t *testing.T) {
	t.Run("NotRequested", func(t *testing.T) {
		_, c := signedIn(t)
		a := c.Do("GET", "/account/upgrade", nil)
		wantStatus(t, "page", a, http.StatusOK)
		wantBody(t, "page", a, `id="no-upgrade"`)
		wantBody(t, "page", a, `action="/account/upgrade/request"`)
	})
	t.Run("Request", func(t *testing.T) {
		e, c := requested(t)
		if len(e.store.upgrades) != 1 || e.store.upgrades[0].RequestedBy != "ann@example.com" {
			t.Fatalf("upgrades %+v", e.store.upgrades)
		}
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "flash", a, "Upgrade requested")
		wantBody(t, "date in the account's zone", a, "Tuesday 24 November 2026, 23:00 JST")
		wantBody(t, "notice, escaped", a, "Review the &lt;tasks&gt;.")
		wantBody(t, "state", a, `id="state">scheduled<`)
	})
	t.Run("RolledBack", func(t *testing.T) {
		e, c := requested(t)
		u := e.store.upgrades[0]
		next := firstDate.Add(7 * 24 * time.Hour)
		u.Attempt, u.ScheduledFor, u.Error = 2, &next, "copy_configuration: injected"
		e.store.notices = append(e.store.notices, &chatlift.Notification{ID: 2, AccountID: u.AccountID, Key: "upg_1/1/rolled_back",
			Kind: "upgrade_rolled_back", Title: "Your chat upgrade was rolled back", Body: "Exactly as it <was>."})
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "the rollback, escaped", a, `id="rolled-back"><h3>Your chat upgrade was rolled back</h3><p>Exactly as it &lt;was&gt;.`)
		wantBody(t, "the new date in the account's zone", a, "Tuesday 1 December 2026, 23:00 JST")
		wantBody(t, "the attempt", a, `data-attempt="2"`)
		wantBody(t, "why", a, "copy_configuration: injected")
	})
	t.Run("RequestAgain", func(t *testing.T) {
		e, c := requested(t)
		tok := c.CSRF("/account/upgrade")
		c.Do("POST", "/account/upgrade/request", url.Values{"csrf": {tok}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "already under way")
		if len(e.store.upgrades) != 1 {
			t.Fatalf("%d upgrades", len(e.store.upgrades))
		}
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		e, c := signedIn(t)
		wantStatus(t, "forged", c.Do("POST", "/account/upgrade/request", url.Values{"csrf": {"forged"}}), http.StatusForbidden)
		if len(e.store.upgrades) != 0 {
			t.Fatal("a forged form requested the upgrade")
		}
	})
}

func TestReschedule(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e, c := requested(t)
		slots := slotOption.FindAllStringSubmatch(c.Do("GET", "/account/upgrade", nil).Body, -1)
		if len(slots) != 12 {
			t.Fatalf("%d free slots offered, want 12", len(slots))
		}
		first, err := time.Parse(time.RFC3339, slots[0][1])
		if err != nil {
			t.Fatal(err)
		}
		if first.Before(now.Add(21 * 24 * time.Hour)) {
			t.Fatalf("first slot %s is within the notice", first)
		}
		if h := first.In(time.FixedZone("JST", 9*3600)).Hour(); h < 22 && h >= 6 {
			t.Fatalf("first slot %s is outside the quiet hours in Tokyo", first)
		}
		tok := c.CSRF("/account/upgrade")
		c.Do("POST", "/account/upgrade/reschedule", url.Values{"csrf": {tok}, "slot": {slots[3][1]}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Accepted: the upgrade moves to")
		if got := e.store.upgrades[0].ScheduledFor.Format(time.RFC3339); got != slots[3][1] {
			t.Fatalf("scheduled for %s, want %s", got, slots[3][1])
		}
	})
	t.Run("FullSlotsNotOffered", func(t *testing.T) {
		e, c := requested(t)
		first := slotOption.FindStringSubmatch(c.Do("GET", "/account/upgrade", nil).Body)[1]
		at, _ := time.Parse(time.RFC3339, first)
		e.store.booked[at] = 1
		again := slotOption.FindStringSubmatch(c.Do("GET", "/account/upgrade", nil).Body)[1]
		if again == first {
			t.Fatalf("full slot %s still offered", first)
		}
		tok := c.CSRF("/account/upgrade")
		c.Do("POST", "/account/upgrade/reschedule", url.Values{"csrf": {tok}, "slot": {first}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: pick one of the free dates offered.")
		if !e.store.upgrades[0].ScheduledFor.Equal(firstDate) {
			t.Fatal("moved to a full slot")
		}
	})
	t.Run("ErrNotOffered", func(t *testing.T) {
		e, c := requested(t)
		tok := c.CSRF("/account/upgrade")
		tomorrow := now.Add(24 * time.Hour).Truncate(time.Hour).Format(time.RFC3339)
		for _, slot := range []string{tomorrow, "not a date", ""} {
			c.Do("POST", "/account/upgrade/reschedule", url.Values{"csrf": {tok}, "slot": {slot}})
			wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: pick one of the free dates offered.")
		}
		if !e.store.upgrades[0].ScheduledFor.Equal(firstDate) {
			t.Fatal("moved within the notice")
		}
	})
	t.Run("ErrRefusedByWorkflow", func(t *testing.T) {
		e, c := requested(t)
		e.ups.refuse = "upgrade upg_1 is preparing; reschedule does not apply"
		slot := slotOption.FindStringSubmatch(c.Do("GET", "/account/upgrade", nil).Body)[1]
		tok := c.CSRF("/account/upgrade")
		c.Do("POST", "/account/upgrade/reschedule", url.Values{"csrf": {tok}, "slot": {slot}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: upgrade upg_1 is preparing; reschedule does not apply")
	})
}
