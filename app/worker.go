package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/engine"
	"github.com/chatlift/chatlift/upgrade"
)

// WorkerConfig is what `chatlift worker` runs with.
type WorkerConfig struct {
	DataDir         string
	DatabaseURL     string
	TemporalAddress string
	Namespace       string
	Logger          *slog.Logger
	Rules           chatlift.ScheduleRules
	RevertWindow    time.Duration // how long after the switch an upgrade can be reverted; 0: none
	// PublicURL is the address customers reach the server at: the links in
	// emails are absolute under it. Empty, they are paths (a worker does not
	// know the server's address).
	PublicURL string
	// FaultInjection fires the faults armed through serve's
	// POST /api/ops/faults (tests and drills).
	FaultInjection bool
	// Worker bounds what the worker runs at once; zero fields leave the
	// SDK's defaults.
	Worker engine.Concurrency
	// Out gets WorkerReady and the task queue once the worker polls.
	Out io.Writer
}

// WorkerReady starts the line RunWorker prints once its worker polls.
const WorkerReady = "worker polling task queue "

// RunWorker runs workers against an external Temporal cluster and the
// stores until ctx ends.
func RunWorker(ctx context.Context, cfg WorkerConfig) error {
	if cfg.TemporalAddress == "" {
		return errors.New("--temporal-address is required: a worker joins an existing cluster")
	}
	publicURL, err := PublicURL(cfg.PublicURL)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		if err := prepareDataDir(cfg.DataDir); err != nil {
			return err
		}
	}
	stores, err := openStores(ctx, cfg.DataDir, cfg.DatabaseURL, true)
	if err != nil {
		return err
	}
	defer stores.Close()
	dialCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c, err := engine.Dial(dialCtx, cfg.TemporalAddress, cfg.Namespace, cfg.Logger)
	if err != nil {
		return err
	}
	defer c.Close()
	acts := newActivities(stores, cfg.Rules, faults(cfg.FaultInjection, stores), publicURL, cfg.Logger)
	acts.RevertWindow = cfg.RevertWindow
	acts.Requester = &upgrade.Service{Legacy: stores.Legacy, Platform: stores.Platform, Temporal: c,
		TaskQueue: engine.TaskQueue, Rules: cfg.Rules, Log: cfg.Logger}
	w, err := engine.StartWorkerWith(c, cfg.Worker, upgrade.Registrar{Activities: acts})
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	cfg.Logger.Info("worker running", "temporal", cfg.TemporalAddress, "task_queue", engine.TaskQueue)
	if cfg.Out != nil {
		fmt.Fprintln(cfg.Out, WorkerReady+engine.TaskQueue)
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
