package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/seed"
)

func (m *Main) seedCommand() *cobra.Command {
	var spec seed.Spec
	var dataDir, databaseURL, from string
	var asJSON bool
	c := &cobra.Command{
		Use:   "seed",
		Short: "Create a fleet of customer accounts (generated, or from a JSON document)",
		Long: "seed creates pairs of legacy chat + support accounts with their agents, users,\n" +
			"configuration, history, apps, OAuth clients and billing, and prints the\n" +
			"credentials it made. The generated fleet is deterministic for a --seed; --from\n" +
			"loads the accounts of a JSON document instead (format: docs/seed-format.md).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if from == "" && (spec.Accounts < 1 || spec.ChatsPerAccount < 0) {
				return fmt.Errorf("--accounts must be at least 1 and --chats-per-account at least 0")
			}
			stores, err := app.OpenStores(c.Context(), dataDir, databaseURL)
			if err != nil {
				return err
			}
			defer stores.Close()
			start := time.Now()
			var creds []*seed.Credentials
			if from != "" {
				creds, err = m.seedFrom(c, stores, from)
			} else {
				bar := progressbar.NewOptions(spec.Accounts, progressbar.OptionSetWriter(m.Stderr),
					progressbar.OptionSetDescription("seeding accounts"), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true))
				creds, err = seed.Fleet(c.Context(), stores.Legacy, stores.Platform, spec, time.Now().UTC(), func(done int) { bar.Set(done) })
				bar.Finish()
				fmt.Fprintln(m.Stderr)
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(creds); err != nil {
					return err
				}
			} else if err := app.PrintCredentials(m.Stdout, creds); err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "seeded %d accounts in %s\n", len(creds), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	f := c.Flags()
	f.IntVar(&spec.Accounts, "accounts", 10, "accounts to generate")
	f.IntVar(&spec.ChatsPerAccount, "chats-per-account", 50, "chats per generated account")
	f.Int64Var(&spec.Seed, "seed", 1, "seed: the same seed makes the same fleet")
	f.BoolVar(&asJSON, "json", false, "print the credentials as JSON")
	f.StringVar(&from, "from", "", "load the accounts of this JSON document instead of generating them")
	f.StringVar(&dataDir, "data", "./chatlift-data", "data directory (SQLite databases when no --database-url)")
	addBackendFlags(c, &databaseURL, nil, nil)
	return c
}

func (m *Main) seedFrom(c *cobra.Command, stores *app.Stores, path string) ([]*seed.Credentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seed document: %w", err)
	}
	defer f.Close()
	accounts, err := seed.ReadDocument(f)
	if err != nil {
		return nil, fmt.Errorf("seed document %s: %w", path, err)
	}
	return seed.LoadDocument(c.Context(), stores.Legacy, stores.Platform, accounts, time.Now().UTC())
}
