package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
)

// timeLayout is how times are shown to people.
const timeLayout = "2006-01-02 15:04 MST"

func (m *Main) requestCommand(cl *opsClient) *cobra.Command {
	var account int64
	var asJSON bool
	c := &cobra.Command{Use: "request --account ID", Short: "Request an account's upgrade", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if account <= 0 {
				return usagef("--account is required: the id of the account to upgrade")
			}
			body, err := cl.do(c.Context(), "POST", "/api/v2/upgrades", map[string]int64{"account_id": account})
			if e := (*apiError)(nil); errors.As(err, &e) && e.UpgradeID != "" {
				return fmt.Errorf("request refused: %s (see 'chatlift upgrade show %s')", e.Description, e.UpgradeID)
			}
			return m.printAction("request", "", asJSON, body, err)
		}}
	c.Flags().Int64Var(&account, "account", 0, "the account's id (required)")
	jsonFlag(c, &asJSON)
	return c
}

func (m *Main) rescheduleCommand(cl *opsClient) *cobra.Command {
	var at string
	var asJSON bool
	c := &cobra.Command{Use: "reschedule ID --at TIME", Short: "Move an upgrade waiting for its date to the slot starting at TIME", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if at == "" {
				return usagef("--at is required: the new slot's start, like 2027-01-12T22:00:00Z")
			}
			when, err := time.Parse(time.RFC3339, at)
			if err != nil {
				return usagef("--at must be an RFC 3339 time like 2027-01-12T22:00:00Z, not %q", at)
			}
			body, err := cl.do(c.Context(), "POST", "/api/ops/upgrades/"+args[0]+"/reschedule", map[string]time.Time{"scheduled_for": when})
			return m.printAction("reschedule", args[0], asJSON, body, err)
		}}
	c.Flags().StringVar(&at, "at", "", "the new slot's start, RFC 3339 (required)")
	jsonFlag(c, &asJSON)
	return c
}

// actionShort is each action's help line.
var actionShort = map[string]string{
	"run-now": "Run an upgrade waiting for its date now",
	"pause":   "Hold an upgrade at its date until resumed",
	"resume":  "Let a paused upgrade run at its date",
	"cancel":  "Cancel an upgrade that has not switched chat yet",
	"revert":  "Move a completed upgrade's chat back to the legacy product, within its revert window",
	"finish":  "End a completed upgrade's revert window now, retiring the legacy copy",
}

func (m *Main) actionCommand(cl *opsClient, action string) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{Use: action + " ID", Short: actionShort[action], Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			body, err := cl.do(c.Context(), "POST", "/api/ops/upgrades/"+args[0]+"/"+action, nil)
			return m.printAction(action, args[0], asJSON, body, err)
		}}
	jsonFlag(c, &asJSON)
	return c
}

// jsonFlag adds --json.
func jsonFlag(c *cobra.Command, asJSON *bool) {
	c.Flags().BoolVar(asJSON, "json", false, "print the server's answer as JSON instead")
}

// printAction prints the answer to an action: one summary line, or the
// server's JSON; a refusal becomes the error, with its reason.
func (m *Main) printAction(action, id string, asJSON bool, body []byte, err error) error {
	if err != nil {
		return refused(action, id, err)
	}
	u, err := decodeUpgrade(body)
	if err != nil {
		return err
	}
	if asJSON {
		return writeRaw(m.Stdout, body)
	}
	where := whereIs(u, time.Now())
	if action == "run-now" && u.State == chatlift.UpgradeScheduled {
		where = "scheduled (starting now)" // the answer may still show the date it no longer waits for
	}
	if action == "finish" && u.Revert.RetiredAt != nil {
		where += " (legacy copy retired)"
	}
	_, err = fmt.Fprintf(m.Stdout, "%s accepted: %s (account %d) is %s\n", action, u.ID, u.AccountID, where)
	return err
}

// whereIs says in a few words where an upgrade is.
func whereIs(u *chatlift.Upgrade, now time.Time) string {
	var s string
	switch {
	case u.State == chatlift.UpgradeScheduled && u.ScheduledFor != nil && !u.ScheduledFor.After(now.Add(time.Minute)):
		s = "scheduled (starting now)"
	case u.State == chatlift.UpgradeScheduled && u.ScheduledFor != nil:
		s = "scheduled for " + u.ScheduledFor.UTC().Format(timeLayout)
	case u.State == chatlift.UpgradeRequested:
		s = "requested; its date is being chosen"
	default:
		s = strings.ReplaceAll(u.State, "_", " ")
	}
	if u.Paused {
		s += ", paused"
	}
	return s
}

// writeRaw writes a JSON answer indented, as the server sent it.
func writeRaw(w io.Writer, body []byte) error {
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}
