package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
)

// listQuery is what upgrade list asks for.
type listQuery struct {
	state     string
	account   int64
	attention bool
	pageSize  int
}

func (m *Main) listCommand(cl *opsClient) *cobra.Command {
	var q listQuery
	var asJSON bool
	c := &cobra.Command{Use: "list", Short: "List every upgrade, page after page, optionally filtered", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch {
			case q.state != "" && !slices.Contains(chatlift.UpgradeStates, q.state):
				return usagef("--state must be one of %s, not %q", strings.Join(chatlift.UpgradeStates, ", "), q.state)
			case q.account < 0:
				return usagef("--account must be an account id")
			case q.pageSize < 1 || q.pageSize > chatlift.MaxLimit:
				return usagef("--page-size must be between 1 and %d", chatlift.MaxLimit)
			}
			raw, err := cl.listAll(c.Context(), q)
			if err != nil {
				return refused("list", "", err)
			}
			if asJSON {
				return writeJSON(m.Stdout, map[string]any{"upgrades": raw})
			}
			return m.writeList(raw)
		}}
	f := c.Flags()
	f.StringVar(&q.state, "state", "", "only upgrades in this state ("+strings.Join(chatlift.UpgradeStates, ", ")+")")
	f.Int64Var(&q.account, "account", 0, "only this account's upgrades")
	f.BoolVar(&q.attention, "attention", false, "only upgrades whose cutover or rollback has run too long")
	f.IntVar(&q.pageSize, "page-size", 500, "upgrades asked for per request; every page is listed")
	jsonFlag(c, &asJSON)
	return c
}

// listAll follows next_after_id until the last page and returns every
// upgrade as the server sent it.
func (cl *opsClient) listAll(ctx context.Context, q listQuery) ([]json.RawMessage, error) {
	v := url.Values{"limit": {strconv.Itoa(q.pageSize)}}
	if q.state != "" {
		v.Set("state", q.state)
	}
	if q.account > 0 {
		v.Set("account_id", strconv.FormatInt(q.account, 10))
	}
	if q.attention {
		v.Set("attention", "true")
	}
	all := []json.RawMessage{}
	for {
		body, err := cl.do(ctx, "GET", "/api/v2/upgrades?"+v.Encode(), nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			Upgrades    []json.RawMessage `json:"upgrades"`
			NextAfterID string            `json:"next_after_id"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("decode upgrades: %w", err)
		}
		all = append(all, page.Upgrades...)
		if page.NextAfterID == "" || len(page.Upgrades) == 0 {
			return all, nil
		}
		v.Set("after_id", page.NextAfterID)
	}
}

// writeList writes the upgrades as a table, with what needs attention.
func (m *Main) writeList(raw []json.RawMessage) error {
	t := newTable("ID", "ACCOUNT", "STATE", "ATTEMPT", "SCHEDULED", "NOTE")
	for _, r := range raw {
		var u chatlift.Upgrade
		if err := json.Unmarshal(r, &u); err != nil {
			return fmt.Errorf("decode upgrade: %w", err)
		}
		state := u.State
		if u.Paused {
			state += " (paused)"
		}
		note := u.Error
		if u.Attention != nil {
			note = "needs attention: " + u.Attention.Reason
		}
		t.add(u.ID, strconv.FormatInt(u.AccountID, 10), state, strconv.Itoa(u.Attempt), when(u.ScheduledFor), note)
	}
	if err := t.write(m.Stdout); err != nil {
		return err
	}
	noun := "upgrades"
	if len(raw) == 1 {
		noun = "upgrade"
	}
	_, err := fmt.Fprintf(m.Stderr, "%d %s\n", len(raw), noun)
	return err
}
