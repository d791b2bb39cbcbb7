package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webtest"
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
	c.Get("/console/upgrades?state=scheduled").Want(t, http.StatusOK, `href="/console/batch?action=reschedule&amp;state=scheduled"`)
	page := "/console/batch?action=reschedule&state=scheduled"
	a := c.Get(page)
	a.Want(t, http.StatusOK, "Reschedule 5 upgrades?", "once it is full, the rest are refused",
		`value="2026-11-02T12:00:00Z" checked`, "Mon 2 Nov 2026 12:00 UTC: room for 1")
	if strings.Contains(a.Body, `value="2026-11-02T11:00:00Z"`) {
		t.Fatal("a full slot is offered")
	}
	form := url.Values{"action": {"reschedule"}, "state": {"scheduled"}, "slot": {"2026-11-02T11:00:00Z"}}
	c.Post(page, "/console/batch", form).Want(t, http.StatusConflict, "no longer free")
	form.Set("slot", "2026-11-02T12:00:00Z")
	b := c.Post(page, "/console/batch", form)
	b.Want(t, http.StatusSeeOther)
	progress := waitBatch(t, c, b.Header.Get("Location"))
	progress.Want(t, http.StatusOK, "5 of 5", "4 accepted", "1 refused", "upg_r2</a>: refused: reschedule refused: upgrade upg_r2 is preparing")
	c.Get(b.Header.Get("Location")).Want(t, http.StatusOK, "To the slot 2026-11-02 12:00:00 UTC")
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
func waitBatch(t *testing.T, c *client, page string) webtest.Answer {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	b := c.Get(page)
	for ; !strings.Contains(b.Body, `data-finished="true"`); b = c.Get(page) {
		if time.Now().After(deadline) {
			t.Fatalf("the batch did not finish:\n%s", b.Body)
		}
	}
	return b
}
