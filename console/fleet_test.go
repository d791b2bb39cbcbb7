package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestFleetCharts(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	done := func(id string, downtimeMS int64, ago time.Duration) *chatlift.Upgrade {
		u := upgradeIn(id, int64(len(id)), chatlift.UpgradeCompleted)
		at := now.Add(-ago)
		u.ChatDowntimeMS, u.FinishedAt = downtimeMS, &at
		return u
	}
	imp := upgradeIn("upg_imp", 9, chatlift.UpgradeImporting)
	imp.Import = chatlift.ImportProgress{State: "running", Total: 100, Done: 10, Rate: 750}
	e.store.put(done("upg_a", 400, time.Hour), done("upg_bb", 3000, time.Hour), done("upg_ccc", 4000, 2*time.Hour),
		done("upg_dddd", 400000, 72*time.Hour), imp)
	a := c.Get("/console/")
	a.Want(t, http.StatusOK,
		`<svg role="img" aria-labelledby="downtime-title downtime-desc"`,
		`<title id="downtime-title">Chat downtime of completed upgrades</title>`,
		"4 completed upgrades by how long their chat was down.",
		"<tr><td>&lt; 1 s</td><td>1</td></tr>", "<tr><td>1–5 s</td><td>2</td></tr>", "<tr><td>≥ 5 min</td><td>1</td></tr>",
		`<title id="perhour-title">Upgrades completed per hour, last 48 hours (UTC)</title>`,
		"<tr><td>Nov 2 08h</td><td>2</td></tr>", "<tr><td>Nov 2 07h</td><td>1</td></tr>", "Most in one hour: 2.",
		`<title id="rates-title">Current rate of each running import</title>`, "<tr><td>upg_imp</td><td>750</td></tr>")
	body := a.Body
	if strings.Count(body, "h</td><td>") != 48 {
		t.Errorf("the per-hour table has %d rows, want 48", strings.Count(body, "h</td><td>"))
	}
	if strings.Contains(body, "Oct 30") {
		t.Error("an upgrade finished 72 hours ago counts in the last 48")
	}
}

func TestFleetChartsEmpty(t *testing.T) {
	t.Parallel()
	_, c := signedIn(t)
	a := c.Get("/console/")
	a.Want(t, http.StatusOK, "0 completed upgrades", "Most in one hour: 0.")
	body := a.Body
	if strings.Contains(body, "rates-title") {
		t.Error("the fleet page draws import rates with no import running")
	}
}

func TestFleetCalendar(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	day := now.Truncate(24 * time.Hour)
	e.store.slots[day.Add(10*time.Hour)] = 1                // today 10:00, half full
	e.store.slots[day.Add(2*24*time.Hour+14*time.Hour)] = 2 // in two days, full
	e.store.slots[day.Add(7*24*time.Hour+10*time.Hour)] = 1 // next week: not on the grid
	a := c.Get("/console/")
	a.Want(t, http.StatusOK, `<table class="calendar" id="calendar">`, "The slots of the week from Mon Nov 2 by day and hour",
		`<th scope="col">Mon Nov 2</th>`, `<th scope="col">Sun Nov 8</th>`,
		`<tr><th scope="row">10:00</th><td class="fill-3">1/2</td><td class="fill-0"></td>`,
		`<tr><th scope="row">14:00</th><td class="fill-0"></td><td class="fill-0"></td><td class="fill-4">2/2</td>`,
		"2026-11-09 10:00:00 UTC") // the table still lists it
	if strings.Contains(a.Body, "Mon Nov 9") || strings.Count(a.Body, `<th scope="row">`) != 2 {
		t.Error("the calendar shows more than the week's booked hours")
	}
}

func TestFleetCalendarEmpty(t *testing.T) {
	t.Parallel()
	_, c := signedIn(t)
	a := c.Get("/console/")
	a.Want(t, http.StatusOK, "No upgrade is booked ahead.")
	if strings.Contains(a.Body, `id="calendar"`) {
		t.Error("an empty calendar is drawn")
	}
}
