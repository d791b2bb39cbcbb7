package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/seed"
)

func (m *Main) serveCommand() *cobra.Command {
	var cfg app.ServeConfig
	var demo seed.Spec
	var cf childFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run chatlift: API, operator console, workflow engine and workers",
		Long: "serve runs everything from one command: the HTTP API in this process and, as\n" +
			"child processes on the CPUs it does not keep for the API (--api-cpus), an\n" +
			"embedded Temporal server persisted in the data dir (or --temporal-address for a\n" +
			"cluster) and a worker (--worker-processes, --engine-in-process); the stores are\n" +
			"SQLite in the data dir, or --database-url for PostgreSQL.\n" +
			"On an empty data dir it seeds a small demo fleet unless --no-demo.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log, err := m.logger()
			if err != nil {
				return err
			}
			if err := checkRules(cfg.Rules); err != nil {
				return err
			}
			if cfg.Hold, err = holdLimits(cfg.Hold, cfg.HTTPLimits.WriteTimeout); err != nil {
				return err
			}
			if cfg.RevertWindow < 0 {
				return usagef("--revert-window cannot be negative")
			}
			cfg.Logger, cfg.Out, cfg.Version, cfg.Demo = log, m.Stdout, Version(), demo
			if cfg.Children, err = m.children(c, cf); err != nil {
				return err
			}
			s, err := app.StartServe(c.Context(), cfg)
			if err != nil {
				return err
			}
			<-c.Context().Done()
			log.Info("shutting down")
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			return s.Close(ctx)
		},
	}
	f := c.Flags()
	f.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "HTTP listen address (port 0 picks a free port)")
	f.StringVar(&cfg.DataDir, "data", "./chatlift-data", "data directory: SQLite databases, embedded Temporal, operator token")
	addBackendFlags(c, &cfg.DatabaseURL, &cfg.TemporalAddress, &cfg.Namespace)
	f.StringVar(&cfg.OperatorToken, "operator-token", envOr("CHATLIFT_OPERATOR_TOKEN", ""), "operator API token (default $CHATLIFT_OPERATOR_TOKEN, else generated and kept in the data dir)")
	f.BoolVar(&cfg.NoDemo, "no-demo", false, "do not seed a demo fleet on an empty data dir")
	f.StringVar(&cfg.SMTPURL, "smtp-url", envOr("CHATLIFT_SMTP_URL", ""), "SMTP server for the outbox, smtp://user:pass@host:port or smtps://... (default $CHATLIFT_SMTP_URL; empty = append to outbox.mbox in the data dir)")
	f.StringVar(&cfg.PublicURL, "public-url", envOr("CHATLIFT_PUBLIC_URL", ""), "address customers reach this server at, for the links in emails (default $CHATLIFT_PUBLIC_URL; empty = the listen URL)")
	f.IntVar(&demo.Accounts, "demo-accounts", 6, "accounts in the demo fleet")
	f.IntVar(&demo.ChatsPerAccount, "demo-chats", 25, "chats per demo account")
	f.Int64Var(&demo.Seed, "demo-seed", 1, "seed of the demo fleet")
	f.BoolVar(&cfg.NoWorker, "no-worker", false, "serve the API only; `chatlift worker` processes run the upgrades")
	addWorkerFlags(c, &cfg.Worker)
	addChildFlags(c, &cf)
	f.BoolVar(&cfg.FaultInjection, "fault-injection", false, "accept /api/ops/faults, which makes chosen upgrade steps fail once (tests and drills)")
	addScheduleFlags(c, &cfg.Rules)
	addRevertWindowFlag(c, &cfg.RevertWindow)
	addLimitFlags(c, &cfg.HTTPLimits)
	f.DurationVar(&cfg.Hold.For, "hold", chathome.DefaultHoldFor,
		"longest a chat API or token request of an account frozen for its upgrade is held before it answers 503 (0: answer 503 at once)")
	f.IntVar(&cfg.Hold.Requests, "hold-requests", chathome.DefaultHoldRequests,
		"chat requests held at once, all accounts together; more answer 503 at once (0: hold none)")
	return c
}

// holdLimits is the limits of the --hold flags, where 0 turns holding off;
// a request must be answered before the write timeout closes its connection.
func holdLimits(l chathome.HoldLimits, writeTimeout time.Duration) (chathome.HoldLimits, error) {
	switch {
	case l.For <= 0 || l.Requests <= 0:
		return chathome.HoldLimits{For: -1, Requests: -1}, nil
	case l.For >= writeTimeout:
		return l, usagef("--hold %s must be shorter than --http-write-timeout %s", l.For, writeTimeout)
	}
	return l, nil
}

// addLimitFlags adds the flags that bound what clients can hold of the HTTP
// server (docs/server.md).
func addLimitFlags(c *cobra.Command, l *httpapi.Limits) {
	d, f := httpapi.DefaultLimits(), c.Flags()
	f.DurationVar(&l.ReadHeaderTimeout, "http-read-header-timeout", d.ReadHeaderTimeout, "time a client has to send a request's headers")
	f.DurationVar(&l.ReadTimeout, "http-read-timeout", d.ReadTimeout, "time a client has to send a whole request, body included")
	f.DurationVar(&l.WriteTimeout, "http-write-timeout", d.WriteTimeout, "time the server has to answer, from the end of the request's headers")
	f.DurationVar(&l.IdleTimeout, "http-idle-timeout", d.IdleTimeout, "time a keep-alive connection may wait for its next request")
	f.IntVar(&l.MaxHeaderBytes, "http-max-header-bytes", d.MaxHeaderBytes, "largest request headers (more answers 431)")
	f.Int64Var(&l.MaxBodyBytes, "http-max-body-bytes", d.MaxBodyBytes, "largest request body (more answers 413)")
	f.IntVar(&l.MaxConnections, "http-max-connections", d.MaxConnections, "connections served at once; more wait to be accepted")
	f.IntVar(&l.MaxConnectionsPerAddress, "http-max-connections-per-address", d.MaxConnectionsPerAddress,
		"connections one client address (IPv6: its /64) may hold open; more are closed at once")
}

// addBackendFlags adds the flags that choose the database and the workflow
// engine, shared by serve, worker and seed.
func addBackendFlags(c *cobra.Command, databaseURL, temporalAddress, namespace *string) {
	f := c.Flags()
	f.StringVar(databaseURL, "database-url", envOr("CHATLIFT_DATABASE_URL", ""), "PostgreSQL URL (default $CHATLIFT_DATABASE_URL; empty = SQLite in the data dir)")
	if temporalAddress != nil {
		f.StringVar(temporalAddress, "temporal-address", envOr("CHATLIFT_TEMPORAL_ADDRESS", ""), "Temporal frontend host:port (default $CHATLIFT_TEMPORAL_ADDRESS; empty = embedded server)")
		f.StringVar(namespace, "temporal-namespace", "chatlift", "Temporal namespace")
	}
}

// childFlags are the flags choosing which parts of serve run in child
// processes.
type childFlags struct {
	engineInProcess                           bool
	workers, engineNice, workerNice, keepCPUs int
}

func addChildFlags(c *cobra.Command, cf *childFlags) {
	f := c.Flags()
	f.BoolVar(&cf.engineInProcess, "engine-in-process", false, "run the embedded engine in this process rather than in a child process")
	f.IntVar(&cf.workers, "worker-processes", 1, "worker child processes running the upgrades (0: the worker runs in this process)")
	f.IntVar(&cf.engineNice, "engine-nice", 10, "niceness added to the engine's child process, so API requests and workers get the CPUs first (0-19)")
	f.IntVar(&cf.workerNice, "worker-nice", 0, "niceness added to the worker child processes (0-19; lowered, a worker preempted while it writes keeps API requests waiting)")
	f.IntVar(&cf.keepCPUs, "api-cpus", 1, "CPUs kept for this process's API: its child processes run on the others (0, or no more CPUs than this: on every CPU)")
}

// children is how serve's parts are run as child processes: this
// program's `engine` and `worker` commands, logging at this one's level to
// the same standard error. The workers get every flag of c set on the
// command line that `worker` knows, except those serve gives them itself.
func (m *Main) children(c *cobra.Command, cf childFlags) (app.Children, error) {
	if cf.engineNice < 0 || cf.engineNice > 19 || cf.workerNice < 0 || cf.workerNice > 19 {
		return app.Children{}, usagef("--engine-nice and --worker-nice must be from 0 to 19")
	}
	if cf.workers < 0 || cf.keepCPUs < 0 {
		return app.Children{}, usagef("--worker-processes and --api-cpus cannot be negative")
	}
	if cf.engineInProcess && cf.workers == 0 {
		return app.Children{}, nil
	}
	exe, err := selfProgram()
	if err != nil {
		return app.Children{}, fmt.Errorf("child processes: %w", err)
	}
	ch := app.Children{Program: []string{exe, "--log-level", m.logLevel}, Engine: !cf.engineInProcess, Workers: cf.workers,
		EngineNice: cf.engineNice, WorkerNice: cf.workerNice, KeepCPUs: cf.keepCPUs, Stderr: m.Stderr}
	worker := m.workerCommand().Flags()
	own := map[string]bool{"data": true, "database-url": true, "temporal-address": true, "temporal-namespace": true, "public-url": true}
	c.Flags().Visit(func(f *pflag.Flag) {
		if worker.Lookup(f.Name) != nil && !own[f.Name] {
			ch.WorkerArgs = append(ch.WorkerArgs, "--"+f.Name+"="+f.Value.String())
		}
	})
	return ch, nil
}

// selfProgram is what runs this very program: on Linux /proc/self/exe,
// which stays this binary even when a deploy has replaced the file since
// it started (a child started again must not be a newer version than its
// parent); elsewhere the executable's path.
func selfProgram() (string, error) {
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		return "/proc/self/exe", nil
	}
	return os.Executable()
}
