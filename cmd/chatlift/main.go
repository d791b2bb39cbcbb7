// Command chatlift upgrades legacy live-chat accounts into unified support +
// chat accounts. Run `chatlift help` for its subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // account time zones must resolve on machines without zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := NewMain(os.Stdout, os.Stderr).Run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "chatlift: %s\n", oneLine(err))
		os.Exit(exitStatus(err))
	}
}
