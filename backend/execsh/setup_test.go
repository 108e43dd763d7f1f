package execsh

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
)

// fakeAPI is an engine that answers every call at once, except the one
// named hang, which gets no answer: it blocks until its context ends, or,
// when release is set, ignores its context (as the docker client's attach
// does once connected) and answers only when release is closed.
type fakeAPI struct {
	hang    string
	release chan struct{}
	entered chan string // receives the name of the hanging call when it starts

	mu        sync.Mutex
	deadlines map[string]bool // call name: its context had a deadline
	server    chan net.Conn   // the engine's end of each attach connection
}

func newFake(hang string) *fakeAPI {
	return &fakeAPI{
		hang:      hang,
		entered:   make(chan string, 1),
		deadlines: map[string]bool{},
		server:    make(chan net.Conn, 2),
	}
}

// enter records the call and blocks it when it is the one to hang.
func (f *fakeAPI) enter(ctx context.Context, name string) error {
	_, ok := ctx.Deadline()
	f.mu.Lock()
	f.deadlines[name] = ok
	f.mu.Unlock()
	if name != f.hang {
		return nil
	}
	select {
	case f.entered <- name:
	default:
	}
	if f.release != nil {
		<-f.release
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeAPI) hadDeadline(name string) (called, deadline bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	deadline, called = f.deadlines[name]
	return called, deadline
}

func (f *fakeAPI) ContainerStatPath(ctx context.Context, _, path string) (container.PathStat, error) {
	if err := f.enter(ctx, "stat"); err != nil {
		return container.PathStat{}, err
	}
	return container.PathStat{Name: path, Mode: 0o755}, nil
}

func (f *fakeAPI) ContainerInspect(ctx context.Context, _ string) (container.InspectResponse, error) {
	return container.InspectResponse{}, f.enter(ctx, "inspect")
}

func (f *fakeAPI) ContainerExecCreate(ctx context.Context, _ string, _ container.ExecOptions) (container.ExecCreateResponse, error) {
	if err := f.enter(ctx, "create"); err != nil {
		return container.ExecCreateResponse{}, err
	}
	return container.ExecCreateResponse{ID: "exec-1"}, nil
}

func (f *fakeAPI) ContainerExecAttach(ctx context.Context, _ string, _ container.ExecAttachOptions) (types.HijackedResponse, error) {
	if err := f.enter(ctx, "attach"); err != nil {
		return types.HijackedResponse{}, err
	}
	client, server := net.Pipe()
	f.server <- server
	return types.NewHijackedResponse(client, ""), nil
}

func (f *fakeAPI) ContainerExecInspect(ctx context.Context, _ string) (container.ExecInspect, error) {
	return container.ExecInspect{}, f.enter(ctx, "exec inspect")
}

func (f *fakeAPI) ContainerExecResize(ctx context.Context, _ string, _ container.ResizeOptions) error {
	return f.enter(ctx, "resize")
}

// ContainerWait never reports a stop: the sessions here end otherwise.
func (f *fakeAPI) ContainerWait(ctx context.Context, _ string, _ container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	_ = f.enter(ctx, "wait")
	return make(chan container.WaitResponse), make(chan error)
}

// readUntil reads conn until it has seen want, failing after safety.
func readUntil(t *testing.T, conn net.Conn, want string) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(safety))
	var got []byte
	buf := make([]byte, 256)
	for !strings.Contains(string(got), want) {
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("read %q, want %q: %v", got, want, err)
		}
	}
}

// TestSetupTimeout: an engine that gets the request and never answers makes
// Run return a timeout error naming the step, whichever setup call it is,
// and whether or not the call honours its context.
func TestSetupTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name   string
		hang   string
		cmd    []string
		ignore bool // the hanging call ignores its context
		call   string
	}{
		{name: "shell detection", hang: "stat", call: "shell detection"},
		{name: "exec create", hang: "create", cmd: []string{"/bin/sh"}, call: "exec create"},
		{name: "attach", hang: "attach", cmd: []string{"/bin/sh"}, call: "exec attach"},
		{name: "attach ignoring its context", hang: "attach", cmd: []string{"/bin/sh"}, ignore: true, call: "exec attach"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := newFake(tc.hang)
			if tc.ignore {
				api.release = make(chan struct{})
			}
			s := New(api, "0123456789abcdef", tc.cmd, Options{SetupTimeout: timeout})
			s.SetStdin(strings.NewReader(""))
			s.SetStdout(io.Discard)
			s.SetStderr(io.Discard)
			err := runAsync(t, s)()

			var te *TimeoutError
			if !errors.As(err, &te) || !errors.Is(err, ErrEngineTimeout) || te.Call != tc.call {
				t.Fatalf("Run: %v, want a *TimeoutError for %q", err, tc.call)
			}
			if want := "engine did not answer within 200ms while starting the shell"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
			if called, deadline := api.hadDeadline(tc.hang); !called || !deadline {
				t.Errorf("%s: called=%v, with a deadline=%v", tc.hang, called, deadline)
			}
			if tc.ignore {
				// The engine wakes up after Run gave up: the connection it
				// hands over is closed, not leaked.
				close(api.release)
				select {
				case server := <-api.server:
					_ = server.SetReadDeadline(time.Now().Add(safety))
					if _, err := server.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
						t.Errorf("late attach connection: read %v, want EOF (closed by Run)", err)
					}
				case <-time.After(safety):
					t.Fatalf("the late attach never returned")
				}
			}
		})
	}
}

// TestSetupCancelledIsNotTimeout: the caller cancelling while the engine is
// silent is reported as the cancellation, not as a slow engine.
func TestSetupCancelledIsNotTimeout(t *testing.T) {
	api := newFake("create")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(api, "c1", []string{"/bin/sh"}, Options{Context: ctx, SetupTimeout: safety})
	s.SetStdin(strings.NewReader(""))
	s.SetStdout(io.Discard)
	s.SetStderr(io.Discard)
	wait := runAsync(t, s)
	<-api.entered
	cancel()
	if err := wait(); !errors.Is(err, context.Canceled) || errors.Is(err, ErrEngineTimeout) {
		t.Fatalf("Run: %v, want context.Canceled", err)
	}
}

// TestSessionIsNotBounded: the setup timeout covers the calls that start
// the session, never the session itself.
func TestSessionIsNotBounded(t *testing.T) {
	const timeout = 50 * time.Millisecond
	api := newFake("")
	s := New(api, "c1", []string{"/bin/sh"}, Options{SetupTimeout: timeout, NoTTY: true})
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	var out syncBuffer
	s.SetStdin(pr)
	s.SetStdout(&out)
	s.SetStderr(io.Discard)
	wait := runAsync(t, s)
	server := <-api.server
	// Outlive the setup timeout several times over, then talk.
	time.Sleep(6 * timeout)
	if _, err := pw.Write([]byte("ping\n")); err != nil {
		t.Fatalf("write stdin: %v", err)
	}
	readUntil(t, server, "ping\n")
	// Multiplexed stdout frame: stream 1, 6 bytes.
	if _, err := server.Write(append([]byte{1, 0, 0, 0, 0, 0, 0, 6}, "hello\n"...)); err != nil {
		t.Fatalf("write output: %v", err)
	}
	waitFor(t, &out, "hello", nil)
	server.Close()
	if err := wait(); err != nil {
		t.Fatalf("Run: %v, want nil", err)
	}
	if called, deadline := api.hadDeadline("wait"); !called || deadline {
		t.Errorf("container wait: called=%v, deadline=%v; it lasts the session and must have none", called, deadline)
	}
	for _, c := range []string{"create", "attach", "exec inspect"} {
		if called, deadline := api.hadDeadline(c); !called || !deadline {
			t.Errorf("%s: called=%v, deadline=%v; want a bounded call", c, called, deadline)
		}
	}
}

// TestSetupKeys drives the start through a real pseudo-terminal, as
// bubbletea hands it over (cooked mode): while the engine is silent, ctrl+c
// abandons the start instead of raising SIGINT (which bubbletea would turn
// into quitting dockterm), other keys reach the shell once it is up, and the
// terminal is cooked again afterwards.
func TestSetupKeys(t *testing.T) {
	t.Run("ctrl+c abandons the start", func(t *testing.T) {
		master, slave := openPTY(t, 24, 80)
		api := newFake("create")
		s := New(api, "c1", nil, Options{SetupTimeout: safety})
		s.SetStdin(slave)
		s.SetStdout(slave)
		s.SetStderr(slave)
		wait := runAsync(t, s)
		<-api.entered
		if canonical(t, slave) {
			t.Errorf("terminal in cooked mode during setup: ctrl+c would raise SIGINT")
		}
		if _, err := master.Write([]byte{'l', 's', ctrlC}); err != nil {
			t.Fatal(err)
		}
		if err := wait(); !errors.Is(err, ErrInterrupted) {
			t.Fatalf("Run: %v, want ErrInterrupted", err)
		}
		if !canonical(t, slave) {
			t.Errorf("terminal not restored to cooked mode")
		}
	})
	t.Run("keys typed during setup reach the shell", func(t *testing.T) {
		master, slave := openPTY(t, 24, 80)
		api := newFake("create")
		api.release = make(chan struct{})
		s := New(api, "c1", nil, Options{SetupTimeout: safety})
		s.SetStdin(slave)
		s.SetStdout(slave)
		s.SetStderr(slave)
		wait := runAsync(t, s)
		<-api.entered
		if _, err := master.Write([]byte("echo hi\r")); err != nil {
			t.Fatal(err)
		}
		close(api.release)
		server := <-api.server
		readUntil(t, server, "echo hi\r")
		server.Close()
		if err := wait(); err != nil {
			t.Fatalf("Run: %v, want nil", err)
		}
		if !canonical(t, slave) {
			t.Errorf("terminal not restored to cooked mode")
		}
	})
}
