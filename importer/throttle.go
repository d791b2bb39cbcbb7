package importer

import "context"

// Throttle paces imports across the fleet: at most so many run at once, and
// together they copy at most so many rows per second. Operators change both
// while imports run.
type Throttle interface {
	// Acquire waits for a free import slot for key (an upgrade id) and
	// returns its release. A slot whose holder died is freed after a lease.
	Acquire(ctx context.Context, key string) (release func(), err error)
	// Wait blocks until the import holding key may copy rows more rows.
	Wait(ctx context.Context, key string, rows int) error
}

// noThrottle lets everything through.
type noThrottle struct{}

func (noThrottle) Acquire(context.Context, string) (func(), error) { return func() {}, nil }
func (noThrottle) Wait(context.Context, string, int) error         { return nil }
