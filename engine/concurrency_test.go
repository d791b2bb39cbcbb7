package engine_test

import (
	"testing"

	"github.com/chatlift/chatlift/engine"
)

// TestConcurrency: a worker takes the bounds it is given, and the SDK's
// own defaults (zero options) without them.
func TestConcurrency(t *testing.T) {
	t.Parallel()
	t.Run("Given", func(t *testing.T) {
		t.Parallel()
		o := engine.Concurrency{WorkflowTasks: 3, Activities: 40}.WorkerOptions()
		if o.MaxConcurrentWorkflowTaskExecutionSize != 3 || o.MaxConcurrentActivityExecutionSize != 40 {
			t.Fatalf("options %+v", o)
		}
	})
	t.Run("SDKDefault", func(t *testing.T) {
		t.Parallel()
		for _, c := range []engine.Concurrency{{}, {WorkflowTasks: -1, Activities: -5}} {
			if o := c.WorkerOptions(); o.MaxConcurrentWorkflowTaskExecutionSize != 0 || o.MaxConcurrentActivityExecutionSize != 0 {
				t.Fatalf("options %+v of %+v: want the SDK's defaults (0)", o, c)
			}
		}
	})
}
