// Package importer copies an upgraded account's history (chats, visitors,
// analytics events) from the legacy chat store to the platform's, in
// batches in key order. Every batch is an upsert, so a batch copied twice
// changes nothing and a restarted import simply goes over the rows again.
package importer

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/chatlift/chatlift"
)

// Copier is an Importer between two chat stores.
type Copier struct {
	From, To chatlift.ChatStore
	// Batch is the rows per batch; 0 means 1000.
	Batch int
	Now   func() time.Time
}

// Import copies every history row of the account, reporting progress.
func (c *Copier) Import(ctx context.Context, accountID int64, progress func(chatlift.ImportProgress)) error {
	total, err := c.From.CountHistory(ctx, accountID)
	if err != nil {
		return fmt.Errorf("count history: %w", err)
	}
	p := &tracker{total: total.Total(), start: c.now(), now: c.now, report: progress}
	p.tick(0)
	batch := c.Batch
	if batch <= 0 {
		batch = 1000
	}
	if err := c.copyChats(ctx, accountID, batch, p); err != nil {
		return err
	}
	if err := copyKeyed(ctx, accountID, batch, p, c.From.Visitors, c.To.PutVisitors, func(v *chatlift.Visitor) string { return v.ID }); err != nil {
		return fmt.Errorf("visitors: %w", err)
	}
	err = copyKeyed(ctx, accountID, batch, p, c.From.Analytics, c.To.PutAnalytics, func(e *chatlift.AnalyticsEvent) string { return strconv.FormatInt(e.ID, 10) })
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	p.finish()
	return nil
}

func (c *Copier) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Copier) copyChats(ctx context.Context, accountID int64, batch int, p *tracker) error {
	after := ""
	for {
		page, err := c.From.Chats(ctx, chatlift.ChatFilter{AccountID: accountID, AfterID: after, Limit: batch})
		if err != nil {
			return fmt.Errorf("read chats: %w", err)
		}
		if err := c.To.PutChats(ctx, page); err != nil {
			return fmt.Errorf("write chats: %w", err)
		}
		p.tick(int64(len(page)))
		if len(page) < batch {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// copyKeyed pages a table by key and writes each page.
func copyKeyed[T any](ctx context.Context, accountID int64, batch int, p *tracker,
	read func(context.Context, chatlift.KeyFilter) ([]*T, error), write func(context.Context, []*T) error, key func(*T) string) error {
	after := ""
	for {
		page, err := read(ctx, chatlift.KeyFilter{AccountID: accountID, AfterID: after, Limit: batch})
		if err != nil {
			return err
		}
		if err := write(ctx, page); err != nil {
			return err
		}
		p.tick(int64(len(page)))
		if len(page) < batch {
			return nil
		}
		after = key(page[len(page)-1])
	}
}

// tracker turns rows copied into progress with a rate and an ETA.
type tracker struct {
	total, done int64
	start       time.Time
	now         func() time.Time
	report      func(chatlift.ImportProgress)
}

func (t *tracker) tick(n int64) {
	t.done += n
	p := chatlift.ImportProgress{State: chatlift.ImportRunning, Total: t.total, Done: t.done}
	if secs := t.now().Sub(t.start).Seconds(); secs > 0 && t.done > 0 {
		p.Rate = float64(t.done) / secs
		p.ETASeconds = int64(float64(t.total-t.done) / p.Rate)
	}
	if t.report != nil {
		t.report(p)
	}
}

func (t *tracker) finish() {
	if t.report != nil {
		t.report(chatlift.ImportProgress{State: chatlift.ImportDone, Total: t.total, Done: t.done})
	}
}
