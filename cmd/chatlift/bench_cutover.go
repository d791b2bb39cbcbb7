package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/app"
)

func (m *Main) benchCutoverCommand() *cobra.Command {
	b := &app.CutoverBench{}
	var asJSON, quiet bool
	c := &cobra.Command{
		Use:   "cutover",
		Short: "Upgrade and revert a fleet while live conversations and API clients run, and check that nothing was lost",
		Long: "bench cutover starts the real server in this process (embedded engine, a temporary\n" +
			"data directory), seeds --accounts accounts, keeps --conversations-per-account live\n" +
			"conversations of each busy (visitors sending through the widget and following their\n" +
			"streams, agents answering through the chat API and re-authorizing when their tokens\n" +
			"stop working) and a client per account polling the chat API, upgrades every account,\n" +
			"then reverts a quarter of them. At the end it reads every conversation from the store\n" +
			"that serves it and compares it with what each send was answered and what each stream\n" +
			"delivered: messages lost, duplicated, out of order; and it counts the API's 5xx\n" +
			"answers and the longest a request waited beyond its kind's median (held through a\n" +
			"freeze). --database-url runs its stores on PostgreSQL. See\n" +
			"docs/reliability.md#cutover-bench.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runBench(m, &b.BenchProgress, quiet, asJSON, func() (*app.CutoverBenchReport, error) { return b.Run(c.Context()) },
				func(r *app.CutoverBenchReport) error { return printCutoverReport(m.Stdout, r) })
		},
	}
	f := c.Flags()
	f.IntVar(&b.Accounts, "accounts", 50, "accounts in the fleet")
	f.IntVar(&b.ConversationsPerAccount, "conversations-per-account", 4, "live conversations of each account")
	f.DurationVar(&b.Every, "every", time.Second, "how often each visitor and agent sends and each account's client polls")
	f.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
	f.BoolVar(&quiet, "quiet", false, "no progress bars")
	f.BoolVar(&b.Keep, "keep", false, "keep the data directory (and the PostgreSQL database); the report says where they are")
	f.StringVar(&b.DataDir, "data", "", "where the data directory is made (default: the temporary directory)")
	f.StringVar(&b.DatabaseURL, "database-url", "", "PostgreSQL server on which the run's stores get a database of their own, dropped after unless --keep (default: SQLite in the data dir; the engine's own stays there)")
	return c
}

// printCutoverReport prints the bench's report for people.
func printCutoverReport(out io.Writer, r *app.CutoverBenchReport) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "accounts\t%d (%d upgraded, %d of them reverted), %s stores\n", r.Accounts, r.Upgrades, r.Reverts, r.Store)
	fmt.Fprintf(w, "conversations\t%d\n", r.Conversations)
	fmt.Fprintf(w, "messages\t%d sent, %d delivered by the streams (%d reconnects)\n", r.MessagesSent, r.MessagesDelivered, r.StreamReconnects)
	fmt.Fprintf(w, "lost / duplicated / out of order\t%d / %d / %d\n", r.MessagesLost, r.MessagesDuplicated, r.MessagesOutOfOrder)
	fmt.Fprintf(w, "API requests\t%d (%d 5xx, %d 429, %d without an answer; %d re-authorizations)\n", r.APIRequests, r.API5xx, r.API429, r.APINoAnswer, r.Reauthorizations)
	fmt.Fprintf(w, "longest added latency\t%d ms (%d requests held through a freeze)\n", r.MaxAddedLatencyMS, r.RequestsHeld)
	fmt.Fprintf(w, "chat downtime p99\t%d ms (cutover), %d ms (revert)\n", r.ChatDowntimeP99MS, r.RevertDowntimeP99MS)
	fmt.Fprintf(w, "revert\t%d rows synced back and verified, %d lost\n", r.RevertRowsReverseSynced, r.RevertRowsLost)
	fmt.Fprintf(w, "took\t%.1f s\n", r.Seconds)
	if r.DataDir != "" {
		fmt.Fprintf(w, "kept\t%s %s\n", r.DataDir, r.Database)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "unexpected\t%s\n", e)
	}
	return w.Flush()
}
