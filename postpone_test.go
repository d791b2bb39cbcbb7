package chatlift_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestAskPostpone(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	at := now.Add(14 * 24 * time.Hour)
	u := &chatlift.Upgrade{ID: "upg_1", AccountID: 4, State: chatlift.UpgradeScheduled, ScheduledFor: &at}
	rules := chatlift.DefaultScheduleRules
	t.Run("OK", func(t *testing.T) {
		p, err := chatlift.AskPostpone(u, "ann@example.com", at.Add(21*24*time.Hour), " busy season ", rules, now)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != chatlift.PostponePending || !p.From.Equal(at) || p.Reason != "busy season" {
			t.Fatalf("%+v", p)
		}
		if !u.ScheduledFor.Equal(at) {
			t.Fatal("asking moved the upgrade")
		}
	})
	for name, c := range map[string]struct {
		u      *chatlift.Upgrade
		until  time.Time
		reason string
		code   string
	}{
		"ErrNotEarlier":   {u, at, "why", chatlift.EINVALID},
		"ErrHorizon":      {u, now.Add(rules.Horizon + time.Hour), "why", chatlift.EINVALID},
		"ErrNoReason":     {u, at.Add(time.Hour), "  ", chatlift.EINVALID},
		"ErrLongReason":   {u, at.Add(time.Hour), strings.Repeat("x", chatlift.MaxPostponeReason+1), chatlift.EINVALID},
		"ErrNotScheduled": {&chatlift.Upgrade{ID: "upg_2", AccountID: 4, State: chatlift.UpgradeMigrating, ScheduledFor: &at}, at.Add(time.Hour), "why", chatlift.ECONFLICT},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := chatlift.AskPostpone(c.u, "ann@example.com", c.until, c.reason, rules, now)
			if chatlift.ErrorCode(err) != c.code {
				t.Fatalf("err = %v, want %s", err, c.code)
			}
		})
	}
}
