package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
)

func (m *Main) showCommand(cl *opsClient) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{Use: "show ID", Short: "Show an upgrade: its state, steps, tasks, import and verification", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			u, body, err := cl.upgrade(c.Context(), args[0])
			if err != nil {
				return refused("show", args[0], err)
			}
			if asJSON {
				return writeRaw(m.Stdout, body)
			}
			return writeUpgrade(m.Stdout, u)
		}}
	jsonFlag(c, &asJSON)
	return c
}

// writeUpgrade writes an upgrade for people: its facts, then its steps and
// tasks as tables.
func writeUpgrade(w io.Writer, u *chatlift.Upgrade) error {
	facts := newTable()
	facts.add("upgrade", u.ID)
	facts.add("account", strconv.FormatInt(u.AccountID, 10))
	facts.add("state", whereIs(u, time.Now()))
	facts.add("attempt", strconv.Itoa(u.Attempt))
	facts.add("requested by", u.RequestedBy)
	facts.add("started", when(u.StartedAt))
	facts.add("finished", when(u.FinishedAt))
	facts.add("chat downtime", fmt.Sprintf("%d ms", u.ChatDowntimeMS))
	facts.add("import", importLine(u.Import))
	facts.add("verification", verificationLine(u.Verification))
	addRevert(facts, u.Revert)
	if u.Attention != nil {
		facts.add("needs attention", u.Attention.Reason+" (since "+u.Attention.Since.UTC().Format(timeLayout)+")")
	}
	if u.Error != "" {
		facts.add("error", u.Error)
	}
	steps := newTable("STEP", "STATE", "STARTED", "TOOK", "ERROR")
	for _, s := range u.Steps {
		steps.add(s.Name, s.State, when(s.StartedAt), took(s.StartedAt, s.FinishedAt), s.Error)
	}
	for _, part := range []struct {
		title string
		t     *table
	}{{"", facts}, {"\nSteps\n", steps}, {"\nPre-upgrade tasks\n", tasks(u.PreTasks)}, {"\nPost-upgrade tasks\n", tasks(u.PostTasks)}} {
		if len(part.t.rows) < 2 && part.title != "" {
			continue
		}
		if _, err := io.WriteString(w, part.title); err != nil {
			return err
		}
		if err := part.t.write(w); err != nil {
			return err
		}
	}
	return nil
}

func tasks(list []chatlift.Task) *table {
	t := newTable("TASK", "STATUS", "WHAT")
	for _, k := range list {
		t.add(k.Key, k.Status, k.Title)
	}
	return t
}

// when is a time for people, or "-".
// addRevert adds where the upgrade's revert window stands, if it has one.
func addRevert(facts *table, r chatlift.Revert) {
	switch {
	case r.RevertedAt != nil:
		facts.add("reverted", when(r.RevertedAt))
		facts.add("revert downtime", fmt.Sprintf("%d ms", r.ChatDowntimeMS))
		facts.add("revert verification", verificationLine(r.Verification))
	case r.RetiredAt != nil:
		facts.add("legacy copy", "retired "+when(r.RetiredAt))
	case r.Until != nil:
		facts.add("revertible until", when(r.Until))
	}
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}

// took is how long a step ran, or "-".
func took(start, end *time.Time) string {
	if start == nil || end == nil {
		return "-"
	}
	return end.Sub(*start).Round(time.Millisecond).String()
}

func importLine(p chatlift.ImportProgress) string {
	if p.State == "" || p.State == chatlift.ImportPending {
		return "not started"
	}
	s := fmt.Sprintf("%s, %d of %d rows", p.State, p.Done, p.Total)
	if p.State != chatlift.ImportDone && p.Rate > 0 {
		s += fmt.Sprintf(", %.0f rows/s, about %s left", p.Rate, time.Duration(p.ETASeconds)*time.Second)
	}
	return s
}

func verificationLine(v *chatlift.Verification) string {
	switch {
	case v == nil:
		return "not yet"
	case v.Passed && v.Repaired > 0:
		return fmt.Sprintf("passed, %d rows (%d repaired)", v.Rows, v.Repaired)
	case v.Passed:
		return fmt.Sprintf("passed, %d rows", v.Rows)
	}
	return fmt.Sprintf("found %d rows that differ", v.Mismatches())
}
