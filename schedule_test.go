package chatlift_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestScheduleSlots(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	r := chatlift.ScheduleRules{Notice: 21 * 24 * time.Hour, Slot: time.Hour, Capacity: 1, QuietStart: 22, QuietEnd: 2, Horizon: 30 * 24 * time.Hour}
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	var got []time.Time
	for s := range r.Slots(now, time.Time{}, tokyo) {
		if got = append(got, s); len(got) == 5 {
			break
		}
	}
	// 21 days later is 2026-12-15 10:30 UTC = 19:30 in Tokyo; quiet hours 22-02 local = 13-17 UTC.
	want := []time.Time{
		time.Date(2026, 12, 15, 13, 0, 0, 0, time.UTC), time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 15, 15, 0, 0, 0, time.UTC), time.Date(2026, 12, 15, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 16, 13, 0, 0, 0, time.UTC),
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Fatalf("slot %d = %s, want %s (all: %v)", i, got[i], want[i], got)
		}
	}
	t.Run("NotBefore", func(t *testing.T) {
		later := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		for s := range r.Slots(now, later, time.UTC) {
			if s.Before(later) || !r.Quiet(s.Hour()) {
				t.Fatalf("first slot %s", s)
			}
			break
		}
	})
	t.Run("Horizon", func(t *testing.T) {
		short := r
		short.Horizon, short.QuietStart, short.QuietEnd = 3*time.Hour, 3, 4
		n := 0
		for range short.Slots(now, time.Time{}, time.UTC) {
			n++
		}
		if n != 0 {
			t.Fatalf("%d slots outside quiet hours within a 3h horizon", n)
		}
	})
	t.Run("Validate", func(t *testing.T) {
		bad := r
		bad.Capacity = 0
		if chatlift.ErrorCode(bad.Validate()) != chatlift.EINVALID || r.Validate() != nil {
			t.Fatal("Validate")
		}
	})
}
