//go:build !unix

package temporalserver

import (
	"context"
	"time"
)

const lockWait = 0 * time.Second

// lockDir does not lock outside Unix.
func lockDir(context.Context, string) (func(), error) { return func() {}, nil }
