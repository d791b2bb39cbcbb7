package main_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chatlift/chatlift/internal/childproc"
)

// TestServeChildren: serve runs its engine (at a lower priority) and its
// worker as child processes; a worker killed at a step (an injected crash) is
// started again by serve, which never stops, and the upgrade completes in
// its first attempt; a SIGKILLed serve takes its children with it. The
// children run on the CPUs serve does not keep for itself (--api-cpus).
func TestServeChildren(t *testing.T) {
	data, op := t.TempDir(), "Bearer op-e2e"
	s := startServe(t, "--data", data, "--fault-injection", "--operator-token", "op-e2e", "--demo-accounts", "2", "--demo-chats", "12")
	s.waitHealthy(t, 20*time.Second)
	serve := s.cmd.Process.Pid
	kids := children(t, serve)
	engine, worker := kids["engine"], kids["worker"]
	if len(kids) != 2 || engine == 0 || worker == 0 {
		t.Fatalf("serve's children: %v, want one engine and one worker", kids)
	}
	for name, add := range map[string]int{"engine": 10, "worker": 0} { // --engine-nice, --worker-nice
		if got, want := niceness(t, kids[name]), niceness(t, serve)+add; got != want {
			t.Errorf("%s child's niceness %d, want %d", name, got, want)
		}
	}
	// --api-cpus 1: serve keeps its first CPU; the children run on the
	// others, at GOGC=400 (when the test's environment sets none).
	all := cpusOf(t, serve)
	wantCPUs := all
	if len(all) > 1 {
		wantCPUs = all[1:]
	}
	for name, pid := range kids {
		if got := cpusOf(t, pid); !slices.Equal(got, wantCPUs) {
			t.Errorf("%s child runs on CPUs %v, want %v (serve's: %v)", name, got, wantCPUs, all)
		}
		if env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid)); os.Getenv("GOGC") == "" && !strings.Contains("\x00"+string(env), "\x00GOGC=400\x00") {
			t.Errorf("%s child's environment has no GOGC=400", name)
		}
	}

	t.Run("WorkerCrashAtAStep", func(t *testing.T) {
		account := readCredentials(t, data)[1].AccountID
		api(t, "POST", s.url+"/api/ops/faults", op, map[string]any{"account_id": account, "step": "copy_configuration", "mode": "crash"}, http.StatusCreated, nil)
		var u upgradeBody
		api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": account}, http.StatusCreated, &u)
		waitState(t, s, op, u.Upgrade.ID, "scheduled", 20*time.Second)
		api(t, "POST", s.url+"/api/ops/upgrades/"+u.Upgrade.ID+"/run-now", op, nil, http.StatusOK, nil)
		done := waitState(t, s, op, u.Upgrade.ID, "completed", 90*time.Second)
		if done.Upgrade.Attempt != 1 || done.Upgrade.Import.Done != done.Upgrade.Import.Total || done.Upgrade.Verification == nil {
			t.Fatalf("attempt %d, import %d of %d, verification %+v", done.Upgrade.Attempt, done.Upgrade.Import.Done, done.Upgrade.Import.Total, done.Upgrade.Verification)
		}
		if alive(worker) {
			t.Fatalf("worker %d still running: the crash did not happen in it", worker)
		}
		select {
		case err := <-s.exited:
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if !strings.Contains(s.stderr.String(), "injected crash") || !strings.Contains(s.stderr.String(), "child process exited; starting it again") {
			t.Fatalf("no crash and restart in the log:\n%s", s.stderr)
		}
		again := children(t, serve)
		if again["worker"] == 0 || again["worker"] == worker || again["engine"] != engine {
			t.Fatalf("children after the crash %v, before %v: want a new worker and the same engine", again, kids)
		}
		worker = again["worker"]
		if got := cpusOf(t, worker); !slices.Equal(got, wantCPUs) {
			t.Errorf("restarted worker runs on CPUs %v, want %v", got, wantCPUs)
		}
	})

	t.Run("DieWithServe", func(t *testing.T) {
		s.cmd.Process.Kill()
		<-s.exited
		for _, pid := range []int{engine, worker} {
			deadline := time.Now().Add(10 * time.Second)
			for alive(pid) {
				if time.Now().After(deadline) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Fatalf("child %d outlived its SIGKILLed serve", pid)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		// The next serve takes the data dir over, engine included.
		s = startServe(t, "--data", data, "--operator-token", "op-e2e")
		s.waitHealthy(t, 30*time.Second)
	})
}

// children finds parent's child processes by the command each runs.
func children(t *testing.T, parent int) map[string]int {
	t.Helper()
	procs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	kids := map[string]int{}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || !alive(pid) || stat(pid)[1] != strconv.Itoa(parent) {
			continue
		}
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		args := strings.Split(string(cmdline), "\x00")
		for _, cmd := range []string{"engine", "worker"} {
			if len(args) > 3 && args[3] == cmd { // chatlift --log-level LEVEL cmd ...
				kids[cmd] = pid
			}
		}
	}
	return kids
}

func niceness(t *testing.T, pid int) int {
	t.Helper()
	n, err := strconv.Atoi(stat(pid)[16]) // field 19 of /proc/pid/stat
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// stat is /proc/pid/stat's fields after "pid (comm)": state, ppid, ...
func stat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return []string{"X", "0"}
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
}

// cpusOf are the CPUs pid may run on.
func cpusOf(t *testing.T, pid int) []int {
	t.Helper()
	cpus, err := childproc.CPUsOf(pid)
	if err != nil {
		t.Fatal(err)
	}
	return cpus
}

// alive reports whether pid runs (a zombie does not count).
func alive(pid int) bool { return stat(pid)[0] != "X" && stat(pid)[0] != "Z" }
