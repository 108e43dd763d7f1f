// Package e2e drives the built dockterm binary in tmux against the real
// engine: keys in, screen text out.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockterm/dockterm/internal/testengine"
)

var (
	binPath      string
	matchCounter = regexp.MustCompile(`match [1-9][0-9]*/[1-9][0-9]*`)
)

// TestMain compiles dockterm once for all tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dockterm-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binPath = filepath.Join(dir, "dockterm")
	cmd := exec.Command("go", "build", "-o", binPath, "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build dockterm: %v\n%s", err, out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildBinary(t *testing.T) string { return binPath }

type pane struct {
	t       *testing.T
	session string
}

// startPane runs the command in a fresh detached tmux session of the given
// size, on a tmux server of its own (socket named after the session) so
// tests neither touch a user's tmux nor race each other's server shutdown.
func startPane(t *testing.T, w, h int, env []string, args ...string) *pane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("tmux is needed for end-to-end tests (scripts/engine.sh installs it): %v", err)
	}
	p := &pane{t: t, session: fmt.Sprintf("dkt-e2e-%d", time.Now().UnixNano())}
	cmdline := strings.Join(append(env, args...), " ")
	p.tmux("new-session", "-d", "-s", p.session, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "env "+cmdline)
	t.Cleanup(func() { exec.Command("tmux", "-L", p.session, "kill-server").Run() })
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.session}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends keys one at a time with a human pause: two escapes sent
// back to back would read as alt+esc, as they would from a fast typist.
func (p *pane) keys(keys ...string) {
	p.t.Helper()
	for _, k := range keys {
		p.tmux("send-keys", "-t", p.session, k)
		time.Sleep(120 * time.Millisecond)
	}
}

// literal types text as-is (no key-name interpretation).
func (p *pane) literal(s string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", p.session, "-l", s)
}

func (p *pane) screen() string {
	out, err := exec.Command("tmux", "-L", p.session, "capture-pane", "-p", "-t", p.session).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

func (p *pane) waitFor(what string, cond func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s := p.screen()
		if cond(s) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("timed out waiting for %s; screen:\n%s", what, p.screen())
	return ""
}

func (p *pane) waitText(s string) string {
	p.t.Helper()
	return p.waitFor(fmt.Sprintf("%q on screen", s), func(sc string) bool { return strings.Contains(sc, s) })
}

func (p *pane) pid() int {
	out := strings.TrimSpace(p.tmux("display-message", "-p", "-t", p.session, "#{pane_pid}"))
	n, _ := strconv.Atoi(out)
	return n
}

func dockerHostEnv() []string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return []string{"DOCKER_HOST=" + h}
	}
	return nil
}

func TestTriageLoop(t *testing.T) {
	bin := buildBinary(t)
	name := testengine.Run(t, testengine.RunOpts{Name: "triage", Args: []string{"-log-burst", "300", "-log-every", "200ms"}})
	testengine.WaitLogs(t, name, "fixture")
	// A second container, with "needle" in its name, that filtering the
	// list by the first one's name must hide.
	testengine.Run(t, testengine.RunOpts{Name: "needle", Args: []string{"-log-burst", "5", "-hostile"}})
	cli := testengine.Client(t)
	info, err := cli.ContainerInspect(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	cname := strings.TrimPrefix(info.Name, "/")

	p := startPane(t, 120, 40, append(dockerHostEnv(), "TERM=xterm-256color"), bin)
	p.waitText("NAME")

	// Filter the list down to our container (the engine may hold many
	// others) and open its logs.
	p.keys("/")
	p.literal(cname)
	p.keys("Enter")
	p.waitText("filter: " + cname)
	p.waitText(cname[:16])
	s := p.screen()
	if strings.Contains(s, "needle") {
		t.Fatalf("filter left other containers:\n%s", s)
	}
	p.keys("l")
	p.waitText("fixture log")
	p.waitText(cname[:16])
	p.waitText("› logs")

	// Search: every other line goes to stderr.
	p.keys("/")
	p.literal("stderr")
	p.keys("Enter")
	p.waitFor("a search match counter", func(s string) bool { return matchCounter.MatchString(s) })

	// Back to the list, clear the filter, check the list is whole again.
	p.keys("Escape")
	p.keys("Escape")
	p.waitFor("the list", func(s string) bool { return strings.Contains(s, "NAME") })
	p.keys("Escape")
	p.waitFor("the unfiltered list", func(s string) bool { return !strings.Contains(s, "filter:") })

	pid := p.pid()
	p.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("dockterm (pid %d) still runs after q", pid)
}

func TestHostileLogsDoNotReachTerminal(t *testing.T) {
	bin := buildBinary(t)
	id := testengine.Run(t, testengine.RunOpts{Name: "hostile", Args: []string{"-hostile", "-log-every", "100ms"}})
	testengine.WaitLogs(t, id, "fixture")
	cli := testengine.Client(t)
	info, err := cli.ContainerInspect(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	cname := strings.TrimPrefix(info.Name, "/")
	p := startPane(t, 100, 30, append(dockerHostEnv(), "TERM=xterm-256color"), bin)
	p.waitText("NAME")
	p.keys("/")
	p.literal(cname)
	p.keys("Enter")
	p.waitText(cname[:16])
	p.keys("l")
	p.waitText("› logs")
	time.Sleep(1500 * time.Millisecond) // let hostile lines stream
	title := strings.TrimSpace(p.tmux("display-message", "-p", "-t", p.session, "#{pane_title}"))
	if strings.Contains(title, "pwned") {
		t.Fatalf("a container retitled the terminal: %q", title)
	}
	s := p.screen()
	if !strings.Contains(s, "dockterm") || !strings.Contains(s, "› logs") {
		t.Fatalf("the frame was damaged by hostile output:\n%s", s)
	}
	// The UI still answers.
	p.keys("Escape")
	p.waitText("NAME")
}

func TestExitsWhenTerminalGoesAway(t *testing.T) {
	bin := buildBinary(t)
	p := startPane(t, 80, 24, dockerHostEnv(), bin)
	p.waitText("Containers")
	pid := p.pid()
	exec.Command("tmux", "-L", p.session, "kill-session", "-t", p.session).Run()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("dockterm survived its terminal (SIGHUP)")
}

// helpShown reports that the help screen is open: it shows the titles of
// the "General" and "Detail" binding groups, which nothing else does (the
// tab bar and the status bar, on screen all the time, say "Containers",
// "running" and "? help").
func helpShown(s string) bool {
	return strings.Contains(s, "General") && strings.Contains(s, "Detail")
}

// lastRow is the bottom row of a captured screen, where the status bar
// belongs.
func lastRow(s string) string {
	rows := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return rows[len(rows)-1]
}

// filterTo filters the container list down to the container with this ID
// (the engine may hold many others) and waits for its row, found by the
// start of its name.
func (p *pane) filterTo(id string) {
	p.t.Helper()
	info, err := testengine.Client(p.t).ContainerInspect(p.t.Context(), id)
	if err != nil {
		p.t.Fatal(err)
	}
	name := strings.TrimPrefix(info.Name, "/")
	p.keys("/")
	p.literal(id[:12])
	p.keys("Enter")
	p.waitText("filter: " + id[:12])
	p.waitText(name[:16])
}

func TestTerminals(t *testing.T) {
	bin := buildBinary(t)
	id := testengine.Run(t, testengine.RunOpts{Name: "term"})
	for _, env := range [][]string{
		{"TERM=linux"}, {"TERM=dumb"}, {"TERM=unknown-terminal-xyz"}, {"TERM=xterm-256color", "NO_COLOR=1"},
	} {
		t.Run(strings.Join(env, ","), func(t *testing.T) {
			p := startPane(t, 80, 24, append(dockerHostEnv(), env...), bin)
			p.waitText("Containers")
			// A real row, not just the status bar, is drawn.
			p.filterTo(id)
			p.keys("?")
			p.waitFor("the help screen", helpShown)
			p.keys("Escape", "q")
		})
	}
}

func TestReadOnlyFlag(t *testing.T) {
	bin := buildBinary(t)
	// Big enough for the whole help, so that a binding missing from the
	// screen is missing from the help, not scrolled or clipped away.
	p := startPane(t, 160, 50, dockerHostEnv(), bin, "--read-only")
	p.waitText("RO")
	p.keys("?")
	s := p.waitText("Read-only mode: actions that change the engine are not bound.")
	if !helpShown(s) {
		t.Fatalf("the help is not on screen:\n%s", s)
	}
	for _, gone := range []string{"restart", "kill", "exec shell"} {
		if strings.Contains(s, gone) {
			t.Errorf("read-only help shows %q:\n%s", gone, s)
		}
	}
	p.keys("Escape", "q")
}

// TestHelpKeepsStatusLine: at 80x24 the help fits the body, and the status
// line stays on the bottom row instead of being pushed off the screen.
func TestHelpKeepsStatusLine(t *testing.T) {
	bin := buildBinary(t)
	p := startPane(t, 80, 24, append(dockerHostEnv(), "TERM=xterm-256color"), bin)
	p.waitFor("the status line", func(s string) bool { return strings.Contains(lastRow(s), "? help") })
	p.keys("?")
	p.waitFor("the help with the status line on the bottom row", func(s string) bool {
		last := lastRow(s)
		return helpShown(s) && (strings.Contains(last, "? help") || strings.Contains(last, "running"))
	})
	p.keys("Escape", "q")
}

func TestExecShellThroughAPI(t *testing.T) {
	bin := buildBinary(t)
	id := testengine.Run(t, testengine.RunOpts{Name: "exec"})
	p := startPane(t, 120, 30, append(dockerHostEnv(), "TERM=xterm-256color"), bin)
	p.waitText("Containers")
	p.keys("/")
	p.literal(id[:12])
	p.keys("Enter")
	p.waitText("filter: " + id[:12])
	p.keys("x")
	p.waitText("/ #")
	// The marker is computed by the shell, so only its output holds it
	// (the typed line holds "$((6*7))"); and no container name can:
	// "exec-42" matched a name whose random suffix began with 42
	// (dkt-test-…-exec-429fab3e).
	p.literal("echo shell-said-$((6*7))")
	p.keys("Enter")
	p.waitText("shell-said-42") // the shell ran it
	p.literal("exit 0")
	p.keys("Enter")
	// Back in the console, which says the shell ended.
	p.waitText("shell in")
	s := p.waitText("NAME")
	if strings.Contains(s, "shell-said-42") {
		t.Errorf("shell output left on the console screen:\n%s", s)
	}
}
