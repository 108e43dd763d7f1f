package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// tmuxServer is a private tmux server on its own socket, so the bench never
// touches the operator's or other engineers' sessions and can kill
// everything it started with one command.
type tmuxServer struct {
	socket string
}

func (t *tmuxServer) cmd(ctx context.Context, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "tmux", append([]string{"-S", t.socket, "-f", "/dev/null"}, args...)...)
}

func (t *tmuxServer) run(ctx context.Context, args ...string) (string, error) {
	out, err := t.cmd(ctx, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// capture returns the visible text of the pane.
func (t *tmuxServer) capture(ctx context.Context, target string) (string, error) {
	out, err := t.cmd(ctx, "capture-pane", "-p", "-t", target).Output()
	if err != nil {
		return "", fmt.Errorf("capture-pane: %w", err)
	}
	return string(out), nil
}

// paneState returns the pid of the pane's process and whether it has exited.
func (t *tmuxServer) paneState(ctx context.Context, target string) (pid int, dead bool, err error) {
	out, err := t.run(ctx, "display-message", "-p", "-t", target, "#{pane_pid} #{pane_dead}")
	if err != nil {
		return 0, false, err
	}
	f := strings.Fields(out)
	if len(f) != 2 {
		return 0, false, fmt.Errorf("display-message: unexpected %q", out)
	}
	pid, err = strconv.Atoi(f[0])
	if err != nil {
		return 0, false, fmt.Errorf("pane pid %q: %w", f[0], err)
	}
	return pid, f[1] == "1", nil
}

// kill ends the server and with it every pane it runs.
func (t *tmuxServer) kill() {
	_ = exec.Command("tmux", "-S", t.socket, "kill-server").Run()
	_ = os.Remove(t.socket)
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
