package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
)

// TestFleetChartsMigration: upgrades stored before migration 00089 count in
// the fleet charts once it ran, by the finish time and downtime their
// bodies hold (in whichever zone the time was written).
func TestFleetChartsMigration(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		testFleetChartsMigration(t, sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform})
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		schema := fmt.Sprintf("m%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
		testFleetChartsMigration(t, sqlstore.Config{URL: postgresURL(t), Schema: schema, Role: sqlstore.RolePlatform})
	})
}

func testFleetChartsMigration(t *testing.T, cfg sqlstore.Config) {
	ctx := context.Background()
	old, err := sqlstore.OpenAt(ctx, cfg, 88)
	if err != nil {
		t.Fatal(err)
	}
	hour := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	at := func(d time.Duration) *time.Time { t := hour.Add(d).In(tokyo); return &t }
	insert := "INSERT INTO upgrades (id, account_id, state, active, body) VALUES (?, ?, ?, ?, ?)"
	if old.Dialect() == sqlstore.Postgres {
		insert = "INSERT INTO upgrades (id, account_id, state, active, body) VALUES ($1, $2, $3, $4, $5)"
	}
	for i, u := range []*chatlift.Upgrade{
		{State: chatlift.UpgradeCompleted, FinishedAt: at(0), ChatDowntimeMS: 999},
		{State: chatlift.UpgradeCompleted, FinishedAt: at(time.Hour - time.Millisecond), ChatDowntimeMS: 1000},
		{State: chatlift.UpgradeCompleted, FinishedAt: at(time.Hour + 123456789*time.Nanosecond), ChatDowntimeMS: 70000},
		{State: chatlift.UpgradeCompleted, FinishedAt: at(-time.Millisecond)},
		{State: chatlift.UpgradeScheduled},
	} {
		u.ID, u.AccountID, u.Attempt = fmt.Sprint("upg_", i), int64(i+1), 1
		body, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		_, err = old.SQL().ExecContext(ctx, insert,
			u.ID, u.AccountID, u.State, !chatlift.Terminal(u.State), string(body))
		if err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	db := open(t, cfg)
	down, err := db.DowntimeHistogram(ctx, []time.Duration{time.Second, time.Minute})
	if err != nil || fmt.Sprint(down) != "[2 1 1]" {
		t.Errorf("downtime histogram %v, %v; want [2 1 1]", down, err)
	}
	perHour, err := db.CompletedPerPeriod(ctx, hour.Add(-time.Hour), time.Hour, 3)
	if err != nil || fmt.Sprint(perHour) != "[1 2 1]" {
		t.Errorf("completed per hour %v, %v; want [1 2 1]", perHour, err)
	}
}
