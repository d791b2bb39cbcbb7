package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// postponeSetup holds a scheduled upgrade with a pending request to move
// it ten days on, and the first two slots the rules allow from that date.
func postponeSetup(t *testing.T) (*env, *client, []time.Time) {
	t.Helper()
	e, c := signedIn(t)
	u := upgradeIn("upg_pp", 7, chatlift.UpgradeScheduled)
	e.store.put(u, upgradeIn("upg_other", 8, chatlift.UpgradeScheduled))
	until := now.AddDate(0, 0, 10)
	e.store.postpone = []*chatlift.PostponeRequest{{ID: 1, UpgradeID: "upg_pp", AccountID: 7, RequestedBy: "ann@example.com",
		From: *u.ScheduledFor, Until: until, Reason: "our busy <season>", Status: chatlift.PostponePending, CreatedAt: now}}
	rules := chatlift.DefaultScheduleRules
	rules.Notice = 0
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	var slots []time.Time
	for s := range rules.Slots(now, until.Truncate(rules.Slot), tokyo) {
		if slots = append(slots, s); len(slots) == 2 {
			break
		}
	}
	e.store.slots[slots[0]] = 2 // full: accepting takes the next
	return e, c, slots
}

func TestPostponeAnswer(t *testing.T) {
	t.Parallel()
	t.Run("Listed", func(t *testing.T) {
		t.Parallel()
		_, c, _ := postponeSetup(t)
		c.Get("/console/").Want(t, http.StatusOK, "Requests to postpone, to answer", "our busy &lt;season&gt;",
			`href="/console/upgrades/upg_pp/postpone/1"`)
		c.Get("/console/upgrades/upg_pp").Want(t, http.StatusOK, `id="postpone-1"`, "pending", "Answer request 1")
	})
	t.Run("Accept", func(t *testing.T) {
		t.Parallel()
		e, c, slots := postponeSetup(t)
		page := "/console/upgrades/upg_pp/postpone/1"
		c.Get(page).Want(t, http.StatusOK, "reschedule to "+slots[1].In(time.FixedZone("JST", 9*3600)).Format("Mon 2 Jan 2006 15:04"))
		a := c.Post(page, page, url.Values{"decision": {"accept"}, "note": {"fine by us"}})
		a.Want(t, http.StatusSeeOther)
		if len(e.ups.resched) != 1 || !e.ups.resched[0].Equal(slots[1]) {
			t.Fatalf("rescheduled to %v, want %v", e.ups.resched, slots[1])
		}
		p := e.store.postpone[0]
		if p.Status != chatlift.PostponeAccepted || p.Answer != "fine by us" || p.AnsweredBy != "operator (Aiko)" || !p.NewDate.Equal(slots[1]) {
			t.Fatalf("stored answer %+v", p)
		}
		if got := e.store.auditOf("upg_pp"); len(got) != 1 || got[0] != "operator (Aiko) reschedule accepted" {
			t.Fatalf("audit = %q", got)
		}
		c.Get("/console/upgrades/upg_pp").Want(t, http.StatusOK, "Postpone request accepted", "accepted</span>", "fine by us")
		c.Post("/console/upgrades/upg_pp", page, url.Values{"decision": {"decline"}, "note": {"no"}}).Want(t, http.StatusConflict, "already accepted")
	})
	t.Run("Refused", func(t *testing.T) {
		t.Parallel()
		e, c, _ := postponeSetup(t)
		e.ups.refuse["upg_pp"] = "upgrade upg_pp is preparing"
		page := "/console/upgrades/upg_pp/postpone/1"
		c.Post(page, page, url.Values{"decision": {"accept"}}).Want(t, http.StatusSeeOther)
		c.Get("/console/upgrades/upg_pp").Want(t, http.StatusOK, "still pending: refused: reschedule refused: upgrade upg_pp is preparing")
		if e.store.postpone[0].Status != chatlift.PostponePending {
			t.Fatal("a refused reschedule answered the request")
		}
	})
	t.Run("Decline", func(t *testing.T) {
		t.Parallel()
		e, c, _ := postponeSetup(t)
		page := "/console/upgrades/upg_pp/postpone/1"
		c.Post(page, page, url.Values{"decision": {"decline"}}).Want(t, http.StatusBadRequest, "say why")
		c.Post(page, page, url.Values{"decision": {"decline"}, "note": {"the date is fixed by billing"}}).Want(t, http.StatusSeeOther)
		if p := e.store.postpone[0]; p.Status != chatlift.PostponeDeclined || p.Answer != "the date is fixed by billing" || len(e.ups.resched) != 0 {
			t.Fatalf("declined request %+v, reschedules %v", p, e.ups.resched)
		}
		if got := e.store.auditOf("upg_pp"); len(got) != 1 || got[0] != "operator (Aiko) decline-postpone declined" {
			t.Fatalf("audit = %q", got)
		}
		if body := c.Get("/console/").Body; strings.Contains(body, "postpone/1") {
			t.Fatal("the fleet page still lists an answered request")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		_, c, _ := postponeSetup(t)
		c.Get("/console/upgrades/upg_other/postpone/1").Want(t, http.StatusNotFound)
	})
}
