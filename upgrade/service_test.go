package upgrade_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// silentEngine is a workflow engine no worker answers for: an Update waits
// until its context ends.
type silentEngine struct{ client.Client }

func (silentEngine) UpdateWorkflow(ctx context.Context, _ client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestActNoAnswer: an action the workflow does not answer in time is
// answered "unavailable", never left hanging past the server's timeouts.
func TestActNoAnswer(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	s := &upgrade.Service{Legacy: f.legacy, Platform: f.platform, Temporal: silentEngine{}, Rules: chatlift.DefaultScheduleRules,
		ActionTimeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := s.Act(context.Background(), "u1", upgrade.ActionRunNow)
	if chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE || time.Since(start) > 5*time.Second {
		t.Fatalf("after %s: %v, want unavailable", time.Since(start), err)
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := s.Act(context.Background(), "u1", "explode"); chatlift.ErrorCode(err) != chatlift.EINVALID {
			t.Fatalf("unknown action: %v", err)
		}
		if _, err := s.Reschedule(context.Background(), "u1", time.Now().AddDate(400, 0, 0).Truncate(time.Hour)); chatlift.ErrorCode(err) != chatlift.EINVALID {
			t.Fatalf("reschedule beyond the horizon: %v", err)
		}
	})
}

// shortPollEngine is a workflow engine whose call gives up on its own
// before the action's timeout, as the SDK's does when its long poll for an
// Update's outcome runs out.
type shortPollEngine struct{ client.Client }

func (shortPollEngine) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return nil, client.NewWorkflowUpdateServiceTimeoutOrCanceledError(context.DeadlineExceeded)
}

// TestActEngineGaveUp: an engine that stops waiting for the workflow's
// answer before the action's timeout is "unavailable" too, not an internal
// error.
func TestActEngineGaveUp(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	s := &upgrade.Service{Legacy: f.legacy, Platform: f.platform, Temporal: shortPollEngine{}, Rules: chatlift.DefaultScheduleRules}
	if _, err := s.Act(context.Background(), "u1", upgrade.ActionRunNow); chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
		t.Fatalf("%v, want unavailable", err)
	}
}
