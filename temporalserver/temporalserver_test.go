package temporalserver_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift/temporalserver"
)

const taskQueue = "temporalserver-test"

func greet(_ context.Context, name string) (string, error) { return "hello " + name, nil }

func greetWorkflow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out string
	err := workflow.ExecuteActivity(ctx, greet, name).Get(ctx, &out)
	return out, err
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

func start(t *testing.T, ctx context.Context, dir string) *temporalserver.Server {
	t.Helper()
	begin := time.Now()
	srv, err := temporalserver.Start(ctx, temporalserver.Config{DataDir: dir, Namespace: "chatlift", Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("server started at %s in %v", srv.Address(), time.Since(begin))
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

func dial(t *testing.T, srv *temporalserver.Server) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  srv.Address(),
		Namespace: srv.Namespace(),
		Logger:    sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return c
}

func TestServer(t *testing.T) {
	t.Run("persists across restart", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		dir := t.TempDir()

		srv := start(t, ctx, dir)
		c := dial(t, srv)
		w := worker.New(c, taskQueue, worker.Options{})
		w.RegisterWorkflow(greetWorkflow)
		w.RegisterActivity(greet)
		if err := w.Start(); err != nil {
			t.Fatalf("worker start: %v", err)
		}
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "greet-1", TaskQueue: taskQueue}, greetWorkflow, "chatlift")
		if err != nil {
			t.Fatalf("ExecuteWorkflow: %v", err)
		}
		var got string
		if err := run.Get(ctx, &got); err != nil || got != "hello chatlift" {
			t.Fatalf("workflow result = %q, %v", got, err)
		}
		w.Stop()
		c.Close()
		if err := srv.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if err := srv.Stop(); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
		for _, f := range []string{"temporal.db", "temporal.db-wal"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("expected %s in data dir: %v", f, err)
			}
		}

		srv = start(t, ctx, dir)
		c = dial(t, srv)
		defer c.Close()
		desc, err := c.DescribeWorkflowExecution(ctx, "greet-1", run.GetRunID())
		if err != nil {
			t.Fatalf("DescribeWorkflowExecution after restart: %v", err)
		}
		if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			t.Fatalf("status after restart = %v, want COMPLETED", st)
		}
	})

	t.Run("unwritable data dir", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		srv, err := temporalserver.Start(t.Context(), temporalserver.Config{DataDir: filepath.Join(file, "sub")})
		if err == nil {
			_ = srv.Stop()
			t.Fatal("Start succeeded with a data dir below a regular file")
		}
		t.Logf("got expected error: %v", err)
	})

	t.Run("port taken", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port := l.Addr().(*net.TCPAddr).Port
		srv, err := temporalserver.Start(t.Context(), temporalserver.Config{DataDir: t.TempDir(), Port: port})
		if err == nil {
			_ = srv.Stop()
			t.Fatal("Start succeeded on a taken port")
		}
		if !strings.Contains(err.Error(), "port") {
			t.Errorf("error %q does not mention the port", err)
		}
		t.Logf("got expected error: %v", err)
	})
}
