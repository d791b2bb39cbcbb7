// Package engine connects chatlift to Temporal, the durable workflow engine
// every upgrade runs on: it dials the cluster (the embedded one or an
// external one), makes sure the namespace exists, and runs the workers that
// execute chatlift's workflows and activities on the task queue.
package engine
