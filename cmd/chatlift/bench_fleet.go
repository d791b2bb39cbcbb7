package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/engine"
)

func (m *Main) benchFleetCommand() *cobra.Command {
	b := &app.FleetBench{}
	var asJSON, quiet bool
	var cf childFlags
	c := &cobra.Command{
		Use:   "fleet",
		Short: "Upgrade a seeded fleet on one serve and measure support's latency meanwhile",
		Long: "bench fleet starts a serve in this process as `chatlift serve` runs (its embedded\n" +
			"engine and worker in child processes on the CPUs it does not keep, see\n" +
			"--worker-processes, --engine-in-process and --api-cpus), with SQLite stores in\n" +
			"a temporary data dir (or a database of its own on the PostgreSQL server at\n" +
			"--database-url), seeds --accounts accounts, and runs a steady load on its\n" +
			"support API (--support-clients support owners creating, showing and listing\n" +
			"tickets at --support-rate requests per second between them) alone for\n" +
			"--baseline. Then, under the same load, it requests every account's upgrade\n" +
			"and runs it now, as an operator would, and waits until all have completed. It\n" +
			"prints the upgrades per second, the chat downtime percentiles from the\n" +
			"upgrades' records, the support latency against the baseline, support errors\n" +
			"and the peak memory of serve and its children.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var err error
			if b.Children, err = m.children(c, cf); err != nil {
				return err
			}
			b.Children.Stderr = nil // their warnings would break the bars and the JSON
			return runBench(m, &b.BenchProgress, quiet, asJSON, func() (*app.FleetBenchReport, error) { return b.Run(c.Context()) }, m.printFleetBench)
		},
	}
	f := c.Flags()
	f.IntVar(&b.Accounts, "accounts", 1000, "accounts in the fleet")
	f.IntVar(&b.ChatsPerAccount, "chats-per-account", 25, "chats of each non-empty account")
	f.Int64Var(&b.Seed, "seed", 1, "seed of the generated fleet")
	f.IntVar(&b.SupportClients, "support-clients", 4, "support API callers, each a different account's owner")
	f.Float64Var(&b.SupportRate, "support-rate", 40, "support API requests per second, all callers together")
	f.DurationVar(&b.Baseline, "baseline", time.Minute, "how long the support load runs alone first")
	f.IntVar(&b.Submitters, "submitters", 8, "operator requests (request + run-now) in flight at once")
	addWorkerFlags(c, &b.Worker)
	addChildFlags(c, &cf)
	f.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
	f.BoolVar(&quiet, "quiet", false, "no progress bars")
	f.BoolVar(&b.Keep, "keep", false, "keep the data dir (its serve.log has the server's warnings)")
	f.StringVar(&b.DatabaseURL, "database-url", "", "PostgreSQL server on which the run's stores get a database of their own, dropped after (default: SQLite in the data dir)")
	f.StringVar(&b.DataDir, "data", "", "directory in which the run's data dir is made (default: the temporary directory)")
	f.StringVar(&b.CPUProfile, "cpu-profile", "", "write a CPU profile of the upgrade phase to this file")
	return c
}

func (m *Main) printFleetBench(r *app.FleetBenchReport) error {
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "fleet\t%d accounts, %d chats each (seeded in %.1f s), %s stores\n", r.Accounts, r.ChatsPerAccount, r.SeedS, r.Store)
	fmt.Fprintf(w, "completed\t%d in %.1f s\t%.1f upgrades/s\n", r.Completed, r.TotalS, r.UpgradesPerS)
	fmt.Fprintf(w, "one upgrade\tp50 %.0f ms, mean %.0f ms (started → completed, history imported)\n", r.UpgradeP50MS, r.UpgradeMeanMS)
	fmt.Fprintf(w, "chat downtime\tp50 %d ms, p99 %d ms, max %d ms\n", r.ChatDowntimeP50MS, r.ChatDowntimeP99MS, r.ChatDowntimeMaxMS)
	fmt.Fprintf(w, "support load\t%d clients, %.0f requests/s\n", r.SupportClients, r.SupportRate)
	fmt.Fprintf(w, "support alone\t%d requests\tp50 %.1f ms, p99 %.1f ms (first half %.1f ms, second %.1f ms)\n", r.SupportBaselineReqs,
		r.SupportBaselineP50MS, r.SupportBaselineP99MS, r.SupportBaselineHalvesP99MS[0], r.SupportBaselineHalvesP99MS[1])
	fmt.Fprintf(w, "support while upgrading\t%d requests\tp50 %.1f ms, p99 %.1f ms (%.2f× alone), max %.1f ms\n",
		r.SupportRequests, r.SupportP50MS, r.SupportP99MS, r.SupportP99Ratio, r.SupportMaxMS)
	for _, kind := range []string{"create", "show", "list"} {
		fmt.Fprintf(w, "  p99 of %s\t%.1f ms alone, %.1f ms while upgrading\n", kind, r.SupportBaselineP99ByRequestMS[kind], r.SupportP99ByRequestMS[kind])
	}
	fmt.Fprintf(w, "support errors\t%d\t%s\n", r.SupportErrors, r.SupportFirstError)
	fmt.Fprintf(w, "goroutines' wait for a CPU\tp99 %.1f ms alone, %.1f ms while upgrading\n", r.SchedBaselineP99MS, r.SchedP99MS)
	fmt.Fprintf(w, "platform pool waits\t%.0f ms alone, %.0f ms while upgrading (summed)\n", r.PoolWaitBaselineMS, r.PoolWaitMS)
	fmt.Fprintf(w, "CPU\t%.1f s alone, %.1f s while upgrading\n", r.CPUBaselineS, r.CPUS)
	fmt.Fprintf(w, "GOMAXPROCS\t%d (worker: %d workflow tasks, %d activities at once; 0 is the SDK's default)\n",
		r.GOMAXPROCS, r.WorkerWorkflowTasks, r.WorkerActivities)
	fmt.Fprintf(w, "processes\t%s\n", processes(r))
	fmt.Fprintf(w, "peak RSS\t%.0f MiB (child processes %.0f MiB of it)\n", float64(r.PeakRSSBytes)/(1<<20), float64(r.ChildrenPeakRSSBytes)/(1<<20))
	return w.Flush()
}

// addWorkerFlags adds the flags that bound what the worker runs at once.
func addWorkerFlags(c *cobra.Command, w *engine.Concurrency) {
	f := c.Flags()
	f.IntVar(&w.WorkflowTasks, "worker-workflow-tasks", 0, "workflow tasks the worker processes at once (0: the SDK's default, 1000)")
	f.IntVar(&w.Activities, "worker-activities", 0, "activities the worker runs at once (0: the SDK's default, 1000)")
}

// processes says where the serve's engine and workers ran.
func processes(r *app.FleetBenchReport) string {
	engine := "engine in the serve's process"
	if r.EngineProcess {
		engine = fmt.Sprintf("engine in a child process (niceness +%d)", r.EngineNice)
	}
	workers := "worker in the serve's process"
	if r.WorkerProcesses > 0 {
		workers = fmt.Sprintf("%d worker child process(es) (niceness +%d)", r.WorkerProcesses, r.WorkerNice)
	}
	cpus := ""
	if r.EngineProcess || r.WorkerProcesses > 0 {
		cpus = "; children on every CPU"
		if len(r.ChildrenCPUs) > 0 {
			cpus = fmt.Sprintf("; children on CPUs %v, %d kept for serve", r.ChildrenCPUs, r.APICPUs)
		}
	}
	return engine + ", " + workers + cpus
}
