package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/temporalcluster"
	"github.com/chatlift/chatlift/temporalserver"
)

func (m *Main) engineCommand() *cobra.Command {
	var cfg temporalcluster.Config
	var setupSchema bool
	var dataDir string
	c := &cobra.Command{
		Use:   "engine",
		Short: "Run the workflow engine (a Temporal server) persisted in PostgreSQL",
		Long: "engine runs the Temporal server (frontend, history, matching and worker services,\n" +
			"each on its port) with its stores in PostgreSQL: --database-url for the main\n" +
			"store and --visibility-database-url for visibility. --setup-schema first creates\n" +
			"both databases if missing and applies the server's schema versions; it is safe\n" +
			"to repeat. serve and worker processes join it with --temporal-address.\n\n" +
			"With --data instead, it runs the single-node engine that serve embeds, in SQLite\n" +
			"under that data dir (serve starts it so, as a child process, by default).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log, err := m.logger()
			if err != nil {
				return err
			}
			if dataDir != "" {
				return m.runEmbeddedEngine(c.Context(), log, dataDir, cfg.Namespace, cfg.Ports.Frontend)
			}
			if cfg.DatabaseURL == "" {
				return usagef("--database-url is required: the engine keeps its state in PostgreSQL (or --data for the single-node engine in SQLite)")
			}
			cfg.Logger = log
			if setupSchema {
				if err := temporalcluster.SetupSchema(c.Context(), cfg); err != nil {
					return err
				}
			}
			s, err := temporalcluster.Start(c.Context(), cfg)
			if err != nil {
				return err
			}
			log.Info("engine running", "address", s.Address(), "namespace", cfg.Namespace)
			fmt.Fprintln(m.Stdout, temporalserver.ReadyPrefix+s.Address())
			<-c.Context().Done()
			log.Info("shutting down")
			return s.Stop()
		},
	}
	f := c.Flags()
	f.StringVar(&dataDir, "data", "", "run the single-node engine in SQLite under this chatlift data dir (its temporal directory), as serve embeds it")
	f.StringVar(&cfg.DatabaseURL, "database-url", envOr("CHATLIFT_ENGINE_DATABASE_URL", ""), "PostgreSQL URL of the engine's main store (default $CHATLIFT_ENGINE_DATABASE_URL); not chatlift's database")
	f.StringVar(&cfg.VisibilityDatabaseURL, "visibility-database-url", "", "PostgreSQL URL of the engine's visibility store (default: --database-url's database with the suffix _visibility)")
	f.BoolVar(&setupSchema, "setup-schema", false, "create the databases if missing and bring their schemas up to date before starting")
	f.StringVar(&cfg.Host, "host", "127.0.0.1", "address the services listen on and advertise to each other and to clients")
	f.IntVar(&cfg.Ports.Frontend, "port", 7233, "frontend gRPC port: the --temporal-address of serve and worker (0 picks a free port)")
	f.IntVar(&cfg.Ports.FrontendHTTP, "http-port", 7243, "frontend HTTP port (0 picks a free port)")
	f.IntVar(&cfg.Ports.History, "history-port", 7234, "history service gRPC port (0 picks a free port)")
	f.IntVar(&cfg.Ports.Matching, "matching-port", 7235, "matching service gRPC port (0 picks a free port)")
	f.IntVar(&cfg.Ports.Worker, "worker-port", 7239, "the engine's internal worker service gRPC port (0 picks a free port)")
	f.IntVar(&cfg.HistoryShards, "history-shards", 4, "history shards: fixed when the database is first used, never changed after")
	f.IntVar(&cfg.MaxConns, "max-conns", 20, "PostgreSQL connections of the main store (visibility has a quarter, at least 2)")
	f.StringVar(&cfg.Namespace, "temporal-namespace", "chatlift", "namespace registered on start")
	return c
}

// runEmbeddedEngine runs the single-node engine on dataDir's SQLite until
// ctx ends; it prints temporalserver.ReadyPrefix and the address once
// serving.
func (m *Main) runEmbeddedEngine(ctx context.Context, log *slog.Logger, dataDir, namespace string, port int) error {
	s, err := temporalserver.Start(ctx, temporalserver.Config{DataDir: filepath.Join(dataDir, "temporal"), Namespace: namespace,
		Port: port, Logger: log.With("component", "temporal")})
	if err != nil {
		return err
	}
	log.Info("engine running", "address", s.Address(), "namespace", namespace, "data", dataDir)
	fmt.Fprintln(m.Stdout, temporalserver.ReadyPrefix+s.Address())
	<-ctx.Done()
	log.Info("shutting down")
	return s.Stop()
}
