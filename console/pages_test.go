package console_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func signedIn(t *testing.T) (*env, *client) {
	t.Helper()
	e := setup(t)
	c := e.client()
	c.signIn("Aiko")
	return e, c
}

func TestFleet(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	flag := upgradeIn("upg_flag", 1, chatlift.UpgradeMigrating)
	flag.Attention = &chatlift.Attention{Reason: "cutover running for 50s", Since: now}
	blocked := upgradeIn("upg_blocked", 2, chatlift.UpgradeScheduled)
	blocked.Error = "Confirm agent emails: two agents share an email"
	imp1, imp2 := upgradeIn("upg_imp1", 3, chatlift.UpgradeImporting), upgradeIn("upg_imp2", 4, chatlift.UpgradeImporting)
	imp1.Import, imp2.Import = chatlift.ImportProgress{State: "running", Total: 100, Done: 40, Rate: 1200}, chatlift.ImportProgress{State: "running", Rate: 300}
	e.store.put(flag, blocked, imp1, imp2, upgradeIn("upg_rb", 5, chatlift.UpgradeRolledBack), upgradeIn("upg_ok", 6, chatlift.UpgradeScheduled))
	e.store.slots[now.Truncate(time.Hour).Add(time.Hour)] = 1
	e.store.slots[now.Add(-2*time.Hour).Truncate(time.Hour)] = 2 // past
	c.Get("/console/").Want(t, http.StatusOK,
		`<span class="n">2</span> <span class="state state-scheduled">scheduled</span>`, "6 in all",
		"upg_flag", "running too long: cutover running for 50s", "upg_blocked", "two agents share an email", "upg_rb", "rolled back",
		"2 importing, together <strong id=\"fleet-rate\">1500 rows/s</strong>", "40 of 100 (40%)",
		"2026-11-02 10:00:00 UTC", "1 of 2")
	if body := c.Get("/console/").Body; strings.Contains(body, "07:00:00 UTC") || strings.Contains(body, `upg_ok</a></td><td>6</td><td>scheduled`) {
		t.Fatal("the fleet page lists a past slot or an upgrade needing nothing")
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	for i := range 120 {
		u := upgradeIn(fmt.Sprintf("upg_%03d", i), int64(i%7+1), chatlift.UpgradeScheduled)
		if i%10 == 0 {
			u.Attempt, u.Error = 2, "=HYPERLINK(\"x\") <b>cutover failed</b> at copy_configuration"
		}
		e.store.put(u)
	}
	e.store.put(upgradeIn("upg_999", 1, chatlift.UpgradeCompleted))
	t.Run("Filters", func(t *testing.T) {
		a := c.Get("/console/upgrades?state=scheduled&attempt=2&account=1&error=CUTOVER&attention=on")
		a.Want(t, http.StatusOK, "upg_000", "upg_070", `value="scheduled" selected`, `value="CUTOVER"`, "&lt;b&gt;cutover failed&lt;/b&gt;")
		if strings.Contains(a.Body, "upg_010") || strings.Contains(a.Body, "upg_007") || strings.Contains(a.Body, "<b>cutover") {
			t.Fatal("the filtered list holds an upgrade of another account, or unescaped error text")
		}
	})
	t.Run("Paging", func(t *testing.T) {
		a := c.Get("/console/upgrades?state=scheduled")
		a.Want(t, http.StatusOK, "50 upgrades", "upg_049", `href="/console/upgrades?after_id=upg_049&amp;state=scheduled" rel="next"`)
		c.Get("/console/upgrades?state=scheduled&after_id=upg_049").Want(t, http.StatusOK, "upg_050", "upg_099", "after upg_049")
		last := c.Get("/console/upgrades?state=scheduled&after_id=upg_099")
		last.Want(t, http.StatusOK, "20 upgrades", "upg_119")
		if strings.Contains(last.Body, `rel="next"`) || strings.Contains(last.Body, "upg_999") {
			t.Fatal("the last page links a next page or lists a completed upgrade")
		}
	})
	t.Run("ErrBadFilter", func(t *testing.T) {
		c.Get("/console/upgrades?attempt=zero").Want(t, http.StatusBadRequest, "attempt must be a whole number")
		c.Get("/console/upgrades?state=melted").Want(t, http.StatusBadRequest, "unknown state")
	})
	t.Run("CSV", func(t *testing.T) {
		a := c.Get("/console/upgrades.csv?attempt=2")
		if a.Status != http.StatusOK || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV export = %d %s", a.Status, a.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(a.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 13 || rows[0][0] != "id" || rows[1][0] != "upg_000" || rows[12][0] != "upg_110" {
			t.Fatalf("CSV has %d rows, first %v, want a header and the 12 second attempts", len(rows), rows[:min(2, len(rows))])
		}
		if got := rows[1][10]; !strings.HasPrefix(got, "'=HYPERLINK") {
			t.Fatalf("error cell %q can run as a spreadsheet formula", got)
		}
	})
}

func TestUpgradePage(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	u := upgradeIn("upg_page", 3, chatlift.UpgradeImporting)
	t1, t2 := now, now.Add(1500*time.Millisecond)
	u.Steps = []chatlift.Step{{Name: "freeze_chat", State: "done", StartedAt: &t1, FinishedAt: &t2},
		{Name: "copy_configuration", State: "compensated", StartedAt: &t1, FinishedAt: &t2, Error: "disk <full>"}}
	u.ChatDowntimeMS = 13
	u.Import = chatlift.ImportProgress{State: "running", Total: 200, Done: 50, Rate: 25, ETASeconds: 6}
	u.PreTasks = []chatlift.Task{{Key: "confirm_agent_emails", Title: "Confirm agent emails", Status: "blocked", Details: []string{"two agents share a@x"}}}
	u.Verification = &chatlift.Verification{Tables: []chatlift.TableVerification{{Table: "chats", SourceRows: 3, TargetRows: 3,
		MismatchCount: 1, Mismatches: []chatlift.Mismatch{{Key: "2512.1.K", Kind: "different"}}}}}
	e.store.put(u)
	e.store.notices = []*chatlift.Notification{{AccountID: 3, Key: "upg_page/1/scheduled", Kind: "upgrade_scheduled", Title: "Your chat upgrade is scheduled"},
		{AccountID: 3, Key: "other", Title: "Unrelated notice"}}
	a := c.Get("/console/upgrades/upg_page")
	a.Want(t, http.StatusOK, "freeze_chat", "1.5 s", "undone (compensated)", "disk &lt;full&gt;", "13 ms",
		`value="25"`, "50 of 200 rows", "25 rows/s", "about 6.0 s left", "two agents share a@x", "<code>2512.1.K</code> (different)",
		"Your chat upgrade is scheduled", `hx-get="/console/upgrades/upg_page/progress"`, `href="/console/upgrades/upg_page/reschedule"`)
	if strings.Contains(a.Body, "Unrelated notice") {
		t.Fatal("the page shows another upgrade's notice")
	}
	c.Get("/console/upgrades/upg_page/progress").Want(t, http.StatusOK, `data-state="importing"`, "hx-trigger")
	u.State = chatlift.UpgradeCompleted
	e.store.put(u)
	done := c.Get("/console/upgrades/upg_page/progress")
	done.Want(t, http.StatusOK, `data-state="completed"`)
	if strings.Contains(done.Body, "hx-get") || strings.Contains(done.Body, "<html") {
		t.Fatal("a finished upgrade's fragment still polls, or the fragment is a whole page")
	}
	c.Get("/console/upgrades/upg_none").Want(t, http.StatusNotFound, "upgrade upg_none not found")
}

func TestActions(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	e.store.put(upgradeIn("upg_a", 1, chatlift.UpgradeScheduled), upgradeIn("upg_b", 2, chatlift.UpgradeCompleted))
	e.ups.refuse["upg_b"] = "upgrade upg_b is completed; pause does not apply"
	t.Run("Confirm", func(t *testing.T) {
		c.Get("/console/upgrades/upg_a/cancel").Want(t, http.StatusOK, "Cancel upgrade upg_a?", "its slot released", `id="confirm"`)
		c.Get("/console/upgrades/upg_a/melt").Want(t, http.StatusNotFound)
		if calls := e.ups.called(); calls != "" {
			t.Fatalf("a confirmation page acted: %q", calls)
		}
	})
	t.Run("Accepted", func(t *testing.T) {
		a := c.Post("/console/upgrades/upg_a/pause", "/console/upgrades/upg_a/pause", nil)
		a.Want(t, http.StatusSeeOther)
		c.Get("/console/upgrades/upg_a").Want(t, http.StatusOK, `role="status">Pause: accepted`, "operator (Aiko)", "(paused)")
		if got := e.store.auditOf("upg_a"); len(got) != 1 || got[0] != "operator (Aiko) pause accepted" {
			t.Fatalf("audit = %q", got)
		}
	})
	t.Run("Note", func(t *testing.T) {
		c.Get("/console/upgrades/upg_a/resume").Want(t, http.StatusOK, `<textarea id="note" name="note" maxlength="500"`)
		c.Post("/console/upgrades/upg_a/resume", "/console/upgrades/upg_a/resume",
			map[string][]string{"note": {"  customer asked on the phone <b>  "}}).Want(t, http.StatusSeeOther)
		c.Get("/console/upgrades/upg_a").Want(t, http.StatusOK, "customer asked on the phone &lt;b&gt;")
		c.Post("/console/upgrades/upg_a/pause", "/console/upgrades/upg_a/pause",
			map[string][]string{"note": {strings.Repeat("é", chatlift.MaxAuditNote+1)}}).Want(t, http.StatusBadRequest, "at most 500 characters")
		if calls := e.ups.called(); strings.Count(calls, "pause") != 1 {
			t.Fatalf("a refused note still acted: %q", calls)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		e.store.put(upgradeIn("upg_b", 2, chatlift.UpgradeScheduled)) // the page offers it; the workflow refuses
		c.Post("/console/upgrades/upg_b/pause", "/console/upgrades/upg_b/pause", nil).Want(t, http.StatusSeeOther)
		c.Get("/console/upgrades/upg_b").Want(t, http.StatusOK, "Pause: refused: pause refused: upgrade upg_b is completed")
	})
	t.Run("Reschedule", func(t *testing.T) {
		// Tokyo's quiet hours 22-6 are 13:00-21:00 UTC; the first is full.
		e.store.slots[time.Date(2026, 11, 2, 13, 0, 0, 0, time.UTC)] = 2
		a := c.Get("/console/upgrades/upg_a/reschedule")
		a.Want(t, http.StatusOK, `value="2026-11-02T15:00:00Z"`, "Asia/Tokyo", "Tue 3 Nov 2026 00:00 JST")
		if strings.Contains(a.Body, `value="2026-11-02T13:00:00Z"`) {
			t.Fatal("a full slot is offered")
		}
		c.Post("/console/upgrades/upg_a/reschedule", "/console/upgrades/upg_a/reschedule",
			map[string][]string{"slot": {"2026-11-02T15:00:00Z"}}).Want(t, http.StatusSeeOther)
		if len(e.ups.resched) != 1 || !e.ups.resched[0].Equal(time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)) {
			t.Fatalf("rescheduled to %v", e.ups.resched)
		}
		c.Get("/console/upgrades/upg_a").Want(t, http.StatusOK, "reschedule (to 2026-11-02 15:00:00 UTC)")
		c.Post("/console/upgrades/upg_a/reschedule", "/console/upgrades/upg_a/reschedule",
			map[string][]string{"slot": {"soon"}}).Want(t, http.StatusBadRequest, "choose one of the free slots")
	})
}

func TestBatch(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	for i := range 30 {
		e.store.put(upgradeIn(fmt.Sprintf("upg_%02d", i), int64(i%3+1), chatlift.UpgradeScheduled))
	}
	e.ups.refuse["upg_03"] = "upgrade upg_03 is preparing; pause does not apply"
	c.Get("/console/upgrades?account=1").Want(t, http.StatusOK, `href="/console/batch?account=1&amp;action=pause"`)
	c.Get("/console/batch?account=1&action=pause").Want(t, http.StatusOK, "Pause 10 upgrades?", "upg_27", `name="account" value="1"`)
	c.Get("/console/batch?account=1&action=resume").Want(t, http.StatusBadRequest, "a batch action is one of")
	a := c.Post("/console/batch?account=1&action=pause", "/console/batch", map[string][]string{"account": {"1"}, "action": {"pause"}})
	a.Want(t, http.StatusSeeOther)
	b := waitBatch(t, c, a.Header.Get("Location"))
	b.Want(t, http.StatusOK, "10 of 10", "9 accepted", "1 refused", "upg_03</a>: refused: pause refused: upgrade upg_03 is preparing")
	if got := e.store.auditOf("upg_00"); len(got) != 1 || got[0] != "operator (Aiko) pause accepted" {
		t.Fatalf("audit of upg_00 = %q", got)
	}
	if got := e.store.auditOf("upg_01"); len(got) != 0 {
		t.Fatalf("the batch acted on an upgrade of another account: %q", got)
	}
	c.Get("/console/batches/batch_none").Want(t, http.StatusNotFound)
}
