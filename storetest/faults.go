package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// faultStore is what the upgrade's fault injection needs of a platform
// store (upgrade.FaultStore).
type faultStore interface {
	ArmFault(ctx context.Context, f *chatlift.Fault) error
	TakeFault(ctx context.Context, accountID int64, step string, at time.Time) (string, error)
	Faults(ctx context.Context) ([]*chatlift.Fault, error)
	DisarmFault(ctx context.Context, accountID int64, step string) error
}

func testFaults(t *testing.T, open Opener) {
	ctx := context.Background()
	setup := func(t *testing.T) faultStore {
		t.Helper()
		s, ok := open(t).(faultStore)
		if !ok {
			t.Fatal("the store keeps no faults")
		}
		return s
	}
	take := func(t *testing.T, s faultStore, account int64, step string) string {
		t.Helper()
		mode, err := s.TakeFault(ctx, account, step, t0.Add(time.Minute))
		must(t, err)
		return mode
	}
	t.Run("TakenOnce", func(t *testing.T) {
		s := setup(t)
		must(t, s.ArmFault(ctx, &chatlift.Fault{AccountID: 7, Step: "merge_users", Mode: "crash", ArmedAt: t0}))
		if got := take(t, s, 7, "copy_configuration"); got != "" {
			t.Fatalf("another step took %q", got)
		}
		if got := take(t, s, 7, "merge_users"); got != "crash" {
			t.Fatalf("took %q, want crash", got)
		}
		if got := take(t, s, 7, "merge_users"); got != "" {
			t.Fatalf("taken again: %q", got)
		}
		list, err := s.Faults(ctx)
		must(t, err)
		at := t0.Add(time.Minute)
		same(t, "faults", list, []*chatlift.Fault{{AccountID: 7, Step: "merge_users", Mode: "crash", ArmedAt: t0, TakenAt: &at}})
	})
	t.Run("RearmReplaces", func(t *testing.T) {
		s := setup(t)
		must(t, s.ArmFault(ctx, &chatlift.Fault{AccountID: 7, Step: "merge_users", Mode: "crash", ArmedAt: t0}))
		take(t, s, 7, "merge_users")
		must(t, s.ArmFault(ctx, &chatlift.Fault{AccountID: 7, Step: "merge_users", Mode: "error", ArmedAt: t0.Add(time.Hour)}))
		if got := take(t, s, 7, "merge_users"); got != "error" {
			t.Fatalf("re-armed fault took %q, want error", got)
		}
	})
	t.Run("Disarm", func(t *testing.T) {
		s := setup(t)
		must(t, s.ArmFault(ctx, &chatlift.Fault{AccountID: 7, Step: "merge_users", Mode: "crash", ArmedAt: t0}))
		must(t, s.ArmFault(ctx, &chatlift.Fault{AccountID: 8, Step: "switch_chat", Mode: "timeout", ArmedAt: t0}))
		must(t, s.DisarmFault(ctx, 7, "merge_users"))
		if got := take(t, s, 7, "merge_users"); got != "" {
			t.Fatalf("disarmed fault took %q", got)
		}
		list, err := s.Faults(ctx)
		must(t, err)
		same(t, "faults", list, []*chatlift.Fault{{AccountID: 8, Step: "switch_chat", Mode: "timeout", ArmedAt: t0}})
		wantCode(t, s.DisarmFault(ctx, 7, "merge_users"), chatlift.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := setup(t)
		for _, f := range []*chatlift.Fault{{AccountID: 0, Step: "s", Mode: "m"}, {AccountID: 1, Step: "", Mode: "m"},
			{AccountID: 1, Step: "s", Mode: "no spaces"}} {
			wantCode(t, s.ArmFault(ctx, f), chatlift.EINVALID)
		}
	})
	t.Run("OneTakerWins", func(t *testing.T) {
		s := setup(t)
		for round := range 5 {
			must(t, s.ArmFault(ctx, &chatlift.Fault{AccountID: 9, Step: "switch_chat", Mode: "crash", ArmedAt: t0.Add(time.Duration(round) * time.Hour)}))
			var wg sync.WaitGroup
			got := make(chan string, 8)
			for range cap(got) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					mode, err := s.TakeFault(ctx, 9, "switch_chat", t0)
					if err != nil {
						t.Error(err)
					}
					got <- mode
				}()
			}
			wg.Wait()
			close(got)
			taken := 0
			for mode := range got {
				if mode != "" {
					taken++
				}
			}
			if taken != 1 {
				t.Fatalf("round %d: %d takers got the fault, want exactly 1", round, taken)
			}
		}
	})
}
