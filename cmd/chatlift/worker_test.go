package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/chatlift/chatlift/temporalserver"
)

// TestWorkerProcess runs the scaled-out shape on one machine: a Temporal
// server of its own, `serve --no-worker` for the API and a separate
// `chatlift worker` process that runs the upgrade.
func TestWorkerProcess(t *testing.T) {
	ctx := context.Background()
	cluster, err := temporalserver.Start(ctx, temporalserver.Config{DataDir: t.TempDir(), Namespace: "chatlift"})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Stop()
	data := t.TempDir()
	s := startServe(t, "--data", data, "--operator-token", "op-e2e", "--no-worker", "--temporal-address", cluster.Address())
	s.waitHealthy(t, 20*time.Second)

	worker := exec.Command(binary, "worker", "--data", data, "--temporal-address", cluster.Address())
	stderr, _ := worker.StderrPipe()
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { worker.Process.Kill() })
	running := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "worker running" {
				running <- true
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case <-running:
	case <-time.After(30 * time.Second):
		t.Fatal("worker did not start")
	}

	op := "Bearer op-e2e"
	creds := readCredentials(t, data)
	var u upgradeBody
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": creds[2].AccountID}, http.StatusCreated, &u)
	waitState(t, s, op, u.Upgrade.ID, "scheduled", 30*time.Second)
	api(t, "POST", s.url+"/api/ops/upgrades/"+u.Upgrade.ID+"/run-now", op, nil, http.StatusOK, nil)
	waitState(t, s, op, u.Upgrade.ID, "completed", 60*time.Second)

	worker.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- worker.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("worker exit after SIGINT: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("worker did not stop on SIGINT")
	}
}
