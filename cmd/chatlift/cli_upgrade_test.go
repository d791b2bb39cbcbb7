package main_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

type listed struct {
	Upgrades []struct {
		ID        string `json:"id"`
		AccountID int64  `json:"account_id"`
		State     string `json:"state"`
		Paused    bool   `json:"paused"`
	} `json:"upgrades"`
}

// TestCLIUpgrades drives upgrades on a running serve through the CLI only:
// summaries, tables, --json and exit statuses.
func TestCLIUpgrades(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--operator-token", "op-cli")
	s.waitHealthy(t, 20*time.Second)
	up := func(args ...string) run {
		t.Helper()
		return runCLI(t, append(append([]string{"upgrade"}, args...), "--server", s.url, "--operator-token", "op-cli")...)
	}
	ids := map[int64]string{}

	t.Run("ServeCredentialsFit100Columns", func(t *testing.T) {
		checkWidth(t, s.stdout.String(), 100)
		if !strings.Contains(s.stdout.String(), "OAuth client (public)") {
			t.Fatalf("no public OAuth client among the demo credentials:\n%s", s.stdout)
		}
	})
	t.Run("Request", func(t *testing.T) {
		ids[2] = up("request", "--account", "2").want(t, 0, `^request accepted: (upg_[0-9a-f]{16}) \(account 2\) is (requested|scheduled)`)[1]
		var body upgradeBody
		up("request", "--account", "3", "--json").decode(t, &body)
		if !strings.HasPrefix(body.Upgrade.ID, "upg_") {
			t.Fatalf("request --json: %+v", body)
		}
		ids[3] = body.Upgrade.ID
		for _, a := range []int64{1, 4, 5, 6} {
			ids[a] = up("request", "--account", fmt.Sprint(a)).want(t, 0, `^request accepted: (upg_\w+)`)[1]
		}
		for _, id := range ids {
			waitState(t, s, "Bearer op-cli", id, "scheduled", 20*time.Second)
		}
	})
	t.Run("ErrRequestedTwice", func(t *testing.T) {
		up("request", "--account", "2").want(t, 1, `request refused: account 2 already has upgrade `+ids[2]+`.*chatlift upgrade show `+ids[2])
	})
	t.Run("ErrBadToken", func(t *testing.T) {
		runCLI(t, "upgrade", "list", "--server", s.url, "--operator-token", "wrong").want(t, 1, `list refused: the operator token is wrong`)
	})
	t.Run("ListTable", func(t *testing.T) {
		out := up("list")
		out.want(t, 0, `^ID +ACCOUNT +STATE +ATTEMPT +SCHEDULED +NOTE\n`)
		lines := strings.Split(strings.TrimSpace(out.stdout), "\n")
		if len(lines) != 7 {
			t.Fatalf("list printed %d lines, want a header and 6 upgrades:\n%s", len(lines), out.stdout)
		}
		starts := columnStarts(lines[0], "ID", "ACCOUNT", "STATE", "ATTEMPT")
		for _, line := range lines[1:] {
			fields := strings.Fields(line)
			if got := columnStarts(line, fields[0], fields[1], fields[2], fields[3]); !slices.Equal(got, starts) {
				t.Errorf("row %q: columns start at %v, header at %v", line, got, starts)
			}
		}
		if !strings.Contains(out.stderr, "6 upgrades") {
			t.Errorf("stderr: %q", out.stderr)
		}
	})
	t.Run("ListJSONPagesThroughAll", func(t *testing.T) {
		var all listed
		up("list", "--json", "--page-size", "2").decode(t, &all)
		var got []string
		for _, u := range all.Upgrades {
			got = append(got, u.ID)
		}
		want := mapValues(ids)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("list --page-size 2 --json listed %v, want %v", got, want)
		}
	})
	t.Run("ListFilters", func(t *testing.T) {
		var one listed
		up("list", "--json", "--account", "3").decode(t, &one)
		if len(one.Upgrades) != 1 || one.Upgrades[0].ID != ids[3] {
			t.Fatalf("list --account 3: %+v", one)
		}
		var none listed
		up("list", "--json", "--state", "cancelled").decode(t, &none)
		up("list", "--json", "--attention").decode(t, &none)
		if len(none.Upgrades) != 0 {
			t.Fatalf("list --state cancelled / --attention: %+v", none)
		}
	})
	t.Run("Show", func(t *testing.T) {
		up("show", ids[2]).want(t, 0, `^upgrade +`+ids[2]+`\naccount +2\nstate +scheduled for \d{4}-\d\d-\d\d \d\d:\d\d UTC\n(.|\n)*\nSteps\nSTEP +STATE +STARTED +TOOK +ERROR\nconsolidate_billing +pending(.|\n)*\nPre-upgrade tasks\nTASK +STATUS +WHAT\n`)
		up("show", ids[2]).want(t, 0, `(?m)^add_chat_agents_to_sso +\w+ +Add chat-only agents to your SAML .{5}…$`) // wide cells are cut at 40 columns
		var body upgradeBody
		up("show", ids[2], "--json").decode(t, &body)
		if body.Upgrade.ID != ids[2] || body.Upgrade.State != "scheduled" {
			t.Fatalf("show --json: %+v", body)
		}
		up("show", "upg_0000000000000000").want(t, 1, `show refused: no upgrade upg_0000000000000000`)
	})
	t.Run("PauseResumeReschedule", func(t *testing.T) {
		id := ids[2]
		up("pause", id).want(t, 0, `^pause accepted: `+id+` \(account 2\) is scheduled for .* UTC, paused\n$`)
		var body struct{ Upgrade struct{ Paused bool } }
		up("resume", id, "--json").decode(t, &body)
		if body.Upgrade.Paused {
			t.Fatalf("resume --json answered a paused upgrade")
		}
		at := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
		up("reschedule", id, "--at", at.Format(time.RFC3339)).want(t, 0,
			`^reschedule accepted: `+id+` \(account 2\) is scheduled for `+at.Format("2006-01-02 15:04")+` UTC\n$`)
		up("reschedule", id, "--at", at.Add(time.Minute).Format(time.RFC3339)).want(t, 1, `reschedule refused: --at must start a slot`)
	})
	t.Run("RunNowAndWatch", func(t *testing.T) {
		id := ids[2]
		up("run-now", id).want(t, 0, `^run-now accepted: `+id+` \(account 2\) is (scheduled \(starting now\)|preparing|migrating|upgraded|importing|completed)\n$`)
		up("pause", "upg_0000000000000000").want(t, 1, `pause refused: no upgrade upg_0000000000000000`)
		up("watch", id, "--every", "20ms").want(t, 0, `(?s)step switch_chat +done.*`+id+`  account 2  attempt 1  completed  chat downtime \d+ ms  verification passed, \d+ rows\n$`)
		up("cancel", id).want(t, 1, `cancel refused: upgrade `+id+` is completed; cancel does not apply`)
	})
	t.Run("Cancel", func(t *testing.T) {
		up("cancel", ids[3]).want(t, 0, `^cancel accepted: `+ids[3]+` \(account 3\) is cancelled\n$`)
		var cancelled listed
		up("list", "--json", "--state", "cancelled").decode(t, &cancelled)
		if len(cancelled.Upgrades) != 1 || cancelled.Upgrades[0].ID != ids[3] {
			t.Fatalf("list --state cancelled: %+v", cancelled)
		}
	})
}

// mapValues is the map's values, sorted.
func mapValues(m map[int64]string) []string {
	var v []string
	for _, s := range m {
		v = append(v, s)
	}
	slices.Sort(v)
	return v
}
