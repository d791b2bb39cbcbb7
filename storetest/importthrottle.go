package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func testImportSettings(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	t.Run("Defaults", func(t *testing.T) {
		got, err := s.ImportSettings(ctx)
		must(t, err)
		same(t, "import settings never set", got, chatlift.DefaultImportSettings())
	})
	t.Run("RoundTrip", func(t *testing.T) {
		for _, want := range []chatlift.ImportSettings{{RowsPerSecond: 5000, MaxConcurrent: 2}, {RowsPerSecond: 0, MaxConcurrent: 9}} {
			must(t, s.PutImportSettings(ctx, want))
			got, err := s.ImportSettings(ctx)
			must(t, err)
			same(t, "import settings", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, bad := range []chatlift.ImportSettings{{RowsPerSecond: -1, MaxConcurrent: 1}, {RowsPerSecond: 10, MaxConcurrent: 0}} {
			wantCode(t, s.PutImportSettings(ctx, bad), chatlift.EINVALID)
		}
		got, err := s.ImportSettings(ctx)
		must(t, err)
		same(t, "import settings after invalid puts", got, chatlift.ImportSettings{RowsPerSecond: 0, MaxConcurrent: 9})
	})
}

func testImportLeases(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	const ttl = 30 * time.Second
	acquire := func(t *testing.T, key string, now time.Time, max int, want bool) {
		t.Helper()
		ok, err := s.AcquireImportLease(ctx, key, now, ttl, max)
		must(t, err)
		if ok != want {
			t.Fatalf("AcquireImportLease(%s) = %v, want %v", key, ok, want)
		}
	}
	active := func(t *testing.T, now time.Time, want int) {
		t.Helper()
		n, err := s.ActiveImportLeases(ctx, now)
		must(t, err)
		if n != want {
			t.Fatalf("ActiveImportLeases = %d, want %d", n, want)
		}
	}

	t.Run("MaxRespected", func(t *testing.T) {
		acquire(t, "max/a", t0, 2, true)
		acquire(t, "max/b", t0, 2, true)
		acquire(t, "max/c", t0, 2, false)
		acquire(t, "max/a", t0, 2, true) // a holder renews its own lease
		active(t, t0, 2)
		must(t, s.ReleaseImportLease(ctx, "max/a"))
		must(t, s.ReleaseImportLease(ctx, "max/b"))
		active(t, t0, 0)
	})
	t.Run("ExpiryFreesSlot", func(t *testing.T) {
		acquire(t, "exp/a", t0, 1, true)
		acquire(t, "exp/b", t0.Add(ttl-time.Millisecond), 1, false)
		active(t, t0.Add(ttl), 0)
		acquire(t, "exp/b", t0.Add(ttl), 1, true)
		acquire(t, "exp/a", t0.Add(ttl), 1, false) // its lease expired: it waits like anyone
		wantCode(t, s.RenewImportLease(ctx, "exp/a", t0.Add(ttl), ttl), chatlift.ENOTFOUND)
		must(t, s.ReleaseImportLease(ctx, "exp/b"))
	})
	t.Run("Renew", func(t *testing.T) {
		acquire(t, "renew/a", t0, 1, true)
		must(t, s.RenewImportLease(ctx, "renew/a", t0.Add(20*time.Second), ttl))
		active(t, t0.Add(ttl+time.Second), 1)
		acquire(t, "renew/b", t0.Add(ttl+time.Second), 1, false)
		active(t, t0.Add(20*time.Second+ttl), 0)
		wantCode(t, s.RenewImportLease(ctx, "nobody", t0, ttl), chatlift.ENOTFOUND)
		must(t, s.ReleaseImportLease(ctx, "renew/a"))
	})
	t.Run("Release", func(t *testing.T) {
		acquire(t, "rel/a", t0, 1, true)
		must(t, s.ReleaseImportLease(ctx, "rel/a"))
		must(t, s.ReleaseImportLease(ctx, "rel/a"))
		active(t, t0, 0)
		wantCode(t, s.RenewImportLease(ctx, "rel/a", t0, ttl), chatlift.ENOTFOUND)
		acquire(t, "rel/b", t0, 1, true)
		must(t, s.ReleaseImportLease(ctx, "rel/b"))
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := s.AcquireImportLease(ctx, "", t0, ttl, 1)
		wantCode(t, err, chatlift.EINVALID)
		_, err = s.AcquireImportLease(ctx, "x", t0, 0, 1)
		wantCode(t, err, chatlift.EINVALID)
		_, err = s.AcquireImportLease(ctx, "x", t0, ttl, 0)
		wantCode(t, err, chatlift.EINVALID)
	})
	t.Run("Concurrent", func(t *testing.T) {
		const max, tries = 3, 24
		var wg sync.WaitGroup
		results := make(chan bool, tries)
		errs := make(chan error, tries)
		for i := range tries {
			wg.Go(func() {
				ok, err := s.AcquireImportLease(ctx, fmt.Sprintf("conc/%d", i), t0, ttl, max)
				results <- ok
				errs <- err
			})
		}
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			must(t, err)
		}
		won := 0
		for ok := range results {
			if ok {
				won++
			}
		}
		if won != max {
			t.Fatalf("%d of %d concurrent acquisitions won, want exactly %d", won, tries, max)
		}
		active(t, t0, max)
	})
}
