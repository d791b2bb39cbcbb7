// Package app assembles a running chatlift process from its parts: the two
// stores, the workflow engine (embedded or external), the workers and the
// HTTP server. The commands in cmd/chatlift are thin wrappers around it, so
// tests start the real program in-process.
package app
