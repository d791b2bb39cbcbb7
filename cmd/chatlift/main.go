// Command chatlift upgrades legacy live-chat accounts into unified support +
// chat accounts. Run `chatlift help` for its subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	_ "time/tzdata" // account time zones must resolve on machines without zoneinfo
)

// The main goroutine keeps the main thread to itself. serve's child
// processes are each started from a thread of their own, whose lowered
// priority and narrowed CPUs they inherit and which ends when they do (see
// internal/childproc); Go never ends the main thread, so it must not be one
// of those.
func init() { runtime.LockOSThread() }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := NewMain(os.Stdout, os.Stderr).Run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "chatlift: %s\n", oneLine(err))
		os.Exit(exitStatus(err))
	}
}
