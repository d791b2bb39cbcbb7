package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the chatlift program built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chatlift-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "chatlift")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build chatlift: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `chatlift serve` process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stdout *lockedBuffer
	stderr *lockedBuffer
	exited chan error
}

// startServe runs serve on a free port and returns once it logs its URL.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	s := &server{stdout: new(lockedBuffer), stderr: new(lockedBuffer), exited: make(chan error, 1)}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	s.cmd.Stdout = s.stdout
	pr, pw := io.Pipe()
	s.cmd.Stderr = io.MultiWriter(s.stderr, pw)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait(); pw.Close() }()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				urls <- line.URL
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case s.url = <-urls:
	case err := <-s.exited:
		t.Fatalf("serve exited early: %v\n%s", err, s.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve printed no URL\n%s", s.stderr)
	}
	return s
}

// waitHealthy polls /healthz until it answers 200, failing the test after within.
func (s *server) waitHealthy(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not 200 within %s (last: %v)\n%s", within, err, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServe(t *testing.T) {
	data := t.TempDir()
	start := time.Now()
	s := startServe(t, "--data", data)
	s.waitHealthy(t, 10*time.Second)
	t.Logf("healthy %s after start", time.Since(start).Round(time.Millisecond))

	t.Run("DemoFleetSeeded", func(t *testing.T) {
		out := s.stdout.String()
		if !strings.Contains(out, "seeded a demo fleet of 6 accounts") || !strings.Contains(out, "operator token") {
			t.Fatalf("stdout:\n%s", out)
		}
		token := strings.TrimSpace(readFile(t, filepath.Join(data, "operator-token")))
		var body struct {
			Accounts []struct {
				ID         int64  `json:"id"`
				OwnerEmail string `json:"owner_email"`
			} `json:"accounts"`
		}
		getJSON(t, s.url+"/api/ops/accounts?upgraded=false", token, http.StatusOK, &body)
		if len(body.Accounts) != 6 || body.Accounts[0].OwnerEmail == "" {
			t.Fatalf("accounts = %+v", body.Accounts)
		}
	})
	t.Run("OperatorAPIRefusesBadToken", func(t *testing.T) {
		var e struct{ Error, Description string }
		getJSON(t, s.url+"/api/ops/accounts", "wrong", http.StatusUnauthorized, &e)
		if e.Error != "unauthorized" {
			t.Fatalf("error body = %+v", e)
		}
	})
	t.Run("BadQueryIs400", func(t *testing.T) {
		token := strings.TrimSpace(readFile(t, filepath.Join(data, "operator-token")))
		var e struct{ Error string }
		getJSON(t, s.url+"/api/ops/accounts?limit=-3", token, http.StatusBadRequest, &e)
		getJSON(t, s.url+"/nope", "", http.StatusNotFound, &e)
	})
	t.Run("Metrics", func(t *testing.T) {
		resp, err := http.Get(s.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, want := range []string{"chatlift_build_info", "chatlift_http_request_duration_seconds", "chatlift_hold_requests_held_total", "go_goroutines"} {
			if !bytes.Contains(b, []byte(want)) {
				t.Fatalf("/metrics lacks %s", want)
			}
		}
	})

	// Ctrl-C stops it cleanly.
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of SIGINT")
	}

	t.Run("RestartKeepsDataAndToken", func(t *testing.T) {
		s := startServe(t, "--data", data)
		s.waitHealthy(t, 20*time.Second)
		if strings.Contains(s.stdout.String(), "seeded") || strings.Contains(s.stdout.String(), "operator token") {
			t.Fatalf("second start seeded or printed the token again:\n%s", s.stdout)
		}
	})
}

func TestServeErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"BadFlag":             {[]string{"serve", "--no-such-flag"}, "unknown flag: --no-such-flag"},
		"BadFlagValue":        {[]string{"serve", "--demo-accounts", "many"}, "invalid argument"},
		"UnknownCommand":      {[]string{"frobnicate"}, "unknown command"},
		"UnwritableData":      {[]string{"serve", "--data", filepath.Join(file, "sub")}, "data dir"},
		"UnreachableDatabase": {[]string{"serve", "--data", t.TempDir(), "--database-url", "postgres://x@127.0.0.1:1/db?connect_timeout=2"}, "legacy chat database"},
		"UnreachableTemporal": {[]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--temporal-address", "127.0.0.1:1"}, "Temporal at 127.0.0.1:1"},
		"BadLogLevel":         {[]string{"serve", "--log-level", "loud"}, "invalid --log-level"},
		"WorkerNeedsCluster":  {[]string{"worker", "--data", t.TempDir()}, "--temporal-address is required"},
		"EngineNeedsDatabase": {[]string{"engine"}, "--database-url is required"},
		"EngineBadDatabase":   {[]string{"engine", "--database-url", "mysql://x@h/db"}, "want postgres://"},
		"BadQuietHours":       {[]string{"serve", "--quiet-hours", "25-3"}, "hours 0 to 23"},
		"BadSlotCapacity":     {[]string{"serve", "--slot-capacity", "0"}, "at least one upgrade"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(binary, tc.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err == nil {
				t.Fatalf("exit 0; stderr:\n%s", stderr.String())
			}
			last := lastLine(stderr.String())
			if !strings.HasPrefix(last, "chatlift: ") || !strings.Contains(last, tc.want) {
				t.Fatalf("last stderr line = %q, want a chatlift: line containing %q", last, tc.want)
			}
			if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic") {
				t.Fatalf("stack trace on stderr:\n%s", stderr.String())
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(binary, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "chatlift ") {
		t.Fatalf("version: %q, %v", out, err)
	}
}

func getJSON(t *testing.T, url, token string, status int, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s = %d, want %d: %s", url, resp.StatusCode, status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
