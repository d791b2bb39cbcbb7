package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/engine"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/upgrade"
)

// FleetBench is what `chatlift bench fleet` measures: one serve (embedded
// engine, SQLite stores) upgrading a whole seeded fleet while a steady load
// hits its support API, against that load's latency with the fleet idle.
type FleetBench struct {
	Accounts, ChatsPerAccount int
	Seed                      int64
	// SupportClients send SupportRate requests per second between them.
	SupportClients int
	SupportRate    float64
	// Baseline is how long the support load runs alone first.
	Baseline time.Duration
	// Submitters send the operator's request and run-now at once.
	Submitters int
	// Worker bounds the serve's worker (zero fields: the SDK's defaults).
	Worker engine.Concurrency
	// Children runs the serve's engine and worker in child processes (as
	// `chatlift serve` does by default); its zero value: in this process.
	Children Children
	// DatabaseURL, when set, is a PostgreSQL server on which a database is
	// made for the run's stores (and dropped after it, unless Keep);
	// empty: SQLite in the data dir.
	DatabaseURL string
	// DataDir holds the run's data dir (a temporary directory when empty);
	// it is removed afterwards unless Keep.
	DataDir string
	Keep    bool
	// CPUProfile, when set, is where the CPU profile of the upgrade phase
	// is written.
	CPUProfile string
	BenchProgress
}

// FleetBenchReport is one run's figures, all measured in that run.
type FleetBenchReport struct {
	Accounts             int     `json:"accounts"`
	ChatsPerAccount      int     `json:"chats_per_account"`
	Store                string  `json:"store"` // sqlite or postgres
	Completed            int     `json:"completed"`
	SeedS                float64 `json:"seed_s"`
	TotalS               float64 `json:"total_s"` // from the first request to the last completion
	UpgradesPerS         float64 `json:"upgrades_per_s"`
	UpgradeP50MS         float64 `json:"upgrade_p50_ms"` // started → finished, one upgrade on the engine
	UpgradeMeanMS        float64 `json:"upgrade_mean_ms"`
	ChatDowntimeP50MS    int64   `json:"chat_downtime_p50_ms"`
	ChatDowntimeP99MS    int64   `json:"chat_downtime_p99_ms"`
	ChatDowntimeMaxMS    int64   `json:"chat_downtime_max_ms"`
	SupportClients       int     `json:"support_clients"`
	SupportRate          float64 `json:"support_rate"` // requests per second, all clients
	SupportBaselineReqs  int     `json:"support_baseline_requests"`
	SupportBaselineP50MS float64 `json:"support_baseline_p50_ms"`
	SupportBaselineP99MS float64 `json:"support_baseline_p99_ms"`
	// SupportBaselineHalvesP99MS are the p99s of the baseline's first and
	// second half: how far the p99 moves with nothing changed, a yardstick
	// for the ratio (each half has half the requests, so it moves further
	// than the whole baseline's).
	SupportBaselineHalvesP99MS [2]float64 `json:"support_baseline_halves_p99_ms"`
	SupportRequests            int        `json:"support_requests"` // while the fleet upgraded
	SupportErrors              int        `json:"support_errors"`   // in either span
	SupportFirstError          string     `json:"support_first_error,omitempty"`
	SupportP50MS               float64    `json:"support_p50_ms"`
	SupportP99MS               float64    `json:"support_p99_ms"`
	SupportMaxMS               float64    `json:"support_max_ms"`
	SupportP99Ratio            float64    `json:"support_p99_ratio"` // support_p99_ms / support_baseline_p99_ms
	// SupportP99ByRequestMS and SupportBaselineP99ByRequestMS break the
	// p99s down by kind of request: create, show, list.
	SupportP99ByRequestMS         map[string]float64 `json:"support_p99_by_request_ms"`
	SupportBaselineP99ByRequestMS map[string]float64 `json:"support_baseline_p99_by_request_ms"`
	// Where the time went, alone and while upgrading: the p99 of how long
	// a runnable goroutine waited for a CPU, the summed waits for a
	// connection of the platform database's pool, and the process's CPU
	// seconds (user + system).
	SchedBaselineP99MS float64 `json:"sched_baseline_p99_ms"`
	SchedP99MS         float64 `json:"sched_p99_ms"`
	PoolWaitBaselineMS float64 `json:"pool_wait_baseline_ms"`
	PoolWaitMS         float64 `json:"pool_wait_ms"`
	CPUBaselineS       float64 `json:"cpu_baseline_s"`
	CPUS               float64 `json:"cpu_s"`
	GOMAXPROCS         int     `json:"gomaxprocs"`
	// EngineProcess and WorkerProcesses say whether the engine and how many
	// workers ran in child processes, their niceness raised by EngineNice
	// and WorkerNice.
	EngineProcess   bool `json:"engine_process"`
	WorkerProcesses int  `json:"worker_processes"`
	EngineNice      int  `json:"engine_nice"`
	WorkerNice      int  `json:"worker_nice"`
	// APICPUs is how many CPUs were kept for serve (--api-cpus);
	// ChildrenCPUs the CPUs the children ran on (empty: any).
	APICPUs      int   `json:"api_cpus"`
	ChildrenCPUs []int `json:"children_cpus"`
	// WorkerWorkflowTasks and WorkerActivities are the worker's bounds
	// (0: the SDK's own).
	WorkerWorkflowTasks int `json:"worker_workflow_tasks"`
	WorkerActivities    int `json:"worker_activities"`
	// PeakRSSBytes is the serve's process and its children's together;
	// ChildrenPeakRSSBytes the children's (engine, workers) alone.
	PeakRSSBytes         int64 `json:"peak_rss_bytes"`
	ChildrenPeakRSSBytes int64 `json:"children_peak_rss_bytes"`
}

func (b *FleetBench) defaults() error {
	if b.Accounts < 1 || b.ChatsPerAccount < 0 {
		return chatlift.Errorf(chatlift.EINVALID, "--accounts must be at least 1 and --chats-per-account not negative")
	}
	if b.SupportClients < 1 || b.SupportRate <= 0 || b.Baseline <= 0 || b.Submitters < 1 {
		return chatlift.Errorf(chatlift.EINVALID, "--support-clients, --support-rate, --baseline and --submitters must be positive")
	}
	return nil
}

// Run seeds the fleet in a fresh data dir of a serve started in this
// process, runs the support load alone for Baseline, then requests and
// runs now every account's upgrade under the same load until all have
// completed (or ctx ends).
func (b *FleetBench) Run(ctx context.Context) (*FleetBenchReport, error) {
	if err := b.defaults(); err != nil {
		return nil, err
	}
	s, cleanup, err := b.start(ctx)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	r := &FleetBenchReport{Accounts: b.Accounts, ChatsPerAccount: b.ChatsPerAccount, Store: s.Stores.Platform.Dialect(), SupportClients: b.SupportClients,
		SupportRate: b.SupportRate, GOMAXPROCS: gomaxprocs(),
		EngineProcess: b.Children.Engine, WorkerProcesses: b.Children.Workers,
		EngineNice: b.Children.EngineNice, WorkerNice: b.Children.WorkerNice, APICPUs: b.Children.KeepCPUs, ChildrenCPUs: s.ChildCPUs()}
	opts := b.Worker.WorkerOptions()
	r.WorkerWorkflowTasks, r.WorkerActivities = opts.MaxConcurrentWorkflowTaskExecutionSize, opts.MaxConcurrentActivityExecutionSize
	creds, err := b.seed(ctx, s, r)
	if err != nil {
		return nil, err
	}
	if err := checkpointSeeded(ctx, s.Stores); err != nil {
		return nil, err
	}
	load := b.load(s, creds)
	b.measureBaseline(ctx, s, load, r)
	if err := b.measureUpgrades(ctx, s, load, creds, r); err != nil {
		return nil, err
	}
	if err := b.upgradeFigures(ctx, s, r); err != nil {
		return nil, err
	}
	r.ChildrenPeakRSSBytes = s.ChildrenPeakRSS()
	r.PeakRSSBytes = peakRSS() + r.ChildrenPeakRSSBytes
	return r, nil
}

// start starts the serve in a fresh data dir; cleanup stops it and
// removes the dir (unless Keep).
func (b *FleetBench) start(ctx context.Context) (s *Serve, cleanup func(), err error) {
	dir, err := os.MkdirTemp(b.DataDir, "chatlift-fleet-bench-") // "" is the temporary directory
	if err != nil {
		return nil, nil, fmt.Errorf("bench directory: %w", err)
	}
	databaseURL, dropDatabase := "", func() {}
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err == nil && b.DatabaseURL != "" {
		var db *benchDB
		if db, err = benchDatabase(ctx, b.DatabaseURL, "chatlift_fleet_bench"); err == nil {
			databaseURL, dropDatabase = db.URL, db.Drop
		}
	}
	children := b.Children
	if children.Stderr == nil && logFile != nil {
		children.Stderr = logFile // the children's warnings and crashes, beside serve's
	}
	if err == nil {
		s, err = StartServe(ctx, ServeConfig{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: databaseURL, Namespace: "chatlift", NoDemo: true,
			Logger: slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelWarn})), Out: io.Discard,
			Version: "bench", Rules: chatlift.DefaultScheduleRules, Worker: b.Worker, Children: children})
	}
	cleanup = func() {
		if s != nil {
			s.Close(context.Background())
		}
		if logFile != nil {
			logFile.Close()
		}
		if !b.Keep {
			os.RemoveAll(dir)
			dropDatabase()
		}
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return s, cleanup, nil
}

// measureBaseline runs the support load alone.
func (b *FleetBench) measureBaseline(ctx context.Context, s *Serve, load *supportLoad, r *FleetBenchReport) {
	b.phase("support baseline (seconds)", int64(b.Baseline/time.Second))
	before := snapshot(s.Stores.Platform.SQL())
	base, first, second := b.baseline(ctx, load)
	alone := before.since(s.Stores.Platform.SQL())
	r.SchedBaselineP99MS, r.PoolWaitBaselineMS, r.CPUBaselineS = ms(alone.SchedP99), ms(alone.PoolWait), alone.CPU.Seconds()
	r.SupportBaselineReqs, r.SupportErrors, r.SupportFirstError = base.Requests, base.Errors, base.FirstErr
	r.SupportBaselineP50MS, r.SupportBaselineP99MS = ms(base.P50), ms(base.P99)
	r.SupportBaselineHalvesP99MS = [2]float64{ms(first.P99), ms(second.P99)}
	r.SupportBaselineP99ByRequestMS = msBy(base.P99By)
}

// measureUpgrades upgrades the fleet under the support load.
func (b *FleetBench) measureUpgrades(ctx context.Context, s *Serve, load *supportLoad, creds []*seed.Credentials, r *FleetBenchReport) error {
	stop, err := b.profile()
	if err != nil {
		return err
	}
	loadCtx, endLoad := context.WithCancel(ctx)
	under := make(chan loadFigures, 1)
	go func() {
		f, _, _ := load.run(loadCtx, time.Time{})
		under <- f
	}()
	start, before := time.Now(), snapshot(s.Stores.Platform.SQL())
	err = b.upgradeAll(ctx, s, creds)
	r.TotalS = time.Since(start).Seconds()
	endLoad()
	stop()
	f := <-under
	during := before.since(s.Stores.Platform.SQL())
	r.SchedP99MS, r.PoolWaitMS, r.CPUS = ms(during.SchedP99), ms(during.PoolWait), during.CPU.Seconds()
	if err != nil {
		return err
	}
	r.SupportRequests, r.SupportErrors = f.Requests, r.SupportErrors+f.Errors
	if r.SupportFirstError == "" {
		r.SupportFirstError = f.FirstErr
	}
	r.SupportP50MS, r.SupportP99MS, r.SupportMaxMS = ms(f.P50), ms(f.P99), ms(f.Max)
	r.SupportP99ByRequestMS = msBy(f.P99By)
	if r.SupportBaselineP99MS > 0 {
		r.SupportP99Ratio = r.SupportP99MS / r.SupportBaselineP99MS
	}
	return nil
}

// seed loads the fleet and returns its credentials.
func (b *FleetBench) seed(ctx context.Context, s *Serve, r *FleetBenchReport) ([]*seed.Credentials, error) {
	b.phase("seeding accounts", int64(b.Accounts))
	start := time.Now()
	creds, err := seed.Fleet(ctx, s.Stores.Legacy, s.Stores.Platform,
		seed.Spec{Accounts: b.Accounts, ChatsPerAccount: b.ChatsPerAccount, Seed: b.Seed}, time.Now().UTC(),
		func(done int) { b.progress(int64(done)) })
	r.SeedS = time.Since(start).Seconds()
	return creds, err
}

// load spreads the support clients over the fleet's accounts.
func (b *FleetBench) load(s *Serve, creds []*seed.Credentials) *supportLoad {
	l := &supportLoad{base: s.HTTP.URL(), interval: time.Duration(float64(b.SupportClients) / b.SupportRate * float64(time.Second)),
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: b.SupportClients}}}
	for i := range b.SupportClients {
		l.clients = append(l.clients, creds[i*len(creds)/b.SupportClients])
	}
	return l
}

// baseline runs the load alone for b.Baseline; its figures, and those of
// its first and second half.
func (b *FleetBench) baseline(ctx context.Context, load *supportLoad) (all, first, second loadFigures) {
	ctx, cancel := context.WithTimeout(ctx, b.Baseline)
	defer cancel()
	start := time.Now()
	ticking := make(chan struct{})
	go func() {
		defer close(ticking)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				b.progress(int64(time.Since(start) / time.Second))
			}
		}
	}()
	defer func() { <-ticking }()
	return load.run(ctx, start.Add(b.Baseline/2))
}

// upgradeAll requests every account's upgrade and runs it now, as an
// operator would, then waits until all have completed.
func (b *FleetBench) upgradeAll(ctx context.Context, s *Serve, creds []*seed.Credentials) error {
	b.phase("upgrades completed", int64(len(creds)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	completed := make(chan error, 1)
	go func() { completed <- b.awaitCompleted(ctx, s, len(creds)) }()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(b.Submitters)
	for _, c := range creds {
		g.Go(func() error {
			u, err := s.upgrades.Request(gctx, c.AccountID, "operator")
			if err != nil {
				return fmt.Errorf("request the upgrade of account %d: %w", c.AccountID, err)
			}
			return runNow(gctx, s.upgrades, u.ID)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return <-completed
}

// runNow sends run-now as an operator would: an engine too busy to answer
// in time is asked again, and a refusal because the upgrade has already
// started (an earlier try was carried out) is its answer.
func runNow(ctx context.Context, upgrades *upgrade.Service, id string) error {
	for try := 1; ; try++ {
		_, err := upgrades.Act(ctx, id, upgrade.ActionRunNow)
		switch code := chatlift.ErrorCode(err); {
		case err == nil, code == chatlift.ECONFLICT && try > 1:
			return nil
		case code == chatlift.EUNAVAILABLE && try < 5 && ctx.Err() == nil:
			continue
		default:
			return fmt.Errorf("run upgrade %s now: %w", id, err)
		}
	}
}

// awaitCompleted polls the upgrade counts until n have completed.
func (b *FleetBench) awaitCompleted(ctx context.Context, s *Serve, n int) error {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		counts, err := s.Stores.Platform.UpgradeCounts(ctx)
		if err != nil {
			return err
		}
		done := counts[chatlift.UpgradeCompleted]
		b.progress(int64(done))
		if done >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d upgrades completed: %w", done, n, ctx.Err())
		case <-t.C:
		}
	}
}

// upgradeFigures reads the completed upgrades' downtime and durations.
func (b *FleetBench) upgradeFigures(ctx context.Context, s *Serve, r *FleetBenchReport) error {
	var downtime []int64
	var took []time.Duration
	for after := ""; ; {
		list, err := s.Stores.Platform.Upgrades(ctx, chatlift.UpgradeFilter{State: chatlift.UpgradeCompleted, AfterID: after, Limit: chatlift.MaxLimit})
		if err != nil {
			return err
		}
		for _, u := range list {
			downtime = append(downtime, u.ChatDowntimeMS)
			if u.StartedAt != nil && u.FinishedAt != nil {
				took = append(took, u.FinishedAt.Sub(*u.StartedAt))
			}
		}
		if len(list) < chatlift.MaxLimit {
			break
		}
		after = list[len(list)-1].ID
	}
	r.Completed = len(downtime)
	if r.TotalS > 0 {
		r.UpgradesPerS = float64(r.Completed) / r.TotalS
	}
	if len(downtime) > 0 {
		slices.Sort(downtime)
		r.ChatDowntimeP50MS, r.ChatDowntimeP99MS, r.ChatDowntimeMaxMS = percentile(downtime, 0.5), percentile(downtime, 0.99), downtime[len(downtime)-1]
	}
	if len(took) > 0 {
		slices.Sort(took)
		var sum time.Duration
		for _, d := range took {
			sum += d
		}
		r.UpgradeP50MS, r.UpgradeMeanMS = ms(percentile(took, 0.5)), ms(sum/time.Duration(len(took)))
	}
	return nil
}

// profile starts the CPU profile when asked for; the returned func stops it.
func (b *FleetBench) profile() (func(), error) {
	if b.CPUProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(b.CPUProfile)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

func msBy(by map[string]time.Duration) map[string]float64 {
	out := make(map[string]float64, len(by))
	for k, d := range by {
		out[k] = ms(d)
	}
	return out
}

// benchDB is a database made for one bench run: its URL, its name and
// what drops it.
type benchDB struct {
	URL, Name string
	Drop      func()
}

// benchDatabase makes a database of a new name beginning with prefix on the
// PostgreSQL server at baseURL.
func benchDatabase(ctx context.Context, baseURL, prefix string) (*benchDB, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("--database-url: %w", err)
	}
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	admin := func(ctx context.Context, stmt string) error {
		conn, err := pgx.Connect(ctx, baseURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, stmt)
		return err
	}
	if err := admin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create the bench's database: %w", err)
	}
	u.Path = "/" + name
	drop := func() { // also after the run was interrupted
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = admin(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	}
	return &benchDB{URL: u.String(), Name: name, Drop: drop}, nil
}

// checkpointSeeded copies the seeded rows from SQLite's WAL into the database files
// before anything is measured, so that the baseline does not pay for the
// seeding's checkpoint (nothing to do on PostgreSQL).
func checkpointSeeded(ctx context.Context, stores *Stores) error {
	for _, db := range []*sqlstore.DB{stores.Legacy, stores.Platform} {
		if err := db.Checkpoint(ctx); err != nil {
			return fmt.Errorf("checkpoint the seeded fleet: %w", err)
		}
	}
	return nil
}
