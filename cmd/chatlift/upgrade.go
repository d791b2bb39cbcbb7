package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
)

// opsClient talks to a running chatlift's operator API.
type opsClient struct {
	server, token string
	http          *http.Client
}

func (m *Main) upgradeCommand() *cobra.Command {
	cl := &opsClient{http: &http.Client{Timeout: 30 * time.Second}}
	var dataDir string
	c := &cobra.Command{
		Use:   "upgrade",
		Short: "Request, inspect, steer and watch upgrades on a running chatlift",
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			if cl.token == "" {
				b, err := os.ReadFile(filepath.Join(dataDir, "operator-token"))
				if err != nil {
					return fmt.Errorf("no operator token: pass --operator-token or --data of the server (%w)", err)
				}
				cl.token = strings.TrimSpace(string(b))
			}
			return nil
		},
	}
	f := c.PersistentFlags()
	f.StringVar(&cl.server, "server", envOr("CHATLIFT_SERVER", "http://127.0.0.1:8080"), "chatlift server URL (default $CHATLIFT_SERVER)")
	f.StringVar(&cl.token, "operator-token", envOr("CHATLIFT_OPERATOR_TOKEN", ""), "operator token (default $CHATLIFT_OPERATOR_TOKEN, else read from --data)")
	f.StringVar(&dataDir, "data", "./chatlift-data", "the server's data directory, to read the operator token from")
	var account int64
	request := &cobra.Command{Use: "request --account ID", Short: "Request an account's upgrade", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return m.printUpgrade(cl.do(c.Context(), "POST", "/api/v2/upgrades", map[string]int64{"account_id": account}))
		}}
	request.Flags().Int64Var(&account, "account", 0, "account id")
	show := &cobra.Command{Use: "show ID", Short: "Show an upgrade as JSON", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return m.printUpgrade(cl.do(c.Context(), "GET", "/api/v2/upgrades/"+args[0], nil))
		}}
	var at string
	reschedule := &cobra.Command{Use: "reschedule ID --at TIME", Short: "Move an upgrade to the slot starting at TIME (RFC 3339)", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			when, err := time.Parse(time.RFC3339, at)
			if err != nil {
				return fmt.Errorf("--at must be an RFC 3339 time like 2027-01-12T22:00:00Z")
			}
			return m.printUpgrade(cl.do(c.Context(), "POST", "/api/ops/upgrades/"+args[0]+"/reschedule", map[string]time.Time{"scheduled_for": when}))
		}}
	reschedule.Flags().StringVar(&at, "at", "", "the new slot's start (RFC 3339)")
	c.AddCommand(request, show, reschedule, m.listUpgradesCommand(cl), m.watchCommand(cl))
	for _, action := range []string{"run-now", "cancel", "pause", "resume"} {
		c.AddCommand(&cobra.Command{Use: action + " ID", Short: strings.ToUpper(action[:1]) + action[1:] + " an upgrade waiting for its date", Args: cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				return m.printUpgrade(cl.do(c.Context(), "POST", "/api/ops/upgrades/"+args[0]+"/"+action, nil))
			}})
	}
	return c
}

func (m *Main) listUpgradesCommand(cl *opsClient) *cobra.Command {
	var state string
	var attention bool
	c := &cobra.Command{Use: "list", Short: "List upgrades", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			q := url.Values{"limit": {"10000"}, "state": {state}, "attention": {strconv.FormatBool(attention)}}
			body, err := cl.do(c.Context(), "GET", "/api/v2/upgrades?"+q.Encode(), nil)
			if err != nil {
				return err
			}
			var resp struct{ Upgrades []chatlift.Upgrade }
			if err := json.Unmarshal(body, &resp); err != nil {
				return fmt.Errorf("decode upgrades: %w", err)
			}
			fmt.Fprintf(m.Stdout, "%-22s %8s  %-12s %7s  %s\n", "ID", "ACCOUNT", "STATE", "ATTEMPT", "SCHEDULED")
			for _, u := range resp.Upgrades {
				at := "-"
				if u.ScheduledFor != nil {
					at = u.ScheduledFor.Format(time.RFC3339)
				}
				fmt.Fprintf(m.Stdout, "%-22s %8d  %-12s %7d  %s\n", u.ID, u.AccountID, u.State, u.Attempt, at)
				if u.Attention != nil {
					fmt.Fprintf(m.Stdout, "  needs attention since %s: %s\n", u.Attention.Since.Format(time.RFC3339), u.Attention.Reason)
				}
			}
			return nil
		}}
	c.Flags().StringVar(&state, "state", "", "only upgrades in this state")
	c.Flags().BoolVar(&attention, "attention", false, "only upgrades whose cutover or rollback has run too long")
	return c
}

// watchCommand follows an upgrade until it ends, with a progress bar and
// ETA while its history imports.
func (m *Main) watchCommand(cl *opsClient) *cobra.Command {
	var every time.Duration
	c := &cobra.Command{Use: "watch ID", Short: "Follow an upgrade: its state, steps and import progress with ETA", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var bar *progressbar.ProgressBar
			last, barFor := "", ""
			for {
				u, err := cl.upgrade(c.Context(), args[0])
				if err != nil {
					return err
				}
				if line := describe(u); line != last {
					if bar != nil {
						fmt.Fprintln(m.Stderr)
					}
					fmt.Fprintln(m.Stdout, line)
					last = line
				}
				if u.State == chatlift.UpgradeImporting && u.Import.Total > 0 && u.Import.State != chatlift.ImportDone {
					if bar == nil || barFor != u.Import.State {
						if bar != nil {
							bar.Finish()
							fmt.Fprintln(m.Stderr)
						}
						what := map[string]string{chatlift.ImportVerifying: "verifying history"}[u.Import.State]
						if what == "" {
							what = "importing history"
						}
						bar = progressbar.NewOptions64(u.Import.Total, progressbar.OptionSetWriter(m.Stderr), progressbar.OptionSetDescription(what),
							progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionShowIts())
						barFor = u.Import.State
					}
					bar.Set64(u.Import.Done)
				}
				switch u.State {
				case chatlift.UpgradeCompleted, chatlift.UpgradeCancelled:
					return nil
				}
				select {
				case <-c.Context().Done():
					return nil
				case <-time.After(every):
				}
			}
		}}
	c.Flags().DurationVar(&every, "every", 500*time.Millisecond, "how often to poll")
	return c
}

// describe is one line about where an upgrade is.
func describe(u *chatlift.Upgrade) string {
	line := fmt.Sprintf("%s  account %d  attempt %d  %s", u.ID, u.AccountID, u.Attempt, u.State)
	if u.ScheduledFor != nil && (u.State == chatlift.UpgradeScheduled || u.State == chatlift.UpgradeRequested) {
		line += "  for " + u.ScheduledFor.Format(time.RFC3339)
	}
	if u.Paused {
		line += "  (paused)"
	}
	for _, s := range u.Steps {
		if s.State == chatlift.StepRunning || s.State == chatlift.StepFailed {
			line += fmt.Sprintf("  step %s %s", s.Name, s.State)
		}
	}
	if u.ChatDowntimeMS > 0 {
		line += fmt.Sprintf("  chat downtime %d ms", u.ChatDowntimeMS)
	}
	if u.State == chatlift.UpgradeImporting {
		line += "  import " + u.Import.State
	}
	if v := u.Verification; v != nil {
		if v.Passed {
			line += fmt.Sprintf("  verified %d rows", v.Rows)
			if v.Repaired > 0 {
				line += fmt.Sprintf(" (%d repaired)", v.Repaired)
			}
		} else {
			line += fmt.Sprintf("  verification found %d rows that differ", v.Mismatches())
		}
	}
	if u.Error != "" {
		line += "  error: " + u.Error
	}
	return line
}

func (cl *opsClient) upgrade(ctx context.Context, id string) (*chatlift.Upgrade, error) {
	body, err := cl.do(ctx, "GET", "/api/v2/upgrades/"+id, nil)
	if err != nil {
		return nil, err
	}
	var resp struct{ Upgrade *chatlift.Upgrade }
	if err := json.Unmarshal(body, &resp); err != nil || resp.Upgrade == nil {
		return nil, fmt.Errorf("decode upgrade: unexpected answer %.200s", body)
	}
	return resp.Upgrade, nil
}

// do sends a request and returns the body of a 2xx answer; any other
// answer becomes an error with the server's description.
func (cl *opsClient) do(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(cl.server, "/")+path, rd)
	if err != nil {
		return nil, fmt.Errorf("bad --server: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+cl.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := cl.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach chatlift at %s: %w", cl.server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var e struct{ Error, Description string }
		json.Unmarshal(b, &e)
		return nil, fmt.Errorf("%s %s: %d %s: %s", method, path, resp.StatusCode, e.Error, e.Description)
	}
	return b, nil
}

func (m *Main) printUpgrade(body []byte, err error) error {
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	_, err = fmt.Fprintln(m.Stdout, out.String())
	return err
}
