package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chatlift/chatlift/app"
)

// freeAddr is a local address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// hammer requests the upgrade as the operator, again and again, until stop
// is closed, and returns every answer that shows a handler ran half-wired:
// a broken connection (a panic) or a 5xx. A refused connection is fine: the
// server is not listening yet; the next try comes 5 ms later.
func hammer(addr string, stop <-chan struct{}) []string {
	client := &http.Client{Timeout: 10 * time.Second}
	var bad []string
	for {
		select {
		case <-stop:
			return bad
		default:
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v2/upgrades", strings.NewReader(`{"account_id": 1}`))
		req.Header.Set("Authorization", "Bearer op-test")
		resp, err := client.Do(req)
		if errors.Is(err, syscall.ECONNREFUSED) {
			time.Sleep(5 * time.Millisecond) // load, not a wait: leave start-up the cores
			continue
		} else if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		var shape struct{ Error string }
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 || json.Unmarshal(b, &shape) != nil {
			bad = append(bad, resp.Status+" "+string(b))
		}
	}
}

// TestStartServe requests an upgrade from before the program starts until
// after it is ready: no request may meet a part that is not built yet (run
// it with -race: the handlers must not read what start-up still writes).
func TestStartServe(t *testing.T) {
	t.Run("NoHandlerRunsHalfWired", func(t *testing.T) {
		addr := freeAddr(t)
		stop := make(chan struct{})
		results := make(chan []string, 4)
		var wg sync.WaitGroup
		for range cap(results) {
			wg.Go(func() { results <- hammer(addr, stop) })
		}
		s, err := app.StartServe(context.Background(), app.ServeConfig{Addr: addr, DataDir: t.TempDir(), Namespace: "chatlift",
			OperatorToken: "op-test", NoDemo: true, Logger: slog.New(slog.DiscardHandler), Out: io.Discard, Version: "test"})
		if err != nil {
			close(stop)
			wg.Wait()
			t.Fatal(err)
		}
		defer s.Close(context.Background())
		resp, err := http.Get(s.HTTP.URL() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("/healthz right after start = %d, want 200", resp.StatusCode)
		}
		close(stop)
		wg.Wait()
		close(results)
		var bad []string
		for b := range results {
			bad = append(bad, b...)
		}
		if len(bad) > 0 {
			t.Errorf("%d requests during start-up met a half-wired server; the first: %s", len(bad), bad[0])
		}
	})
}
