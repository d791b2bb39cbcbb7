package chatlift_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestFreeSlots(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	rules := chatlift.ScheduleRules{Notice: 24 * time.Hour, Slot: time.Hour, Capacity: 1, QuietStart: 22, QuietEnd: 6, Horizon: 72 * time.Hour}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone data")
	}
	full := time.Date(2026, 11, 3, 13, 0, 0, 0, time.UTC) // 22:00 in Tokyo, the first quiet slot after the notice
	bookings := func(_ context.Context, slot time.Time) (int, error) {
		if slot.Equal(full) {
			return 1, nil
		}
		return 0, nil
	}
	got, err := chatlift.FreeSlots(context.Background(), bookings, rules, now, tokyo, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-11-03 23:00 JST", "2026-11-04 00:00 JST", "2026-11-04 01:00 JST"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i, s := range got {
		if s.Location() != tokyo || s.Format("2006-01-02 15:04 MST") != want[i] {
			t.Errorf("slot %d: %s, want %s", i, s.Format("2006-01-02 15:04 MST"), want[i])
		}
	}
}
