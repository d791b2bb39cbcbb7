package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestBatchReschedule(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	for i := range 5 {
		e.store.put(upgradeIn(fmt.Sprintf("upg_r%d", i), int64(i+1), chatlift.UpgradeScheduled))
	}
	e.ups.refuse["upg_r2"] = "upgrade upg_r2 is preparing"
	first := now.Truncate(time.Hour).Add(2 * time.Hour)
	e.store.slots[first] = 2 // full: not offered
	slot := first.Add(time.Hour)
	e.store.slots[slot] = 1
	c.get("/console/upgrades?state=scheduled").want(t, http.StatusOK, `href="/console/batch?action=reschedule&amp;state=scheduled"`)
	page := "/console/batch?action=reschedule&state=scheduled"
	a := c.get(page)
	a.want(t, http.StatusOK, "Reschedule 5 upgrades?", "once it is full, the rest are refused",
		`value="2026-11-02T12:00:00Z" checked`, "Mon 2 Nov 2026 12:00 UTC: room for 1")
	if strings.Contains(a.body, `value="2026-11-02T11:00:00Z"`) {
		t.Fatal("a full slot is offered")
	}
	form := url.Values{"action": {"reschedule"}, "state": {"scheduled"}, "slot": {"2026-11-02T11:00:00Z"}}
	c.post(page, "/console/batch", form).want(t, http.StatusConflict, "no longer free")
	form.Set("slot", "2026-11-02T12:00:00Z")
	b := c.post(page, "/console/batch", form)
	b.want(t, http.StatusSeeOther)
	progress := waitBatch(t, c, b.header.Get("Location"))
	progress.want(t, http.StatusOK, "5 of 5", "4 accepted", "1 refused", "upg_r2</a>: refused: reschedule refused: upgrade upg_r2 is preparing")
	c.get(b.header.Get("Location")).want(t, http.StatusOK, "To the slot 2026-11-02 12:00:00 UTC")
	for _, at := range e.ups.resched {
		if !at.Equal(slot) {
			t.Fatalf("rescheduled to %v, want %v", at, slot)
		}
	}
	if got := e.store.auditOf("upg_r0"); len(got) != 1 || got[0] != "operator (Aiko) reschedule accepted" {
		t.Fatalf("audit of upg_r0 = %q", got)
	}
}

// waitBatch reads the batch page until the batch has finished.
func waitBatch(t *testing.T, c *client, page string) answer {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	b := c.get(page)
	for ; !strings.Contains(b.body, `data-finished="true"`); b = c.get(page) {
		if time.Now().After(deadline) {
			t.Fatalf("the batch did not finish:\n%s", b.body)
		}
	}
	return b
}
