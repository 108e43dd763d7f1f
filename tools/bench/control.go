package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// controlClient is a tmux control-mode client (tmux -C) attached to the
// bench's session. It hears about the pane's output as tmux reads it
// (%output notifications) and captures the pane over its own connection.
// The first-times are then stamped a millisecond or two after tmux has the
// frame, where polling with capture-pane stamped them up to a poll period
// plus a tmux client's fork and exec later (measured ~8 ms per capture on
// an idle machine, more under load, ~15-25 ms of lag on median).
type controlClient struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	output  chan struct{} // one slot: the pane wrote something
	replies chan reply
	done    chan struct{} // closed when the client's output ends
	stop    chan struct{} // closed by close: the reader stops waiting
	stderr  strings.Builder
}

// reply is one command's answer: the lines between %begin and %end.
type reply struct {
	body string
	err  error // the command failed (%error)
}

// attachControl attaches a control client to the session target. The
// session's window-size must be manual, or the client's default size would
// resize the pane.
func (t *tmuxServer) attachControl(ctx context.Context, target string) (*controlClient, error) {
	cmd := t.cmd(ctx, "-C", "attach-session", "-t", target)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("tmux -C: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("tmux -C: %w", err)
	}
	c := newControlClient()
	c.cmd, c.in = cmd, in
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("tmux -C: %w", err)
	}
	go c.read(out)
	// The attach itself answers with an empty block.
	if _, err := c.await(ctx); err != nil {
		c.close()
		return nil, fmt.Errorf("tmux -C attach: %w (%s)", err, strings.TrimSpace(c.stderr.String()))
	}
	return c, nil
}

func newControlClient() *controlClient {
	return &controlClient{output: make(chan struct{}, 1), replies: make(chan reply, 4), done: make(chan struct{}), stop: make(chan struct{})}
}

// send hands a reply over, unless the client is being closed.
func (c *controlClient) send(r reply) bool {
	select {
	case c.replies <- r:
		return true
	case <-c.stop:
		return false
	}
}

// read splits the client's output into command replies and notifications.
// A reply's %end carries the same time, number and flags as its %begin,
// which tells it from a pane line that happens to start with "%end".
func (c *controlClient) read(r io.Reader) {
	defer close(c.done)
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		open string // the open block's "time number flags"; "" outside one
		body []string
	)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		if open != "" {
			if rest, ok := strings.CutPrefix(line, "%end "); ok && rest == open {
				if !c.send(reply{body: strings.Join(body, "\n")}) {
					return
				}
				open, body = "", nil
			} else if rest, ok := strings.CutPrefix(line, "%error "); ok && rest == open {
				if !c.send(reply{body: strings.Join(body, "\n"), err: errors.New(strings.Join(body, "; "))}) {
					return
				}
				open, body = "", nil
			} else {
				body = append(body, line)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "%begin "); ok {
			open, body = rest, nil
			if open == "" {
				open = "?"
			}
			continue
		}
		if strings.HasPrefix(line, "%output ") {
			select {
			case c.output <- struct{}{}:
			default:
			}
		}
	}
}

// await returns the next reply.
func (c *controlClient) await(ctx context.Context) (string, error) {
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case r := <-c.replies:
		return r.body, r.err
	case <-c.done:
		return "", errors.New("tmux control client ended")
	case <-t.C:
		return "", errors.New("tmux control client: no answer in 10s")
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// capture returns the visible text of the pane, as capture-pane -p does.
func (c *controlClient) capture(ctx context.Context, target string) (string, error) {
	if _, err := fmt.Fprintf(c.in, "capture-pane -p -t %s\n", target); err != nil {
		return "", fmt.Errorf("tmux -C capture-pane: %w", err)
	}
	body, err := c.await(ctx)
	if err != nil {
		return "", fmt.Errorf("tmux -C capture-pane: %w", err)
	}
	// capture-pane -p ends every line with a newline; the block's lines
	// arrive without theirs.
	return body + "\n", nil
}

// close detaches: tmux ends a control client at the end of its input.
func (c *controlClient) close() {
	close(c.stop)
	_ = c.in.Close()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
		_ = c.cmd.Process.Kill()
	}
	_ = c.cmd.Wait()
}
