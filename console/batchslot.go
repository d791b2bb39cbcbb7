package console

import (
	"context"
	"time"

	"github.com/chatlift/chatlift"
)

// batchRescheduleEffect says what a batch reschedule does.
const batchRescheduleEffect = "Each upgrade is asked to move to the slot you choose below. The slot takes as many as it " +
	"has room for: once it is full, the rest are refused. An upgrade whose account's quiet hours do not hold the slot, " +
	"or that is no longer waiting for its date, refuses too. Each customer moved is told the new date."

// slotRoom is a slot with the room it has left.
type slotRoom struct {
	Start time.Time
	Room  int
}

// batchSlots are the next slots with room, at any hour (UTC): accounts'
// quiet hours differ, so each upgrade's workflow judges its own.
func (c *Console) batchSlots(ctx context.Context) ([]slotRoom, error) {
	rules := c.Rules
	rules.Notice, rules.QuietStart, rules.QuietEnd = 0, 0, 0
	booked := map[int64]int{} // each slot's bookings, as FreeSlots read them
	bookings := func(ctx context.Context, at time.Time) (int, error) {
		n, err := c.Store.SlotBookings(ctx, at)
		booked[at.UnixNano()] = n
		return n, err
	}
	free, err := chatlift.FreeSlots(ctx, bookings, rules, c.now(), time.UTC, freeSlots)
	if err != nil {
		return nil, err
	}
	list := make([]slotRoom, 0, len(free))
	for _, at := range free {
		list = append(list, slotRoom{at, rules.Capacity - booked[at.UnixNano()]})
	}
	return list, nil
}

// parseBatchSlot reads the slot of a batch reschedule: one of the slots
// batchSlots offers now.
func (c *Console) parseBatchSlot(ctx context.Context, s string) (time.Time, error) {
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return at, chatlift.Errorf(chatlift.EINVALID, "choose one of the free slots")
	}
	slots, err := c.batchSlots(ctx)
	if err != nil {
		return at, err
	}
	for _, sl := range slots {
		if sl.Start.Equal(at) {
			return at.UTC(), nil
		}
	}
	return at, chatlift.Errorf(chatlift.ECONFLICT, "the slot %s is no longer free; choose another", when(at))
}
