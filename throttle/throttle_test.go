package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/throttle"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is a fake clock: sleeping moves it instead of waiting. When hold
// is set, each sleep is first reported on slept and waits for resume, so a
// test knows a caller is waiting and decides when it goes on.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	hold   bool
	slept  chan time.Duration
	resume chan struct{}
	// onSleep, when set, runs at each sleep: the operator acting meanwhile.
	onSleep func()
}

func newClock() *clock {
	return &clock{now: t0, slept: make(chan time.Duration), resume: make(chan struct{})}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if c.hold {
		c.slept <- d
		select {
		case <-c.resume:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.onSleep != nil {
		c.onSleep()
	}
	c.Advance(d)
	return nil
}

// openStore opens a fresh platform store with the settings.
func openStore(t *testing.T, settings chatlift.ImportSettings) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must(t, db.PutImportSettings(ctx, settings))
	return db
}

// limiter is one process's throttle on the fake clock.
func limiter(store chatlift.PlatformStore, c *clock) *throttle.Limiter {
	return &throttle.Limiter{Store: store, Now: c.Now, Sleep: c.Sleep, LeaseTTL: 30 * time.Second, Poll: time.Second}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func acquire(t *testing.T, l *throttle.Limiter, key string) func() {
	t.Helper()
	release, err := l.Acquire(context.Background(), key)
	must(t, err)
	return release
}

func wantActive(t *testing.T, store chatlift.PlatformStore, now time.Time, want int) {
	t.Helper()
	n, err := store.ActiveImportLeases(context.Background(), now)
	must(t, err)
	if n != want {
		t.Fatalf("%d imports hold a slot, want %d", n, want)
	}
}

// acquireAsync starts Acquire in the background and returns its outcome.
func acquireAsync(ctx context.Context, l *throttle.Limiter, key string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := l.Acquire(ctx, key)
		done <- err
	}()
	return done
}

func TestAcquire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("MaxConcurrentAcrossProcesses", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{MaxConcurrent: 1}), newClock()
		a, b := limiter(store, c), limiter(store, c)
		release := acquire(t, a, "u1")
		c.hold = true
		done := acquireAsync(ctx, b, "u2")
		<-c.slept // b found the fleet full and waits
		wantActive(t, store, c.Now(), 1)
		release()
		release() // twice is harmless
		c.resume <- struct{}{}
		must(t, <-done)
		wantActive(t, store, c.Now(), 1)
	})
	t.Run("ExpiredLeaseLetsNextIn", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{MaxConcurrent: 1}), newClock()
		a, b := limiter(store, c), limiter(store, c)
		acquire(t, a, "u1") // and its process dies: never released nor renewed
		acquire(t, b, "u2")
		if waited := c.Now().Sub(t0); waited < 30*time.Second || waited > 31*time.Second {
			t.Fatalf("the next import got in after %s, want the lease's 30s", waited)
		}
		wantActive(t, store, c.Now(), 1)
	})
	t.Run("RaisedMaxLetsWaiterIn", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{MaxConcurrent: 1}), newClock()
		a, b := limiter(store, c), limiter(store, c)
		acquire(t, a, "u1")
		c.hold = true
		done := acquireAsync(ctx, b, "u2")
		<-c.slept
		must(t, store.PutImportSettings(ctx, chatlift.ImportSettings{MaxConcurrent: 2}))
		c.resume <- struct{}{}
		must(t, <-done)
		wantActive(t, store, c.Now(), 2)
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{MaxConcurrent: 1}), newClock()
		acquire(t, limiter(store, c), "u1")
		c.hold = true
		cctx, cancel := context.WithCancel(ctx)
		done := acquireAsync(cctx, limiter(store, c), "u2")
		<-c.slept
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire after cancel = %v, want context.Canceled", err)
		}
	})
	t.Run("ConcurrentImports", func(t *testing.T) {
		t.Parallel()
		const limit = 2
		store := openStore(t, chatlift.ImportSettings{MaxConcurrent: limit})
		processes := []*throttle.Limiter{{Store: store, Poll: time.Millisecond}, {Store: store, Poll: time.Millisecond}}
		var mu sync.Mutex
		running, most := 0, 0
		var wg sync.WaitGroup
		for i := range 8 {
			l := processes[i%2]
			wg.Go(func() {
				release, err := l.Acquire(ctx, fmt.Sprintf("u%d", i))
				if err != nil {
					t.Error(err)
					return
				}
				defer release()
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				defer func() {
					mu.Lock()
					running--
					mu.Unlock()
				}()
				for range 20 {
					if err := l.Wait(ctx, fmt.Sprintf("u%d", i), 1); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if most > limit {
			t.Fatalf("%d imports ran at once, want at most %d", most, limit)
		}
	})
}

func TestWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("SharesRateAcrossProcesses", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{RowsPerSecond: 1000, MaxConcurrent: 4}), newClock()
		a, b := limiter(store, c), limiter(store, c)
		acquire(t, a, "u1")
		acquire(t, b, "u2")
		// One goroutine plays both imports in turn: a fake sleep of one
		// moves the clock for both, as if they ran side by side.
		for range 10 {
			must(t, a.Wait(ctx, "u1", 100))
			must(t, b.Wait(ctx, "u2", 100))
		}
		if took := c.Now().Sub(t0); took < 1500*time.Millisecond || took > 2500*time.Millisecond {
			t.Fatalf("2 × 1000 rows at 1000 rows/s took %s, want about 2s", took)
		}
	})
	t.Run("SharesRateRealTime", func(t *testing.T) {
		t.Parallel()
		store := openStore(t, chatlift.ImportSettings{RowsPerSecond: 1000, MaxConcurrent: 4})
		a := &throttle.Limiter{Store: store, Poll: 100 * time.Millisecond}
		b := &throttle.Limiter{Store: store, Poll: 100 * time.Millisecond}
		acquire(t, a, "u1")
		acquire(t, b, "u2")
		start := time.Now()
		var wg sync.WaitGroup
		for _, x := range []struct {
			l   *throttle.Limiter
			key string
		}{{a, "u1"}, {b, "u2"}} {
			wg.Go(func() {
				for range 10 {
					if err := x.l.Wait(ctx, x.key, 100); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if took := time.Since(start); took < 1500*time.Millisecond || took > 10*time.Second {
			t.Fatalf("2 × 1000 rows at 1000 rows/s took %s, want about 2s", took)
		}
	})
	t.Run("Unlimited", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{RowsPerSecond: 0, MaxConcurrent: 1}), newClock()
		l := limiter(store, c)
		acquire(t, l, "u1")
		for range 10 {
			must(t, l.Wait(ctx, "u1", 100000))
		}
		if c.Now() != t0 {
			t.Fatalf("an unlimited import waited %s", c.Now().Sub(t0))
		}
	})
	t.Run("RaisedRateTakesEffectWithinPoll", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{RowsPerSecond: 10, MaxConcurrent: 1}), newClock()
		l := limiter(store, c)
		acquire(t, l, "u1")
		c.onSleep = func() {
			must(t, store.PutImportSettings(ctx, chatlift.ImportSettings{RowsPerSecond: 100000, MaxConcurrent: 1}))
		}
		must(t, l.Wait(ctx, "u1", 1000)) // 100 s at the old rate
		if took := c.Now().Sub(t0); took > 2*time.Second {
			t.Fatalf("after the operator raised the rate the import still waited %s", took)
		}
	})
	t.Run("LoweredRateTakesEffectWithinPoll", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{RowsPerSecond: 0, MaxConcurrent: 1}), newClock()
		l := limiter(store, c)
		acquire(t, l, "u1")
		must(t, l.Wait(ctx, "u1", 1000))
		must(t, store.PutImportSettings(ctx, chatlift.ImportSettings{RowsPerSecond: 100, MaxConcurrent: 1}))
		c.Advance(time.Second) // one Poll
		start := c.Now()
		for range 10 {
			must(t, l.Wait(ctx, "u1", 100))
		}
		if took := c.Now().Sub(start); took < 8500*time.Millisecond || took > 11*time.Second {
			t.Fatalf("1000 rows at 100 rows/s took %s, want about 10s", took)
		}
	})
	t.Run("RenewsLease", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{MaxConcurrent: 1}), newClock()
		l := limiter(store, c)
		acquire(t, l, "u1")
		for range 4 {
			c.Advance(20 * time.Second)
			must(t, l.Wait(ctx, "u1", 1))
		}
		wantActive(t, store, c.Now().Add(25*time.Second), 1)
	})
	t.Run("ExpiredLeaseWaitsForSlot", func(t *testing.T) {
		t.Parallel()
		store, c := openStore(t, chatlift.ImportSettings{MaxConcurrent: 1}), newClock()
		a, b := limiter(store, c), limiter(store, c)
		acquire(t, a, "u1")
		c.Advance(time.Minute)          // a stalled past its lease...
		releaseB := acquire(t, b, "u2") // ...and b took the slot
		c.hold = true
		done := make(chan error, 1)
		go func() { done <- a.Wait(ctx, "u1", 1) }()
		<-c.slept // a waits for a slot again
		wantActive(t, store, c.Now(), 1)
		releaseB()
		c.resume <- struct{}{}
		must(t, <-done)
		wantActive(t, store, c.Now(), 1)
	})
}

func TestCollectors(t *testing.T) {
	t.Parallel()
	store, c := openStore(t, chatlift.ImportSettings{RowsPerSecond: 1000, MaxConcurrent: 2}), newClock()
	l := limiter(store, c)
	reg := prometheus.NewRegistry()
	reg.MustRegister(l.Collectors()...)
	release := acquire(t, l, "u1")
	must(t, l.Wait(context.Background(), "u1", 500))
	got := gather(t, reg)
	want := map[string]float64{"chatlift_imports_running": 1, "chatlift_import_rate_limit_rows_per_second": 1000,
		"chatlift_import_rows_throttled_wait_seconds_total": 0.5}
	for name, v := range want {
		if got[name] != v {
			t.Fatalf("%s = %v, want %v (all: %v)", name, got[name], v, got)
		}
	}
	release()
	if got := gather(t, reg)["chatlift_imports_running"]; got != 0 {
		t.Fatalf("after release chatlift_imports_running = %v", got)
	}
}

// gather returns the value of each metric in the registry.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	must(t, err)
	out := map[string]float64{}
	for _, f := range families {
		m := f.GetMetric()[0]
		out[f.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	return out
}
