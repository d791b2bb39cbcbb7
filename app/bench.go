package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/throttle"
)

// ImportBench is what `chatlift bench import` measures.
type ImportBench struct {
	Chats, MessagesPerChat int
	Seed                   int64
	// DataDir holds the SQLite files (a temporary directory when empty);
	// with DatabaseURL the stores are PostgreSQL schemas made for the run.
	DataDir, DatabaseURL string
	// Keep leaves the databases behind.
	Keep bool
	BenchProgress
}

// BenchProgress is told how a benchmark comes along: Phase when a phase
// starts (with its total), Progress how far it has come. Either may be nil.
type BenchProgress struct {
	Phase    func(name string, total int64)
	Progress func(done int64)
}

// ImportBenchReport is one run's figures, all measured in that run.
type ImportBenchReport struct {
	Store           string    `json:"store"`
	Chats           int       `json:"chats"`
	MessagesPerChat int       `json:"messages_per_chat"`
	Rows            int64     `json:"rows"`
	Bytes           int64     `json:"bytes"`
	SeedSeconds     float64   `json:"seed_seconds"`
	ImportSeconds   float64   `json:"import_seconds"`
	ImportRowsPerS  float64   `json:"import_rows_per_s"`
	RawSeconds      float64   `json:"raw_seconds"` // the mean of the runs
	RawRunsSeconds  []float64 `json:"raw_runs_seconds"`
	RawRowsPerS     float64   `json:"raw_rows_per_s"`
	Ratio           float64   `json:"ratio"`
	VerifySeconds   float64   `json:"verify_seconds"`
	VerifyRowsPerS  float64   `json:"verify_rows_per_s"`
	Verified        bool      `json:"verified"`
	PeakRSSBytes    int64     `json:"peak_rss_bytes"`
}

// benchAccount is the account the benchmark fills.
const benchAccount = 1

// Run seeds one account of the configured size in a fresh legacy store,
// imports and verifies it into a fresh platform store, and, for the
// baseline, inserts the same rows with plain batched INSERTs into fresh
// platform stores of the same kind, once before the import and once after.
func (b *ImportBench) Run(ctx context.Context) (*ImportBenchReport, error) {
	if b.Chats < 1 || b.MessagesPerChat < 1 {
		return nil, chatlift.Errorf(chatlift.EINVALID, "--chats and --messages-per-chat must be at least 1")
	}
	legacy, platform, raw, cleanup, err := b.open(ctx)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	r := &ImportBenchReport{Store: legacy.Dialect(), Chats: b.Chats, MessagesPerChat: b.MessagesPerChat}

	start := time.Now()
	if err := b.seed(ctx, legacy, platform); err != nil {
		return nil, err
	}
	r.SeedSeconds = time.Since(start).Seconds()
	count, err := legacy.CountHistory(ctx, benchAccount)
	if err != nil {
		return nil, err
	}
	r.Rows = count.Total()

	// The baseline runs before and after the import, and its rate is
	// their mean: whatever drifts during the run (the page cache, the
	// disk's writeback) weighs on both sides alike.
	rawSeconds := 0.0
	for i, store := range raw {
		if i == 1 {
			if err := b.importAndVerify(ctx, legacy, platform, r); err != nil {
				return nil, err
			}
		}
		b.phase(fmt.Sprintf("raw insert %d/2", i+1), r.Rows)
		settle()
		secs, size, err := b.rawInsert(ctx, legacy, store)
		if err != nil {
			return nil, err
		}
		rawSeconds += secs / 2
		r.RawRunsSeconds, r.Bytes = append(r.RawRunsSeconds, secs), size
	}
	r.RawSeconds = rawSeconds

	r.ImportRowsPerS = float64(r.Rows) / r.ImportSeconds
	r.RawRowsPerS = float64(r.Rows) / r.RawSeconds
	r.VerifyRowsPerS = float64(r.Rows) / r.VerifySeconds
	r.Ratio = r.ImportRowsPerS / r.RawRowsPerS
	r.PeakRSSBytes = peakRSS()
	return r, nil
}

// importAndVerify times the import and the verification.
func (b *ImportBench) importAndVerify(ctx context.Context, legacy, platform *sqlstore.DB, r *ImportBenchReport) error {
	job := chatlift.ImportJob{UpgradeID: "bench", AccountID: benchAccount}
	b.phase("importing", r.Rows)
	settle()
	start := time.Now()
	// The import paces itself as in production, through the fleet's
	// throttle (at its defaults: no rate limit, a free slot).
	copier := &importer.Copier{From: legacy, To: platform, Throttle: &throttle.Limiter{Store: platform}}
	if err := copier.Import(ctx, job, func(p chatlift.ImportProgress) { b.progress(p.Done) }); err != nil {
		return err
	}
	r.ImportSeconds = time.Since(start).Seconds()

	b.phase("verifying", r.Rows)
	settle()
	v, err := (&importer.Verifier{From: legacy, To: platform}).Verify(ctx, job, false, func(p chatlift.ImportProgress) { b.progress(p.Done) })
	if err != nil {
		return err
	}
	r.VerifySeconds, r.Verified = v.Seconds, v.Passed
	if !v.Passed {
		return fmt.Errorf("verification failed: %+v", v.Tables)
	}
	return nil
}

func (b *BenchProgress) phase(name string, total int64) {
	if b.Phase != nil {
		b.Phase(name, total)
	}
}

func (b *BenchProgress) progress(done int64) {
	if b.Progress != nil {
		b.Progress(done)
	}
}

// open makes the three fresh stores and what removes them.
func (b *ImportBench) open(ctx context.Context) (legacy, platform *sqlstore.DB, raw [2]*sqlstore.DB, cleanup func(), err error) {
	var opened []*sqlstore.DB
	var schemas []string
	dir := "" // the SQLite files' directory, made for this run
	if b.DatabaseURL == "" {
		if dir, err = os.MkdirTemp(b.DataDir, "chatlift-bench-"); err != nil { // "" is the temporary directory
			return nil, nil, raw, nil, fmt.Errorf("bench directory: %w", err)
		}
	}
	cleanup = func() {
		for _, db := range opened {
			db.Close()
		}
		if b.Keep {
			return
		}
		if dir != "" {
			os.RemoveAll(dir)
		}
		if len(schemas) > 0 {
			if db, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: b.DatabaseURL, Role: sqlstore.RoleChat, Schema: schemas[0]}); err == nil {
				for _, s := range schemas {
					db.SQL().ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+s+" CASCADE")
				}
				db.Close()
			}
		}
	}
	stamp := time.Now().UnixNano()
	openOne := func(name, role string) (*sqlstore.DB, error) {
		cfg := sqlstore.Config{Role: role, Path: filepath.Join(dir, name+".db")}
		if b.DatabaseURL != "" {
			cfg.URL, cfg.Schema = b.DatabaseURL, fmt.Sprintf("bench_%s_%d", name, stamp)
			schemas = append(schemas, cfg.Schema)
		}
		db, err := sqlstore.Open(ctx, cfg)
		if err == nil {
			opened = append(opened, db)
		}
		return db, err
	}
	if legacy, err = openOne("legacy", sqlstore.RoleChat); err == nil {
		if platform, err = openOne("platform", sqlstore.RolePlatform); err == nil {
			if raw[0], err = openOne("raw1", sqlstore.RolePlatform); err == nil {
				raw[1], err = openOne("raw2", sqlstore.RolePlatform)
			}
		}
	}
	if err != nil {
		cleanup()
		return nil, nil, raw, nil, err
	}
	return legacy, platform, raw, cleanup, nil
}

// seed makes the account with its staff and configuration, then streams
// its history into the legacy store.
func (b *ImportBench) seed(ctx context.Context, legacy, platform *sqlstore.DB) error {
	a := seed.Generate(seed.Spec{Accounts: 1, ChatsPerAccount: 0, Seed: b.Seed, Start: seed.DefaultStart}, benchAccount, 1)
	if _, err := seed.Load(ctx, legacy, platform, a, seed.DefaultStart); err != nil {
		return err
	}
	b.phase("seeding chats", int64(b.Chats))
	_, err := seed.Stream(ctx, legacy, a, b.Chats, b.MessagesPerChat, b.Seed, func(done int) { b.progress(int64(done)) })
	return err
}

// rawInsert copies every history row of the account into raw with plain
// batched INSERTs, in batches of the import's sizes, timing only the
// inserts (the reads are not the baseline's cost). It returns the seconds
// and the bytes of the rows.
func (b *ImportBench) rawInsert(ctx context.Context, from chatlift.ChatStore, raw *sqlstore.DB) (float64, int64, error) {
	var spent time.Duration
	var size, done int64
	for _, table := range chatlift.HistoryTables {
		after, limit := "", min(importer.DefaultBatch, 256)
		for {
			rows, err := from.RawRows(ctx, table, benchAccount, after, "", limit)
			if err != nil {
				return 0, 0, err
			}
			if len(rows) == 0 {
				break
			}
			start := time.Now()
			if err := raw.InsertRawRows(ctx, table, benchAccount, rows); err != nil {
				return 0, 0, err
			}
			spent += time.Since(start)
			for _, r := range rows {
				size += int64(len(r.Body))
			}
			done += int64(len(rows))
			b.progress(done)
			after = rows[len(rows)-1].Key
			limit = importer.BatchLimit(rows, importer.DefaultBatch, importer.DefaultBatchBytes)
		}
	}
	if spent == 0 {
		return 0, 0, errors.New("nothing was inserted")
	}
	return spent.Seconds(), size, nil
}

// settle writes the dirty pages of the phase before out to disk, so that
// each timed phase starts from the same state instead of paying for the
// writeback of the one before.
func settle() { syscall.Sync() }

// peakRSS is the process's peak resident memory.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}
