package upgrade_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// TestDowntimeAcrossRetries: a cutover retried after a failure reports the
// downtime from the first freeze to the switch, not the last try's.
func TestDowntimeAcrossRetries(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepCopyConfiguration, upgrade.FaultTransient); err != nil {
		t.Fatal(err)
	}
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	u := f.upgrade(t)
	// The retry waits at least the retry policy's first interval (1 s) with
	// chat frozen; the workflow clock stands still otherwise.
	if u.State != chatlift.UpgradeCompleted || u.ChatDowntimeMS < 1000 || u.FrozenAt == nil {
		t.Fatalf("state %s, downtime %d ms, frozen at %v: want the retry's wait counted", u.State, u.ChatDowntimeMS, u.FrozenAt)
	}
}

// TestTokensWorkUntilTheSwitch: nothing a client holds is invalidated before
// the switch: a failed cutover leaves every token as it was, and a failure
// after the switch still ends with the legacy tokens revoked.
func TestTokensWorkUntilTheSwitch(t *testing.T) {
	t.Parallel()
	active := func(t *testing.T, f *fixture) int {
		t.Helper()
		tokens, err := f.legacy.OAuthTokens(context.Background(), f.account)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tok := range tokens {
			if tok.Active(f.env.Now()) {
				n++
			}
		}
		return n
	}
	t.Run("BeforeSwitch", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		want := active(t, f)
		if want == 0 {
			t.Fatal("seed index 0 should have active tokens")
		}
		var during int
		f.acts.OnStep = func(_, step, phase string) {
			if step == upgrade.StepSwitch && phase == "do" {
				during = active(t, f)
			}
		}
		if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepSwitch, upgrade.FaultError); err != nil {
			t.Fatal(err)
		}
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if during != want || active(t, f) != want {
			t.Fatalf("active tokens: %d before, %d during the freeze, %d after the rollback", want, during, active(t, f))
		}
	})
	t.Run("FailureAfterSwitch", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepRevokeTokens, upgrade.FaultError); err != nil {
			t.Fatal(err)
		}
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || active(t, f) != 0 {
			t.Fatalf("state %s, %d legacy tokens still active", u.State, active(t, f))
		}
	})
}

// TestStuckRollbackNeedsAttention: a rollback that keeps failing flags the
// upgrade within a minute, while it keeps retrying, where operators filter
// for it; the flag clears once the rollback succeeds.
func TestStuckRollbackNeedsAttention(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	stuck := f.stickRollback(t)
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if stuck.flagged == nil {
		t.Fatalf("never flagged while the rollback failed %d times", stuck.failures)
	}
	if a := stuck.flagged.Attention; a == nil || !strings.Contains(a.Reason, "rollback") || a.Since.Sub(stuck.since) > time.Minute {
		t.Fatalf("attention %+v; the rollback first failed at %v", a, stuck.since)
	}
	u := f.upgrade(t)
	if u.Attention != nil || u.State != chatlift.UpgradeRolledBack || u.Attempt != 2 {
		t.Fatalf("after the rollback: attention %+v, state %s, attempt %d", u.Attention, u.State, u.Attempt)
	}
	if list, err := f.platform.Upgrades(context.Background(), chatlift.UpgradeFilter{Attention: true}); err != nil || len(list) != 0 {
		t.Fatalf("still listed as needing attention: %v %v", list, err)
	}
}

// stickRollback fails the switch, then every change of chat state the
// rollback tries, until the upgrade is listed as needing attention.
func (f *fixture) stickRollback(t *testing.T) *stuckLegacy {
	t.Helper()
	stuck := &stuckLegacy{ChatStore: f.legacy, platform: f.platform, now: f.env.Now}
	f.acts.Legacy = stuck
	f.acts.OnStep = func(_, step, phase string) {
		if step == upgrade.StepFreeze && phase == "undo" {
			stuck.start()
		}
	}
	if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepSwitch, upgrade.FaultError); err != nil {
		t.Fatal(err)
	}
	return stuck
}

// stuckLegacy fails every change of chat state once started, until the
// upgrade is listed as needing attention.
type stuckLegacy struct {
	chatlift.ChatStore
	platform interface {
		Upgrades(context.Context, chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error)
	}
	now func() time.Time

	mu       sync.Mutex
	since    time.Time
	failures int
	flagged  *chatlift.Upgrade
}

func (s *stuckLegacy) start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.since.IsZero() {
		s.since = s.now()
	}
}

func (s *stuckLegacy) SetChatAccountState(ctx context.Context, id int64, state string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.since.IsZero() && s.flagged == nil && s.failures < 50 {
		if list, err := s.platform.Upgrades(ctx, chatlift.UpgradeFilter{Attention: true}); err == nil && len(list) == 1 {
			s.flagged = list[0]
		} else {
			s.failures++
			return "", errors.New("the legacy database does not answer")
		}
	}
	return s.ChatStore.SetChatAccountState(ctx, id, state)
}
