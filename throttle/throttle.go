// Package throttle paces history imports across the fleet with the limits
// the operator keeps in the platform store (chatlift.ImportSettings): at
// most MaxConcurrent imports hold a slot at once, and together they copy at
// most RowsPerSecond rows per second.
//
// A slot is a lease in the store that its import renews as it copies, so
// the slot of a process that died frees itself after LeaseTTL. The rate is
// shared evenly: each running import, in whatever process, gets
// RowsPerSecond divided by the number of live leases, enforced by a token
// bucket of its own. Both the settings and the number of leases are re-read
// every Poll, so an operator's change reaches running imports within Poll.
package throttle

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/importer"
)

// Defaults of the Limiter's fields.
const (
	DefaultLeaseTTL = 30 * time.Second
	DefaultPoll     = time.Second
)

// burst is how much unused rate an import may save up, in time at its rate.
const burst = time.Second

// Limiter is the fleet-wide import throttle.
type Limiter struct {
	// Store holds the settings and the leases, shared by the fleet.
	Store chatlift.PlatformStore
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends; nil means a timer. Tests give it
	// with Now, so that a wait moves their clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// LeaseTTL is how long a slot outlives its import's last renewal; 0
	// means DefaultLeaseTTL. Leases are renewed every third of it.
	LeaseTTL time.Duration
	// Poll is how often the settings are re-read and a full fleet is asked
	// again for a slot; 0 means DefaultPoll.
	Poll time.Duration
	// Logger receives what goes wrong with the leases; nil discards it.
	Logger *slog.Logger

	once    sync.Once
	running prometheus.Gauge
	limit   prometheus.Gauge
	waited  prometheus.Counter

	mu      sync.Mutex
	renewAt map[string]time.Time // the leases this process holds, by key
	buckets map[string]*bucket

	viewMu sync.Mutex
	view   fleetView
}

var _ importer.Throttle = (*Limiter)(nil)

// fleetView is the settings and the number of live leases as last read.
type fleetView struct {
	settings chatlift.ImportSettings
	active   int
	readAt   time.Time
	fresh    bool
}

// Collectors are the limiter's metrics, for a Prometheus registry.
func (l *Limiter) Collectors() []prometheus.Collector {
	l.init()
	return []prometheus.Collector{l.running, l.limit, l.waited}
}

func (l *Limiter) init() {
	l.once.Do(func() {
		l.running = prometheus.NewGauge(prometheus.GaugeOpts{Name: "chatlift_imports_running",
			Help: "History imports holding a fleet import slot in this process."})
		l.limit = prometheus.NewGauge(prometheus.GaugeOpts{Name: "chatlift_import_rate_limit_rows_per_second",
			Help: "The fleet's import rate limit as this process last read it; 0 means unlimited."})
		l.waited = prometheus.NewCounter(prometheus.CounterOpts{Name: "chatlift_import_rows_throttled_wait_seconds_total",
			Help: "Time imports in this process waited for the fleet's import rate limit."})
		l.renewAt = map[string]time.Time{}
		l.buckets = map[string]*bucket{}
	})
}

// Acquire implements importer.Throttle: it asks for a slot every Poll until
// the fleet has one free or ctx ends.
func (l *Limiter) Acquire(ctx context.Context, key string) (func(), error) {
	l.init()
	if err := l.acquire(ctx, key); err != nil {
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { l.release(key) }) }, nil
}

func (l *Limiter) acquire(ctx context.Context, key string) error {
	for {
		settings, err := l.Store.ImportSettings(ctx)
		if err != nil {
			return fmt.Errorf("read import settings: %w", err)
		}
		l.limit.Set(float64(settings.RowsPerSecond))
		now := l.now()
		ok, err := l.Store.AcquireImportLease(ctx, key, now, l.leaseTTL(), settings.MaxConcurrent)
		if err != nil {
			return fmt.Errorf("acquire import slot: %w", err)
		}
		if ok {
			l.mu.Lock()
			if _, held := l.renewAt[key]; !held {
				l.running.Inc()
			}
			l.renewAt[key] = now.Add(l.leaseTTL() / 3)
			l.mu.Unlock()
			l.forgetView()
			return nil
		}
		if err := l.sleep(ctx, l.poll()); err != nil {
			return err
		}
	}
}

func (l *Limiter) release(key string) {
	l.mu.Lock()
	if _, held := l.renewAt[key]; held {
		delete(l.renewAt, key)
		l.running.Dec()
	}
	delete(l.buckets, key)
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Store.ReleaseImportLease(ctx, key); err != nil {
		l.logger().Warn("release import slot; it frees itself when its lease expires", "key", key, "error", err)
	}
	l.forgetView()
}

// Wait implements importer.Throttle: it renews key's lease when due and
// returns once the import's share of the fleet's rate allows rows more.
// It waits at most Poll at a time, re-reading the share in between.
func (l *Limiter) Wait(ctx context.Context, key string, rows int) error {
	l.init()
	take := float64(rows)
	for {
		if err := l.keepLease(ctx, key); err != nil {
			return err
		}
		rate, err := l.share(ctx)
		if err != nil {
			return err
		}
		wait := l.take(key, rate, take)
		take = 0
		if wait <= 0 {
			return nil
		}
		wait = min(wait, l.poll())
		if err := l.sleep(ctx, wait); err != nil {
			return err
		}
		l.waited.Add(wait.Seconds())
	}
}

// take takes rows from key's bucket filling at rate (0: unlimited) and
// returns how long until the bucket is out of debt.
func (l *Limiter) take(key string, rate, rows float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{last: now}
		l.buckets[key] = b
	}
	if rate == 0 {
		*b = bucket{last: now}
		return 0
	}
	b.fill(now, rate)
	b.tokens -= rows
	return b.wait(rate)
}

// keepLease renews key's lease when a third of its time has passed. A lease
// that ran out (the import stalled longer than LeaseTTL) may have lost its
// slot: the import then waits for one like a new one.
func (l *Limiter) keepLease(ctx context.Context, key string) error {
	l.mu.Lock()
	renewAt, held := l.renewAt[key]
	l.mu.Unlock()
	now := l.now()
	if !held || now.Before(renewAt) {
		return nil
	}
	err := l.Store.RenewImportLease(ctx, key, now, l.leaseTTL())
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		l.logger().Warn("import slot lease expired; waiting for a slot again", "key", key)
		return l.acquire(ctx, key)
	} else if err != nil {
		return fmt.Errorf("renew import slot: %w", err)
	}
	l.mu.Lock()
	if _, held := l.renewAt[key]; held {
		l.renewAt[key] = now.Add(l.leaseTTL() / 3)
	}
	l.mu.Unlock()
	return nil
}

// share is the rows per second one import may copy: the fleet's rate over
// the running imports; 0 means unlimited.
func (l *Limiter) share(ctx context.Context) (float64, error) {
	l.viewMu.Lock()
	defer l.viewMu.Unlock()
	now := l.now()
	if !l.view.fresh || now.Sub(l.view.readAt) >= l.poll() {
		settings, err := l.Store.ImportSettings(ctx)
		if err != nil {
			return 0, fmt.Errorf("read import settings: %w", err)
		}
		active, err := l.Store.ActiveImportLeases(ctx, now)
		if err != nil {
			return 0, fmt.Errorf("count running imports: %w", err)
		}
		l.view = fleetView{settings: settings, active: active, readAt: now, fresh: true}
		l.limit.Set(float64(settings.RowsPerSecond))
	}
	if l.view.settings.RowsPerSecond == 0 {
		return 0, nil
	}
	return float64(l.view.settings.RowsPerSecond) / float64(max(l.view.active, 1)), nil
}

// forgetView makes the next Wait re-read the fleet: an import of this
// process started or ended, so every share changed.
func (l *Limiter) forgetView() {
	l.viewMu.Lock()
	l.view.fresh = false
	l.viewMu.Unlock()
}

func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	if l.Sleep != nil {
		return l.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d, or until ctx ends (its error then).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Limiter) leaseTTL() time.Duration {
	if l.LeaseTTL > 0 {
		return l.LeaseTTL
	}
	return DefaultLeaseTTL
}

func (l *Limiter) poll() time.Duration {
	if l.Poll > 0 {
		return l.Poll
	}
	return DefaultPoll
}

func (l *Limiter) logger() *slog.Logger {
	if l.Logger != nil {
		return l.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// bucket paces one import. It fills at the import's rate up to burst's
// worth; a Wait takes its rows at once, into debt if need be, and the
// caller sleeps until the debt is paid.
type bucket struct {
	tokens float64
	last   time.Time
}

func (b *bucket) fill(now time.Time, rate float64) {
	if now.After(b.last) {
		b.tokens += now.Sub(b.last).Seconds() * rate
		b.last = now
	}
	b.tokens = min(b.tokens, rate*burst.Seconds())
}

// wait is how long the debt takes to pay at rate.
func (b *bucket) wait(rate float64) time.Duration {
	if b.tokens >= 0 {
		return 0
	}
	d := time.Duration(-b.tokens / rate * float64(time.Second))
	if d < time.Microsecond {
		return 0
	}
	return d
}
