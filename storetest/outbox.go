package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// testEmailLeases checks the outbox's claims: one winner per email among
// concurrent mailers, a lease that holds until it expires, and outcomes
// that end it (sent) or keep it until the next attempt (failed).
func testEmailLeases(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	const ttl = time.Minute
	for id := int64(1); id <= 5; id++ {
		e := &chatlift.Email{ID: id, AccountID: 1, Key: fmt.Sprint("k", id), To: []string{"boss@acme.test"}, Subject: "s", CreatedAt: t0}
		if _, err := s.QueueEmail(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	claim := func(t *testing.T, owner string, now time.Time, want ...int64) []*chatlift.Email {
		t.Helper()
		got, err := s.ClaimEmails(ctx, owner, now, ttl, 10)
		must(t, err)
		same(t, owner+" claimed", ids(got, func(e *chatlift.Email) any { return e.ID }), ids(want, func(id int64) any { return id }))
		return got
	}

	t.Run("OneWinnerPerEmail", func(t *testing.T) {
		var mu sync.Mutex
		var won []int64
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				got, err := s.ClaimEmails(ctx, fmt.Sprint("mailer", i), t0, ttl, 2)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, e := range got {
					won = append(won, e.ID)
				}
			})
		}
		wg.Wait()
		slices.Sort(won)
		same(t, "emails claimed by 8 concurrent mailers", won, []int64{1, 2, 3, 4, 5})
	})
	t.Run("LeaseHoldsUntilItExpires", func(t *testing.T) {
		claim(t, "late", t0.Add(ttl-time.Millisecond))
		claim(t, "late", t0.Add(ttl), 1, 2, 3, 4, 5)
	})
	later := t0.Add(ttl)
	t.Run("SentEndsTheLease", func(t *testing.T) {
		got := claim(t, "late", later.Add(ttl), 1, 2, 3, 4, 5)
		got[0].SentAt, got[0].Attempts = &t0, 1
		must(t, s.RecordEmail(ctx, got[0], "late", time.Time{}))
		claim(t, "later", later.Add(3*ttl), 2, 3, 4, 5)
		pending, err := s.PendingEmails(ctx, 10)
		must(t, err)
		same(t, "pending", ids(pending, func(e *chatlift.Email) any { return e.ID }), []any{int64(2), int64(3), int64(4), int64(5)})
	})
	t.Run("FailureHoldsUntilRetry", func(t *testing.T) {
		now := later.Add(4 * ttl)
		got := claim(t, "a", now, 2, 3, 4, 5)
		got[0].Attempts, got[0].LastError = 1, "451 try later"
		retry := now.Add(time.Hour)
		must(t, s.RecordEmail(ctx, got[0], "a", retry))
		got = claim(t, "b", now.Add(ttl), 3, 4, 5)
		got[0].Attempts = 1
		must(t, s.RecordEmail(ctx, got[0], "a", now.Add(10*time.Hour))) // a's lease is gone: b's holds
		claim(t, "c", now.Add(ttl))
		claim(t, "c", retry.Add(-time.Millisecond), 3, 4, 5)
		held := claim(t, "d", retry, 2)
		if held[0].Attempts != 1 || held[0].LastError != "451 try later" {
			t.Fatalf("failed email read back as %+v", held[0])
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := s.ClaimEmails(ctx, "", t0, ttl, 1)
		wantCode(t, err, chatlift.EINVALID)
		_, err = s.ClaimEmails(ctx, "x", t0, 0, 1)
		wantCode(t, err, chatlift.EINVALID)
	})
}

// testEmailsByKey checks the read of chosen emails: sent or not, in id
// order, unknown keys left out, and a bound on the keys asked for.
func testEmailsByKey(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	for id, key := range map[int64]string{1: "upg_1/1/scheduled", 2: "upg_10/1/scheduled", 3: "upg_1/2/blocked"} {
		e := &chatlift.Email{ID: id, AccountID: 1, Key: key, To: []string{"boss@acme.test"}, Subject: key, CreatedAt: t0}
		if _, err := s.QueueEmail(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	claimed, err := s.ClaimEmails(ctx, "m", t0, time.Minute, 1)
	must(t, err)
	sent := t0.Add(time.Second)
	claimed[0].SentAt, claimed[0].Attempts = &sent, 1
	must(t, s.RecordEmail(ctx, claimed[0], "m", t0))

	got, err := s.EmailsByKey(ctx, []string{"upg_1/2/blocked", "upg_1/1/scheduled", "upg_1/9/none"})
	must(t, err)
	same(t, "keys", ids(got, func(e *chatlift.Email) any { return e.Key }), []any{"upg_1/1/scheduled", "upg_1/2/blocked"})
	if got[0].SentAt == nil || !got[0].SentAt.Equal(sent) || got[1].SentAt != nil {
		t.Fatalf("sent at = %v, %v; want %v, pending", got[0].SentAt, got[1].SentAt, sent)
	}
	none, err := s.EmailsByKey(ctx, nil)
	must(t, err)
	same(t, "no keys", len(none), 0)
	_, err = s.EmailsByKey(ctx, make([]string, chatlift.MaxEmailKeys+1))
	wantCode(t, err, chatlift.EINVALID)
}
