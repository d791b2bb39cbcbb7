package main_test

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// TestCLIWatch follows an upgrade with `upgrade watch` while it runs, its
// history import paced by the import limits so that it takes seconds: each
// step is printed as it happens (while the upgrade is still running, in the
// order the steps ran), and the import's bar advances in rows/s.
func TestCLIWatch(t *testing.T) {
	s := startServe(t, "--data", t.TempDir(), "--operator-token", "op-watch", "--demo-chats", "60")
	s.waitHealthy(t, 20*time.Second)
	const op = "Bearer op-watch"
	api(t, "PUT", s.url+"/api/ops/import/settings", op, chatlift.ImportSettings{RowsPerSecond: 60, MaxConcurrent: 4}, http.StatusOK, nil)
	var req upgradeBody
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": 2}, http.StatusCreated, &req)
	id := req.Upgrade.ID
	waitState(t, s, op, id, chatlift.UpgradeScheduled, 20*time.Second)

	w := startWatch(t, s.url, "op-watch", id)
	api(t, "POST", s.url+"/api/ops/upgrades/"+id+"/run-now", op, nil, http.StatusOK, nil)
	var steps []string // in the order watch printed them
	for line := range w.lines {
		m := regexp.MustCompile(`^  step (\w+) +(\w+)`).FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if !slices.Contains(steps, m[1]) {
			steps = append(steps, m[1])
		}
		if m[1] == "switch_chat" && m[2] == chatlift.StepDone {
			var now struct{ Upgrade chatlift.Upgrade }
			api(t, "GET", s.url+"/api/v2/upgrades/"+id, op, nil, http.StatusOK, &now)
			if chatlift.Terminal(now.Upgrade.State) {
				t.Errorf("the switch was printed only once the upgrade was %s, not as it happened", now.Upgrade.State)
			}
		}
	}
	stdout, stderr := w.wait(t, 90*time.Second)

	var done struct{ Upgrade chatlift.Upgrade }
	api(t, "GET", s.url+"/api/v2/upgrades/"+id, op, nil, http.StatusOK, &done)
	if done.Upgrade.State != chatlift.UpgradeCompleted {
		t.Fatalf("upgrade %s, not completed\nstdout:\n%s", done.Upgrade.State, stdout)
	}
	t.Run("StepsInTheOrderTheyRan", func(t *testing.T) {
		ran := slices.Clone(done.Upgrade.Steps)
		ran = slices.DeleteFunc(ran, func(s chatlift.Step) bool { return s.StartedAt == nil })
		slices.SortStableFunc(ran, func(a, b chatlift.Step) int { return a.StartedAt.Compare(*b.StartedAt) })
		var want []string
		for _, s := range ran {
			want = append(want, s.Name)
		}
		if !slices.Equal(steps, want) {
			t.Errorf("watch printed the steps %v, want %v as they ran\nstdout:\n%s", steps, want, stdout)
		}
		if !strings.HasSuffix(stdout, "completed  chat downtime "+strconv.FormatInt(done.Upgrade.ChatDowntimeMS, 10)+" ms  verification passed, "+
			strconv.FormatInt(done.Upgrade.Verification.Rows, 10)+" rows\n") {
			t.Errorf("the last line is not where the upgrade is:\n%s", stdout)
		}
	})
	t.Run("ImportBarInRowsPerSecond", func(t *testing.T) {
		if strings.Contains(stderr, "it/s") {
			t.Errorf("the bar counts in it/s:\n%q", stderr)
		}
		renders := barRenders(stderr, "importing history")
		var seen []int64
		measured := false
		for _, r := range renders {
			measured = measured || r.measured
			if r.unit != "rows/s" {
				t.Errorf("a render of the bar is in %s, not rows/s: %q", r.unit, r.text)
			}
			if strings.Contains(r.text, "[") {
				t.Errorf("a render guesses the time left from the polls: %q", r.text)
			}
			if r.total != done.Upgrade.Import.Total {
				t.Errorf("a render counts to %d, the import has %d rows: %q", r.total, done.Upgrade.Import.Total, r.text)
			}
			if len(seen) == 0 || r.done != seen[len(seen)-1] {
				seen = append(seen, r.done)
			}
		}
		if !slices.IsSorted(seen) || len(seen) < 3 || seen[len(seen)-1] != done.Upgrade.Import.Total {
			t.Errorf("the bar went through %v rows, want at least 3 counts rising to %d\nstderr:\n%q", seen, done.Upgrade.Import.Total, stderr)
		}
		if !measured {
			t.Errorf("the bar never showed a rate:\n%q", stderr)
		}
	})
}

// watchRun is a running `chatlift upgrade watch`: its stdout line by line
// as it is printed, its stderr kept whole.
type watchRun struct {
	cmd    *exec.Cmd
	lines  chan string
	mu     sync.Mutex
	out    strings.Builder
	errOut strings.Builder
	errs   chan struct{}
}

func startWatch(t *testing.T, server, token, id string) *watchRun {
	t.Helper()
	w := &watchRun{lines: make(chan string, 1000), errs: make(chan struct{})}
	w.cmd = exec.Command(binary, "upgrade", "watch", id, "--every", "100ms", "--server", server, "--operator-token", token)
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.cmd.Process.Kill() })
	go func() {
		defer close(w.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			w.mu.Lock()
			w.out.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			w.lines <- sc.Text()
		}
	}()
	go func() {
		defer close(w.errs)
		b, _ := io.ReadAll(stderr)
		w.mu.Lock()
		w.errOut.Write(b)
		w.mu.Unlock()
	}()
	return w
}

// wait waits for watch to end by itself, with status 0, and returns what it printed.
func (w *watchRun) wait(t *testing.T, within time.Duration) (stdout, stderr string) {
	t.Helper()
	select {
	case <-w.errs:
	case <-time.After(within):
		t.Fatalf("watch did not end within %s", within)
	}
	err := w.cmd.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		t.Fatalf("watch: %v\nstdout:\n%s\nstderr:\n%q", err, w.out.String(), w.errOut.String())
	}
	return w.out.String(), w.errOut.String()
}

// barRender is one drawing of a progress bar.
type barRender struct {
	text        string
	done, total int64
	measured    bool // a rate, not "-"
	unit        string
}

// barRE reads a drawing: "importing history, 60 rows/s, about 4s left  40% |████   | (154/384)".
var barRE = regexp.MustCompile(`^\w+ history, ([\d.]+|-) ([a-z]+/[a-z]+)\b.*\((\d+)/(\d+)\)`)

// barRenders are the drawings of the bar described as what, in order: a
// terminal sees each replace the one before (\r).
func barRenders(stderr, what string) []barRender {
	var out []barRender
	for _, seg := range strings.FieldsFunc(stderr, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if !strings.Contains(seg, what) {
			continue
		}
		m := barRE.FindStringSubmatch(seg)
		if m == nil {
			continue
		}
		done, _ := strconv.ParseInt(m[3], 10, 64)
		total, _ := strconv.ParseInt(m[4], 10, 64)
		out = append(out, barRender{text: seg, done: done, total: total, measured: m[1] != "-", unit: m[2]})
	}
	return out
}
