package childproc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary is also the children: CHILDPROC_ROLE says which.
//   - child: prints "ready <pid>" and waits for SIGTERM; exits 3 at once
//     when CHILDPROC_FAIL is set.
//   - parent: starts a child through Start, prints "child <pid>", and
//     waits to be killed.
func TestMain(m *testing.M) {
	runtime.LockOSThread() // as chatlift's main does: no child's thread is the main thread
	switch os.Getenv("CHILDPROC_ROLE") {
	case "child":
		if os.Getenv("CHILDPROC_FAIL") != "" {
			os.Exit(3)
		}
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		fmt.Printf("starting\nready %d\n", os.Getpid())
		<-term
		os.Exit(0)
	case "parent":
		p, err := Start(context.Background(), childConfig(0))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("child %s\n", p.Ready())
		select {}
	}
	os.Exit(m.Run())
}

func childConfig(nice int) Config {
	exe, _ := os.Executable()
	return Config{Name: "test child", Command: []string{exe}, Env: []string{"CHILDPROC_ROLE=child"}, Ready: "ready ", Nice: nice,
		Timeout: 20 * time.Second}
}

func TestChild(t *testing.T) {
	base := niceness(t, os.Getpid())
	all, err := AvailableCPUs()
	if err != nil || len(all) == 0 {
		t.Fatalf("available CPUs %v: %v", all, err)
	}
	cfg := childConfig(7)
	cfg.CPUs = all[len(all)-1:] // the last one
	wantCPUs := strconv.Itoa(cfg.CPUs[0])
	p, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	pid := p.Pid()
	if p.Ready() != strconv.Itoa(pid) {
		t.Fatalf("ready %q, pid %d", p.Ready(), pid)
	}

	t.Run("LowerPriority", func(t *testing.T) {
		if got, want := niceness(t, pid), base+7; got != want {
			t.Fatalf("child's niceness %d, want %d", got, want)
		}
		// Only the thread waiting for the child was lowered.
		if lowered, count := threads(t, func(tid int) bool { return niceness(t, tid) != base }); lowered != 1 {
			t.Fatalf("%d of this process's %d threads have their niceness changed, want 1 (the child's waiter)", lowered, count)
		}
	})

	t.Run("ChosenCPUs", func(t *testing.T) {
		if got := cpusAllowed(t, pid); got != wantCPUs {
			t.Fatalf("child runs on CPUs %q, want %q", got, wantCPUs)
		}
		if len(all) == 1 {
			return // nothing narrowed: the one CPU is all of them
		}
		// Only the thread waiting for the child was narrowed.
		narrowed, count := threads(t, func(tid int) bool {
			list, ok := statusField(tid, "Cpus_allowed_list") // not ok: ended since
			return ok && list == wantCPUs
		})
		if narrowed != 1 {
			t.Fatalf("%d of this process's %d threads run on CPUs %s only, want 1 (the child's waiter)", narrowed, count, wantCPUs)
		}
	})

	t.Run("PeakRSS", func(t *testing.T) {
		if rss := p.PeakRSS(); rss < 1<<20 || rss > 1<<32 {
			t.Fatalf("child's peak RSS %d bytes", rss)
		}
	})

	t.Run("StartedAgain", func(t *testing.T) {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for p.Pid() == pid || !alive(p.Pid()) {
			if time.Now().After(deadline) {
				t.Fatal("the killed child was not started again")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got, want := niceness(t, p.Pid()), base+7; got != want {
			t.Fatalf("restarted child's niceness %d, want %d", got, want)
		}
		if got := cpusAllowed(t, p.Pid()); got != wantCPUs {
			t.Fatalf("restarted child runs on CPUs %q, want %q", got, wantCPUs)
		}
	})

	t.Run("Stop", func(t *testing.T) {
		last := p.Pid()
		if err := p.Stop(); err != nil {
			t.Fatal(err)
		}
		if alive(last) {
			t.Fatalf("child %d still running after Stop", last)
		}
	})
}

// TestChildDiesWithParent SIGKILLs a parent: its child goes too.
func TestChildDiesWithParent(t *testing.T) {
	exe, _ := os.Executable()
	parent := exec.Command(exe)
	parent.Env = append(os.Environ(), "CHILDPROC_ROLE=parent")
	var out bytes.Buffer
	parent.Stdout = &out
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	defer parent.Process.Kill()
	var child int
	deadline := time.Now().Add(20 * time.Second)
	for child == 0 {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(out.String()), "child "); ok {
			child, _ = strconv.Atoi(rest)
		}
		if time.Now().After(deadline) {
			t.Fatalf("parent printed %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !alive(child) {
		t.Fatalf("child %d not running", child)
	}
	parent.Process.Kill()
	parent.Wait()
	for deadline = time.Now().Add(10 * time.Second); alive(child); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("child %d outlived its SIGKILLed parent", child)
		}
	}
}

// TestChildCPUsGone starts children on lists of CPUs some or all of which
// this process may no longer run on (as after a cpuset was narrowed): the
// child runs on those left, or where its parent does when none is.
func TestChildCPUsGone(t *testing.T) {
	all, err := AvailableCPUs()
	if err != nil || len(all) == 0 {
		t.Fatalf("available CPUs %v: %v", all, err)
	}
	const gone = 1023 // the highest a CPU set holds; no test machine has it
	if all[len(all)-1] == gone {
		t.Skip("this machine may run on CPU 1023")
	}
	last := all[len(all)-1]
	for _, tc := range []struct {
		cpus, want []int
	}{
		{[]int{gone}, all},
		{[]int{last, gone}, []int{last}},
	} {
		t.Run(fmt.Sprint(tc.cpus), func(t *testing.T) {
			cfg := childConfig(0)
			cfg.CPUs = tc.cpus
			p, err := Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Stop()
			if got, err := CPUsOf(p.Pid()); err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("child runs on CPUs %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

func TestChildNeverReady(t *testing.T) {
	cfg := childConfig(0)
	cfg.Env = append(cfg.Env, "CHILDPROC_FAIL=1")
	_, err := Start(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "test child process exited before it was ready") {
		t.Fatalf("err %v", err)
	}
}

// niceness is field 19 of /proc/pid/stat.
func niceness(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // after "pid (comm) "
	n, err := strconv.Atoi(fields[16])                            // field 19 overall
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// threads counts this process's threads for which is holds, of all.
func threads(t *testing.T, is func(tid int) bool) (matching, all int) {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if tid, _ := strconv.Atoi(task.Name()); is(tid) {
			matching++
		}
	}
	return matching, len(tasks)
}

// cpusAllowed is the Cpus_allowed_list of /proc/pid/status (of a thread of
// this process when pid is one of its thread ids): "1", "0-1".
func cpusAllowed(t *testing.T, pid int) string {
	t.Helper()
	list, ok := statusField(pid, "Cpus_allowed_list")
	if !ok {
		t.Fatalf("no Cpus_allowed_list in /proc/%d/status", pid)
	}
	return list
}

// alive reports whether pid runs (a zombie does not count).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	return !strings.HasPrefix(s[strings.LastIndexByte(s, ')')+2:], "Z")
}
