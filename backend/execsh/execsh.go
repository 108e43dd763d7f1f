// Package execsh runs an interactive process (by default a shell) inside a
// container through the Engine API alone: no docker CLI on the operator's
// machine. A Session satisfies bubbletea's tea.ExecCommand interface
// structurally (Run, SetStdin, SetStdout, SetStderr) so the UI can hand it to
// tea.Exec, which suspends the TUI and releases the terminal while Run runs;
// this package itself never imports bubbletea.
//
// From the UI:
//
//	s := execsh.New(cli, containerID, nil, execsh.Options{Context: ctx})
//	return tea.Exec(s, func(err error) tea.Msg { return execDoneMsg{err} })
//
// The TUI is suspended while the shell runs, so anything Run prints is gone
// once the TUI redraws: show the returned error in the UI too. To avoid
// suspending the TUI at all for a container without a shell, call FindShell
// first and pass its answer as cmd.
//
// While Run starts the shell the operator sees only their terminal, with no
// TUI to answer keys, so every engine call before the shell is up (shell
// detection, exec create, attach, the first resize) is bounded by
// Options.SetupTimeout, and an engine that accepts the connection but never
// answers makes Run return a *TimeoutError instead of leaving a blank
// screen. The interactive session itself is not bounded.
//
// Keys during that start: bubbletea hands the terminal back in cooked mode,
// where ctrl+c raises SIGINT, which bubbletea's own handler turns into an
// interrupt that quits dockterm as soon as Run returns (and ctrl+\ or ctrl+z
// would kill or stop it outright). So Run switches a terminal stdin to raw
// mode first thing, where no key raises a signal, and watches it until the
// shell is attached: ctrl+c abandons the start (Run returns an error
// wrapping ErrInterrupted and the operator is back in the TUI); anything
// else typed meanwhile is handed to the shell, as a terminal would.
package execsh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"
	"github.com/muesli/cancelreader"
	"golang.org/x/term"
)

// API is the part of the Docker client a Session needs. client.APIClient
// (and so *client.Client) satisfies it; tests may pass a smaller fake.
type API interface {
	ContainerExecCreate(ctx context.Context, container string, options container.ExecOptions) (container.ExecCreateResponse, error)
	ContainerExecAttach(ctx context.Context, execID string, options container.ExecAttachOptions) (types.HijackedResponse, error)
	ContainerExecInspect(ctx context.Context, execID string) (container.ExecInspect, error)
	ContainerExecResize(ctx context.Context, execID string, options container.ResizeOptions) error
	ContainerStatPath(ctx context.Context, container, path string) (container.PathStat, error)
	ContainerWait(ctx context.Context, container string, condition container.WaitCondition) (<-chan container.WaitResponse, <-chan error)
	ContainerInspect(ctx context.Context, container string) (container.InspectResponse, error)
}

// ErrNoShell reports that none of the candidate shells exists in the
// container (typical of FROM scratch or distroless images).
var ErrNoShell = errors.New("no shell in container")

// ErrContainerStopped reports that the container stopped while the session
// was running, which ended the session.
var ErrContainerStopped = errors.New("container stopped")

// ErrInterrupted reports that the operator pressed ctrl+c while the shell
// was starting, which abandons the start.
var ErrInterrupted = errors.New("interrupted with ctrl+c while starting the shell")

// ErrEngineTimeout matches (errors.Is) every *TimeoutError.
var ErrEngineTimeout = errors.New("engine did not answer in time")

// DefaultSetupTimeout bounds each engine call that starts a session unless
// Options.SetupTimeout says otherwise.
const DefaultSetupTimeout = 10 * time.Second

// TimeoutError is returned by Run when the engine did not answer one of the
// calls that start or finish the session within Options.SetupTimeout.
type TimeoutError struct {
	Timeout time.Duration
	While   string // what Run was doing: "starting the shell"
	Call    string // the engine call that got no answer: "exec create"
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("engine did not answer within %s while %s (%s)", e.Timeout, e.While, e.Call)
}

// Is makes errors.Is(err, ErrEngineTimeout) and errors.Is(err,
// context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool {
	return target == ErrEngineTimeout || target == context.DeadlineExceeded
}

// ExitError is returned by Run when the process in the container exited with
// a non-zero code.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("exec: process exited with code %d", e.Code)
}

// DefaultShells returns the shells tried, in order, when a Session is created
// without a command. A fresh slice each call: no package-level mutable state.
func DefaultShells() []string {
	return []string{"/bin/bash", "/bin/sh"}
}

// Options tunes a Session. The zero value is an interactive shell with a TTY.
type Options struct {
	// Context bounds the session: cancelling it ends Run (the Run method has
	// no context parameter because tea.ExecCommand fixes its signature).
	// Nil means context.Background().
	Context context.Context
	// User, WorkingDir and Env are passed to the exec as `docker exec -u -w -e`.
	User       string
	WorkingDir string
	Env        []string
	// NoTTY runs the process without a pseudo-terminal: stdout and stderr
	// stay separate and the local terminal is left in cooked mode. Meant for
	// scripted use; the interactive shell wants a TTY.
	NoTTY bool
	// Shells overrides DefaultShells when cmd is empty.
	Shells []string
	// SetupTimeout bounds each engine call made before the shell is up
	// (and the exit-code inquiry after it ends, and each resize); zero or
	// less means DefaultSetupTimeout. The session in between is unbounded.
	SetupTimeout time.Duration
}

// Session is one exec in one container. It is single-use: call Run once.
type Session struct {
	api         API
	containerID string
	cmd         []string
	opts        Options

	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// New prepares a session running cmd in the container; an empty cmd means
// the first shell of Options.Shells (default /bin/bash, then /bin/sh) that
// exists in the container. Nothing talks to the engine until Run.
func New(api API, containerID string, cmd []string, opts Options) *Session {
	return &Session{
		api:         api,
		containerID: containerID,
		cmd:         append([]string(nil), cmd...),
		opts:        opts,
	}
}

// SetStdin sets the reader the keystrokes come from (default os.Stdin).
func (s *Session) SetStdin(r io.Reader) { s.stdin = r }

// SetStdout sets where the process output goes (default os.Stdout).
func (s *Session) SetStdout(w io.Writer) { s.stdout = w }

// SetStderr sets where the process's stderr (NoTTY only) and this package's
// own one-line messages go (default os.Stderr).
func (s *Session) SetStderr(w io.Writer) { s.stderr = w }

// FindShell returns the first of candidates that exists in the container,
// found by stat through the archive API, so no process is started and the
// answer does not depend on a shell being there to ask. It returns an error
// wrapping ErrNoShell when none exists.
func FindShell(ctx context.Context, api API, containerID string, candidates []string) (string, error) {
	var otherErr error
	for _, p := range candidates {
		st, err := api.ContainerStatPath(ctx, containerID, p)
		if err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("find shell: %w", ctx.Err())
			}
			if !cerrdefs.IsNotFound(err) && otherErr == nil {
				otherErr = err
			}
			continue
		}
		// A symlink (busybox: /bin/sh -> busybox) is accepted: exec follows
		// it, and a dangling one fails visibly at exec time.
		if st.Mode.IsDir() {
			continue
		}
		return p, nil
	}
	if otherErr != nil {
		return "", fmt.Errorf("find shell in %s: %w", shortID(containerID), otherErr)
	}
	// The archive endpoint answers a bare 404 both for a missing path and a
	// missing container: make sure it is the image that lacks a shell
	// before saying so.
	if _, err := api.ContainerInspect(ctx, containerID); err != nil {
		return "", fmt.Errorf("find shell in %s: %w", shortID(containerID), err)
	}
	return "", fmt.Errorf("container %s: %w (tried %s)", shortID(containerID), ErrNoShell, strings.Join(candidates, ", "))
}

// Run creates the exec, attaches to it and relays the terminal until the
// process exits (nil for code 0, *ExitError otherwise), the container stops
// (an error wrapping ErrContainerStopped) or Options.Context is cancelled.
// Each engine call before the shell is up is bounded by
// Options.SetupTimeout (a *TimeoutError); ctrl+c meanwhile abandons the
// start (ErrInterrupted). When stdin is a terminal it is switched to raw
// mode for the duration and restored on every way out, panics included.
func (s *Session) Run() error {
	ctx := s.opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	stdin, stdout, stderr := s.streams()
	tty := !s.opts.NoTTY
	timeout := s.setupTimeout()
	starting := func(call string) *TimeoutError {
		return &TimeoutError{Timeout: timeout, While: "starting the shell", Call: call}
	}

	guard, err := guardTerminal(stdin, func() { cancel(ErrInterrupted) })
	if err != nil {
		return err
	}
	// Deferred, so the terminal is restored and stdin released on every way
	// out, panics included; both are idempotent.
	defer guard.restore()
	defer guard.stop()

	cmd := s.cmd
	if len(cmd) == 0 {
		shells := s.opts.Shells
		if len(shells) == 0 {
			shells = DefaultShells()
		}
		sh, err := bounded(ctx, timeout, starting("shell detection"), func(ctx context.Context) (string, error) {
			return FindShell(ctx, s.api, s.containerID, shells)
		}, nil)
		if err != nil {
			if !errors.Is(err, ErrInterrupted) {
				// One clear line, in cooked mode so it prints as a line.
				guard.stop()
				guard.restore()
				fmt.Fprintf(stderr, "dockterm: cannot open a shell: %v\n", err)
			}
			return s.setupErr("find shell", err)
		}
		cmd = []string{sh}
	}

	termFd, hasTerm := terminalFd(stdin, stdout)
	var size *[2]uint
	if tty && hasTerm {
		if w, h, err := term.GetSize(termFd); err == nil && w > 0 && h > 0 {
			size = &[2]uint{uint(h), uint(w)}
		}
	}

	created, err := bounded(ctx, timeout, starting("exec create"), func(ctx context.Context) (container.ExecCreateResponse, error) {
		return s.api.ContainerExecCreate(ctx, s.containerID, container.ExecOptions{
			User:         s.opts.User,
			WorkingDir:   s.opts.WorkingDir,
			Env:          s.opts.Env,
			Cmd:          cmd,
			Tty:          tty,
			ConsoleSize:  size, // honoured from API 1.42 on; dropped by the client before
			AttachStdin:  true,
			AttachStdout: true,
			AttachStderr: true,
		})
	}, nil)
	if err != nil {
		return s.setupErr(fmt.Sprintf("exec %q", strings.Join(cmd, " ")), err)
	}
	execID := created.ID

	// Watch the container from before attaching so a stop during the
	// session is not missed. Its own context so the watch ends with Run.
	stopped := s.watchContainer(ctx)

	resp, err := bounded(ctx, timeout, starting("exec attach"), func(ctx context.Context) (types.HijackedResponse, error) {
		return s.api.ContainerExecAttach(ctx, execID, container.ExecAttachOptions{Tty: tty, ConsoleSize: size})
	}, func(r types.HijackedResponse) { r.Close() })
	if err != nil {
		return s.setupErr("attach to exec", err)
	}
	defer resp.Close()

	// The shell is up: from here on keys belong to it. A terminal stays raw
	// for a TTY session and goes back to cooked mode without one.
	typed := guard.stop()
	if !tty {
		guard.restore()
	}
	if tty && hasTerm {
		stopResize := forwardResize(ctx, s.api, execID, termFd, timeout)
		defer stopResize()
	}

	outDone := make(chan error, 1)
	outClosed := make(chan struct{})
	// On the way out (registered after the raw-mode restore, so it runs
	// before it): close the connection and let the output relay finish, so
	// nothing of the session reaches the terminal once the TUI has it back.
	// Bounded, in case the terminal itself stopped taking output.
	defer func() {
		resp.Close()
		select {
		case <-outClosed:
		case <-time.After(time.Second):
		}
	}()
	go func() {
		defer close(outClosed)
		defer func() {
			if r := recover(); r != nil {
				outDone <- fmt.Errorf("exec output relay panicked: %v", r)
			}
		}()
		var err error
		if tty {
			_, err = io.Copy(stdout, resp.Reader)
		} else {
			_, err = stdcopy.StdCopy(stdout, stderr, resp.Reader)
		}
		outDone <- err
	}()

	stopInput := relayInput(stdin, resp, typed, !tty)
	defer stopInput()

	select {
	case err := <-outDone:
		if err != nil && ctx.Err() == nil && !isClosedConn(err) {
			return fmt.Errorf("exec output: %w", err)
		}
	case <-stopped:
		return fmt.Errorf("exec in %s: %w", shortID(s.containerID), ErrContainerStopped)
	case <-ctx.Done():
		return fmt.Errorf("exec in %s: %w", shortID(s.containerID), context.Cause(ctx))
	}
	if ctx.Err() != nil {
		return fmt.Errorf("exec in %s: %w", shortID(s.containerID), context.Cause(ctx))
	}

	code, err := s.exitCode(ctx, execID, timeout)
	if err != nil {
		return err
	}
	if code == 0 {
		return nil
	}
	exitErr := &ExitError{Code: code}
	if code != killedExitCode {
		return exitErr
	}
	// SIGKILLed: when a container stops, its init dies and the kernel kills
	// every exec'd process in its PID namespace with SIGKILL, so this is
	// likely the container stopping. The exec's stream closes at about the
	// time the engine reports the stop, and which comes first is up to the
	// engine, so give the stop a moment to arrive and say the more useful
	// thing. Other codes (130 after a Ctrl-C'd command, say) return at once.
	select {
	case <-stopped:
		return fmt.Errorf("exec in %s: %w: %w", shortID(s.containerID), ErrContainerStopped, exitErr)
	case <-time.After(stopGrace):
		return exitErr
	}
}

func (s *Session) setupTimeout() time.Duration {
	if s.opts.SetupTimeout > 0 {
		return s.opts.SetupTimeout
	}
	return DefaultSetupTimeout
}

// setupErr gives a failed setup step its context. A timeout is returned as
// is: it already says what the engine failed to answer, in the words the
// operator should read.
func (s *Session) setupErr(what string, err error) error {
	if te := (*TimeoutError)(nil); errors.As(err, &te) {
		return te
	}
	if errors.Is(err, ErrNoShell) || errors.Is(err, ErrInterrupted) {
		return err
	}
	return fmt.Errorf("%s in %s: %w", what, shortID(s.containerID), err)
}

// bounded runs one engine call under the setup timeout d and returns tmo
// when the engine does not answer in time, or the cause of ctx when the
// caller (or ctrl+c) cancelled first.
//
// The call runs in a goroutine of its own because a context does not bound
// every call: the docker client's attach stops watching its context once
// connected and then waits for the upgrade answer with no deadline, so an
// engine that accepts the connection and goes silent would hold a plain call
// for ever. On timeout Run moves on and the abandoned call ends whenever the
// engine answers or drops the connection; release, if not nil, then frees
// whatever it returned.
func bounded[T any](ctx context.Context, d time.Duration, tmo *TimeoutError, call func(context.Context) (T, error), release func(T)) (T, error) {
	cctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := call(cctx)
		done <- result{v, err}
	}()
	var zero T
	select {
	case r := <-done:
		if r.err == nil {
			return r.v, nil
		}
		if ctx.Err() == nil && cctx.Err() == nil {
			return zero, r.err // the engine answered, with an error
		}
	case <-cctx.Done():
		go func() {
			if r := <-done; r.err == nil && release != nil {
				release(r.v)
			}
		}()
	}
	if ctx.Err() != nil {
		return zero, context.Cause(ctx)
	}
	return zero, tmo
}

const (
	// killedExitCode is 128 + SIGKILL.
	killedExitCode = 137
	// stopGrace bounds the wait for a container stop after a SIGKILLed exec.
	stopGrace = 2 * time.Second
)

func (s *Session) streams() (io.Reader, io.Writer, io.Writer) {
	var (
		in  io.Reader = os.Stdin
		out io.Writer = os.Stdout
		er  io.Writer = os.Stderr
	)
	if s.stdin != nil {
		in = s.stdin
	}
	if s.stdout != nil {
		out = s.stdout
	}
	if s.stderr != nil {
		er = s.stderr
	}
	return in, out, er
}

// watchContainer returns a channel closed when the container stops running.
// The wait request lasts the whole session, so it is not bounded; it is made
// in a goroutine because the client sends it and waits for the engine's
// headers before returning, which a silent engine would never send. A stop
// that happens before the request reaches the engine is not missed: waiting
// for "not running" on a stopped container answers at once.
func (s *Session) watchContainer(ctx context.Context) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		waitC, errC := s.api.ContainerWait(ctx, s.containerID, container.WaitConditionNotRunning)
		select {
		case <-waitC:
			close(stopped)
		case <-errC:
			// The wait itself failed (or ctx ended); the session still ends
			// when the exec stream closes, so there is nothing to report.
		case <-ctx.Done():
		}
	}()
	return stopped
}

// exitCode asks the engine for the exit code. The stream can close a moment
// before the engine marks the exec finished, so it polls briefly. Each ask
// is bounded like a setup call: the terminal is still raw until Run returns.
func (s *Session) exitCode(ctx context.Context, execID string, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(5 * time.Second)
	delay := 5 * time.Millisecond
	tmo := &TimeoutError{Timeout: timeout, While: "reading the exit code", Call: "exec inspect"}
	for {
		ins, err := bounded(ctx, timeout, tmo, func(ctx context.Context) (container.ExecInspect, error) {
			return s.api.ContainerExecInspect(ctx, execID)
		}, nil)
		if errors.Is(err, ErrEngineTimeout) {
			return 0, err
		}
		if err != nil {
			return 0, fmt.Errorf("exec inspect in %s: %w", shortID(s.containerID), err)
		}
		if !ins.Running {
			return ins.ExitCode, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("exec in %s: stream closed but the process is still running", shortID(s.containerID))
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("exec in %s: %w", shortID(s.containerID), ctx.Err())
		case <-time.After(delay):
		}
		if delay < 200*time.Millisecond {
			delay *= 2
		}
	}
}

// relayInput sends typed (keys the operator typed while the shell was
// starting) and then copies stdin to the exec until stdin ends or the
// returned stop function is called. Reading a terminal goes through a cancellable reader:
// a plain Read left blocked after the session would swallow the operator's
// next keystroke meant for the TUI.
//
// At the end of stdin the write side is half-closed only without a TTY (the
// process then reads EOF). With a TTY the engine answers a half-close by
// closing the output too, losing whatever the process still prints, so the
// connection stays open until the process exits; a real terminal never
// reaches end of input anyway.
func relayInput(stdin io.Reader, resp types.HijackedResponse, typed []byte, closeWrite bool) (stop func()) {
	cr, err := cancelreader.NewReader(stdin)
	if err != nil {
		// epoll refuses some files (regular files, /dev/null): those never
		// block, so a plain reader is fine.
		cr = nopCancel{stdin}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cr.Close()
		if len(typed) > 0 {
			if _, err := resp.Conn.Write(typed); err != nil {
				return
			}
		}
		_, _ = io.Copy(resp.Conn, cr)
		if closeWrite {
			_ = resp.CloseWrite()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancelled := cr.Cancel()
			// Unblocks a write stuck on a peer that stopped reading.
			_ = resp.Conn.Close()
			// Wait until the relay is out of Read, so that once Run returns
			// nothing of the session touches stdin any more. Only when the
			// cancel took: a plain reader may block for ever.
			if cancelled {
				<-done
			}
		})
	}
}

type nopCancel struct{ io.Reader }

func (nopCancel) Cancel() bool { return false }
func (nopCancel) Close() error { return nil }

// terminalFd picks the terminal whose size is forwarded: stdout first (the
// screen the operator sees), stdin otherwise.
func terminalFd(stdin io.Reader, stdout io.Writer) (int, bool) {
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return int(f.Fd()), true
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return int(f.Fd()), true
	}
	return 0, false
}

// resizeOnce sends the current terminal size, each request bounded by
// timeout so a silent engine cannot hold the resize forwarder (which Run
// waits for on its way out). Right after attach the process may not be
// started yet and the engine refuses the resize, so the first one is
// retried a few times, as the docker CLI does.
func resizeOnce(ctx context.Context, api API, execID string, fd int, retries int, timeout time.Duration) {
	for i := 0; ; i++ {
		w, h, err := term.GetSize(fd)
		if err != nil || w <= 0 || h <= 0 {
			return
		}
		rctx, cancel := context.WithTimeout(ctx, timeout)
		err = api.ContainerExecResize(rctx, execID, container.ResizeOptions{Height: uint(h), Width: uint(w)})
		cancel()
		if err == nil || i >= retries || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(i+1) * 10 * time.Millisecond):
		}
	}
}

func isClosedConn(err error) bool {
	return errors.Is(err, io.EOF) || strings.Contains(err.Error(), "use of closed network connection")
}

func shortID(id string) string {
	if len(id) > 12 && !strings.ContainsAny(id, "-_.") {
		return id[:12]
	}
	return id
}
