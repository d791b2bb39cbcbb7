package app

import (
	"context"
	"errors"
	"fmt"
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
}

// RunWorker runs workers against an external Temporal cluster and the
// stores until ctx ends.
func RunWorker(ctx context.Context, cfg WorkerConfig) error {
	if cfg.TemporalAddress == "" {
		return errors.New("--temporal-address is required: a worker joins an existing cluster")
	}
	if cfg.DatabaseURL == "" {
		if err := prepareDataDir(cfg.DataDir); err != nil {
			return err
		}
	}
	stores, err := OpenStores(ctx, cfg.DataDir, cfg.DatabaseURL)
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
	acts := newActivities(stores, cfg.Rules, nil, cfg.Logger)
	acts.Requester = &upgrade.Service{Legacy: stores.Legacy, Platform: stores.Platform, Temporal: c,
		TaskQueue: engine.TaskQueue, Rules: cfg.Rules, Log: cfg.Logger}
	w, err := engine.StartWorker(c, upgrade.Registrar{Activities: acts})
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	cfg.Logger.Info("worker running", "temporal", cfg.TemporalAddress, "task_queue", engine.TaskQueue)
	<-ctx.Done()
	w.Stop()
	return nil
}
