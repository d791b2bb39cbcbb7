package engine

import "go.temporal.io/sdk/worker"

// Concurrency bounds what one worker runs at once; a zero field leaves the
// SDK's default (a thousand). A bounded worker leaves the tasks beyond its
// bound in the engine's queue instead of holding them as runnable
// goroutines beside the process's others (the HTTP API's among them). A
// history import waiting for a slot of the fleet's import throttle holds an
// activity slot, so a bound on activities must leave room for the cutovers
// beside the imports the throttle lets wait. `chatlift bench fleet` measures
// a bound's effect (docs/reliability.md#fleet-benchmark).
type Concurrency struct {
	// WorkflowTasks is how many workflow tasks are processed at once.
	WorkflowTasks int
	// Activities is how many activities execute at once.
	Activities int
}

// WorkerOptions are the worker's options within c.
func (c Concurrency) WorkerOptions() worker.Options {
	return worker.Options{
		MaxConcurrentWorkflowTaskExecutionSize: max(c.WorkflowTasks, 0),
		MaxConcurrentActivityExecutionSize:     max(c.Activities, 0),
	}
}
