package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// finished is an upgrade of account n in state that finished at (nil: not
// finished) with its chat down for downtime.
func finished(n int, state string, at *time.Time, downtime time.Duration) *chatlift.Upgrade {
	return &chatlift.Upgrade{ID: fmt.Sprintf("upg_%03d", n), AccountID: int64(n), State: state, Attempt: 1,
		FinishedAt: at, ChatDowntimeMS: downtime.Milliseconds()}
}

// testDowntimeHistogram: completed upgrades only, each in the bucket whose
// lower bound it reaches, the last bucket open; an empty fleet counts zeros.
func testDowntimeHistogram(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	bounds := []time.Duration{time.Second, 5 * time.Second, time.Minute}
	got, err := s.DowntimeHistogram(ctx, bounds)
	must(t, err)
	same(t, "histogram of an empty fleet", got, []int{0, 0, 0, 0})
	at := t0
	for i, down := range []time.Duration{0, 999 * time.Millisecond, time.Second, 4999 * time.Millisecond,
		5 * time.Second, time.Minute, time.Hour} {
		must(t, s.PutUpgrade(ctx, finished(i+1, chatlift.UpgradeCompleted, &at, down)))
	}
	must(t, s.PutUpgrade(ctx, finished(20, chatlift.UpgradeRolledBack, &at, 2*time.Second)))
	must(t, s.PutUpgrade(ctx, finished(21, chatlift.UpgradeImporting, nil, 2*time.Second)))
	got, err = s.DowntimeHistogram(ctx, bounds)
	must(t, err)
	same(t, "histogram", got, []int{2, 2, 1, 2})

	// An upgrade read again and completed later counts where it is now.
	must(t, s.PutUpgrade(ctx, finished(21, chatlift.UpgradeCompleted, &at, 2*time.Second)))
	got, err = s.DowntimeHistogram(ctx, bounds)
	must(t, err)
	same(t, "histogram after a completion", got, []int{2, 3, 1, 2})
	got, err = s.DowntimeHistogram(ctx, nil)
	must(t, err)
	same(t, "one open bucket", got, []int{8})

	for _, bad := range [][]time.Duration{{0}, {time.Second, time.Second}, {2 * time.Second, time.Second},
		make([]time.Duration, chatlift.MaxHistogramBounds+1)} {
		_, err := s.DowntimeHistogram(ctx, bad)
		wantCode(t, err, chatlift.EINVALID)
	}
}

// testCompletedPerPeriod: completed upgrades by the period of their finish,
// each period's start included and its end not; upgrades outside the
// window, not finished or not completed count nowhere.
func testCompletedPerPeriod(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	got, err := s.CompletedPerPeriod(ctx, t0, time.Hour, 3)
	must(t, err)
	same(t, "per hour of an empty fleet", got, []int{0, 0, 0})
	tokyo := time.FixedZone("JST", 9*3600)
	n := 0
	put := func(state string, at *time.Time) {
		n++
		must(t, s.PutUpgrade(ctx, finished(n, state, at, time.Second)))
	}
	for _, at := range []time.Time{
		t0.Add(-time.Millisecond),               // before the window
		t0,                                      // first hour, its start
		t0.Add(59*time.Minute + 59*time.Second), // first hour, its end
		t0.Add(time.Hour).In(tokyo),             // second hour, in another zone
		t0.Add(2*time.Hour + 30*time.Minute),    // third hour
		t0.Add(3 * time.Hour),                   // the window's end, outside
		t0.Add(-24 * time.Hour),                 // a day before
	} {
		put(chatlift.UpgradeCompleted, &at)
	}
	inside := t0.Add(time.Minute)
	put(chatlift.UpgradeRolledBack, &inside)
	put(chatlift.UpgradeCompleted, nil)
	got, err = s.CompletedPerPeriod(ctx, t0, time.Hour, 3)
	must(t, err)
	same(t, "per hour", got, []int{2, 1, 1})
	got, err = s.CompletedPerPeriod(ctx, t0.Add(-24*time.Hour), 24*time.Hour, 2)
	must(t, err)
	same(t, "per day", got, []int{2, 5})

	for _, bad := range []struct {
		period time.Duration
		n      int
	}{{time.Millisecond, 3}, {time.Hour, 0}, {time.Hour, chatlift.MaxLimit + 1}} {
		_, err := s.CompletedPerPeriod(ctx, t0, bad.period, bad.n)
		wantCode(t, err, chatlift.EINVALID)
	}
}

// testImportThroughput: rows add up per minute, also when many add at
// once; minutes older than a week before the newest add are forgotten.
func testImportThroughput(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	got, err := s.ImportThroughput(ctx, t0.Add(-time.Hour), t0.Add(time.Hour))
	must(t, err)
	same(t, "throughput of no import", got, []chatlift.ThroughputMinute(nil))
	wantCode(t, s.AddImportThroughput(ctx, t0, 0), chatlift.EINVALID)
	wantCode(t, s.AddImportThroughput(ctx, t0, -5), chatlift.EINVALID)

	const workers, adds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*adds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range adds {
				errs <- s.AddImportThroughput(ctx, t0.Add(time.Duration(w*i)*time.Millisecond), 10+w)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	must(t, s.AddImportThroughput(ctx, t0.Add(59*time.Second), 1))
	must(t, s.AddImportThroughput(ctx, t0.Add(time.Minute), 7))
	must(t, s.AddImportThroughput(ctx, t0.Add(3*time.Minute+time.Second), 3))
	want := int64(1)
	for w := range workers {
		want += int64(adds * (10 + w))
	}
	got, err = s.ImportThroughput(ctx, t0.Add(30*time.Second), t0.Add(3*time.Minute))
	must(t, err)
	same(t, "throughput", got, []chatlift.ThroughputMinute{{Minute: t0, Rows: want}, {Minute: t0.Add(time.Minute), Rows: 7}})

	must(t, s.AddImportThroughput(ctx, t0.Add(chatlift.ImportThroughputKept+time.Minute), 5))
	got, err = s.ImportThroughput(ctx, t0, t0.Add(chatlift.ImportThroughputKept+time.Hour))
	must(t, err)
	same(t, "throughput a week on", got, []chatlift.ThroughputMinute{{Minute: t0.Add(time.Minute), Rows: 7},
		{Minute: t0.Add(3 * time.Minute), Rows: 3}, {Minute: t0.Add(chatlift.ImportThroughputKept + time.Minute), Rows: 5}})
}
