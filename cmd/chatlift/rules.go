package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// quietHours is the --quiet-hours flag: "START-END" local hours.
type quietHours struct{ r *chatlift.ScheduleRules }

func (q quietHours) String() string { return fmt.Sprintf("%d-%d", q.r.QuietStart, q.r.QuietEnd) }
func (q quietHours) Type() string   { return "hours" }

func (q quietHours) Set(v string) error {
	from, to, ok := strings.Cut(v, "-")
	start, err1 := strconv.Atoi(from)
	end, err2 := strconv.Atoi(to)
	if !ok || err1 != nil || err2 != nil || start < 0 || start > 23 || end < 0 || end > 23 {
		return fmt.Errorf("want START-END with hours 0 to 23, like 22-6")
	}
	q.r.QuietStart, q.r.QuietEnd = start, end
	return nil
}

// addScheduleFlags adds the flags of the rules upgrades are scheduled by.
func addScheduleFlags(c *cobra.Command, r *chatlift.ScheduleRules) {
	*r = chatlift.DefaultScheduleRules
	f := c.Flags()
	f.DurationVar(&r.Notice, "notice", r.Notice, "least time between scheduling an upgrade and running it")
	f.DurationVar(&r.Slot, "slot", r.Slot, "length of an upgrade slot")
	f.IntVar(&r.Capacity, "slot-capacity", r.Capacity, "upgrades one slot holds across the fleet")
	f.Var(quietHours{r}, "quiet-hours", "local hours START-END of each account's time zone in which its upgrade may start (equal: any hour)")
	f.DurationVar(&r.Horizon, "horizon", r.Horizon, "how far ahead a free slot is searched")
}

// checkRules validates the rules after flag parsing.
func checkRules(r chatlift.ScheduleRules) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("schedule flags: %w", err)
	}
	return nil
}

// addRevertWindowFlag adds --revert-window: how long after the switch an
// upgrade can be reverted (0: not at all; its legacy copy is then kept).
func addRevertWindowFlag(c *cobra.Command, w *time.Duration) {
	c.Flags().DurationVar(w, "revert-window", upgrade.DefaultRevertWindow,
		"how long after the switch an upgrade can be reverted; the legacy copy is retired when it ends (0: no revert, the legacy copy kept)")
}
