package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
)

var schemaSeq atomic.Int64

// stores opens an empty legacy store and platform: SQLite files, or
// PostgreSQL schemas of their own when TEST_DATABASE_URL is set.
func stores(t *testing.T) (*sqlstore.DB, *sqlstore.DB) {
	t.Helper()
	dir := t.TempDir()
	open := func(name, role string) *sqlstore.DB {
		cfg := sqlstore.Config{Path: filepath.Join(dir, name+".db"), Role: role}
		if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
			cfg.URL, cfg.Schema = url, fmt.Sprintf("imp%s%d_%d", name, time.Now().UnixNano(), schemaSeq.Add(1))
		}
		db, err := sqlstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	return open("legacy", sqlstore.RoleChat), open("platform", sqlstore.RolePlatform)
}

const accountID = 7

// history seeds one account with a varied history (served, missed and
// offline chats, a large transcript, unicode) in the legacy store.
func history(t *testing.T, legacy, platform *sqlstore.DB) chatlift.HistoryCount {
	t.Helper()
	ctx := context.Background()
	a := seed.Generate(seed.Spec{Accounts: 10, ChatsPerAccount: 90, Seed: 5}, accountID, 3)
	if _, err := seed.Load(ctx, legacy, platform, a, seed.DefaultStart); err != nil {
		t.Fatal(err)
	}
	n, err := legacy.CountHistory(ctx, accountID)
	if err != nil || n.Chats != 90 || n.Visitors == 0 || n.Analytics == 0 || n.AgentTimeline == 0 {
		t.Fatalf("seeded history %+v, %v", n, err)
	}
	return n
}

var job = chatlift.ImportJob{UpgradeID: "u1", AccountID: accountID}

// sameHistory fails unless the platform holds exactly the legacy rows of
// every history table: same keys, same update times, same bytes.
func sameHistory(t *testing.T, legacy, platform chatlift.ChatStore) {
	t.Helper()
	for _, table := range chatlift.HistoryTables {
		want, got := all(t, legacy, table), all(t, platform, table)
		if len(want) != len(got) {
			t.Fatalf("%s: legacy has %d rows, platform %d", table, len(want), len(got))
		}
		for i := range want {
			if want[i].Key != got[i].Key || want[i].UpdateS != got[i].UpdateS || !bytes.Equal(want[i].Body, got[i].Body) {
				t.Fatalf("%s row %d: legacy %s, platform %s", table, i, want[i].Key, got[i].Key)
			}
		}
	}
}

func all(t *testing.T, s chatlift.ChatStore, table string) []chatlift.RawRow {
	t.Helper()
	var out []chatlift.RawRow
	after := ""
	for {
		page, err := s.RawRows(context.Background(), table, accountID, after, "", chatlift.MaxLimit)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < chatlift.MaxLimit {
			return out
		}
		after = page[len(page)-1].Key
	}
}

// recording counts the rows of every committed batch and can deliver each
// batch twice or drop rows from it.
type recording struct {
	chatlift.PlatformStore
	mu        sync.Mutex
	committed int64 // rows of committed batches
	added     int64 // of which new to the platform
	twice     bool  // deliver every batch a second time
	drop      string
}

func (r *recording) ImportBatch(ctx context.Context, table string, accountID int64, rows []chatlift.RawRow, cur chatlift.ImportCursor, at time.Time) (int, error) {
	if r.drop != "" {
		kept := rows[:0:0]
		for _, row := range rows {
			if row.Key != r.drop {
				kept = append(kept, row)
			}
		}
		rows = kept
	}
	n, err := r.PlatformStore.ImportBatch(ctx, table, accountID, rows, cur, at)
	if err == nil && r.twice {
		var again int
		if again, err = r.PlatformStore.ImportBatch(ctx, table, accountID, rows, cur, at); again != 0 {
			return 0, fmt.Errorf("the second delivery of a batch added %d rows", again)
		}
	}
	if err == nil {
		r.mu.Lock()
		r.committed += int64(len(rows))
		r.added += int64(n)
		r.mu.Unlock()
	}
	return n, err
}

// cancelAfter is a throttle that cancels the import once it has let n
// batches through.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Acquire(context.Context, string) (func(), error) { return func() {}, nil }
func (c *cancelAfter) Wait(ctx context.Context, _ string, _ int) error {
	if c.n--; c.n < 0 {
		c.cancel()
		return ctx.Err()
	}
	return nil
}

func TestImportResumesAfterCancel(t *testing.T) {
	t.Parallel()
	legacy, platform := stores(t)
	count := history(t, legacy, platform)
	to := &recording{PlatformStore: platform}
	ctx, cancel := context.WithCancel(context.Background())
	c := &importer.Copier{From: legacy, To: to, Batch: 7, Throttle: &cancelAfter{n: 9, cancel: cancel}}
	if err := c.Import(ctx, job, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import returned %v", err)
	}
	first := to.committed
	if first != 9*7 {
		t.Fatalf("the cancelled import committed %d rows; want 9 batches of 7", first)
	}
	var reports []chatlift.ImportProgress
	c.Throttle = nil
	if err := c.Import(context.Background(), job, func(p chatlift.ImportProgress) { reports = append(reports, p) }); err != nil {
		t.Fatal(err)
	}
	sameHistory(t, legacy, platform)
	if to.committed != count.Total() || to.added != count.Total() {
		t.Fatalf("%d rows committed, %d new, for %d rows: something was copied twice", to.committed, to.added, count.Total())
	}
	if reports[0].Done != first || reports[len(reports)-1].Done != count.Total() || reports[0].Total != count.Total() {
		t.Fatalf("the resumed import reported %+v first and %+v last", reports[0], reports[len(reports)-1])
	}
	for _, table := range chatlift.HistoryTables {
		cur, err := platform.ImportCursor(context.Background(), table, accountID)
		if err != nil || !cur.Finished {
			t.Fatalf("%s cursor %+v, %v", table, cur, err)
		}
	}
	// A finished import run again copies nothing.
	if err := c.Import(context.Background(), job, nil); err != nil || to.committed != count.Total() {
		t.Fatalf("a third run: %v, %d rows committed", err, to.committed)
	}
}

func TestImportBatchDeliveredTwice(t *testing.T) {
	t.Parallel()
	legacy, platform := stores(t)
	count := history(t, legacy, platform)
	to := &recording{PlatformStore: platform, twice: true}
	c := &importer.Copier{From: legacy, To: to, Batch: 11}
	if err := c.Import(context.Background(), job, nil); err != nil {
		t.Fatal(err)
	}
	sameHistory(t, legacy, platform)
	if to.added != count.Total() {
		t.Fatalf("%d rows added for %d", to.added, count.Total())
	}
}

// TestImportKeepsNewerRows: a chat the platform changed before the import
// reached it stays as the platform has it.
func TestImportKeepsNewerRows(t *testing.T) {
	t.Parallel()
	legacy, platform := stores(t)
	history(t, legacy, platform)
	ctx := context.Background()
	old := all(t, legacy, chatlift.TableChats)[5]
	ch, err := legacy.Chat(ctx, accountID, old.Key)
	if err != nil {
		t.Fatal(err)
	}
	ch.Tags, ch.UpdateTimestamp = append(ch.Tags, "after-switch"), time.Now().UTC().Truncate(time.Second)
	if err := platform.PutChats(ctx, []*chatlift.Chat{ch}); err != nil {
		t.Fatal(err)
	}
	if err := (&importer.Copier{From: legacy, To: platform}).Import(ctx, job, nil); err != nil {
		t.Fatal(err)
	}
	got, err := platform.Chat(ctx, accountID, old.Key)
	if err != nil || got.Tags[len(got.Tags)-1] != "after-switch" {
		t.Fatalf("the platform's newer chat was overwritten: %+v, %v", got, err)
	}
	v := &importer.Verifier{From: legacy, To: platform, Range: 13}
	res, err := v.Verify(ctx, chatlift.ImportJob{AccountID: accountID, SwitchedAt: ch.UpdateTimestamp.Add(-time.Minute)}, false, nil)
	if err != nil || !res.Passed || res.Table(chatlift.TableChats).ChangedOnPlatform != 1 {
		t.Fatalf("verification %+v, %v", res, err)
	}
}

func TestVerifyFindsAndRepairs(t *testing.T) {
	t.Parallel()
	legacy, platform := stores(t)
	count := history(t, legacy, platform)
	ctx := context.Background()
	chats, visitors := all(t, legacy, chatlift.TableChats), all(t, legacy, chatlift.TableVisitors)
	// The import loses one visitor; afterwards one chat, one analytics
	// event and one agent timeline entry are corrupted in the platform.
	to := &recording{PlatformStore: platform, drop: visitors[2].Key}
	if err := (&importer.Copier{From: legacy, To: to, Batch: 50}).Import(ctx, job, nil); err != nil {
		t.Fatal(err)
	}
	bad := chats[40]
	bad.Body = bytes.Replace(bad.Body, []byte(`"type":"chat"`), []byte(`"type":"chaT"`), 1)
	event := all(t, legacy, chatlift.TableAnalytics)[3]
	event.Body = append([]byte(nil), event.Body...)
	event.Body[len(event.Body)-2] ^= 1
	status := all(t, legacy, chatlift.TableAgentTimeline)[5]
	status.Body = bytes.Replace(status.Body, []byte(`"status":"`), []byte(`"status":"x`), 1)
	for table, row := range map[string]chatlift.RawRow{chatlift.TableChats: bad, chatlift.TableAnalytics: event, chatlift.TableAgentTimeline: status} {
		if err := platform.PutRawRows(ctx, table, accountID, []chatlift.RawRow{row}); err != nil {
			t.Fatal(err)
		}
	}

	v := &importer.Verifier{From: legacy, To: platform, Range: 17}
	var last chatlift.ImportProgress
	res, err := v.Verify(ctx, job, false, func(p chatlift.ImportProgress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed || res.Rows != count.Total() || last.State != chatlift.ImportVerifying || last.Done != count.Total() {
		t.Fatalf("verification passed=%v over %d rows, progress %+v", res.Passed, res.Rows, last)
	}
	want := map[string]chatlift.Mismatch{
		chatlift.TableChats:         {Key: bad.Key, Kind: chatlift.MismatchDifferent},
		chatlift.TableVisitors:      {Key: visitors[2].Key, Kind: chatlift.MismatchMissing},
		chatlift.TableAnalytics:     {Key: event.Key, Kind: chatlift.MismatchDifferent},
		chatlift.TableAgentTimeline: {Key: status.Key, Kind: chatlift.MismatchDifferent},
	}
	for table, m := range want {
		tv := res.Table(table)
		if tv.MismatchCount != 1 || len(tv.Mismatches) != 1 || tv.Mismatches[0] != m || tv.SourceChecksum == tv.TargetChecksum {
			t.Fatalf("%s: %+v; want the one mismatch %+v", table, tv, m)
		}
	}
	if tv := res.Table(chatlift.TableVisitors); tv.TargetRows != tv.SourceRows-1 {
		t.Fatalf("visitors counted %d in the target for %d in the source", tv.TargetRows, tv.SourceRows)
	}

	fixed, err := v.Verify(ctx, job, true, nil)
	if err != nil || !fixed.Passed || fixed.Repaired != 4 {
		t.Fatalf("repair pass: passed=%v repaired=%d, %v", fixed.Passed, fixed.Repaired, err)
	}
	for table, m := range want {
		if tv := fixed.Table(table); len(tv.Repaired) != 1 || tv.Repaired[0] != m {
			t.Fatalf("%s repaired %+v", table, tv.Repaired)
		}
	}
	again, err := v.Verify(ctx, job, false, nil)
	if err != nil || !again.Passed {
		t.Fatalf("after the repair: %+v, %v", again, err)
	}
	sameHistory(t, legacy, platform)
}

func TestImportProgressAndMetrics(t *testing.T) {
	t.Parallel()
	legacy, platform := stores(t)
	count := history(t, legacy, platform)
	reg := prometheus.NewRegistry()
	reg.MustRegister(importer.Collectors()...)
	before := counter(t, reg, "chatlift_import_rows_total", chatlift.TableChats)
	clock := time.Unix(1_700_000_000, 0)
	c := &importer.Copier{From: legacy, To: platform, Batch: 10, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	var reports []chatlift.ImportProgress
	if err := c.Import(context.Background(), job, func(p chatlift.ImportProgress) { reports = append(reports, p) }); err != nil {
		t.Fatal(err)
	}
	mid := reports[len(reports)/2]
	if mid.State != chatlift.ImportRunning || mid.Rate <= 0 || mid.ETASeconds <= 0 || mid.Total != count.Total() || mid.Done <= 0 || mid.Done >= mid.Total {
		t.Fatalf("progress half-way: %+v", mid)
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].Done < reports[i-1].Done {
			t.Fatalf("progress went back: %+v then %+v", reports[i-1], reports[i])
		}
	}
	// Metrics are process-wide and other tests import in parallel: at
	// least this import's chats were counted.
	if got := counter(t, reg, "chatlift_import_rows_total", chatlift.TableChats) - before; got < float64(count.Chats) {
		t.Fatalf("chatlift_import_rows_total{table=chats} rose by %v for %d chats", got, count.Chats)
	}
}

func counter(t *testing.T, reg *prometheus.Registry, name, table string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "table" && l.GetValue() == table {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestImportThroughput: the rows of every committed batch are added to the
// fleet's throughput of the minute they committed in; imports running at
// once add up.
func TestImportThroughput(t *testing.T) {
	t.Parallel()
	legacy, platform := stores(t)
	ctx := context.Background()
	first := history(t, legacy, platform)
	other := chatlift.ImportJob{UpgradeID: "u2", AccountID: accountID + 1}
	if _, err := seed.Load(ctx, legacy, platform, seed.Generate(seed.Spec{Accounts: 10, ChatsPerAccount: 40, Seed: 5}, other.AccountID, 4), seed.DefaultStart); err != nil {
		t.Fatal(err)
	}
	second, err := legacy.CountHistory(ctx, other.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	minute := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	ticks := 0
	ticking := func() time.Time { // 20 s later at each read: batches across minutes
		mu.Lock()
		defer mu.Unlock()
		ticks++
		return minute.Add(time.Duration(ticks) * 20 * time.Second)
	}
	copiers := map[chatlift.ImportJob]*importer.Copier{
		job:   {From: legacy, To: platform, Batch: 25, Now: ticking},
		other: {From: legacy, To: platform, Batch: 9, Now: ticking},
	}
	errs := make(chan error, len(copiers))
	for j, c := range copiers {
		go func() { errs <- c.Import(ctx, j, nil) }()
	}
	for range copiers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := platform.ImportThroughput(ctx, minute, minute.Add(chatlift.ImportThroughputKept))
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, m := range got {
		sum += m.Rows
	}
	if want := first.Total() + second.Total(); sum != want || len(got) < 2 {
		t.Fatalf("throughput %+v adds up to %d rows over %d minutes; want the %d rows imported, over several minutes", got, sum, len(got), want)
	}
}
