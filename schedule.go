package chatlift

import (
	"iter"
	"time"
)

// ScheduleRules decide when an account's upgrade may run.
type ScheduleRules struct {
	// Notice is the least time between scheduling and the upgrade, so the
	// customer can do the pre-upgrade tasks (the vendor gave 3-4 weeks).
	Notice time.Duration `json:"notice"`
	// Slot is the length of a slot; upgrades start at slot boundaries.
	Slot time.Duration `json:"slot"`
	// Capacity is how many upgrades one slot holds across the fleet.
	Capacity int `json:"capacity"`
	// QuietStart and QuietEnd are the local hours [start, end) of the
	// account's time zone in which its upgrade may start; they may wrap
	// midnight (22 to 6). Equal values allow every hour.
	QuietStart int `json:"quiet_start"`
	QuietEnd   int `json:"quiet_end"`
	// Horizon bounds how far ahead a free slot is searched.
	Horizon time.Duration `json:"horizon"`
}

// DefaultScheduleRules are the rules a fleet runs with unless configured.
var DefaultScheduleRules = ScheduleRules{Notice: 21 * 24 * time.Hour, Slot: time.Hour, Capacity: 50,
	QuietStart: 22, QuietEnd: 6, Horizon: 365 * 24 * time.Hour}

// Validate reports the first problem with r.
func (r ScheduleRules) Validate() error {
	switch {
	case r.Notice < 0:
		return Errorf(EINVALID, "notice cannot be negative")
	case r.Slot < time.Minute:
		return Errorf(EINVALID, "slots last at least a minute")
	case r.Capacity < 1:
		return Errorf(EINVALID, "a slot holds at least one upgrade")
	case r.QuietStart < 0 || r.QuietStart > 23 || r.QuietEnd < 0 || r.QuietEnd > 23:
		return Errorf(EINVALID, "quiet hours are hours 0 to 23")
	case r.Horizon < r.Slot:
		return Errorf(EINVALID, "the horizon must hold at least one slot")
	}
	return nil
}

// Quiet reports whether local hour h is in the quiet hours.
func (r ScheduleRules) Quiet(h int) bool {
	switch {
	case r.QuietStart == r.QuietEnd:
		return true
	case r.QuietStart < r.QuietEnd:
		return h >= r.QuietStart && h < r.QuietEnd
	}
	return h >= r.QuietStart || h < r.QuietEnd
}

// Slots yields, in order, the starts of the slots an upgrade of an account in
// loc may take: from the later of notBefore and now+Notice, in quiet hours,
// within the horizon.
func (r ScheduleRules) Slots(now, notBefore time.Time, loc *time.Location) iter.Seq[time.Time] {
	return func(yield func(time.Time) bool) {
		from := now.Add(r.Notice)
		if notBefore.After(from) {
			from = notBefore
		}
		slot := from.Truncate(r.Slot)
		if slot.Before(from) {
			slot = slot.Add(r.Slot)
		}
		for end := from.Add(r.Horizon); slot.Before(end); slot = slot.Add(r.Slot) {
			if r.Quiet(slot.In(loc).Hour()) && !yield(slot.UTC()) {
				return
			}
		}
	}
}
