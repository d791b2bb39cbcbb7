package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit statuses a script can rely on.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed, or the server refused it
	exitUsage = 2 // the command line is wrong: unknown command or flag, missing or bad value
)

// usageError is a wrong command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef makes a usage error; name the flag, as in "--account is required".
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitStatus is the status the program ends with after err.
func exitStatus(err error) int {
	var u usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitUsage
	}
	return exitError
}

// strictArgs makes every command in the tree under c answer a wrong command
// line with a usage error: bad flags, bad arguments, and, on a command that
// only groups others, an unknown subcommand (cobra would print the help and
// succeed).
func strictArgs(c *cobra.Command) {
	c.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%w (see '%s --help')", err, c.CommandPath())
	})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasSubCommands() && c.Run == nil && c.RunE == nil {
			c.SuggestionsMinimumDistance = 2
			c.DisableFlagsInUseLine = true
			c.Args = unknownSubcommand
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
		if check := c.Args; check != nil {
			c.Args = func(c *cobra.Command, args []string) error {
				if err := check(c, args); err != nil {
					return usagef("%w (see '%s --help')", err, c.CommandPath())
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(c)
}

// unknownSubcommand refuses any argument of a command that only groups
// others, suggesting the nearest subcommand.
func unknownSubcommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return errors.New(msg)
}
