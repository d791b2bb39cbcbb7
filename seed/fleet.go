package seed

import (
	"context"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
)

// idBlock is how many ids of each sequence a fleet reserves at a time.
const idBlock = 256

// Fleet generates spec.Accounts accounts with new account ids (the
// platform's "account" sequence) and loads them. It calls progress, if not
// nil, with the number of accounts loaded so far, from the writing
// goroutines one call at a time. A zero spec.Start is taken as the start of
// today (UTC), so that terms and history are current. It returns each
// account's credentials, in index order.
func Fleet(ctx context.Context, legacy chatlift.ChatStore, platform chatlift.PlatformStore, spec Spec, now time.Time, progress func(done int)) ([]*Credentials, error) {
	if spec.Accounts < 1 || spec.ChatsPerAccount < 0 {
		return nil, invalid("a fleet needs at least one account and no negative chat count")
	}
	if spec.Start.IsZero() {
		spec.Start = now.UTC().Truncate(24 * time.Hour)
	}
	first, err := platform.NextIDs(ctx, "account", spec.Accounts)
	if err != nil {
		return nil, err
	}
	p := &pipeline{legacy: legacy, platform: platform, now: now, fresh: true, ids: newIDAllocator(platform, idBlock), progress: progress}
	return p.run(ctx, spec.Accounts, func(i int) *Account { return Generate(spec, first+int64(i), i) })
}

// pipeline loads accounts in three stages running at once: one goroutine
// makes each account and prepares it (ids, defaults), one writes chat sides
// into the legacy store and one writes support sides into the platform
// store. Each store has a single writer, so SQLite never waits on its lock.
type pipeline struct {
	legacy   chatlift.ChatStore
	platform chatlift.PlatformStore
	now      time.Time
	fresh    bool // the accounts are new: nothing stored to reuse
	ids      *idAllocator
	progress func(done int)
}

// run loads the n accounts source makes and returns their credentials. On
// the first error it stops every stage and returns that error.
func (p *pipeline) run(ctx context.Context, n int, source func(i int) *Account) ([]*Credentials, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	fail := func(err error) { cancel(err) }
	creds := make([]*Credentials, n)
	var mu sync.Mutex
	done := 0
	finish := func(j *job) {
		if j.left.Add(-1) > 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		creds[j.index] = j.creds
		done++
		if p.progress != nil {
			p.progress(done)
		}
	}
	chats, supports := make(chan *job, 4), make(chan *job, 4)
	var wg sync.WaitGroup
	wg.Go(func() { p.produce(ctx, fail, n, source, chats, supports) })
	wg.Go(func() { consume(ctx, fail, chats, p.writeChat, finish) })
	wg.Go(func() { consume(ctx, fail, supports, p.writePlatform, finish) })
	wg.Wait()
	if done < n {
		return nil, context.Cause(ctx)
	}
	return creds, nil
}

// produce makes and prepares each account and hands it to both writers.
func (p *pipeline) produce(ctx context.Context, fail func(error), n int, source func(int) *Account, outs ...chan<- *job) {
	defer func() {
		for _, q := range outs {
			close(q)
		}
	}()
	for i := range n {
		j, err := p.prepare(ctx, source(i), i)
		if err != nil {
			fail(err)
			return
		}
		j.left.Store(int32(len(outs)))
		for _, q := range outs {
			select {
			case q <- j:
			case <-ctx.Done():
				return
			}
		}
	}
}

// consume writes each job that arrives until the queue closes, skipping
// them once the run has failed.
func consume(ctx context.Context, fail func(error), q <-chan *job, write func(context.Context, *job) error, finish func(*job)) {
	for j := range q {
		if ctx.Err() != nil {
			continue
		}
		if err := write(ctx, j); err != nil {
			fail(err)
			continue
		}
		finish(j)
	}
}
