package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=..."; else the
// module version or the VCS revision is used.
var version = ""

// Main is the program: its output streams and its command tree. Tests run it
// in-process with their own arguments.
type Main struct {
	Stdout, Stderr io.Writer
	logLevel       string
	root           *cobra.Command
}

// NewMain builds the command tree writing to stdout and stderr.
func NewMain(stdout, stderr io.Writer) *Main {
	m := &Main{Stdout: stdout, Stderr: stderr}
	m.root = &cobra.Command{
		Use:   "chatlift",
		Short: "Upgrade legacy live-chat accounts into unified support + chat accounts",
		Long: "chatlift moves a fleet of customers from the legacy chat product to the unified\n" +
			"support + chat platform: it schedules, migrates, imports, verifies and, on\n" +
			"failure, rolls back each account's upgrade as a durable workflow.\n\n" +
			"Output: tables for people; --json, where a command prints data, for scripts.\n" +
			"Exit status: 0 done; 1 failed or refused (the reason on stderr); 2 wrong\n" +
			"command line (unknown command or flag, missing or bad value).",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	m.root.SetOut(stdout)
	m.root.SetErr(stderr)
	m.root.PersistentFlags().StringVar(&m.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	m.root.AddCommand(m.serveCommand(), m.workerCommand(), m.engineCommand(), m.seedCommand(), m.upgradeCommand(), m.benchCommand(), m.versionCommand())
	strictArgs(m.root)
	return m
}

// Run runs the command line args (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	m.root.SetArgs(args)
	return m.root.ExecuteContext(ctx)
}

// logger returns the JSON logger on stderr at the chosen level.
func (m *Main) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.logLevel)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", m.logLevel)
	}
	return slog.New(slog.NewJSONHandler(m.Stderr, &slog.HandlerOptions{Level: level})), nil
}

// Version is the program's version.
func Version() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}

func (m *Main) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(m.Stdout, "chatlift %s\n", Version())
			return err
		},
	}
}

// oneLine flattens an error for the single line a failed command prints.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// envOr returns the environment variable's value, or def when unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}
