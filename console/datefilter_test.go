package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestListDates(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	day := func(d int) *time.Time { at := time.Date(2026, 11, d, 23, 0, 0, 0, time.UTC); return &at }
	early, mid, late := upgradeIn("upg_early", 1, chatlift.UpgradeScheduled), upgradeIn("upg_mid", 2, chatlift.UpgradeScheduled), upgradeIn("upg_late", 3, chatlift.UpgradeCompleted)
	early.ScheduledFor, mid.ScheduledFor, late.ScheduledFor = day(3), day(10), day(20)
	late.FinishedAt = day(21)
	e.store.put(early, mid, late, upgradeIn("upg_nodate", 4, chatlift.UpgradeRequested))
	e.store.upgrades["upg_nodate"].ScheduledFor = nil
	t.Run("Scheduled", func(t *testing.T) {
		a := c.Get("/console/upgrades?scheduled_from=2026-11-10&scheduled_to=2026-11-20")
		a.Want(t, http.StatusOK, "upg_mid", "upg_late", `value="2026-11-10"`, `value="2026-11-20"`,
			`href="/console/batch?action=pause&amp;scheduled_from=2026-11-10&amp;scheduled_to=2026-11-20"`)
		if strings.Contains(a.Body, "upg_early") || strings.Contains(a.Body, "upg_nodate") {
			t.Fatal("the list holds an upgrade scheduled outside the dates")
		}
	})
	t.Run("Finished", func(t *testing.T) {
		a := c.Get("/console/upgrades?finished_from=2026-11-21")
		a.Want(t, http.StatusOK, "upg_late")
		if strings.Contains(a.Body, "upg_mid") {
			t.Fatal("the list holds an unfinished upgrade")
		}
	})
	t.Run("CSVAndBatch", func(t *testing.T) {
		if csv := c.Get("/console/upgrades.csv?scheduled_to=2026-11-09").Body; !strings.Contains(csv, "upg_early") || strings.Contains(csv, "upg_mid") {
			t.Fatalf("the CSV does not keep to the dates:\n%s", csv)
		}
		c.Get("/console/batch?action=pause&scheduled_to=2026-11-09").Want(t, http.StatusOK, "Pause 1 upgrades?", `name="scheduled_to" value="2026-11-09"`)
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		c.Get("/console/upgrades?finished_to=30/11/2026").Want(t, http.StatusBadRequest, "finished_to must be a date")
	})
}
