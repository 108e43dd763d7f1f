//go:build !windows

package execsh

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// forwardResize sends the terminal size now and on every SIGWINCH until the
// returned stop function is called. The TUI also listens to SIGWINCH while
// suspended; signal.Notify fans the signal out, so both get it.
func forwardResize(ctx context.Context, api API, execID string, fd int, timeout time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		defer close(done)
		resizeOnce(ctx, api, execID, fd, 10, timeout)
		for {
			select {
			case <-ctx.Done():
				return
			case <-winch:
				resizeOnce(ctx, api, execID, fd, 0, timeout)
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		cancel()
		<-done
	}
}
