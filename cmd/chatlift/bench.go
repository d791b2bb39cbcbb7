package main

import (
	"encoding/json"
	"fmt"
	"sync"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/app"
)

func (m *Main) benchCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure chatlift's throughput on this machine",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(m.benchImportCommand(), m.benchFleetCommand(), m.benchCutoverCommand())
	return c
}

func (m *Main) benchImportCommand() *cobra.Command {
	b := &app.ImportBench{}
	var asJSON, quiet bool
	c := &cobra.Command{
		Use:   "import",
		Short: "Time the history import and its verification against a raw batched insert",
		Long: "bench import seeds one account with --chats chats of --messages-per-chat messages\n" +
			"(plus their visitors and analytics events) in a fresh legacy store, imports and\n" +
			"verifies it into a fresh platform store, and in the same run inserts the same\n" +
			"rows with plain batched INSERTs into fresh platform stores, once before the\n" +
			"import and once after (the baseline is their mean). It prints the rows per\n" +
			"second of each and the import's ratio to the raw insert. The stores are\n" +
			"SQLite files in a temporary directory, or PostgreSQL schemas with --database-url;\n" +
			"they are removed afterwards unless --keep.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runBench(m, &b.BenchProgress, quiet, asJSON, func() (*app.ImportBenchReport, error) { return b.Run(c.Context()) }, m.printImportBench)
		},
	}
	f := c.Flags()
	f.IntVar(&b.Chats, "chats", 100_000, "chats in the account")
	f.IntVar(&b.MessagesPerChat, "messages-per-chat", 20, "messages in each chat")
	f.Int64Var(&b.Seed, "seed", 1, "seed of the generated history")
	f.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
	f.BoolVar(&quiet, "quiet", false, "no progress bars")
	f.BoolVar(&b.Keep, "keep", false, "keep the databases")
	f.StringVar(&b.DataDir, "data", "", "directory for the SQLite files (default: a temporary directory)")
	addBackendFlags(c, &b.DatabaseURL, nil, nil)
	return c
}

func (m *Main) printImportBench(r *app.ImportBenchReport) error {
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "store\t%s\n", r.Store)
	fmt.Fprintf(w, "rows\t%d (%d chats × %d messages, visitors, analytics events; %.1f MiB of bodies)\n", r.Rows, r.Chats, r.MessagesPerChat, float64(r.Bytes)/(1<<20))
	fmt.Fprintf(w, "seed\t%.1f s\n", r.SeedSeconds)
	fmt.Fprintf(w, "import\t%.1f s\t%.0f rows/s\n", r.ImportSeconds, r.ImportRowsPerS)
	fmt.Fprintf(w, "raw batched insert\t%.1f s\t%.0f rows/s (mean of %.1f s before the import and %.1f s after)\n",
		r.RawSeconds, r.RawRowsPerS, r.RawRunsSeconds[0], r.RawRunsSeconds[1])
	fmt.Fprintf(w, "ratio (import / raw)\t%.2f\n", r.Ratio)
	fmt.Fprintf(w, "verify\t%.1f s\t%.0f rows/s (passed: %v)\n", r.VerifySeconds, r.VerifyRowsPerS, r.Verified)
	fmt.Fprintf(w, "peak RSS\t%.0f MiB\n", float64(r.PeakRSSBytes)/(1<<20))
	return w.Flush()
}

// runBench runs a benchmark with its progress bars on stderr, then prints
// its report: as one JSON object with asJSON, else with print.
func runBench[R any](m *Main, p *app.BenchProgress, quiet, asJSON bool, run func() (R, error), print func(R) error) error {
	bars := m.phaseBars(quiet)
	p.Phase, p.Progress = bars.phase, bars.progress
	r, err := run()
	bars.finish()
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(m.Stdout).Encode(r)
	}
	return print(r)
}

// phaseBars shows a progress bar with its ETA on stderr for each phase of
// a long operation (none when quiet).
type phaseBars struct {
	m     *Main
	quiet bool
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
}

func (m *Main) phaseBars(quiet bool) *phaseBars { return &phaseBars{m: m, quiet: quiet} }

// phase ends the bar of the phase before and starts one of total steps.
func (p *phaseBars) phase(name string, total int64) {
	if p.quiet {
		return
	}
	p.finish()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(p.m.Stderr), progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200_000_000))
}

// progress moves the current bar to done.
func (p *phaseBars) progress(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Set64(done)
	}
}

// finish ends the current bar, if any.
func (p *phaseBars) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.m.Stderr)
		p.bar = nil
	}
}
