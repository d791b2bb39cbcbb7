package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
)

// watchCommand follows an upgrade until it ends: a line for each change of
// state and each step as it starts and ends, and a progress bar in rows/s
// with ETA while its history imports and verifies.
func (m *Main) watchCommand(cl *opsClient) *cobra.Command {
	var every time.Duration
	c := &cobra.Command{Use: "watch ID", Short: "Follow an upgrade: its state, its steps as they happen and import progress with ETA", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if every <= 0 {
				return usagef("--every must be positive")
			}
			w := &watcher{out: m.Stdout, bars: m.Stderr, steps: map[string]string{}}
			defer w.finishBar()
			for {
				u, _, err := cl.upgrade(c.Context(), args[0])
				if err != nil {
					if c.Context().Err() != nil {
						return nil
					}
					return refused("watch", args[0], err)
				}
				w.show(u)
				if chatlift.Terminal(u.State) {
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

// watcher prints what changed in an upgrade since the last poll.
type watcher struct {
	out, bars io.Writer
	state     string
	steps     map[string]string // step name → state last shown
	bar       *progressbar.ProgressBar
	barFor    string
}

// show prints the steps that started or ended since the last poll, then
// the upgrade's line if it changed, so the last line is where it is.
func (w *watcher) show(u *chatlift.Upgrade) {
	for _, s := range u.Steps {
		if s.State == chatlift.StepPending || w.steps[s.Name] == s.State {
			continue
		}
		w.finishBar()
		w.steps[s.Name] = s.State
		line := fmt.Sprintf("  step %-28s %s", s.Name, s.State)
		if d := took(s.StartedAt, s.FinishedAt); d != "-" {
			line += " in " + d
		}
		if s.Error != "" {
			line += ": " + s.Error
		}
		fmt.Fprintln(w.out, line)
	}
	if line := describe(u); line != w.state {
		w.finishBar()
		fmt.Fprintln(w.out, line)
		w.state = line
	}
	w.progress(u)
}

// progress moves the import's bar, one bar per import phase. The rate and
// ETA are the import's own, as the server measures them, in rows/s; the
// bar does not guess them from how often it is polled.
func (w *watcher) progress(u *chatlift.Upgrade) {
	p := u.Import
	if u.State != chatlift.UpgradeImporting || p.Total == 0 || p.State == chatlift.ImportDone {
		return
	}
	if w.bar == nil || w.barFor != p.State {
		w.finishBar()
		w.bar = progressbar.NewOptions64(p.Total, progressbar.OptionSetWriter(w.bars), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(false))
		w.barFor = p.State
	}
	w.bar.Describe(barDescription(p))
	w.bar.Set64(p.Done)
}

// barDescription is what the bar says before it: the phase, the rate in
// rows/s ("-" until measured) and the time left.
func barDescription(p chatlift.ImportProgress) string {
	what := "importing history"
	if p.State == chatlift.ImportVerifying {
		what = "verifying history"
	}
	rate := "- rows/s"
	switch {
	case p.Rate >= 10:
		rate = fmt.Sprintf("%.0f rows/s", p.Rate)
	case p.Rate > 0:
		rate = fmt.Sprintf("%.1f rows/s", p.Rate)
	}
	if p.Rate > 0 && p.Done < p.Total {
		rate += ", about " + (time.Duration(p.ETASeconds) * time.Second).String() + " left"
	}
	return what + ", " + rate
}

func (w *watcher) finishBar() {
	if w.bar != nil {
		w.bar.Finish()
		fmt.Fprintln(w.bars)
		w.bar = nil
	}
}

// describe is one line about where an upgrade is.
func describe(u *chatlift.Upgrade) string {
	line := fmt.Sprintf("%s  account %d  attempt %d  %s", u.ID, u.AccountID, u.Attempt, whereIs(u, time.Now()))
	if u.ChatDowntimeMS > 0 {
		line += fmt.Sprintf("  chat downtime %d ms", u.ChatDowntimeMS)
	}
	if u.State == chatlift.UpgradeImporting {
		line += "  import " + u.Import.State
	}
	if u.Verification != nil {
		line += "  verification " + verificationLine(u.Verification)
	}
	if u.Error != "" {
		line += "  error: " + u.Error
	}
	return line
}
