//go:build windows

package execsh

import (
	"context"
	"time"
)

// forwardResize sends the size once: Windows has no SIGWINCH.
func forwardResize(ctx context.Context, api API, execID string, fd int, timeout time.Duration) (stop func()) {
	resizeOnce(ctx, api, execID, fd, 10, timeout)
	return func() {}
}
