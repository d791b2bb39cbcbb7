package temporalserver

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// gateHandler forwards records to h until off is set. The server leaves some
// background goroutines (internal SDK pollers, gRPC reconnect loops) running
// after Stop; they keep logging dial errors, which the gate silences.
type gateHandler struct {
	h   slog.Handler
	off *atomic.Bool
}

func (g gateHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return !g.off.Load() && g.h.Enabled(ctx, l)
}

func (g gateHandler) Handle(ctx context.Context, r slog.Record) error {
	if g.off.Load() {
		return nil
	}
	return g.h.Handle(ctx, r)
}

func (g gateHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return gateHandler{h: g.h.WithAttrs(attrs), off: g.off}
}

func (g gateHandler) WithGroup(name string) slog.Handler {
	return gateHandler{h: g.h.WithGroup(name), off: g.off}
}
