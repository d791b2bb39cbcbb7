package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/console"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/engine"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/internal/childproc"
	"github.com/chatlift/chatlift/mailer"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/temporalserver"
	"github.com/chatlift/chatlift/upgrade"
)

// ServeConfig is what `chatlift serve` runs with.
type ServeConfig struct {
	Addr            string // HTTP listen address; port 0 picks one
	DataDir         string
	DatabaseURL     string // PostgreSQL; empty = SQLite in DataDir
	TemporalAddress string // external Temporal; empty = embedded in DataDir
	Namespace       string
	OperatorToken   string // empty = kept in DataDir, generated on first start
	Demo            seed.Spec
	NoDemo          bool
	Logger          *slog.Logger
	Out             io.Writer // where the operator token and demo credentials are printed
	Version         string
	Rules           chatlift.ScheduleRules // when upgrades may run
	RevertWindow    time.Duration          // how long after the switch an upgrade can be reverted; 0: none
	FaultInjection  bool                   // accept POST /api/ops/faults
	NoWorker        bool                   // run no worker in this process
	HTTPLimits      httpapi.Limits         // timeouts and sizes; zero fields take the defaults
	// Hold bounds the holding of frozen accounts' chat requests
	// (docs/hold.md); zero fields take the defaults, negative ones turn it off.
	Hold chathome.HoldLimits
	// SMTPURL is where the outbox goes (smtp://user:pass@host:port); empty
	// means appended to DataDir/outbox.mbox.
	SMTPURL string
	// PublicURL is the address customers reach the server at
	// (https://chat.example.com): the links in emails are absolute under it.
	// Empty means the listen URL.
	PublicURL string
	// Worker bounds what this process's worker runs at once; zero fields
	// leave the SDK's defaults.
	Worker engine.Concurrency
	// Children runs the embedded engine and the worker in child processes
	// at a lower CPU priority; its zero value runs them in this one.
	Children Children
}

// Children is how serve runs its engine and workers as child processes
// (docs/reliability.md#support-under-load): `Program engine --data DIR
// --temporal-namespace NS --port N` and `Program worker WorkerArgs... --data
// DIR --temporal-address A --temporal-namespace NS --public-url U`. The
// engine's niceness is raised by EngineNice, so the kernel gives the API's
// threads (and the workers') the CPUs first when it keeps them busy. The
// workers' writes to SQLite give way to the API's (sqlstore's write queue);
// a worker holds the write lock while it writes, so its niceness
// (WorkerNice) is best left at the API's: lowered, a worker preempted in
// its transaction keeps the API waiting. The children die with serve, even
// a SIGKILLed one, and are started again if they exit on their own.
//
// KeepCPUs of the CPUs serve may use are kept for serve alone: the children
// run on the others, so an API request finds a CPU no upgrade is using
// (on two cores the niceness alone left support's p99 at 1.56-1.95× of its
// idle value, docs/reliability.md#support-under-load). With no
// more CPUs than KeepCPUs, the children run on every CPU. The children's
// garbage collector runs at GOGC=ChildGOGC unless serve's environment sets
// GOGC: they allocate much and live briefly, and on the CPUs left to them
// their CPU is the fleet's speed.
type Children struct {
	// Program is this program and its global flags (the log level).
	Program []string
	// Engine runs the embedded engine (no TemporalAddress) in a child.
	Engine bool
	// Workers is how many worker children run the upgrades instead of this
	// process's worker; 0 keeps the worker here.
	Workers int
	// WorkerArgs are the flags each worker child gets besides the
	// backend's: schedule rules, revert window, bounds, fault injection.
	WorkerArgs             []string
	EngineNice, WorkerNice int
	// KeepCPUs is how many of serve's CPUs the children may not use.
	KeepCPUs int
	Stderr   io.Writer // the children's logs; nil discards them
}

// ChildGOGC is the children's GOGC unless serve's environment sets one.
const ChildGOGC = 400

// cpus are the CPUs the children run on: those serve may use but the first
// KeepCPUs; nil (any) when none would be left (why says so), or when they
// are unknown (outside Linux, or the kernel did not say).
func (c Children) cpus() (cpus []int, why string) {
	if c.KeepCPUs <= 0 {
		return nil, ""
	}
	all, err := childproc.AvailableCPUs()
	switch {
	case err != nil:
		return nil, err.Error()
	case len(all) == 0:
		return nil, ""
	case len(all) <= c.KeepCPUs:
		return nil, fmt.Sprintf("serve may use %d CPUs, none left once %d are kept", len(all), c.KeepCPUs)
	}
	return all[c.KeepCPUs:], ""
}

// env is what the children's environment gets besides serve's.
func (c Children) env() []string {
	if os.Getenv("GOGC") != "" {
		return nil
	}
	return []string{"GOGC=" + strconv.Itoa(ChildGOGC)}
}

// Serve is a running `chatlift serve`.
type Serve struct {
	cfg      ServeConfig
	log      *slog.Logger
	Stores   *Stores
	HTTP     *httpapi.Server
	Temporal client.Client
	embedded interface{ Stop() error } // the embedded engine, in this process or a child
	workers  []*childproc.Process      // worker children, when Children.Workers
	worker   worker.Worker
	upgrades *upgrade.Service
	faults   *upgrade.Faults // set with FaultInjection
	console  *console.Console
	// ln is bound first, so the public URL is known to the workers, and
	// served last.
	ln        net.Listener
	publicURL string
	ready     atomic.Bool
	// Mailer delivers the outbox.
	Mailer    *mailer.Mailer
	mailStore *sqlstore.DB // the mailer's background store (SQLite)
	childCPUs []int        // the CPUs the children run on; nil: any
	// Sweeper ends idle live conversations.
	Sweeper *conversation.Sweeper
	// OperatorToken authorizes the operator API.
	OperatorToken string
}

// StartServe starts every part, then listens, and returns once all are
// ready: no request is served before every part it may use is built. On
// error the parts already started are stopped again.
func StartServe(ctx context.Context, cfg ServeConfig) (*Serve, error) {
	s := &Serve{cfg: cfg, log: cfg.Logger}
	if err := s.start(ctx); err != nil {
		s.Close(context.Background())
		return nil, err
	}
	return s, nil
}

func (s *Serve) start(ctx context.Context) (err error) {
	cfg := s.cfg
	if cfg.DatabaseURL == "" || cfg.TemporalAddress == "" {
		if err := prepareDataDir(cfg.DataDir); err != nil {
			return err
		}
	}
	if s.publicURL, err = PublicURL(cfg.PublicURL); err != nil {
		return err
	}
	if s.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if s.publicURL == "" {
		s.publicURL = listenURL(s.ln)
	}
	var fresh bool
	if s.OperatorToken, fresh, err = operatorToken(cfg.DataDir, cfg.OperatorToken); err != nil {
		return err
	}
	if s.Stores, err = OpenStores(ctx, cfg.DataDir, cfg.DatabaseURL); err != nil {
		return err
	}
	if err := s.startMailer(ctx); err != nil {
		return err
	}
	s.childCPUs = s.keptCPUs()
	if err := s.startEngine(ctx); err != nil {
		return err
	}
	if err := s.seedDemo(ctx); err != nil {
		return err
	}
	// Every part the handlers use is built: only now may requests come in.
	s.ready.Store(true)
	s.startHTTP()
	if fresh {
		fmt.Fprintf(cfg.Out, "operator token (shown once):  %s\n  kept in %s\n", s.OperatorToken, filepath.Join(cfg.DataDir, "operator-token"))
	}
	s.log.Info("listening", "url", s.HTTP.URL(), "public_url", s.publicURL)
	fmt.Fprintf(cfg.Out, "ready; point a browser at\n  %s/console/  operator console\n  %s/account/  account pages (support admins)\n", s.HTTP.URL(), s.HTTP.URL())
	s.log.Info("ready", "url", s.HTTP.URL(), "version", cfg.Version)
	return nil
}

// startMailer starts delivering the outbox, until Close. On SQLite the
// mailer has a background store of its own: delivering a fleet's emails is
// two writes each, which give way to the API's like a worker's.
func (s *Serve) startMailer(ctx context.Context) error {
	sender, from, err := mailer.Open(mailer.Config{URL: s.cfg.SMTPURL, MboxPath: filepath.Join(s.cfg.DataDir, "outbox.mbox")})
	if err != nil {
		return err
	}
	outbox := s.Stores.Platform
	if outbox.Dialect() == sqlstore.SQLite {
		openCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		// Background for its writes; the checkpoints stay with serve's
		// foreground store (a fallback to the workers').
		if s.mailStore, err = openPlatform(openCtx, s.cfg.DataDir, sqlstore.Config{Background: true, NoCheckpoints: true}); err != nil {
			return err
		}
		outbox = s.mailStore
	}
	s.Mailer = &mailer.Mailer{Outbox: outbox, Sender: sender, From: from, Logger: s.log.With("component", "mailer")}
	s.Mailer.Start(context.WithoutCancel(ctx))
	return nil
}

func (s *Serve) startHTTP() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "chatlift_build_info", Help: "Always 1; labelled with the version.",
		ConstLabels: prometheus.Labels{"version": s.cfg.Version}})
	build.Set(1)
	reg.MustRegister(build)
	reg.MustRegister(importLimiter(s.Stores).Collectors()...)
	reg.MustRegister(importer.Collectors()...)
	s.HTTP = &httpapi.Server{Logger: s.log, Ready: s.readiness, OperatorToken: s.OperatorToken,
		Legacy: s.Stores.Legacy, Platform: s.Stores.Platform, Registry: reg, Upgrades: s.upgrades, Limits: s.cfg.HTTPLimits, Hold: s.cfg.Hold,
		Conversations: &conversation.Service{Hub: &conversation.Hub{}}}
	s.Sweeper = &conversation.Sweeper{Service: s.HTTP.Conversations, Stores: []conversation.IdleStore{s.Stores.Legacy, s.Stores.Platform},
		Logger: s.log.With("component", "conversations")}
	s.Sweeper.Start(context.Background())
	s.console = &console.Console{Store: s.Stores.Platform, Accounts: s.Stores.Legacy, Upgrades: s.upgrades,
		OperatorToken: s.OperatorToken, Rules: s.cfg.Rules, Logger: s.log.With("component", "console")}
	s.console.Start(context.Background()) // finishes the batches a stopped process left; Close stops it
	s.HTTP.Console = s.console
	s.HTTP.Account = s.accountPages()
	if s.faults != nil { // a nil *Faults in the interface would look set
		s.HTTP.Faults = s.faults
	}
	s.HTTP.Serve(s.ln)
}

// startEngine starts the embedded Temporal server unless an external one is
// configured, dials it, and (unless NoWorker) starts the worker and proves
// the loop end to end.
func (s *Serve) startEngine(ctx context.Context) error {
	address := s.cfg.TemporalAddress
	if address == "" {
		var err error
		if address, err = s.startEmbedded(ctx); err != nil {
			return fmt.Errorf("embedded Temporal server: %w", err)
		}
	}
	dialCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c, err := engine.Dial(dialCtx, address, s.cfg.Namespace, s.log)
	if err != nil {
		return err
	}
	s.Temporal = c
	upgrades := s.upgradeRegistrar()
	if s.cfg.NoWorker { // API only: `chatlift worker` processes run the workflows
		return s.startUpgrades(ctx)
	}
	if s.workerChildren() {
		if err := s.startWorkerChildren(ctx, address); err != nil {
			return err
		}
	} else if s.worker, err = engine.StartWorkerWith(c, s.cfg.Worker, upgrades); err != nil {
		return err
	}
	if err := engine.CheckRoundTrip(dialCtx, c); err != nil {
		return fmt.Errorf("workflow engine: %w", err)
	}
	return s.startUpgrades(ctx)
}

// startEmbedded starts the embedded engine, in a child process when
// configured so, and returns its address.
func (s *Serve) startEmbedded(ctx context.Context) (string, error) {
	if c := s.cfg.Children; s.engineChild() {
		port, err := temporalserver.FreePort()
		if err != nil {
			return "", err
		}
		cmd := append(slices.Clip(c.Program), "engine", "--data", s.cfg.DataDir, "--temporal-namespace", s.cfg.Namespace, "--port", strconv.Itoa(port))
		proc, err := s.startChild(ctx, childproc.Config{Name: "engine", Command: cmd, Ready: temporalserver.ReadyPrefix, Nice: c.EngineNice})
		if err != nil {
			return "", err
		}
		s.embedded = proc
		return proc.Ready(), nil
	}
	srv, err := temporalserver.Start(ctx, temporalserver.Config{DataDir: filepath.Join(s.cfg.DataDir, "temporal"),
		Namespace: s.cfg.Namespace, Logger: s.log.With("component", "temporal")})
	if err != nil {
		return "", err
	}
	s.embedded = srv
	return srv.Address(), nil
}

// keptCPUs are the CPUs the children will run on (nil: any), read once
// at start; it says so when none could be kept for the API.
func (s *Serve) keptCPUs() []int {
	if !s.engineChild() && !s.workerChildren() {
		return nil
	}
	cpus, why := s.cfg.Children.cpus()
	if why != "" {
		s.log.Warn("the child processes run on every CPU: none kept for the API", "reason", why)
	}
	return cpus
}

// engineChild says whether serve runs the embedded engine in a child
// process; workerChildren whether it runs its workers in child processes.
func (s *Serve) engineChild() bool    { return s.cfg.Children.Engine && s.cfg.TemporalAddress == "" }
func (s *Serve) workerChildren() bool { return s.cfg.Children.Workers > 0 && !s.cfg.NoWorker }

// startChild starts a child as cfg says, on the CPUs left to the children,
// with their environment, logs and logger.
func (s *Serve) startChild(ctx context.Context, cfg childproc.Config) (*childproc.Process, error) {
	c := s.cfg.Children
	cfg.CPUs, cfg.Env = s.childCPUs, append(c.env(), cfg.Env...)
	cfg.Stderr, cfg.Logger = c.Stderr, s.log
	return childproc.Start(ctx, cfg)
}

// ChildCPUs are the CPUs serve's children run on; nil: any, or no child.
func (s *Serve) ChildCPUs() []int { return s.childCPUs }

// startWorkerChildren starts the worker children against the engine at
// address; the database URL goes in their environment, not on a command
// line anyone may read.
func (s *Serve) startWorkerChildren(ctx context.Context, address string) error {
	c := s.cfg.Children
	// Set even when empty: a CHATLIFT_DATABASE_URL serve was told to ignore
	// must not send its workers elsewhere.
	env := []string{"CHATLIFT_DATABASE_URL=" + s.cfg.DatabaseURL}
	for i := range c.Workers {
		cmd := append(slices.Clip(c.Program), "worker")
		cmd = append(cmd, c.WorkerArgs...)
		cmd = append(cmd, "--data", s.cfg.DataDir, "--temporal-address", address, "--temporal-namespace", s.cfg.Namespace, "--public-url", s.publicURL)
		w, err := s.startChild(ctx, childproc.Config{Name: fmt.Sprintf("worker %d", i+1), Command: cmd, Ready: WorkerReady,
			Env: env, Nice: c.WorkerNice})
		if err != nil {
			return err
		}
		s.workers = append(s.workers, w)
	}
	return nil
}

// ChildrenPeakRSS sums the peak resident memory of serve's child
// processes (engine, workers), in bytes.
func (s *Serve) ChildrenPeakRSS() int64 {
	var sum int64
	if p, ok := s.embedded.(*childproc.Process); ok {
		sum += p.PeakRSS()
	}
	for _, w := range s.workers {
		sum += w.PeakRSS()
	}
	return sum
}

// seedDemo loads a demo fleet when the platform holds no account yet.
func (s *Serve) seedDemo(ctx context.Context) error {
	if s.cfg.NoDemo {
		return nil
	}
	existing, err := s.Stores.Platform.SupportAccounts(ctx, chatlift.AccountFilter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	creds, err := seed.Fleet(ctx, s.Stores.Legacy, s.Stores.Platform, s.cfg.Demo, time.Now().UTC(), nil)
	if err != nil {
		return fmt.Errorf("seed demo fleet: %w", err)
	}
	path := filepath.Join(s.cfg.DataDir, "demo-credentials.json")
	if err := writeJSONFile(path, creds); err != nil {
		return err
	}
	fmt.Fprintf(s.cfg.Out, "seeded a demo fleet of %d accounts; their credentials, also kept in\n  %s:\n", len(creds), path)
	return PrintCredentials(s.cfg.Out, creds)
}

func (s *Serve) readiness(ctx context.Context) error {
	if !s.ready.Load() {
		return errors.New("starting")
	}
	if err := s.Stores.Ping(ctx); err != nil {
		return err
	}
	if _, err := s.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("workflow engine: %w", err)
	}
	return nil
}

// Close stops the parts in reverse order: HTTP (draining requests until ctx
// ends), the console's batches, worker, engine client, embedded server, mailer (finishing the send
// in flight), stores.
func (s *Serve) Close(ctx context.Context) error {
	var errs []error
	s.ready.Store(false)
	if s.HTTP != nil {
		errs = append(errs, s.HTTP.Close(ctx))
	} else if s.ln != nil { // bound, never served
		s.ln.Close()
	}
	if s.console != nil { // the batch actions under way end and are recorded
		s.console.Stop()
	}
	if s.worker != nil {
		s.worker.Stop()
	}
	for _, w := range s.workers {
		errs = append(errs, w.Stop())
	}
	if s.Temporal != nil {
		s.Temporal.Close()
	}
	if s.embedded != nil {
		errs = append(errs, s.embedded.Stop())
	}
	if s.Mailer != nil {
		s.Mailer.Stop()
	}
	if s.mailStore != nil {
		errs = append(errs, s.mailStore.Close())
	}
	if s.Sweeper != nil {
		s.Sweeper.Stop()
	}
	if s.Stores != nil {
		errs = append(errs, s.Stores.Close())
	}
	return errors.Join(errs...)
}
