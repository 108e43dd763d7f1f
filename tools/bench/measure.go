package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// result is what one N measured.
type result struct {
	n         int
	listAt    time.Duration // -1: never seen
	cpuAt     time.Duration // -1: never seen
	window    time.Duration
	cpuSec    float64 // program CPU seconds in the window
	steadyCPU float64 // program CPU % after both first-times (or after fast polling)
	peakRSS   int64
	bytes     int64
	steadyBs  float64 // bytes/s after both first-times (or after fast polling)
	wakeups   float64 // context switches/s of the program, steady state
	run       engineCost
	base      engineCost
	baseWin   time.Duration
	others    int
	api       string // -trace-api summary
	perf      string // -perf summary
}

// measureProgram runs the program under test in a fresh pane for
// cfg.duration and measures it and the engine.
func measureProgram(ctx context.Context, cfg config, tm *tmuxServer, cmd string, n int, tracer *apiTracer) (result, error) {
	r := result{n: n, listAt: -1, cpuAt: -1}
	target := fmt.Sprintf("n%d", n)
	gate := "go-" + target
	dir := filepath.Dir(tm.socket)
	bytesFile := filepath.Join(dir, target+".out")

	// The pane first blocks on a gate, so the size, the options and the
	// output pipe are all in place before the program starts; then the
	// shell execs it, keeping the pane's pid. The gate is a FIFO the shell
	// reads (-watch control) or, as in the bench's first method, a tmux
	// wait-for channel, whose signalling client's fork and exec (~7 ms
	// idle) and the pane's waiting client's exit then count against the
	// program.
	var shell string
	fifo := filepath.Join(dir, target+".go")
	if cfg.watch == watchControl {
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			return r, fmt.Errorf("gate: %w", err)
		}
		defer os.Remove(fifo)
		shell = fmt.Sprintf("read -r _ < %s && exec %s", shellQuote(fifo), cmd)
	} else {
		shell = fmt.Sprintf("tmux -S %s wait-for %s && exec %s", shellQuote(tm.socket), gate, cmd)
	}
	_, err := tm.run(ctx,
		"start-server", ";",
		"set-option", "-g", "status", "off", ";",
		"set-option", "-g", "remain-on-exit", "on", ";",
		"set-option", "-g", "default-terminal", cfg.term, ";",
		"new-session", "-d", "-s", target, "-x", "120", "-y", "40", shell, ";",
		// An attached control client keeps the pane's size. (Set before
		// the first session, this option makes tmux 3.3a exit.)
		"set-option", "-g", "window-size", "manual",
	)
	// Registered first: a failure after new-session leaves a session.
	defer func() { _, _ = tm.run(context.Background(), "kill-session", "-t", target) }()
	if err != nil {
		return r, err
	}
	if _, err := tm.run(ctx, "pipe-pane", "-O", "-t", target, "exec cat > "+shellQuote(bytesFile)); err != nil {
		return r, err
	}
	var cc *controlClient
	if cfg.watch == watchControl {
		if cc, err = tm.attachControl(ctx, target); err != nil {
			return r, err
		}
		defer func() {
			if cc != nil {
				cc.close()
			}
		}()
	}
	size, err := tm.run(ctx, "display-message", "-p", "-t", target, "#{pane_width}x#{pane_height}")
	if err != nil {
		return r, err
	}
	if strings.TrimSpace(size) != "120x40" {
		return r, fmt.Errorf("pane is %s, want 120x40", strings.TrimSpace(size))
	}
	pid, _, err := tm.paneState(ctx, target)
	if err != nil {
		return r, err
	}
	var gateW *os.File
	if cfg.watch == watchControl {
		// Opened once the shell waits on the other end, so that t0 is the
		// write alone.
		if gateW, err = openGate(ctx, fifo, func() bool { _, dead, err := tm.paneState(ctx, target); return err != nil || dead }); err != nil {
			return r, err
		}
		defer gateW.Close()
	}
	startTicks, err := treeTicksRootOnly(pid)
	if err != nil {
		return r, err
	}
	engStart, err := takeEngineSnapshot()
	if err != nil {
		return r, err
	}
	if tracer != nil {
		tracer.reset()
	}
	t0 := time.Now()
	if f := os.Getenv("BENCH_T0_FILE"); f != "" { // diagnostic: line t0 up with the program's own trace
		_ = os.WriteFile(f, []byte(fmt.Sprintf("%.6f\n", float64(t0.UnixNano())/1e9)), 0o644)
	}
	if gateW != nil {
		_, err = gateW.Write([]byte("\n"))
		gateW.Close()
	} else {
		_, err = tm.run(ctx, "wait-for", "-S", gate)
	}
	if err != nil {
		return r, fmt.Errorf("gate: %w", err)
	}

	deadline := t0.Add(cfg.duration)
	// The first liveness check (a tmux client fork) waits 500 ms: at once,
	// it would compete with the program's start.
	lastCheck := t0
	var (
		steadyFrom  time.Duration
		steadyBytes int64
		steadyTicks int64
		steadyCtx   int64
		lastScreen  string
		prof        *profiler
	)
	defer func() {
		if prof != nil {
			prof.stop()
		}
	}()
	// look records a screen captured at 'at' since t0. Stamps are taken
	// after a capture returns: they never flatter the program, and err
	// late by at most one capture.
	look := func(screen string, at time.Duration) {
		lastScreen = screen
		if r.listAt < 0 && listShown(screen) {
			r.listAt = at
			saveScreen(cfg.screens, target+"-list.txt", screen)
		}
		if r.cpuAt < 0 && cpuShown(screen) {
			r.cpuAt = at
			saveScreen(cfg.screens, target+"-cpu.txt", screen)
		}
	}
	checkAlive := func(at time.Duration) error {
		if time.Since(lastCheck) < 500*time.Millisecond {
			return nil
		}
		lastCheck = time.Now()
		if _, dead, err := tm.paneState(ctx, target); err != nil {
			return err
		} else if dead {
			return fmt.Errorf("N=%d: the program exited after %v; its screen:\n%s", n, at.Round(time.Millisecond), nonBlank(lastScreen))
		}
		return nil
	}
	firstTimes := func(at time.Duration) bool {
		return (r.listAt >= 0 && r.cpuAt >= 0) || at > cfg.fastFor || !time.Now().Before(deadline)
	}

	// Fast phase: until both first-times are seen. The control client
	// captures whenever the pane has new output (whatever arrives during
	// a capture brings one more); the first method, every cfg.poll.
	wait := func() error { return sleep(ctx, cfg.poll) }
	capture := func() (string, error) { return tm.capture(ctx, target) }
	if cc != nil {
		wait = func() error {
			select {
			case <-cc.output:
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		}
		capture = func() (string, error) { return cc.capture(ctx, target) }
	}
	for {
		if err := wait(); err != nil {
			return r, err
		}
		screen, err := capture()
		if err != nil {
			return r, err
		}
		at := time.Since(t0)
		look(screen, at)
		if firstTimes(at) {
			break
		}
		if err := checkAlive(at); err != nil {
			return r, err
		}
	}
	if cc != nil {
		cc.close()
		cc = nil
	}

	// Steady phase: the rest of the window, looked at once a second so
	// that looking does not skew it.
	steadyFrom, steadyBytes = time.Since(t0), fileSize(bytesFile)
	if steadyTicks, err = treeTicks(pid); err != nil {
		return r, fmt.Errorf("N=%d: program: %w", n, err)
	}
	if steadyCtx, err = ctxSwitches(pid); err != nil {
		return r, fmt.Errorf("N=%d: program: %w", n, err)
	}
	if cfg.perfDir != "" {
		if prof, err = startPerf(cfg.perfDir, target, pid); err != nil {
			return r, err
		}
	}
	for {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		if err := sleep(ctx, min(time.Second, left)); err != nil {
			return r, err
		}
		screen, err := tm.capture(ctx, target)
		if err != nil {
			return r, err
		}
		at := time.Since(t0)
		look(screen, at)
		if err := checkAlive(at); err != nil {
			return r, err
		}
	}

	engEnd, err := takeEngineSnapshot()
	if err != nil {
		return r, err
	}
	endTicks, err := treeTicks(pid)
	if err != nil {
		return r, fmt.Errorf("N=%d: program: %w", n, err)
	}
	r.peakRSS, err = peakRSS(pid)
	if err != nil {
		return r, err
	}
	endCtx, err := ctxSwitches(pid)
	if err != nil {
		return r, err
	}
	r.window = time.Since(t0)
	r.bytes = fileSize(bytesFile)
	r.cpuSec = float64(endTicks-startTicks) / clkTck
	r.run = costBetween(engStart, engEnd)
	if r.window > steadyFrom {
		steady := (r.window - steadyFrom).Seconds()
		r.steadyBs = float64(r.bytes-steadyBytes) / steady
		r.steadyCPU = float64(endTicks-steadyTicks) / clkTck / steady * 100
		r.wakeups = float64(endCtx-steadyCtx) / steady
	}
	if screen, err := tm.capture(ctx, target); err == nil {
		saveScreen(cfg.screens, target+"-end.txt", screen)
	}
	if tracer != nil {
		r.api = tracer.summary()
	}
	if prof != nil {
		r.perf = prof.stop()
		prof = nil
	}

	// kill-session hangs the pane up (SIGHUP); a program that ignores it
	// is killed, by its pid, which the bench started.
	_, _ = tm.run(context.Background(), "kill-session", "-t", target)
	for i := 0; i < 30 && alive(pid); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if alive(pid) {
		fmt.Fprintf(os.Stderr, "bench: N=%d: program ignored SIGHUP, killing pid %d\n", n, pid)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return r, nil
}

// treeTicksRootOnly is the pane process alone at the start: with -watch
// poll, its child then is the short-lived `tmux wait-for` client, which is
// not the program.
func treeTicksRootOnly(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("pane process: %w", err)
	}
	_, _, t, err := parseStat(b)
	if err != nil {
		return 0, err
	}
	return t.ticks(), nil
}

func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// A zombie (state Z) is gone for our purposes.
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || !strings.HasPrefix(string(b[i+1:]), " Z")
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func saveScreen(dir, name, screen string) {
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name), []byte(screen), 0o644)
}

func perMin(sec float64, win time.Duration) float64 {
	if win <= 0 {
		return 0
	}
	return sec / win.Seconds() * 60
}

// extra is the engine's extra cost per minute over the baseline.
func (r result) extra() (daemons, shims float64) {
	return perMin(r.run.daemons(), r.window) - perMin(r.base.daemons(), r.baseWin),
		perMin(r.run.shims, r.window) - perMin(r.base.shims, r.baseWin)
}

func (r result) cpuPct() float64 { return r.cpuSec / r.window.Seconds() * 100 }

func (r result) kbps() float64 { return float64(r.bytes) / r.window.Seconds() / 1000 }

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "OVER"
}

func fmtFirst(d, budget time.Duration) string {
	if d < 0 {
		return "never (≤" + fmt.Sprint(budget.Milliseconds()) + " OVER)"
	}
	return fmt.Sprintf("%d ms (≤%d %s)", d.Milliseconds(), budget.Milliseconds(), verdict(d <= budget))
}

func (r result) line() string {
	daemons, shims := r.extra()
	mb := float64(r.peakRSS) / 1e6
	return fmt.Sprintf("N=%-3d list %s | first CPU %s | CPU %.2f%% (≤%.0f %s) | RSS %.1f MB (≤%.0f %s) | term %.2f KB/s (≤%.1f %s) | engine %+.2f s/min (≤%.1f %s) | shims %+.2f s/min",
		r.n,
		fmtFirst(r.listAt, budgetList),
		fmtFirst(r.cpuAt, budgetFirstCPU),
		r.cpuPct(), budgetCPUPct, verdict(r.cpuPct() <= budgetCPUPct),
		mb, budgetRSSMB, verdict(mb <= budgetRSSMB),
		r.kbps(), budgetKBps, verdict(r.kbps() <= budgetKBps),
		daemons, budgetEngineMin, verdict(daemons <= budgetEngineMin),
		shims)
}

// detail shows the raw figures behind the line, for whoever has to find out
// what costs what.
func (r result) detail() string {
	return fmt.Sprintf("      s/min baseline: dockerd %.2f containerd %.2f shims %.2f (%d) | with program: dockerd %.2f containerd %.2f shims %.2f (%d) | steady (after the first-times): CPU %.2f%%, %.0f context switches/s, term %.2f KB/s | term %d B total | %d other containers running",
		perMin(r.base.dockerd, r.baseWin), perMin(r.base.containerd, r.baseWin), perMin(r.base.shims, r.baseWin), r.base.shimCount,
		perMin(r.run.dockerd, r.window), perMin(r.run.containerd, r.window), perMin(r.run.shims, r.window), r.run.shimCount,
		r.steadyCPU, r.wakeups, r.steadyBs/1000, r.bytes, r.others)
}

// noiseFloor is the engine cost per minute below which a difference is
// noise (other activity, tick rounding): the ratio's denominator is floored
// there so a near-zero small-N cost does not turn a tiny large-N cost into a
// huge ratio.
const noiseFloor = 0.1

// compare is the last line: does the engine's extra cost grow with
// containers nobody looks at?
func compare(small, large result) string {
	ds, ss := small.extra()
	dl, sl := large.extra()
	ratio := func(a, b float64) float64 { return max(b, 0) / max(a, noiseFloor) }
	rd := ratio(ds, dl)
	return fmt.Sprintf("engine extra N=%d vs N=%d: dockerd+containerd %+.2f vs %+.2f s/min = %.2fx (≤%.1fx %s) | shims %+.2f vs %+.2f s/min = %.2fx  (ratios floor the N=%d cost at %.1f s/min)",
		large.n, small.n, dl, ds, rd, budgetRatio, verdict(rd <= budgetRatio), sl, ss, ratio(ss, sl), small.n, noiseFloor)
}

// nonBlank drops the empty lines of a screen, for error messages.
func nonBlank(screen string) string {
	var keep []string
	for _, l := range strings.Split(screen, "\n") {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// openGate opens the gate FIFO for writing once the pane's shell has it
// open for reading (until then the open fails with ENXIO). It gives up if
// the pane is gone or after 10 s.
func openGate(ctx context.Context, fifo string, paneGone func() bool) (*os.File, error) {
	deadline := time.Now().Add(10 * time.Second)
	for tries := 0; ; tries++ {
		f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.ENXIO) {
			return nil, fmt.Errorf("gate: %w", err)
		}
		if time.Now().After(deadline) || (tries%20 == 19 && paneGone()) {
			return nil, fmt.Errorf("gate: the pane's shell never read %s", fifo)
		}
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return nil, err
		}
	}
}
