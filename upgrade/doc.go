// Package upgrade runs each account's upgrade as one durable Temporal
// workflow: schedule (durable timer, operator signals), prepare (pre-upgrade
// tasks, billing consolidation), cutover (one short activity: freeze, copy
// configuration, merge users, revoke tokens, disable integrations, switch),
// notify, import the history, complete.
//
// Every cutover step is a Do and an Undo, both idempotent, and an Undo is
// safe whether or not its Do ran. A failure before the switch runs every
// Undo in reverse order, leaving the legacy account exactly as it was, and
// schedules the next attempt. After the switch nothing is undone: work is
// retried until it completes.
package upgrade
