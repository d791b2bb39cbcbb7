package console_test

import (
	"fmt"
	"net/http"
	"regexp"
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

// TestFleetChartsReadNoUpgrade: the charts come from the store's summaries,
// so a fleet of completed upgrades is counted without one being read.
func TestFleetChartsReadNoUpgrade(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	for i := range 300 {
		u := upgradeIn(fmt.Sprintf("upg_%03d", i), int64(i+1), chatlift.UpgradeCompleted)
		at := now.Add(-time.Duration(i) * time.Minute)
		u.ChatDowntimeMS, u.FinishedAt = 2000, &at
		e.store.put(u)
	}
	c.Get("/console/").Want(t, http.StatusOK, "300 completed upgrades", "<tr><td>1–5 s</td><td>300</td></tr>",
		"<tr><td>Nov 2 09h</td><td>31</td></tr>", "<tr><td>Nov 2 05h</td><td>60</td></tr>")
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	if e.store.reads != 0 {
		t.Errorf("the fleet page read %d upgrades", e.store.reads)
	}
}

// TestFleetThroughput: the rows the fleet's imports committed per minute,
// a minute's mean over each 5 minutes of the last 6 hours, the current 5
// minutes last.
func TestFleetThroughput(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	e.store.addRows(now, 600)                                   // 09:30, the current bar
	e.store.addRows(now.Add(2*time.Minute+30*time.Second), 400) // 09:32, the same bar
	e.store.addRows(now.Add(-90*time.Minute), 50)               // 08:00
	e.store.addRows(now.Add(-6*time.Hour), 7000)                // 03:30, before the chart
	a := c.Get("/console/")
	a.Want(t, http.StatusOK, `<title id="throughput-title">Import throughput, rows per minute, last 6 hours (UTC)</title>`,
		"1050 rows imported across the fleet; the most 200 rows/min, a minute&#39;s mean over 5 minutes.",
		"<tr><td>03:35</td><td>0</td></tr>", "<tr><td>08:00</td><td>10</td></tr>", "<tr><td>09:30</td><td>200</td></tr></tbody>",
		`fill="#33373d">04:00</text>`, `fill="#33373d">09:00</text>`)
	if strings.Contains(a.Body, `fill="#33373d">03:35</text>`) {
		t.Error("the throughput chart labels a bar that does not start an hour")
	}
	if got := len(regexp.MustCompile(`<tr><td>\d\d:\d\d</td>`).FindAllString(a.Body, -1)); got != 72 {
		t.Errorf("the throughput table has %d rows, want 72 (6 hours of 5 minutes)", got)
	}
}

func TestFleetChartsEmpty(t *testing.T) {
	t.Parallel()
	_, c := signedIn(t)
	a := c.Get("/console/")
	a.Want(t, http.StatusOK, "0 completed upgrades", "Most in one hour: 0.", "0 rows imported across the fleet; the most 0 rows/min")
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
