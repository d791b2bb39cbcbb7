package temporalcluster

import (
	"context"
	"log/slog"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// slogLogger is the server's logger interface over a *slog.Logger, passing
// records of at least min. The server's Panic and Fatal are logged as
// errors; the server acts on them.
type slogLogger struct {
	l   *slog.Logger
	min slog.Level
	off *atomic.Bool // set once Stop begins: shutdown only logs expected dial errors
}

// serverLogger keeps the server's info chatter out of the logs unless they
// are at debug level.
func serverLogger(l *slog.Logger) slogLogger {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return slogLogger{l, slog.LevelDebug, new(atomic.Bool)}
	}
	return slogLogger{l, slog.LevelWarn, new(atomic.Bool)}
}

var _ log.Logger = slogLogger{}
var _ log.WithLogger = slogLogger{}

func (s slogLogger) Debug(msg string, tags ...tag.Tag)  { s.log(slog.LevelDebug, msg, tags) }
func (s slogLogger) Info(msg string, tags ...tag.Tag)   { s.log(slog.LevelInfo, msg, tags) }
func (s slogLogger) Warn(msg string, tags ...tag.Tag)   { s.log(slog.LevelWarn, msg, tags) }
func (s slogLogger) Error(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }
func (s slogLogger) DPanic(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }
func (s slogLogger) Panic(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }
func (s slogLogger) Fatal(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }

// With returns a logger that adds tags to every record.
func (s slogLogger) With(tags ...tag.Tag) log.Logger {
	args := make([]any, len(tags))
	for i, t := range tags {
		args[i] = slog.Any(t.Key(), t.Value())
	}
	return slogLogger{s.l.With(args...), s.min, s.off}
}

func (s slogLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	if level < s.min || s.off.Load() || !s.l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, len(tags))
	for i, t := range tags {
		attrs[i] = slog.Any(t.Key(), t.Value())
	}
	s.l.LogAttrs(ctx, level, msg, attrs...)
}
