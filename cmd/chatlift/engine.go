package main

import (
	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/temporalcluster"
)

func (m *Main) engineCommand() *cobra.Command {
	var cfg temporalcluster.Config
	var setupSchema bool
	c := &cobra.Command{
		Use:   "engine",
		Short: "Run the workflow engine (a Temporal server) persisted in PostgreSQL",
		Long: "engine runs the Temporal server (frontend, history, matching and worker services,\n" +
			"each on its port) with its stores in PostgreSQL: --database-url for the main\n" +
			"store and --visibility-database-url for visibility. --setup-schema first creates\n" +
			"both databases if missing and applies the server's schema versions; it is safe\n" +
			"to repeat. serve and worker processes join it with --temporal-address.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log, err := m.logger()
			if err != nil {
				return err
			}
			if cfg.DatabaseURL == "" {
				return usagef("--database-url is required: the engine keeps its state in PostgreSQL")
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
			<-c.Context().Done()
			log.Info("shutting down")
			return s.Stop()
		},
	}
	f := c.Flags()
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
