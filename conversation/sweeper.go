package conversation

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatlift/chatlift"
)

// IdleStore is what the sweeper reads and writes of one chat store.
type IdleStore interface {
	Store
	IdleConversations(ctx context.Context, before time.Time, limit int) ([]*chatlift.Conversation, error)
}

// DefaultIdleTimeout is how long an open conversation may go without a
// message before the sweeper ends it.
const DefaultIdleTimeout = 30 * time.Minute

// Sweeper ends the conversations idle for longer than IdleTimeout on each
// store, as the chats they become. A conversation whose account the store
// no longer serves (frozen, or moved to the other store) is left alone: the
// store refuses the write, and the serving store's copy is swept there.
type Sweeper struct {
	Service *Service
	Stores  []IdleStore
	Logger  *slog.Logger
	// IdleTimeout is 0 for DefaultIdleTimeout; Interval (how often it
	// sweeps) is 0 for a minute.
	IdleTimeout, Interval time.Duration

	cancel context.CancelFunc
	done   chan struct{}
}

// Start sweeps every Interval in the background until Stop or ctx ends.
func (s *Sweeper) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	interval := s.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.Logger.Error("end idle conversations", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// Stop ends the loop, waiting for a sweep in flight.
func (s *Sweeper) Stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
}

// Sweep ends every conversation idle at the service's now on each store,
// and returns how many it ended.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	timeout := s.IdleTimeout
	if timeout <= 0 {
		timeout = DefaultIdleTimeout
	}
	before := s.Service.now().Add(-timeout)
	n := 0
	for _, st := range s.Stores {
		idle, err := st.IdleConversations(ctx, before, chatlift.MaxLimit)
		if err != nil {
			return n, err
		}
		for _, c := range idle {
			_, err := s.Service.End(ctx, st, c, nil, chatlift.EndedByIdle)
			switch chatlift.ErrorCode(err) {
			case "":
				n++
			case chatlift.EUNAVAILABLE:
			default:
				return n, err
			}
		}
	}
	return n, nil
}
