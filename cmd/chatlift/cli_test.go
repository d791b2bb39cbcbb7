package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// run is one run of the chatlift program.
type run struct {
	stdout, stderr string
	status         int
}

// runCLI runs the program with args and returns what it printed and its
// exit status.
func runCLI(t *testing.T, args ...string) run {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("chatlift %s: %v", strings.Join(args, " "), err)
	}
	return run{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// want fails the test unless the run ended with status and its last
// stderr line (status > 0) or its stdout (status 0) matches pattern.
func (r run) want(t *testing.T, status int, pattern string) []string {
	t.Helper()
	text := r.stdout
	if status != 0 {
		text = lastLine(r.stderr)
	}
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if r.status != status || m == nil {
		t.Fatalf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", r.status, status, pattern, r.stdout, r.stderr)
	}
	if status != 0 && !strings.HasPrefix(text, "chatlift: ") {
		t.Fatalf("last stderr line %q does not start with chatlift:", text)
	}
	return m
}

// decode parses the run's stdout as JSON into v.
func (r run) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("stdout is not the JSON wanted: %v\n%s", err, r.stdout)
	}
}

// checkWidth fails the test if a line of out is wider than cols terminal
// columns.
func checkWidth(t *testing.T, out string, cols int) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if w := runewidth.StringWidth(line); w > cols {
			t.Errorf("line of %d columns, more than %d: %q", w, cols, line)
		}
	}
}

// columnStarts is where each cell of a table's line starts, in terminal
// columns; cells are looked for in order, each after the one before.
func columnStarts(line string, cells ...string) []int {
	var at []int
	from := 0
	for _, c := range cells {
		i := from + strings.Index(line[from:], c)
		at = append(at, runewidth.StringWidth(line[:i]))
		from = i + len(c)
	}
	return at
}

func TestCLIUsage(t *testing.T) {
	t.Parallel()
	noServer := []string{"--server", "http://127.0.0.1:1", "--operator-token", "x"}
	for name, tc := range map[string]struct {
		args   []string
		status int
		want   string
	}{
		"UnknownCommand":      {[]string{"frobnicate"}, 2, `unknown command "frobnicate" for "chatlift"`},
		"UnknownSubcommand":   {[]string{"upgrade", "lst"}, 2, `unknown command "lst" for "chatlift upgrade"; did you mean "list"\?`},
		"UnknownBenchCommand": {[]string{"bench", "imprt"}, 2, `unknown command "imprt" for "chatlift bench"`},
		"UnknownFlag":         {[]string{"upgrade", "list", "--nope"}, 2, `unknown flag: --nope`},
		"BadFlagValue":        {[]string{"upgrade", "list", "--account", "two"}, 2, `invalid argument "two" for "--account"`},
		"MissingID":           {[]string{"upgrade", "show"}, 2, `accepts 1 arg\(s\), received 0 \(see 'chatlift upgrade show --help'\)`},
		"RequestNeedsAccount": {[]string{"upgrade", "request"}, 2, `--account is required`},
		"RescheduleNeedsAt":   {[]string{"upgrade", "reschedule", "upg_0000000000000000"}, 2, `--at is required`},
		"RescheduleBadAt":     {[]string{"upgrade", "reschedule", "upg_0000000000000000", "--at", "tomorrow"}, 2, `--at must be an RFC 3339 time`},
		"ListBadState":        {[]string{"upgrade", "list", "--state", "done"}, 2, `--state must be one of requested, scheduled, .*, not "done"`},
		"ListBadPageSize":     {[]string{"upgrade", "list", "--page-size", "0"}, 2, `--page-size must be between 1 and 10000`},
		"ServerUnreachable":   {append([]string{"upgrade", "list"}, noServer...), 1, `reach chatlift at http://127.0.0.1:1 \(--server\)`},
		"SeedNeedsAccounts":   {[]string{"seed", "--accounts", "0"}, 1, `--accounts must be at least 1`},
		"HoldPastWriteTimeout": {[]string{"serve", "--data", "/nonexistent/chatlift", "--hold", "2m"}, 2,
			`--hold 2m0s must be shorter than --http-write-timeout 1m0s`},
		"BadRevertWindow": {[]string{"worker", "--temporal-address", "127.0.0.1:1", "--revert-window", "-1h"}, 2, `--revert-window cannot be negative`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runCLI(t, tc.args...).want(t, tc.status, tc.want)
		})
	}
	t.Run("GroupWithoutSubcommandShowsHelp", func(t *testing.T) {
		t.Parallel()
		runCLI(t, "upgrade").want(t, 0, `Exit status: 0 done; 1 failed or refused(.|\n)*Available Commands:(.|\n)*run-now`)
	})
}
