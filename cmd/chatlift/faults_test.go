package main_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// TestFaultMatrixCrash is the fault matrix's crash column on the real
// program: one demo account per step where a fault can be armed, a crash
// fault armed at that step of that account through the API before any
// upgrade starts, and every upgrade run at once. Each crash kills serve
// (kill -9); serve is started again over the same data, and the faults not
// yet fired are still armed. In the end each fault fired exactly once
// (one crash each), and every upgrade completed in its first attempt with
// its whole history imported and verified, or, when the crashes (its own
// and the other accounts', all in one process) interrupted its cutover
// more often than the cutover's attempts allow, was rolled back and
// scheduled again: the designed outcome of a failure before the switch.
func TestFaultMatrixCrash(t *testing.T) {
	started := time.Now()
	steps := upgrade.FaultSteps()
	data, op, addr := t.TempDir(), "Bearer op-e2e", freeAddr(t)
	// The worker runs in serve's process: each crash is serve's (a worker
	// child's crash is TestServeChildren's).
	args := []string{"--addr", addr, "--data", data, "--fault-injection", "--operator-token", "op-e2e", "--worker-processes", "0",
		"--demo-accounts", fmt.Sprint(len(steps)), "--demo-chats", "12"}
	s := startServe(t, args...)
	s.waitHealthy(t, 20*time.Second)
	creds := readCredentials(t, data)
	for i, step := range steps {
		api(t, "POST", s.url+"/api/ops/faults", op, map[string]any{"account_id": creds[i].AccountID, "step": step, "mode": "crash"}, http.StatusCreated, nil)
	}
	ids := make([]string, len(steps))
	for i := range steps {
		var u upgradeBody
		api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": creds[i].AccountID}, http.StatusCreated, &u)
		ids[i] = u.Upgrade.ID
	}
	for _, id := range ids {
		waitState(t, s, op, id, "scheduled", 30*time.Second)
	}

	// The first crash comes while the upgrades are being started: a run-now
	// not answered is sent again once serve is back.
	crashes, pending := 0, ids
	for done := 0; done < len(ids); {
		if crashed(s) {
			crashes++
			if crashes > len(steps) {
				t.Fatalf("%d crashes for %d crash faults: a fault fired twice\n%s", crashes, len(steps), s.stderr)
			}
			s = launch(t, s.url, args) // it may crash again before it listens
			continue
		}
		for len(pending) > 0 && tryRequest(s, "POST", "/api/ops/upgrades/"+pending[0]+"/run-now", op, nil) > 0 {
			pending = pending[1:]
		}
		if done = settled(s, op, ids); done < len(ids) && time.Since(started) > 6*time.Minute {
			t.Fatalf("%d of %d upgrades settled after %d crashes\n%s", done, len(ids), crashes, s.stderr)
		}
	}
	// Each fault fired once, killing serve once; a fault not fired is one
	// whose upgrade was rolled back before reaching its step.
	var armed struct{ Faults []chatlift.Fault }
	api(t, "GET", s.url+"/api/ops/faults", op, nil, http.StatusOK, &armed)
	rolledBack, fired := map[int64]bool{}, 0
	for i, id := range ids {
		var u upgradeBody
		api(t, "GET", s.url+"/api/v2/upgrades/"+id, op, nil, http.StatusOK, &u)
		if x := u.Upgrade; x.Attempt > 1 {
			if x.State != "scheduled" {
				t.Errorf("crash at %s: attempt %d %s, want rolled back and scheduled again", steps[i], x.Attempt, x.State)
			}
			rolledBack[creds[i].AccountID] = true
			t.Logf("crash at %s: rolled back and scheduled again (%s)", steps[i], x.Error)
		} else if x.Import.Done != x.Import.Total || x.Verification == nil || !x.Verification.Passed {
			t.Errorf("crash at %s: attempt %d, import %d of %d, verification %+v", steps[i], x.Attempt, x.Import.Done, x.Import.Total, x.Verification)
		}
	}
	for _, f := range armed.Faults {
		if f.TakenAt != nil {
			fired++
		} else if !rolledBack[f.AccountID] {
			t.Errorf("the fault at %s of account %d never fired", f.Step, f.AccountID)
		}
	}
	if crashes != fired {
		t.Fatalf("%d crashes for %d faults fired: a fault fired twice or a crash came from elsewhere", crashes, fired)
	}
	t.Logf("%d crashes, every upgrade settled, in %s", crashes, time.Since(started).Round(time.Second))
}

// freeAddr is a loopback address with a port free now, so that serve
// listens at the same URL across restarts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// launch starts serve at url without waiting for it: it may crash again
// before it listens.
func launch(t *testing.T, url string, args []string) *server {
	t.Helper()
	s := &server{url: url, stdout: new(lockedBuffer), stderr: new(lockedBuffer), exited: make(chan error, 1)}
	s.cmd = exec.Command(binary, append([]string{"serve"}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	return s
}

// crashed reports whether serve has exited, waiting a little for it.
func crashed(s *server) bool {
	select {
	case <-s.exited:
		return true
	case <-time.After(200 * time.Millisecond):
		return false
	}
}

// settled counts the upgrades that completed, or were rolled back and
// scheduled again, as far as serve answers.
func settled(s *server, op string, ids []string) int {
	n := 0
	for _, id := range ids {
		var u upgradeBody
		if tryRequest(s, "GET", "/api/v2/upgrades/"+id, op, &u) != http.StatusOK {
			return n // serve is going down: the caller sees it exit
		}
		if x := u.Upgrade; x.State == "completed" || x.State == "scheduled" && x.Attempt > 1 {
			n++
		}
	}
	return n
}

// tryRequest sends a request to serve that may be going down: it answers
// the status, or 0 when serve did not answer.
func tryRequest(s *server, method, path, auth string, out any) int {
	req, err := http.NewRequest(method, s.url+path, nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil && json.NewDecoder(resp.Body).Decode(out) != nil {
		return 0
	}
	return resp.StatusCode
}
