package seed_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

// BenchmarkFleet generates and loads 50 accounts of 100 chats into new
// SQLite stores.
func BenchmarkFleet(b *testing.B) {
	spec := seed.Spec{Accounts: 50, ChatsPerAccount: 100, Seed: 1, Start: start}
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s := setup(b)
		b.StartTimer()
		if _, err := seed.Fleet(ctx, s.legacy, s.platform, spec, now, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(spec.Accounts*spec.ChatsPerAccount*b.N)/b.Elapsed().Seconds(), "chats/s")
}

// BenchmarkGenerate measures generation alone, for one account of 100 chats.
func BenchmarkGenerate(b *testing.B) {
	spec := seed.Spec{Accounts: 50, ChatsPerAccount: 100, Seed: 1, Start: start}
	for i := range b.N {
		seed.Generate(spec, int64(i+1), i%50)
	}
}

// TestFleetScale loads a big fleet when SEED_SCALE is set to
// ACCOUNTSxCHATS, e.g. SEED_SCALE=1000x100 go test -run FleetScale -v ./seed/
func TestFleetScale(t *testing.T) {
	scale := os.Getenv("SEED_SCALE")
	if scale == "" {
		t.Skip("SEED_SCALE not set")
	}
	var spec seed.Spec
	if _, err := fmt.Sscanf(scale, "%dx%d", &spec.Accounts, &spec.ChatsPerAccount); err != nil {
		t.Fatalf("SEED_SCALE=%q: want ACCOUNTSxCHATS", scale)
	}
	s := setup(t)
	ctx := context.Background()
	began := time.Now()
	creds, err := seed.Fleet(ctx, s.legacy, s.platform, spec, time.Now().UTC(), nil)
	must(t, err)
	took := time.Since(began)
	var total chatlift.HistoryCount
	for _, c := range creds {
		h, err := s.legacy.CountHistory(ctx, c.AccountID)
		must(t, err)
		total.Chats, total.Visitors, total.Analytics = total.Chats+h.Chats, total.Visitors+h.Visitors, total.Analytics+h.Analytics
		total.AgentTimeline += h.AgentTimeline
	}
	t.Logf("%d accounts × %d chats in %s: %+v", len(creds), spec.ChatsPerAccount, took.Round(time.Millisecond), total)
}
