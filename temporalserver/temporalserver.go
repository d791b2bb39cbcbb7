// Package temporalserver embeds a single-node Temporal server in the current
// process.
//
// The server is built on the Temporal CLI's development server
// (github.com/temporalio/cli/temporalcli/devserver) and persists its state in
// a SQLite database inside a caller-supplied data directory, so workflow
// histories survive restarts. It runs without the web UI, with a single
// task-queue partition, and forwards only warning-and-above server logs to
// the configured slog.Logger.
package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temporalio/cli/temporalcli/devserver"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

const (
	host           = "127.0.0.1"
	dbFileName     = "temporal.db"
	clusterName    = "active"
	startupTimeout = 30 * time.Second
	// clusterID is only used when the database is first created; on later
	// starts the ID stored in the database wins.
	clusterID = "3d5c4e3a-6f0b-4c1e-9a57-6b1f2f6a8c01"
)

// Config configures an embedded Temporal server.
type Config struct {
	// DataDir is the directory holding the SQLite database. It is created if
	// missing. Required.
	DataDir string
	// Namespace is registered on start if it does not exist yet.
	// Defaults to "default".
	Namespace string
	// Port is the frontend gRPC port on 127.0.0.1; 0 picks a free port.
	Port int
	// Logger receives server logs at warn level and above. Nil discards them.
	Logger *slog.Logger
}

// Server is a running embedded Temporal server.
type Server struct {
	srv       *devserver.Server
	addr      string
	namespace string

	logOff   *atomic.Bool // silences server logs once Stop begins
	unlock   func()       // lets the next server use the data dir
	stopOnce sync.Once
	stopErr  error
}

// Start starts a Temporal server as configured by cfg and returns once its
// frontend passes a health check. It gives up, stopping the server, when ctx
// is done or after 30 seconds. One server at a time uses a data dir: Start
// first waits up to 15 s for the server before it, in this process or
// another, to have stopped.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("temporalserver: DataDir is required")
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "default"
	}
	handler := slog.DiscardHandler
	if cfg.Logger != nil {
		handler = cfg.Logger.Handler()
	}
	logOff := new(atomic.Bool)
	logger := slog.New(gateHandler{h: handler, off: logOff})
	if err := checkWritableDir(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("temporalserver: data dir %q: %w", cfg.DataDir, err)
	}
	unlock, err := lockDir(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: data dir %q: %w", cfg.DataDir, err)
	}
	s, err := start(ctx, cfg, logger, logOff)
	if err != nil {
		unlock()
		return nil, err
	}
	s.unlock = unlock
	return s, nil
}

func start(ctx context.Context, cfg Config, logger *slog.Logger, logOff *atomic.Bool) (*Server, error) {
	port, err := frontendPort(cfg.Port)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: frontend port: %w", err)
	}
	httpPort, err := devserver.GetFreePort(host)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: frontend HTTP port: %w", err)
	}

	srv, err := startDevServer(devserver.StartOptions{
		FrontendIP:             host,
		FrontendPort:           port,
		FrontendHTTPPort:       httpPort,
		Namespaces:             []string{cfg.Namespace},
		ClusterID:              clusterID,
		MasterClusterName:      clusterName,
		CurrentClusterName:     clusterName,
		InitialFailoverVersion: 1,
		Logger:                 logger,
		LogLevel:               slog.LevelWarn,
		DatabaseFile:           filepath.Join(cfg.DataDir, dbFileName),
		SqlitePragmas: map[string]string{
			"journal_mode": "WAL",
			"synchronous":  "NORMAL",
			"busy_timeout": "5000",
		},
		DynamicConfigValues: map[string]any{
			"matching.numTaskqueueReadPartitions":  1,
			"matching.numTaskqueueWritePartitions": 1,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("temporalserver: start server: %w", err)
	}

	s := &Server{
		srv:       srv,
		addr:      net.JoinHostPort(host, strconv.Itoa(port)),
		namespace: cfg.Namespace,
		logOff:    logOff,
	}
	if err := s.waitHealthy(ctx); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("temporalserver: wait for frontend at %s: %w", s.addr, err)
	}
	return s, nil
}

// Address returns the frontend's host:port, suitable for
// client.Options.HostPort.
func (s *Server) Address() string { return s.addr }

// Namespace returns the namespace registered by Start.
func (s *Server) Namespace() string { return s.namespace }

// Stop shuts the server down. It is safe to call more than once; later calls
// return the result of the first. Server logs are discarded from the moment
// Stop is called, as shutdown only produces expected connection warnings.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.logOff.Store(true)
		defer func() {
			if r := recover(); r != nil {
				s.stopErr = fmt.Errorf("temporalserver: stop: panic: %v", r)
			}
		}()
		s.srv.Stop()
		if s.unlock != nil {
			s.unlock()
		}
	})
	return s.stopErr
}

// startDevServer calls devserver.Start, turning its panics (it panics when it
// cannot allocate internal ports) into errors.
func startDevServer(opts devserver.StartOptions) (srv *devserver.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			srv, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return devserver.Start(opts)
}

// FreePort is a port free on the loopback address now, for a server to be
// started in another process.
func FreePort() (int, error) { return devserver.GetFreePort(host) }

// ReadyPrefix starts the line `chatlift engine` prints on its standard
// output once its frontend serves; the address follows.
const ReadyPrefix = "engine listening on "

// frontendPort returns port if it is free on the loopback address, or a free
// port if port is 0.
func frontendPort(port int) (int, error) {
	if port == 0 {
		return devserver.GetFreePort(host)
	}
	if err := devserver.CheckPortFree(host, port); err != nil {
		return 0, fmt.Errorf("port %d unavailable: %w", port, err)
	}
	return port, nil
}

// checkWritableDir creates dir if needed and verifies a file can be written
// in it.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	return errors.Join(f.Close(), os.Remove(name))
}

// waitHealthy polls the frontend until it passes a health check, ctx is done
// or startupTimeout elapses.
func (s *Server) waitHealthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	var lastErr error
	for {
		if lastErr = s.checkHealth(ctx); lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), lastErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// checkHealth dials the frontend once and runs a health check. The probe
// client's own logs are discarded.
func (s *Server) checkHealth(ctx context.Context) error {
	c, err := client.DialContext(ctx, client.Options{
		HostPort:  s.addr,
		Namespace: s.namespace,
		Logger:    sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
	return err
}
