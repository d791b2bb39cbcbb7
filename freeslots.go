package chatlift

import (
	"context"
	"time"
)

// FreeSlots are the next n slots the rules allow an account in loc from now
// (notice, quiet hours, horizon) that still have room by bookings, in loc.
// The operator console passes rules without a notice; the account owners'
// pages keep it.
func FreeSlots(ctx context.Context, bookings func(context.Context, time.Time) (int, error), rules ScheduleRules,
	now time.Time, loc *time.Location, n int) ([]time.Time, error) {
	if rules.Slot <= 0 {
		rules.Slot = DefaultScheduleRules.Slot
	}
	var free []time.Time
	for slot := range rules.Slots(now, now.Add(rules.Slot), loc) {
		booked, err := bookings(ctx, slot)
		if err != nil {
			return nil, err
		}
		if booked < rules.Capacity {
			free = append(free, slot.In(loc))
		}
		if len(free) == n {
			break
		}
	}
	return free, nil
}
