package execsh

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/dockterm/dockterm/internal/testengine"
)

// The shapes the rest of the program relies on, checked at compile time:
// the docker client satisfies API, and a Session is a tea.ExecCommand
// (spelled out here, since backend code never imports bubbletea).
var (
	_ API = client.APIClient(nil)
	_ interface {
		Run() error
		SetStdin(io.Reader)
		SetStdout(io.Writer)
		SetStderr(io.Writer)
	} = (*Session)(nil)
)

// safety bounds every wait in these tests: a hung engine must fail the test,
// not hang it. It is never an assertion about speed.
const safety = 60 * time.Second

// syncBuffer is a bytes.Buffer safe for one writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls b until it contains want, calling poke (if any) between
// looks, e.g. to type a command again.
func waitFor(t *testing.T, b *syncBuffer, want string, poke func()) {
	t.Helper()
	deadline := time.Now().Add(safety)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			out := b.String()
			if len(out) > 1500 {
				out = "..." + out[len(out)-1500:]
			}
			t.Fatalf("never saw %q; output so far:\n%q", want, out)
		}
		if poke != nil {
			poke()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// runFixture starts a sleeping fixture container. An exec needs no
// network, and "none" keeps these tests independent of the bridge.
func runFixture(t *testing.T) string {
	t.Helper()
	return testengine.Run(t, testengine.RunOpts{HostConfig: noNetwork()})
}

func noNetwork() *container.HostConfig {
	return &container.HostConfig{NetworkMode: "none"}
}

// runAsync runs s in a goroutine; the returned func waits for its result.
func runAsync(t *testing.T, s *Session) func() error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Run() }()
	return func() error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(safety):
			t.Fatalf("Run did not return")
			return nil
		}
	}
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("Run: %v, want nil or an *ExitError", err)
	}
	return ee.Code
}

func TestRunPipedStdin(t *testing.T) {
	cli := testengine.Client(t)
	id := runFixture(t)
	// The quotes in he''llo keep the typed command, which a TTY echoes back,
	// from containing the word the shell prints.
	tests := []struct {
		name       string
		cmd        []string
		opts       Options
		input      string
		wantOut    string
		notOut     string
		wantErrOut string
		wantCode   int
	}{
		{name: "tty default shell exit 3", input: "echo he''llo; exit 3\n", wantOut: "hello", wantCode: 3},
		{name: "tty exit 0", input: "echo he''llo; exit 0\n", wantOut: "hello", wantCode: 0},
		{
			name: "no tty keeps stderr apart", opts: Options{NoTTY: true},
			input:   "echo he''llo; echo oo''ps >&2; exit 3\n",
			wantOut: "hello", notOut: "oops", wantErrOut: "oops", wantCode: 3,
		},
		{
			name: "no tty stdin EOF ends the shell", opts: Options{NoTTY: true},
			input: "echo he''llo\n", wantOut: "hello", wantCode: 0,
		},
		{
			name: "explicit command, env and workdir", opts: Options{NoTTY: true, Env: []string{"GREETING=hello"}, WorkingDir: "/tmp"},
			cmd:     []string{"/bin/sh", "-c", `echo "$GREETING from $(pwd)"; exit 5`},
			wantOut: "hello from /tmp", wantCode: 5,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(cli, id, tc.cmd, tc.opts)
			var out, errOut syncBuffer
			s.SetStdin(strings.NewReader(tc.input))
			s.SetStdout(&out)
			s.SetStderr(&errOut)
			err := runAsync(t, s)()
			if got := exitCode(t, err); got != tc.wantCode {
				t.Errorf("exit code %d, want %d (err %v)", got, tc.wantCode, err)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.wantOut)
			}
			if tc.notOut != "" && strings.Contains(out.String(), tc.notOut) {
				t.Errorf("stdout %q holds %q", out.String(), tc.notOut)
			}
			if !strings.Contains(errOut.String(), tc.wantErrOut) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tc.wantErrOut)
			}
		})
	}
}

// TestRunTerminal drives the session through a real pseudo-terminal, as
// bubbletea hands it over: raw mode while it runs, the size forwarded at
// start and on SIGWINCH, cooked mode back afterwards, and no keystroke
// swallowed once it is over.
func TestRunTerminal(t *testing.T) {
	cli := testengine.Client(t)
	id := runFixture(t)
	master, slave := openPTY(t, 30, 100)
	if !canonical(t, slave) {
		t.Fatalf("fresh pty is not in cooked mode")
	}

	var screen syncBuffer
	go func() { _, _ = io.Copy(&screen, master) }()

	s := New(cli, id, nil, Options{})
	s.SetStdin(slave)
	s.SetStdout(slave)
	s.SetStderr(slave)
	wait := runAsync(t, s)

	typeLine := func(line string) func() {
		return func() { _, _ = master.Write([]byte(line + "\r")) }
	}
	waitFor(t, &screen, "30 100", typeLine("stty size"))
	if canonical(t, slave) {
		t.Errorf("terminal not in raw mode during the session")
	}

	setSize(t, master, 50, 132)
	// The test process is not the pty's foreground process group, so the
	// kernel does not signal it: send the SIGWINCH a terminal would.
	if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatalf("send SIGWINCH: %v", err)
	}
	waitFor(t, &screen, "50 132", typeLine("stty size"))

	typeLine("exit 7")()
	if got := exitCode(t, wait()); got != 7 {
		t.Errorf("exit code %d, want 7", got)
	}
	if !canonical(t, slave) {
		t.Errorf("terminal not restored to cooked mode after the session")
	}

	// The next line typed belongs to whoever reads the terminal now (the
	// TUI), not to a reader the session left behind.
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 64)
		n, _ := slave.Read(b)
		got <- string(b[:n])
	}()
	_, _ = master.Write([]byte("after\r"))
	select {
	case s := <-got:
		if !strings.HasPrefix(s, "after") {
			t.Errorf("read %q after the session, want \"after\"", s)
		}
	case <-time.After(safety):
		t.Fatalf("the line typed after the session never reached the terminal's next reader")
	}
}

func TestNoShell(t *testing.T) {
	cli := testengine.Client(t)
	id := runFixture(t)
	// The fixture's /bin/sh is a busybox symlink; without it (and with no
	// bash) the container is like a distroless one.
	rm := New(cli, id, []string{"/bin/busybox", "rm", "-f", "/bin/sh", "/bin/bash"}, Options{NoTTY: true})
	rm.SetStdin(strings.NewReader(""))
	rm.SetStdout(io.Discard)
	rm.SetStderr(io.Discard)
	if err := rm.Run(); err != nil {
		t.Fatalf("removing the shell: %v", err)
	}

	s := New(cli, id, nil, Options{})
	var out, errOut syncBuffer
	s.SetStdin(strings.NewReader("exit 0\n"))
	s.SetStdout(&out)
	s.SetStderr(&errOut)
	err := runAsync(t, s)()
	if !errors.Is(err, ErrNoShell) {
		t.Fatalf("Run: %v, want ErrNoShell", err)
	}
	msg := errOut.String()
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || !strings.Contains(msg, "no shell in container") {
		t.Errorf("message %q, want one line saying there is no shell", msg)
	}
	if out.String() != "" {
		t.Errorf("stdout %q, want nothing", out.String())
	}
}

func TestFindShell(t *testing.T) {
	cli := testengine.Client(t)
	id := runFixture(t)
	tests := []struct {
		name      string
		container string
		shells    []string
		want      string
		wantNo    bool // ErrNoShell
	}{
		{name: "falls back from bash to sh", container: id, shells: DefaultShells(), want: "/bin/sh"},
		{name: "first match wins", container: id, shells: []string{"/bin/ash", "/bin/sh"}, want: "/bin/ash"},
		{name: "a directory is no shell", container: id, shells: []string{"/bin", "/nonexistent"}, wantNo: true},
		{name: "missing container is not a missing shell", container: "dkt-test-no-such-container", shells: DefaultShells()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), safety)
			defer cancel()
			got, err := FindShell(ctx, cli, tc.container, tc.shells)
			switch {
			case tc.want != "":
				if err != nil || got != tc.want {
					t.Errorf("FindShell = %q, %v; want %q", got, err, tc.want)
				}
			case tc.wantNo:
				if !errors.Is(err, ErrNoShell) {
					t.Errorf("FindShell = %q, %v; want ErrNoShell", got, err)
				}
			default:
				if err == nil || errors.Is(err, ErrNoShell) {
					t.Errorf("FindShell = %q, %v; want an error other than ErrNoShell", got, err)
				}
			}
		})
	}
}

// TestRunEnds covers the two ends that are not the process exiting: the
// container stopping under the session, and the caller cancelling it.
func TestRunEnds(t *testing.T) {
	cli := testengine.Client(t)
	tests := []struct {
		name string
		end  func(t *testing.T, id string, cancel context.CancelFunc)
		want error
	}{
		{
			name: "container killed",
			end: func(t *testing.T, id string, _ context.CancelFunc) {
				if err := cli.ContainerKill(context.Background(), id, "KILL"); err != nil {
					t.Fatalf("kill: %v", err)
				}
			},
			want: ErrContainerStopped,
		},
		{
			name: "context cancelled",
			end:  func(_ *testing.T, _ string, cancel context.CancelFunc) { cancel() },
			want: context.Canceled,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := runFixture(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// stdin stays open: only the event under test can end the session.
			pr, pw := io.Pipe()
			t.Cleanup(func() { pw.Close() })
			var out syncBuffer
			s := New(cli, id, nil, Options{Context: ctx, NoTTY: true})
			s.SetStdin(pr)
			s.SetStdout(&out)
			s.SetStderr(io.Discard)
			wait := runAsync(t, s)
			if _, err := pw.Write([]byte("echo rea''dy\n")); err != nil {
				t.Fatalf("write stdin: %v", err)
			}
			waitFor(t, &out, "ready", nil)
			tc.end(t, id, cancel)
			if err := wait(); !errors.Is(err, tc.want) {
				t.Errorf("Run: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestContainerNotRunning: exec needs a running container; the error says so.
func TestContainerNotRunning(t *testing.T) {
	cli := testengine.Client(t)
	id := testengine.Run(t, testengine.RunOpts{NoStart: true, HostConfig: noNetwork()})
	s := New(cli, id, nil, Options{})
	s.SetStdin(strings.NewReader(""))
	s.SetStdout(io.Discard)
	s.SetStderr(io.Discard)
	err := runAsync(t, s)()
	if err == nil || errors.Is(err, ErrNoShell) || !strings.Contains(err.Error(), "not running") {
		t.Errorf("Run: %v, want an error saying the container is not running", err)
	}
	// Keep the state check honest: the container really is only created.
	if st := testengine.Inspect(t, id).State; st == nil || st.Status != container.StateCreated {
		t.Fatalf("container state %+v, want created", st)
	}
}
