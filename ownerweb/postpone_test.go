package ownerweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
)

// postpone posts the postpone form with the session's token.
func postpone(c *client, form url.Values) answer {
	form.Set("csrf", c.CSRF("/account/upgrade"))
	return c.Do("POST", "/account/upgrade/postpone", form)
}

func TestPostpone(t *testing.T) {
	t.Run("Form", func(t *testing.T) {
		_, c := requested(t)
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "the form", a, `action="/account/upgrade/postpone"`)
		wantBody(t, "weeks", a, `<option value="12">12 weeks</option>`)
		wantBody(t, "honest", a, "It is a request: the upgrade keeps its date")
	})
	t.Run("Weeks", func(t *testing.T) {
		e, c := requested(t)
		wantStatus(t, "ask", postpone(c, url.Values{"weeks": {"2"}, "reason": {"Busy <season>"}}), http.StatusSeeOther)
		if len(e.store.postpone) != 1 || e.store.postpone[0].RequestedBy != "ann@example.com" {
			t.Fatalf("requests %+v", e.store.postpone)
		}
		if !e.store.upgrades[0].ScheduledFor.Equal(firstDate) {
			t.Fatal("asking to postpone moved the upgrade")
		}
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "flash", a, "Asked to postpone to Tuesday 8 December 2026, 23:00 JST: support will answer")
		wantBody(t, "the request", a, `To Tuesday 8 December 2026, 23:00 JST (from Tuesday 24 November 2026, 23:00 JST)`)
		wantBody(t, "its status", a, `status-pending">pending<`)
		wantBody(t, "the reason, escaped", a, "Busy &lt;season&gt;")
		wantBody(t, "the date unchanged", a, `id="date">Tuesday 24 November 2026, 23:00 JST<`)
		answered := e.store.postpone[0]
		moved := firstDate.AddDate(0, 0, 14)
		answered.Status, answered.Answer, answered.NewDate = chatlift.PostponeAccepted, "Moved, <enjoy>", &moved
		a = c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "the answer", a, `status-accepted">accepted</span>, moved to Tuesday 8 December 2026, 23:00 JST<br><span class="answer">Support's answer: “Moved, &lt;enjoy&gt;”`)
	})
	t.Run("Date", func(t *testing.T) {
		e, c := requested(t)
		postpone(c, url.Values{"weeks": {"1"}, "date": {"2027-01-10"}, "reason": {"audit"}})
		if len(e.store.postpone) != 1 || e.store.postpone[0].Until.Format("2006-01-02 15:04") != "2027-01-10 14:00" {
			t.Fatalf("requests %+v", e.store.postpone)
		}
	})
	for name, form := range map[string]url.Values{
		"ErrNoReason":      {"weeks": {"2"}},
		"ErrBadWeeks":      {"weeks": {"0"}, "reason": {"x"}},
		"ErrBadDate":       {"date": {"10/01/2027"}, "reason": {"x"}},
		"ErrEarlier":       {"date": {"2026-11-20"}, "reason": {"x"}},
		"ErrBeyondHorizon": {"date": {"2028-01-01"}, "reason": {"x"}},
	} {
		t.Run(name, func(t *testing.T) {
			e, c := requested(t)
			postpone(c, form)
			wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: ")
			if len(e.store.postpone) != 0 {
				t.Fatalf("recorded %+v", e.store.postpone[0])
			}
		})
	}
	t.Run("ErrNotWaiting", func(t *testing.T) {
		e, c := requested(t)
		e.store.upgrades[0].State = chatlift.UpgradeMigrating
		a := c.Do("GET", "/account/upgrade", nil)
		if strings.Contains(a.Body, `action="/account/upgrade/postpone"`) {
			t.Error("the form is offered while migrating")
		}
		postpone(c, url.Values{"weeks": {"2"}, "reason": {"x"}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: only an upgrade waiting for its date")
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		e, c := requested(t)
		wantStatus(t, "forged", c.Do("POST", "/account/upgrade/postpone", url.Values{"csrf": {"forged"}, "weeks": {"2"}, "reason": {"x"}}), http.StatusForbidden)
		if len(e.store.postpone) != 0 {
			t.Fatal("a forged form was recorded")
		}
	})
}
