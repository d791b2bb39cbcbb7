package console

import (
	"context"
	"net/http"
	"time"

	"github.com/chatlift/chatlift"
)

type stateCount struct {
	State string
	N     int
}

type flagged struct {
	U      *chatlift.Upgrade
	Reason string
}

type slotRow struct {
	chatlift.SlotFill
	Capacity int
	Percent  int64
}

type fleetData struct {
	Counts    []stateCount
	Total     int
	Flagged   []flagged
	More      bool // more need attention than are listed
	Imports   []*chatlift.Upgrade
	Importing int     // upgrades importing, all of them
	Rate      float64 // rows per second, every running import together
	Slots     []slotRow
	Capacity  int
	Charts    fleetCharts
	Calendar  calendar
	Postpone  []*chatlift.PostponeRequest // pending postpone requests, oldest first
}

// fleetListed bounds each list of the fleet page; fleetSlots the slots table.
const (
	fleetListed = 50
	fleetSlots  = 24
)

// fleet shows counts by state, the upgrades needing attention, the imports
// running with their combined rate and the upcoming slots with their fill.
func (c *Console) fleet(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	d := fleetData{Capacity: c.Rules.Capacity}
	counts, err := c.Store.UpgradeCounts(ctx)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	for _, st := range chatlift.UpgradeStates {
		d.Counts = append(d.Counts, stateCount{st, counts[st]})
		d.Total += counts[st]
	}
	d.Importing = counts[chatlift.UpgradeImporting]
	if d.Flagged, d.More, err = c.flagged(ctx); err != nil {
		c.fail(w, r, s, err)
		return
	}
	if d.Postpone, err = c.Store.PendingPostponeRequests(ctx, pendingListed); err != nil {
		c.fail(w, r, s, err)
		return
	}
	if d.Imports, d.Rate, err = c.imports(ctx); err != nil {
		c.fail(w, r, s, err)
		return
	}
	if d.Charts, err = c.charts(ctx, d.Imports); err != nil {
		c.fail(w, r, s, err)
		return
	}
	from := c.now().Truncate(c.slot())
	slots, err := c.Store.UpcomingSlots(ctx, from, min(calendarDays*int(24*time.Hour/c.slot()), chatlift.MaxLimit))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d.Calendar = newCalendar(slots, c.Rules.Capacity)
	for _, sl := range slots[:min(len(slots), fleetSlots)] {
		d.Slots = append(d.Slots, slotRow{sl, c.Rules.Capacity, percent(int64(sl.Booked), int64(c.Rules.Capacity))})
	}
	c.render(w, r, http.StatusOK, "fleet", s, d)
}

// slot is the length of a slot.
func (c *Console) slot() time.Duration {
	if c.Rules.Slot <= 0 {
		return chatlift.DefaultScheduleRules.Slot
	}
	return c.Rules.Slot
}

// flagged lists up to fleetListed upgrades needing attention: those flagged
// by the workflow, rolled back, or waiting again after a blocked or failed
// try (read from the upgrades waiting for a date, up to maxScan of them).
func (c *Console) flagged(ctx context.Context) ([]flagged, bool, error) {
	var list []flagged
	seen := map[string]bool{}
	add := func(u *chatlift.Upgrade) bool {
		if reason := attentionReason(u); reason != "" && !seen[u.ID] {
			seen[u.ID] = true
			list = append(list, flagged{u, reason})
		}
		return len(list) <= fleetListed
	}
	for _, f := range []chatlift.UpgradeFilter{{Attention: true}, {State: chatlift.UpgradeRolledBack}} {
		f.Limit = fleetListed + 1
		us, err := c.Store.Upgrades(ctx, f)
		if err != nil {
			return nil, false, err
		}
		for _, u := range us {
			add(u)
		}
	}
	for _, st := range []string{chatlift.UpgradeRequested, chatlift.UpgradeScheduled} {
		if _, err := c.scan(ctx, filter{State: st, Attention: true}, "", maxScan, add); err != nil {
			return nil, false, err
		}
	}
	if len(list) > fleetListed {
		return list[:fleetListed], true, nil
	}
	return list, false, nil
}

// imports lists the upgrades importing their history and adds up their rates.
func (c *Console) imports(ctx context.Context) ([]*chatlift.Upgrade, float64, error) {
	var list []*chatlift.Upgrade
	var rate float64
	_, err := c.scan(ctx, filter{State: chatlift.UpgradeImporting}, "", 0, func(u *chatlift.Upgrade) bool {
		rate += u.Import.Rate
		if len(list) < fleetListed {
			list = append(list, u)
		}
		return true
	})
	return list, rate, err
}
