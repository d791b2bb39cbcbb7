// Package importer moves an upgraded account's history (chats, visitors,
// analytics events) from the legacy chat store to the platform's, and
// verifies the copy.
//
// The Copier reads each table in key order, one batch ahead of the write,
// and writes every batch together with the table's cursor in one
// transaction of the platform store: a restart resumes after the last
// committed batch, and a batch delivered twice adds nothing (rows the
// platform already has, an earlier copy or a newer version, are left
// alone). Rows are copied as stored, never decoded, so the copy is exactly
// the source.
//
// Each committed batch's rows are also added, in a transaction of their
// own, to the fleet's import throughput of the minute
// (chatlift.PlatformStore.ImportBatch does both), which the operator
// console charts.
//
// The Verifier compares both sides per table in key ranges: counts, a
// content checksum, and the keys that differ; it repairs by re-copying just
// those rows.
package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// Defaults of the Copier's batch bounds.
const (
	DefaultBatch      = 2000
	DefaultBatchBytes = 4 << 20
)

// Copier is the history import between the legacy store and the platform.
type Copier struct {
	From chatlift.ChatStore
	To   chatlift.PlatformStore
	// Throttle paces the import with the rest of the fleet; nil means none.
	Throttle Throttle
	// Batch is the most rows per batch (0: DefaultBatch); BatchBytes the
	// size a batch aims at (0: DefaultBatchBytes): batches of large rows
	// shrink so that memory stays bounded whatever the transcripts hold.
	Batch, BatchBytes int
	Now               func() time.Time
}

// Import copies every history row of the job's account not yet copied,
// reporting progress as it goes. It returns when every table's cursor is
// finished, or with ctx's error when cancelled: the next call resumes.
func (c *Copier) Import(ctx context.Context, job chatlift.ImportJob, progress func(chatlift.ImportProgress)) error {
	throttle := c.Throttle
	if throttle == nil {
		throttle = noThrottle{}
	}
	release, err := throttle.Acquire(ctx, job.UpgradeID)
	if err != nil {
		return err
	}
	defer release()
	count, err := c.From.CountHistory(ctx, job.AccountID)
	if err != nil {
		return err
	}
	cursors := make(map[string]chatlift.ImportCursor, len(chatlift.HistoryTables))
	var done int64
	for _, table := range chatlift.HistoryTables {
		cur, err := c.To.ImportCursor(ctx, table, job.AccountID)
		if err != nil {
			return err
		}
		cursors[table] = cur
		done += cur.Done
	}
	p := newTracker(count.Total(), done, c.now, progress)
	p.report(chatlift.ImportRunning)
	for _, table := range chatlift.HistoryTables {
		if cursors[table].Finished {
			continue
		}
		if err := c.copyTable(ctx, job, table, cursors[table], throttle, p); err != nil {
			return fmt.Errorf("import %s: %w", table, err)
		}
	}
	return nil
}

func (c *Copier) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// batch is what the reader hands the writer.
type batch struct {
	rows []chatlift.RawRow
	last bool // the table has no rows after these
	err  error
}

// copyTable copies one table from cur on: a reader goroutine keeps the
// next batch ready while this one commits the current.
func (c *Copier) copyTable(ctx context.Context, job chatlift.ImportJob, table string, cur chatlift.ImportCursor, throttle Throttle, p *tracker) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	go c.read(ctx, job.AccountID, table, cur.AfterKey, batches)
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if err := throttle.Wait(ctx, job.UpgradeID, len(b.rows)); err != nil {
			return err
		}
		next := cur
		if n := len(b.rows); n > 0 {
			next.AfterKey = b.rows[n-1].Key
		}
		next.Done += int64(len(b.rows))
		next.Finished = b.last
		added, err := c.To.ImportBatch(ctx, table, job.AccountID, b.rows, next, c.now())
		if err != nil {
			return err
		}
		cur = next
		metrics.rows.WithLabelValues(table).Add(float64(len(b.rows)))
		metrics.skipped.WithLabelValues(table).Add(float64(len(b.rows) - added))
		metrics.batches.Inc()
		p.add(int64(len(b.rows)))
		if b.last {
			return nil
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("reader stopped before the end of the table")
}

// read sends the table's rows after afterKey in batches sized by
// Batch and BatchBytes, ending with one marked last.
func (c *Copier) read(ctx context.Context, accountID int64, table, afterKey string, out chan<- batch) {
	defer close(out)
	most, aim := c.Batch, c.BatchBytes
	if most <= 0 {
		most = DefaultBatch
	}
	if aim <= 0 {
		aim = DefaultBatchBytes
	}
	limit := min(most, 256)
	for {
		rows, err := readRows(ctx, c.From, table, accountID, afterKey, "", limit)
		b := batch{rows: rows, err: err, last: err == nil && len(rows) < limit}
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		if b.err != nil || b.last {
			return
		}
		afterKey = rows[len(rows)-1].Key
		limit = BatchLimit(rows, most, aim)
	}
}

// BatchLimit sizes the batch that follows rows so that it holds about aim
// bytes and at most most rows.
func BatchLimit(rows []chatlift.RawRow, most, aim int) int {
	size := 0
	for _, r := range rows {
		size += len(r.Body) + len(r.Key) + 16
	}
	per := max(1, size/len(rows))
	return max(1, min(most, aim/per))
}

// readRows reads up to limit rows, in as many store pages as it takes.
func readRows(ctx context.Context, s chatlift.ChatStore, table string, accountID int64, after, through string, limit int) ([]chatlift.RawRow, error) {
	var out []chatlift.RawRow
	for len(out) < limit {
		want := min(limit-len(out), chatlift.MaxLimit)
		page, err := s.RawRows(ctx, table, accountID, after, through, want)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = page
		} else {
			out = append(out, page...)
		}
		if len(page) < want {
			break
		}
		after = page[len(page)-1].Key
	}
	return out, nil
}

// tracker turns rows copied into progress with a rate and an ETA; the rate
// counts only this run's rows, so a resumed import does not look faster.
type tracker struct {
	total, done, startDone int64
	start, last            time.Time
	now                    func() time.Time
	progress               func(chatlift.ImportProgress)
}

func newTracker(total, done int64, now func() time.Time, progress func(chatlift.ImportProgress)) *tracker {
	t := now()
	return &tracker{total: max(total, done), done: done, startDone: done, start: t, now: now, progress: progress}
}

func (t *tracker) add(n int64) {
	t.done += n
	t.total = max(t.total, t.done)
	t.report(chatlift.ImportRunning)
}

func (t *tracker) report(state string) {
	if t.progress == nil {
		return
	}
	p := chatlift.ImportProgress{State: state, Total: t.total, Done: t.done}
	if secs := t.now().Sub(t.start).Seconds(); secs > 0 && t.done > t.startDone {
		p.Rate = float64(t.done-t.startDone) / secs
		p.ETASeconds = int64(float64(t.total-t.done)/p.Rate + 0.5)
	}
	t.progress(p)
}

// History is the import and its verification between two stores.
type History struct {
	Copier
	Verifier
}

// New is the history import from the legacy store to the platform, paced
// by throttle (nil: unpaced).
func New(from chatlift.ChatStore, to chatlift.PlatformStore, throttle Throttle) *History {
	return &History{Copier: Copier{From: from, To: to, Throttle: throttle}, Verifier: Verifier{From: from, To: to}}
}
