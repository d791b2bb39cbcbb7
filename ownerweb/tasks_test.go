package ownerweb_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
)

func TestChecklist(t *testing.T) {
	t.Run("PreLive", func(t *testing.T) {
		e, c := signedIn(t)
		a := c.do("GET", "/account/upgrade", nil)
		wantStatus(t, "page", a, http.StatusOK)
		wantBody(t, "heading", a, "Before the upgrade")
		wantBody(t, "status", a, `id="task-enable_account_assumption"`)
		wantBody(t, "status", a, `status-todo">todo<`)
		wantBody(t, "meaning, escaped", a, "Lets support staff &lt;help&gt;.")
		wantBody(t, "action", a, "What to do:</strong> Turn on account assumption")
		e.tasks.pre[0].Status = chatlift.TaskDone
		a = c.do("GET", "/account/upgrade", nil)
		wantBody(t, "recomputed", a, `status-done">done<`)
		if strings.Contains(a.body, "What to do:") {
			t.Fatal("a done task still says what to do")
		}
		if e.tasks.asked != 2 {
			t.Fatalf("checklist computed %d times for 2 views", e.tasks.asked)
		}
	})
	t.Run("PostLive", func(t *testing.T) {
		e, c := requested(t)
		e.store.upgrades[0].State = chatlift.UpgradeImporting
		a := c.do("GET", "/account/upgrade", nil)
		wantBody(t, "heading", a, "After the upgrade")
		wantBody(t, "detail", a, "CRM (crm): no new token yet")
		if strings.Contains(a.body, `action="/account/upgrade/reschedule"`) {
			t.Fatal("a switched upgrade offers another date")
		}
		e.tasks.post[0].Status, e.tasks.post[0].Details = chatlift.TaskDone, []string{"CRM (crm): re-authorized"}
		a = c.do("GET", "/account/upgrade", nil)
		wantBody(t, "recomputed", a, "CRM (crm): re-authorized")
	})
}
