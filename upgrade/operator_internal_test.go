package upgrade

import (
	"testing"

	"github.com/chatlift/chatlift"
)

// TestMayApply: every action may be sent to an upgrade not yet at rest; of
// those at rest, only a completed one, and only its window's actions.
func TestMayApply(t *testing.T) {
	for _, state := range chatlift.UpgradeStates {
		for _, action := range Actions {
			want := !chatlift.Terminal(state) || state == chatlift.UpgradeCompleted && (action == ActionRevert || action == ActionFinish)
			if got := mayApply(state, action); got != want {
				t.Errorf("mayApply(%s, %s) = %v, want %v", state, action, got, want)
			}
		}
	}
	for _, c := range []struct {
		state, action string
		want          bool
	}{
		{chatlift.UpgradeScheduled, ActionCancel, true},
		{chatlift.UpgradeCompleted, ActionRevert, true},
		{chatlift.UpgradeCompleted, ActionFinish, true},
		{chatlift.UpgradeCompleted, ActionCancel, false},
		{chatlift.UpgradeReverted, ActionRevert, false},
		{chatlift.UpgradeCancelled, ActionRunNow, false},
	} {
		if got := mayApply(c.state, c.action); got != c.want {
			t.Errorf("mayApply(%s, %s) = %v, want %v", c.state, c.action, got, c.want)
		}
	}
}
