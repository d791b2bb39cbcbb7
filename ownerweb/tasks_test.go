package ownerweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webtest"
)

func TestChecklist(t *testing.T) {
	t.Run("PreLive", func(t *testing.T) {
		e, c := signedIn(t)
		a := c.Do("GET", "/account/upgrade", nil)
		wantStatus(t, "page", a, http.StatusOK)
		wantBody(t, "heading", a, "Before the upgrade")
		wantBody(t, "status", a, `id="task-enable_account_assumption"`)
		wantBody(t, "status", a, `status-todo">todo<`)
		wantBody(t, "meaning, escaped", a, "Lets support staff &lt;help&gt;.")
		wantBody(t, "action", a, "What to do:</strong> Turn on account assumption")
		e.tasks.pre[0].Status = chatlift.TaskDone
		a = c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "recomputed", a, `status-done">done<`)
		if strings.Contains(a.Body, "What to do:") {
			t.Fatal("a done task still says what to do")
		}
		if e.tasks.asked != 2 {
			t.Fatalf("checklist computed %d times for 2 views", e.tasks.asked)
		}
	})
	t.Run("PostLive", func(t *testing.T) {
		e, c := requested(t)
		e.store.upgrades[0].State = chatlift.UpgradeImporting
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "heading", a, "After the upgrade")
		wantBody(t, "detail", a, "CRM (crm): no new token yet")
		if strings.Contains(a.Body, `action="/account/upgrade/reschedule"`) {
			t.Fatal("a switched upgrade offers another date")
		}
		e.tasks.post[0].Status, e.tasks.post[0].Details = chatlift.TaskDone, []string{"CRM (crm): re-authorized"}
		a = c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "recomputed", a, "CRM (crm): re-authorized")
	})
}

func TestAccountAssumption(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e, c := signedIn(t)
		page := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "the task's button", page, `action="/account/upgrade/account-assumption"`)
		tok := webtest.CSRFOf(t, page.Body)
		a := c.Do("POST", "/account/upgrade/account-assumption", url.Values{"csrf": {tok}})
		wantStatus(t, "enable", a, http.StatusSeeOther)
		if len(e.set.enabled) != 1 || e.set.enabled[0] != 1 {
			t.Fatalf("enabled for %v", e.set.enabled)
		}
		e.tasks.pre[0].Status = chatlift.TaskDone
		page = c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "flash", page, "Account assumption is on")
		if strings.Contains(page.Body, `action="/account/upgrade/account-assumption"`) {
			t.Fatal("a done task still offers its button")
		}
	})
	t.Run("ErrTooLate", func(t *testing.T) {
		e, c := signedIn(t)
		e.set.refuse = chatlift.Errorf(chatlift.EUNAVAILABLE, "chat account 1 is maintenance")
		tok := c.CSRF("/account/upgrade")
		c.Do("POST", "/account/upgrade/account-assumption", url.Values{"csrf": {tok}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: chat is being upgraded")
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		e, c := signedIn(t)
		a := c.Do("POST", "/account/upgrade/account-assumption", url.Values{"csrf": {"forged"}})
		wantStatus(t, "forged", a, http.StatusForbidden)
		if len(e.set.enabled) != 0 {
			t.Fatal("a forged form enabled it")
		}
	})
}
