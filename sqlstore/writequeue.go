package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/chatlift/chatlift"
)

// writeQueue lines up the writers of one SQLite file, in this process and
// in the others sharing it (serve and its worker processes).
//
// Left to SQLite, a writer that finds the file locked sleeps and tries
// again (1, 2, 5, 10 ms ...): under the steady stream of short write
// transactions of a fleet's upgrades, a support request's write sleeps
// through the gaps between them and waits far longer than any one of them.
// Here writers wait in the kernel instead (flock on path.writers) and are
// woken the moment the writer before them is done.
//
// Writers of background work (a worker process's upgrades) also give way:
// before each transaction they pass through a gate (path.gate) that the
// other writers hold shared for as long as they wait and write, so a
// request waits for at most the one background transaction under way.
//
// The transaction holds the file lock from BEGIN to COMMIT, so SQLite's
// checkpoints, which run inside the COMMIT that crosses the WAL's size, are
// taken out of the COMMIT: the store turns them off on its connections and
// runs them from checkpoint, outside the queue.
type writeQueue struct {
	turn       chan struct{} // this process's writers, one at a time
	lock, gate *os.File
	background bool
	mu         sync.Mutex // guards waiting
	waiting    int        // this process's writers between enter and leave (not background)
	closeOnce  sync.Once
	closeErr   error
}

// turnWait bounds a writer's wait for its turn in this process, as
// busy_timeout bounds SQLite's.
const turnWait = 10 * time.Second

func openWriteQueue(path string, background bool) (*writeQueue, error) {
	lock, err := os.OpenFile(path+".writers", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	gate, err := os.OpenFile(path+".gate", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return &writeQueue{turn: make(chan struct{}, 1), lock: lock, gate: gate, background: background}, nil
}

// acquire waits for this writer's turn, in this process then in all; ctx
// bounds the wait in this process only (the kernel's is not interrupted,
// and lasts one transaction of another process at most, or a few when they
// give way to requests).
func (q *writeQueue) acquire(ctx context.Context) error {
	if err := q.enter(); err != nil {
		return err
	}
	wait := time.NewTimer(turnWait)
	defer wait.Stop()
	select {
	case q.turn <- struct{}{}:
	case <-ctx.Done():
		q.leave()
		return ctx.Err()
	case <-wait.C:
		q.leave()
		return chatlift.Errorf(chatlift.EUNAVAILABLE, "the database is busy: no turn to write within %s", turnWait)
	}
	if err := flock(q.lock, syscall.LOCK_EX); err != nil {
		<-q.turn
		q.leave()
		return err
	}
	return nil
}

// hold waits for this writer's turn as acquire does and returns what
// releases it; on no queue (PostgreSQL) it waits for nothing.
func (q *writeQueue) hold(ctx context.Context) (release func(), err error) {
	if q == nil {
		return func() {}, nil
	}
	if err := q.acquire(ctx); err != nil {
		return nil, err
	}
	return q.release, nil
}

func (q *writeQueue) release() {
	_ = flock(q.lock, syscall.LOCK_UN)
	<-q.turn
	q.leave()
}

// enter is the gate. A background writer waits until no other process's
// writer waits or writes (taking the gate exclusively, and leaving it at
// once). The other writers hold it shared from the moment they arrive until
// they are done: the first of this process to arrive takes it, the last to
// be done leaves it (a lock of the kernel's is one per open file, not one
// per writer).
func (q *writeQueue) enter() error {
	if q.background {
		if err := flock(q.gate, syscall.LOCK_EX); err != nil {
			return err
		}
		return flock(q.gate, syscall.LOCK_UN)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting == 0 {
		if err := flock(q.gate, syscall.LOCK_SH); err != nil {
			return err
		}
	}
	q.waiting++
	return nil
}

func (q *writeQueue) leave() {
	if q.background {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting--; q.waiting == 0 {
		_ = flock(q.gate, syscall.LOCK_UN)
	}
}

func (q *writeQueue) close() error {
	q.closeOnce.Do(func() { q.closeErr = errors.Join(q.lock.Close(), q.gate.Close()) })
	return q.closeErr
}

func flock(f *os.File, how int) error {
	for {
		if err := syscall.Flock(int(f.Fd()), how); !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// queuedPool is the pool whose statements outside a transaction wait their
// turn in the queue when they write.
type queuedPool struct {
	*sql.DB
	writers *writeQueue
}

func (p queuedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	release, err := p.writers.hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return p.DB.ExecContext(ctx, query, args...)
}

// How often the checkpointer copies the WAL back into the database file:
// a checkpoint is background work (it reads and writes every page written
// since the last one, and syncs the file), so a background store does it
// often and a foreground one, whose process serves requests, rarely, as a
// fallback for when no background process runs. Either process's
// checkpoint does the work for all of them.
const (
	checkpointEvery           = 250 * time.Millisecond
	checkpointForegroundEvery = 2 * time.Second
)

// checkpointer copies the WAL's committed pages into the database file
// every checkpointEvery, or checkpointForegroundEvery (PASSIVE: it waits
// for no reader or writer, and a checkpoint of another process meanwhile
// is left to finish).
type checkpointer struct {
	once       sync.Once
	quit, done chan struct{}
}

func startCheckpointer(db *sql.DB, background bool) *checkpointer {
	c := &checkpointer{quit: make(chan struct{}), done: make(chan struct{})}
	every := checkpointForegroundEvery
	if background {
		every = checkpointEvery
	}
	go func() {
		defer close(c.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-c.quit:
				return
			case <-t.C:
				_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return c
}

func (c *checkpointer) stop() {
	c.once.Do(func() { close(c.quit) })
	<-c.done
}
