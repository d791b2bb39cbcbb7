package chathome

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
)

// The bounds of holding when HoldLimits leaves them zero.
const (
	DefaultHoldFor      = 10 * time.Second
	DefaultHoldRequests = 1000
)

// HoldLimits bound holding, like a proxy that buffers requests through a
// failover. A zero field takes its default; a negative one turns holding
// off (a frozen account's requests answer 503 at once).
type HoldLimits struct {
	// For is the longest one request is held.
	For time.Duration
	// Requests is how many requests are held at once, all accounts
	// together; a request beyond it answers 503 at once.
	Requests int
}

// Off reports whether the limits turn holding off.
func (l HoldLimits) Off() bool { return l.For < 0 || l.Requests < 0 }

func (l HoldLimits) withDefaults() HoldLimits {
	if l.For == 0 {
		l.For = DefaultHoldFor
	}
	if l.Requests == 0 {
		l.Requests = DefaultHoldRequests
	}
	return l
}

// Accounts is what a Hold reads to learn when a freeze ends: the legacy
// product's accounts, whose state is the authority (see Router).
type Accounts interface {
	ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error)
}

// Hold holds requests of frozen accounts until the freeze ends, within
// Limits. The requests of one account share one watcher, which reads the
// account's state with a short backoff (the cutover may run in another
// process); accounts never wait on each other. The zero Hold with Accounts
// set holds within the default limits; a nil Hold holds nothing.
type Hold struct {
	Accounts Accounts
	Limits   HoldLimits
	// Poll is the watcher's first wait between reads of an account's
	// state; each wait doubles, up to 20 times Poll. 0 means 5 ms.
	Poll   time.Duration
	Logger *slog.Logger

	once    sync.Once
	mu      sync.Mutex
	held    int
	watches map[int64]*watch
	metrics holdMetrics
}

// watch is the one watcher of a frozen account and the requests it holds.
type watch struct {
	// thawed is closed when the freeze ends or its state cannot be read.
	thawed  chan struct{}
	waiters int
	stop    context.CancelFunc
}

type holdMetrics struct {
	held, released, expired, dropped, refused prometheus.Counter
	waiting                                   prometheus.Gauge
}

func (h *Hold) init() {
	h.once.Do(func() {
		h.watches = map[int64]*watch{}
		counter := func(name, help string) prometheus.Counter {
			return prometheus.NewCounter(prometheus.CounterOpts{Name: "chatlift_hold_requests_" + name + "_total", Help: help})
		}
		h.metrics = holdMetrics{
			held:     counter("held", "Chat requests held because their account's chat was frozen for its upgrade."),
			released: counter("released", "Held chat requests let through when their account's freeze ended."),
			expired:  counter("expired", "Held chat requests answered 503 after the longest hold (--hold)."),
			dropped:  counter("dropped", "Held chat requests whose client went away."),
			refused:  counter("refused", "Chat requests of a frozen account answered 503 at once: --hold-requests were held already."),
			waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "chatlift_hold_requests_waiting",
				Help: "Chat requests held now."}),
		}
	})
}

// Collectors are the hold's metrics, for a Prometheus registry.
func (h *Hold) Collectors() []prometheus.Collector {
	h.init()
	m := &h.metrics
	return []prometheus.Collector{m.held, m.released, m.expired, m.dropped, m.refused, m.waiting}
}

// Wait holds a request of the account, whose chat was found frozen, until
// the freeze ends; then it returns nil and the caller looks up the
// account's home again (the platform's after a switch, the legacy
// product's after a rollback). It returns EUNAVAILABLE at once when
// holding is off or Limits.Requests are held already, and after
// Limits.For if the account is still frozen; when ctx ends first (the
// client went away) the request is dropped and Wait returns an
// EUNAVAILABLE wrapping ctx's error. The caller authenticates the request
// before it waits.
func (h *Hold) Wait(ctx context.Context, accountID int64) error {
	frozen := chatlift.Errorf(chatlift.EUNAVAILABLE, "chat is being upgraded for this account; retry shortly")
	if h == nil || h.Limits.Off() {
		return frozen
	}
	h.init()
	limits := h.Limits.withDefaults()
	w := h.join(accountID, limits.Requests)
	if w == nil {
		h.metrics.refused.Inc()
		return chatlift.Errorf(chatlift.EUNAVAILABLE, "too many requests are waiting for upgrades to finish; retry shortly")
	}
	defer h.leave(accountID, w)
	h.metrics.held.Inc()
	timer := time.NewTimer(limits.For)
	defer timer.Stop()
	select {
	case <-w.thawed:
		h.metrics.released.Inc()
		return nil
	case <-timer.C:
		h.metrics.expired.Inc()
		return frozen
	case <-ctx.Done():
		h.metrics.dropped.Inc()
		return fmt.Errorf("%w: %w", chatlift.Errorf(chatlift.EUNAVAILABLE, "the request was dropped while held"), ctx.Err())
	}
}

// join takes one of max places for a request of the account and returns
// the account's watch, started if it is the first; nil if every place is
// taken.
func (h *Hold) join(accountID int64, max int) *watch {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held >= max {
		return nil
	}
	h.held++
	h.metrics.waiting.Inc()
	w := h.watches[accountID]
	if w == nil {
		ctx, stop := context.WithCancel(context.Background())
		w = &watch{thawed: make(chan struct{}), stop: stop}
		h.watches[accountID] = w
		go h.watch(ctx, accountID, w)
	}
	w.waiters++
	return w
}

// leave frees a request's place; the last request of a watch stops it.
func (h *Hold) leave(accountID int64, w *watch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held--
	h.metrics.waiting.Dec()
	if w.waiters--; w.waiters == 0 {
		w.stop()
		if h.watches[accountID] == w {
			delete(h.watches, accountID)
		}
	}
}

// watch reads the account's state with a doubling wait until its chat is
// no longer frozen (or cannot be read: then the held requests look it up
// and answer as any request would), and lets its requests go; it ends
// early when its last request leaves.
func (h *Hold) watch(ctx context.Context, accountID int64, w *watch) {
	poll := h.Poll
	if poll <= 0 {
		poll = 5 * time.Millisecond
	}
	wait, most := poll, 20*poll
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		a, err := h.Accounts.ChatAccount(ctx, accountID)
		if ctx.Err() != nil {
			return
		}
		if err != nil || sideOf(a.State) != Frozen {
			if err != nil && h.Logger != nil {
				h.Logger.WarnContext(ctx, "read the state of a frozen account", "account_id", accountID, "error", err)
			}
			h.thaw(accountID, w)
			return
		}
		wait = min(2*wait, most)
		timer.Reset(wait)
	}
}

// thaw lets the watch's requests go; a request of the account that comes
// later starts a new watch.
func (h *Hold) thaw(accountID int64, w *watch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.watches[accountID] == w {
		delete(h.watches, accountID)
	}
	close(w.thawed)
}
