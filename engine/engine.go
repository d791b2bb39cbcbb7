package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TaskQueue is the queue chatlift's workflows and activities run on.
const TaskQueue = "chatlift"

// Dial connects to the Temporal frontend at address and registers the
// namespace there if it is missing. It fails within the context's deadline
// when nothing answers.
func Dial(ctx context.Context, address, namespace string, log *slog.Logger) (client.Client, error) {
	opts := client.Options{HostPort: address, Namespace: namespace, Logger: tlog.NewStructuredLogger(quiet(log))}
	nc, err := client.NewNamespaceClient(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", address, err)
	}
	defer nc.Close()
	if err := ensureNamespace(ctx, nc, namespace); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("Temporal at %s did not answer in time: %w", address, err)
		}
		return nil, fmt.Errorf("Temporal at %s: %w", address, err)
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", address, err)
	}
	return c, nil
}

func ensureNamespace(ctx context.Context, nc client.NamespaceClient, namespace string) error {
	_, err := nc.Describe(ctx, namespace)
	var nf *serviceerror.NamespaceNotFound
	if !errors.As(err, &nf) {
		return err
	}
	err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(7 * 24 * time.Hour),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %s: %w", namespace, err)
	}
	return nil
}

// quiet keeps the SDK's own chatter (poller starts, retries) at warn and up.
func quiet(log *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(a), f.min}
}

func (f levelFilter) WithGroup(name string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(name), f.min}
}

// Registrar adds workflows and activities to a worker.
type Registrar interface {
	Register(w worker.Registry)
}

// StartWorker starts a worker on TaskQueue with everything the registrars
// add, and the engine's own health check. Stop it with worker.Stop.
func StartWorker(c client.Client, regs ...Registrar) (worker.Worker, error) {
	return StartWorkerWith(c, Concurrency{}, regs...)
}

// StartWorkerWith is StartWorker within the given bounds.
func StartWorkerWith(c client.Client, limits Concurrency, regs ...Registrar) (worker.Worker, error) {
	w := worker.New(c, TaskQueue, limits.WorkerOptions())
	w.RegisterWorkflowWithOptions(HealthWorkflow, workflow.RegisterOptions{Name: HealthWorkflowName})
	for _, r := range regs {
		r.Register(w)
	}
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	return w, nil
}

// HealthWorkflowName is the name the health check runs under.
const HealthWorkflowName = "chatlift.health"

// HealthWorkflow does nothing and returns at once: running it proves that the
// frontend, the history and matching services and a worker all work.
func HealthWorkflow(ctx workflow.Context) (string, error) { return "ok", nil }

// CheckRoundTrip runs the health workflow end to end and waits for it.
func CheckRoundTrip(ctx context.Context, c client.Client) error {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        "chatlift-health-" + strings.ReplaceAll(time.Now().UTC().Format("20060102T150405.000000000"), ".", ""),
		TaskQueue: TaskQueue, WorkflowExecutionTimeout: time.Minute,
	}, HealthWorkflowName)
	if err != nil {
		return fmt.Errorf("start health workflow: %w", err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil {
		return fmt.Errorf("health workflow: %w", err)
	}
	return nil
}
