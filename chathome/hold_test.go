package chathome_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
)

// states is a hand-written fake of the legacy product's accounts, safe for
// the hold's watchers: it records how many reads of each account run at
// once, and a read of a blocked account waits until it is unblocked.
type states struct {
	mu       sync.Mutex
	state    map[int64]string
	reading  map[int64]int
	most     map[int64]int
	blocked  map[int64]chan struct{}
	failures map[int64]error
}

func newStates() *states {
	return &states{state: map[int64]string{}, reading: map[int64]int{}, most: map[int64]int{},
		blocked: map[int64]chan struct{}{}, failures: map[int64]error{}}
}

func (s *states) ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error) {
	s.mu.Lock()
	s.reading[id]++
	s.most[id] = max(s.most[id], s.reading[id])
	block := s.blocked[id]
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.reading[id]--; s.mu.Unlock() }()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failures[id]; err != nil {
		return nil, err
	}
	return &chatlift.ChatAccount{ID: id, State: s.state[id]}, nil
}

func (s *states) set(id int64, state string) { s.mu.Lock(); s.state[id] = state; s.mu.Unlock() }

func (s *states) mostReadsAtOnce(id int64) int { s.mu.Lock(); defer s.mu.Unlock(); return s.most[id] }

var _ chathome.Accounts = (*states)(nil)

// setupHold is a hold over accounts 1 to 3, all frozen, within limits.
func setupHold(t *testing.T, limits chathome.HoldLimits) (*chathome.Hold, *states) {
	t.Helper()
	s := newStates()
	for id := int64(1); id <= 3; id++ {
		s.set(id, chatlift.ChatAccountMaintenance)
	}
	return &chathome.Hold{Accounts: s, Limits: limits, Poll: time.Millisecond}, s
}

// waitAsync runs h.Wait for the account in the background; its result
// comes on the channel.
func waitAsync(ctx context.Context, h *chathome.Hold, id int64) <-chan error {
	done := make(chan error, 1)
	go func() { done <- h.Wait(ctx, id) }()
	return done
}

// metric is the value of the hold's metric with the name.
func metric(t *testing.T, h *chathome.Hold, name string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(h.Collectors()...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		if m := f.GetMetric()[0]; m.Counter != nil {
			return m.Counter.GetValue()
		} else {
			return m.Gauge.GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// untilWaiting waits until n requests are held.
func untilWaiting(t *testing.T, h *chathome.Hold, n float64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); metric(t, h, "chatlift_hold_requests_waiting") != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%v requests held, want %v", metric(t, h, "chatlift_hold_requests_waiting"), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// result is what a background Wait returned, failing after a while.
func result(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("the held request was never answered")
		return nil
	}
}

// wantCounts fails unless the hold's counters are as given.
func wantCounts(t *testing.T, h *chathome.Hold, want map[string]float64) {
	t.Helper()
	for name, n := range want {
		if got := metric(t, h, "chatlift_hold_requests_"+name+"_total"); got != n {
			t.Errorf("%s = %v, want %v", name, got, n)
		}
	}
}

func TestHoldWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, state := range []string{chatlift.ChatAccountUpgraded, chatlift.ChatAccountActive} {
		t.Run("ReleasedWhen"+state, func(t *testing.T) {
			t.Parallel()
			h, s := setupHold(t, chathome.HoldLimits{})
			done := []<-chan error{waitAsync(ctx, h, 1), waitAsync(ctx, h, 1), waitAsync(ctx, h, 1)}
			untilWaiting(t, h, 3)
			s.set(1, state)
			for _, d := range done {
				if err := result(t, d); err != nil {
					t.Fatal(err)
				}
			}
			wantCounts(t, h, map[string]float64{"held": 3, "released": 3, "expired": 0, "dropped": 0, "refused": 0})
			untilWaiting(t, h, 0)
			if n := s.mostReadsAtOnce(1); n != 1 {
				t.Fatalf("%d reads of the account at once: its requests must share one watcher", n)
			}
		})
	}
	t.Run("ReleasedWhenTheStateCannotBeRead", func(t *testing.T) {
		t.Parallel()
		h, s := setupHold(t, chathome.HoldLimits{})
		done := waitAsync(ctx, h, 1)
		untilWaiting(t, h, 1)
		s.mu.Lock()
		s.failures[1] = errors.New("disk on fire")
		s.mu.Unlock()
		if err := result(t, done); err != nil {
			t.Fatalf("err = %v; the request looks its account up again and answers as any would", err)
		}
	})
	t.Run("ErrPastTheLongestHold", func(t *testing.T) {
		t.Parallel()
		const bound = 50 * time.Millisecond
		h, _ := setupHold(t, chathome.HoldLimits{For: bound})
		start := time.Now()
		err := h.Wait(ctx, 1)
		if chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE || time.Since(start) < bound {
			t.Fatalf("err = %v after %s; want unavailable after %s", err, time.Since(start), bound)
		}
		wantCounts(t, h, map[string]float64{"held": 1, "released": 0, "expired": 1})
		untilWaiting(t, h, 0)
	})
	t.Run("ErrFleetFull", func(t *testing.T) {
		t.Parallel()
		h, s := setupHold(t, chathome.HoldLimits{Requests: 2})
		first, second := waitAsync(ctx, h, 1), waitAsync(ctx, h, 2)
		untilWaiting(t, h, 2)
		start := time.Now()
		if err := h.Wait(ctx, 3); chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE || time.Since(start) > time.Second {
			t.Fatalf("third request: %v after %s; want unavailable at once", err, time.Since(start))
		}
		wantCounts(t, h, map[string]float64{"held": 2, "refused": 1})
		s.set(1, chatlift.ChatAccountUpgraded)
		if err := result(t, first); err != nil {
			t.Fatal(err)
		}
		third := waitAsync(ctx, h, 3)
		untilWaiting(t, h, 2) // the place the first one freed
		s.set(2, chatlift.ChatAccountActive)
		s.set(3, chatlift.ChatAccountActive)
		if err := errors.Join(result(t, second), result(t, third)); err != nil {
			t.Fatal(err)
		}
		wantCounts(t, h, map[string]float64{"held": 3, "released": 3, "refused": 1})
	})
	t.Run("DroppedWhenTheClientGoesAway", func(t *testing.T) {
		t.Parallel()
		h, _ := setupHold(t, chathome.HoldLimits{Requests: 1})
		gone, leave := context.WithCancel(ctx)
		done := waitAsync(gone, h, 1)
		untilWaiting(t, h, 1)
		leave()
		if err := result(t, done); !errors.Is(err, context.Canceled) || chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
		untilWaiting(t, h, 0)
		wantCounts(t, h, map[string]float64{"held": 1, "dropped": 1})
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if err := h.Wait(short, 2); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("next request: %v; want it held in the freed place", err)
		}
	})
	t.Run("OtherAccountsDoNotWait", func(t *testing.T) {
		t.Parallel()
		h, s := setupHold(t, chathome.HoldLimits{})
		unblock := make(chan struct{})
		defer close(unblock)
		s.mu.Lock()
		s.blocked[1] = unblock // account 1's state takes forever to read
		s.mu.Unlock()
		held, leave := context.WithCancel(ctx)
		defer leave()
		stuck := waitAsync(held, h, 1)
		untilWaiting(t, h, 1)
		done := waitAsync(ctx, h, 2)
		untilWaiting(t, h, 2)
		s.set(2, chatlift.ChatAccountUpgraded)
		if err := result(t, done); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-stuck:
			t.Fatalf("account 1's request answered while its account is frozen: %v", err)
		default:
		}
	})
	t.Run("ErrOff", func(t *testing.T) {
		t.Parallel()
		for _, h := range []*chathome.Hold{nil, {Accounts: newStates(), Limits: chathome.HoldLimits{For: -1}}} {
			if err := h.Wait(ctx, 1); chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
				t.Fatalf("err = %v", err)
			}
		}
	})
}
