package upgrade

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
)

// progressEvery is how often import progress is written to the upgrade and
// sent as the activity's heartbeat.
const progressEvery = time.Second

// Import moves the account's history to the platform and verifies it: the
// copy resumes from its durable cursor; the verification compares every
// table, and if any key differs it records the mismatches on the upgrade,
// re-copies just those rows, comparing their ranges again. It returns only once a
// verification passed, and then marks the account's history imported.
func (a *Activities) Import(ctx context.Context, upgradeID string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	job := chatlift.ImportJob{UpgradeID: u.ID, AccountID: u.AccountID, SwitchedAt: switchedAt(u)}
	rec := &recorder{a: a, u: u}
	stop := rec.heartbeat(ctx)
	defer stop()

	copyCtx, abort := context.WithCancel(ctx)
	defer abort()
	var fired error
	progress := a.importFault(ctx, u.AccountID, rec.progress, stop, abort, &fired)
	if err := a.Importer.Import(copyCtx, job, progress); fired != nil || err != nil {
		return fmt.Errorf("import history: %w", cmp.Or(fired, err))
	}
	copied := rec.latest() // the copy's rate stays on the upgrade
	v, err := a.Importer.Verify(ctx, job, false, rec.progress)
	if err != nil {
		return fmt.Errorf("verify history: %w", err)
	}
	if !v.Passed {
		rec.verified(ctx, v) // the mismatches, listed by key, before the repair
		a.log().Warn("history verification found rows that differ; repairing", "upgrade", u.ID, "account", u.AccountID, "rows", v.Mismatches())
		// The repair pass compares every range it repaired again, so its
		// result is the verification of the repaired history.
		if v, err = a.Importer.Verify(ctx, job, true, rec.progress); err != nil {
			return fmt.Errorf("repair history: %w", err)
		}
		if !v.Passed {
			rec.verified(ctx, v)
			return fmt.Errorf("history still differs after repair in %d rows", v.Mismatches())
		}
	}
	stop()
	u, err = a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	u.Verification = v
	u.Import = copied
	u.Import.State, u.Import.Done, u.Import.ETASeconds = chatlift.ImportDone, copied.Total, 0
	if err := a.save(ctx, u); err != nil {
		return err
	}
	unified, err := a.Platform.UnifiedAccount(ctx, u.AccountID)
	if err != nil {
		return err
	}
	unified.HistoryImported = true
	return a.Platform.PutUnifiedAccount(ctx, unified)
}

// switchedAt is when the platform began serving the account: the start of
// the switch step, so that every platform write is at or after it.
func switchedAt(u *chatlift.Upgrade) time.Time {
	for _, s := range u.Steps {
		if s.Name == StepSwitch && s.StartedAt != nil {
			return *s.StartedAt
		}
	}
	if u.StartedAt != nil {
		return *u.StartedAt
	}
	return time.Time{}
}

// recorder writes an import's progress to its upgrade at most every
// progressEvery, and heartbeats the activity even while the import waits
// for a fleet slot.
type recorder struct {
	a *Activities

	mu    sync.Mutex
	u     *chatlift.Upgrade
	last  time.Time
	state string
}

func (r *recorder) progress(p chatlift.ImportProgress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.a.now()
	if now.Sub(r.last) < progressEvery && p.State == r.state {
		r.u.Import = p
		return
	}
	r.last, r.state, r.u.Import = now, p.State, p
	// Progress is advisory: the import's own cursor is what resumes it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.a.save(ctx, r.u); err != nil {
		r.a.log().Warn("record import progress", "upgrade", r.u.ID, "error", err)
	}
}

// latest is the last progress reported.
func (r *recorder) latest() chatlift.ImportProgress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.u.Import
}

// verified records a verification on the upgrade.
func (r *recorder) verified(ctx context.Context, v *chatlift.Verification) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.u.Verification = v
	if err := r.a.save(ctx, r.u); err != nil {
		r.a.log().Warn("record verification", "upgrade", r.u.ID, "error", err)
	}
}

// heartbeat sends the latest progress every progressEvery until stopped.
func (r *recorder) heartbeat(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	var once sync.Once
	go func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				r.mu.Lock()
				p := r.u.Import
				r.mu.Unlock()
				heartbeat(ctx, p)
			}
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

func (a *Activities) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.New(slog.DiscardHandler)
}
