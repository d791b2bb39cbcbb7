package main

import (
	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/app"
)

func (m *Main) workerCommand() *cobra.Command {
	var cfg app.WorkerConfig
	c := &cobra.Command{
		Use:   "worker",
		Short: "Run only workers, against a Temporal cluster and the stores",
		Long: "worker runs chatlift's workflow and activity workers and nothing else. Start as\n" +
			"many as the fleet needs, on as many machines, all pointing at the same Temporal\n" +
			"cluster (--temporal-address) and PostgreSQL (--database-url).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log, err := m.logger()
			if err != nil {
				return err
			}
			if err := checkRules(cfg.Rules); err != nil {
				return err
			}
			if cfg.RevertWindow < 0 {
				return usagef("--revert-window cannot be negative")
			}
			cfg.Logger, cfg.Out = log, m.Stdout
			return app.RunWorker(c.Context(), cfg)
		},
	}
	c.Flags().StringVar(&cfg.DataDir, "data", "./chatlift-data", "data directory (SQLite databases when no --database-url)")
	addBackendFlags(c, &cfg.DatabaseURL, &cfg.TemporalAddress, &cfg.Namespace)
	c.Flags().StringVar(&cfg.PublicURL, "public-url", envOr("CHATLIFT_PUBLIC_URL", ""), "address customers reach the server at, for the links in emails (default $CHATLIFT_PUBLIC_URL; empty = links are paths)")
	c.Flags().BoolVar(&cfg.FaultInjection, "fault-injection", false, "fire the faults armed through serve --fault-injection (tests and drills)")
	addScheduleFlags(c, &cfg.Rules)
	addRevertWindowFlag(c, &cfg.RevertWindow)
	addWorkerFlags(c, &cfg.Worker)
	return c
}
