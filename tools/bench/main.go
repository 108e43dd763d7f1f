// Command bench is dockterm's performance benchmark (`make bench`, or
// `go run ./tools/bench`). For each N it starts N running fixture containers
// that do a little periodic work, runs the program under test in a detached
// 120x40 tmux pane for -duration, measures an idle baseline of the engine of
// the same total length (half before the run, half after, so a drift in
// background load does not land on one side) and prints one line per N:
//
//   - time until the list shows (a bench container's name is on screen) and
//     until the first CPU figure shows (a bench row holds a percentage),
//     from the write that opens the pane's gate to the capture that sees
//     it. A tmux control client captures the pane whenever it has output
//     until both are seen; then a capture-pane once a second, so looking
//     does not skew the rest. -watch poll is the bench's first method: a
//     tmux wait-for gate and capture-pane every -poll, which stamps ~20 ms
//     late on median and whose forks compete with the program;
//   - the program's CPU (% of one core, the process and its descendants,
//     from /proc/<pid>/stat) and peak RSS (VmHWM);
//   - bytes the program wrote to the terminal per second (tmux pipe-pane);
//   - the engine's extra CPU seconds per minute over the baseline:
//     dockerd + containerd, and the containerd shims separately.
//
// A last line compares the engine's extra cost at the largest N with the
// smallest: containers that are not on screen should cost nothing.
//
// Everything it creates (containers labelled dockterm.bench=1, a private
// tmux server) is removed on exit and on Ctrl-C. It never touches dockerd
// itself. Other activity on the engine (tests running in parallel) shows up
// as noise in the engine figures; the line says how many other containers
// were running.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docker/docker/client"
)

// How the first-times are seen: see the -watch flag.
const (
	watchControl = "control"
	watchPoll    = "poll"
)

// Budgets at N = 100, from the foundation issue.
const (
	budgetList      = 150 * time.Millisecond
	budgetFirstCPU  = 1200 * time.Millisecond
	budgetCPUPct    = 1.0
	budgetRSSMB     = 30.0
	budgetKBps      = 1.5
	budgetEngineMin = 2.5
	budgetRatio     = 1.3
)

type config struct {
	ns          []int
	duration    time.Duration
	settle      time.Duration
	poll        time.Duration
	watch       string
	keep        bool
	fastFor     time.Duration
	cmd         string
	image       string
	fixtureArgs []string
	term        string
	screens     string
	network     string
	traceAPI    bool
	perfDir     string
}

func main() {
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err = run(ctx, cfg)
	stop()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "bench: interrupted")
		} else {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

func parseFlags() (config, error) {
	var (
		cfg     config
		ns      string
		fixture string
	)
	flag.StringVar(&ns, "n", "30,100", "comma-separated container counts")
	flag.DurationVar(&cfg.duration, "duration", 60*time.Second, "length of each baseline and each program run")
	flag.DurationVar(&cfg.settle, "settle", 5*time.Second, "pause after the containers run, before the baseline")
	flag.StringVar(&cfg.watch, "watch", watchControl, "how the first-times are seen: "+watchControl+" (a FIFO gate, then a tmux control client captures the pane whenever it has output) or "+watchPoll+" (the first method: a tmux wait-for gate, then capture-pane every -poll)")
	flag.DurationVar(&cfg.poll, "poll", 10*time.Millisecond, "with -watch poll: capture-pane period until both first-times are seen")
	flag.DurationVar(&cfg.fastFor, "fast-for", 15*time.Second, "give up fast polling after this long")
	flag.StringVar(&cfg.cmd, "cmd", "bin/dockterm", "program under test, a sh command line (e.g. 'docker stats' as a stand-in)")
	flag.StringVar(&cfg.image, "image", "dockterm-fixture:test", "fixture image")
	// Two MiB of hashing a second is ~1.6 ms of CPU: a container that does a
	// little periodic work, like most idle services. The fixture's default
	// (16 MiB, ~13 ms) at N = 100 kept this 2-core machine 65 % busy before
	// dockterm started (load average 17-20), and latencies then measured
	// the run queue more than the program; -fixture-args -work restores it.
	flag.StringVar(&fixture, "fixture-args", "-work -work-mib 2", "arguments to the fixture entrypoint (space-separated)")
	flag.StringVar(&cfg.term, "term", "tmux-256color", "TERM inside the pane")
	flag.StringVar(&cfg.network, "network", "", "network mode of the bench containers (default: the engine's default bridge)")
	flag.BoolVar(&cfg.traceAPI, "trace-api", false, "put a counting proxy between the program and the engine and print its request mix (diagnostic: adds a hop)")
	flag.StringVar(&cfg.perfDir, "perf", "", "if set, profile the program with `perf record -g` after the first-times and write the data and a top-symbols summary in this directory (diagnostic)")
	flag.BoolVar(&cfg.keep, "keep", false, "reuse running bench containers and leave them running on exit (diagnostic runs; remove them with a last run without -keep)")
	flag.StringVar(&cfg.screens, "screens", "", "if set, save the pane at the first list, first CPU and end in this directory")
	flag.Parse()
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 999 {
			return cfg, fmt.Errorf("-n: bad count %q", f)
		}
		cfg.ns = append(cfg.ns, n)
	}
	sort.Ints(cfg.ns)
	if cfg.watch != watchControl && cfg.watch != watchPoll {
		return cfg, fmt.Errorf("-watch: %q is neither %s nor %s", cfg.watch, watchControl, watchPoll)
	}
	cfg.fixtureArgs = strings.Fields(fixture)
	if cfg.duration < time.Second {
		return cfg, fmt.Errorf("-duration: at least 1s")
	}
	return cfg, nil
}

func run(ctx context.Context, cfg config) (err error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return fmt.Errorf("tmux is needed: %w", err)
	}
	// Two benches at once would share container names, remove each other's
	// containers and measure each other: one at a time per machine.
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "dockterm-bench.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("lock file: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fmt.Errorf("another bench is running on this machine (%s is locked)", lock.Name())
	}
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return fmt.Errorf("docker client: %w", err)
	}
	defer cli.Close()
	if _, err := cli.ImageInspect(ctx, cfg.image); err != nil {
		return fmt.Errorf("fixture image %s: %w (build it with scripts/fixture-image.sh)", cfg.image, err)
	}

	tmp, err := os.MkdirTemp("", "dockterm-bench-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd, err := resolveCmd(cfg.cmd, tmp)
	if err != nil {
		return err
	}
	tm := &tmuxServer{socket: filepath.Join(tmp, "tmux.sock")}
	fl := &fleet{cli: cli, image: cfg.image, args: cfg.fixtureArgs, network: cfg.network}

	// Cleanup runs on every way out, Ctrl-C included: the signal only
	// cancels ctx, so this defer still gets to run.
	defer func() {
		tm.kill()
		if cfg.keep {
			fmt.Fprintln(os.Stderr, "bench: -keep: bench containers left running")
			return
		}
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		n, rerr := fl.removeAll(cctx)
		if rerr != nil {
			fmt.Fprintln(os.Stderr, "bench: cleanup:", rerr)
		} else {
			fmt.Fprintf(os.Stderr, "bench: removed %d bench containers\n", n)
		}
	}()

	var tracer *apiTracer
	if cfg.traceAPI {
		upstream, err := upstreamSocket()
		if err != nil {
			return err
		}
		sock := filepath.Join(tmp, "api.sock")
		if tracer, err = newAPITracer(sock, upstream); err != nil {
			return err
		}
		defer tracer.close()
		// env execs too, so the pane's pid stays the program's.
		cmd = "env DOCKER_HOST=" + shellQuote("unix://"+sock) + " " + cmd
	}

	if cfg.keep {
		// Reuse what a previous -keep run left: repeated diagnostic runs
		// skip a minute of container start-up each.
	} else if n, err := fl.removeAll(ctx); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(os.Stderr, "bench: removed %d leftover bench containers\n", n)
	}

	fmt.Printf("bench: %q, %v per window, TERM=%s, pane 120x40 (KB = 1000 B, MB = 10^6 B; budgets are for N = 100)\n",
		cfg.cmd, cfg.duration, cfg.term)
	var results []result
	for _, n := range cfg.ns {
		fmt.Fprintf(os.Stderr, "bench: N=%d: starting containers...\n", n)
		if err := fl.grow(ctx, n); err != nil {
			return err
		}
		if err := fl.waitRunning(ctx, n); err != nil {
			return err
		}
		if err := sleep(ctx, cfg.settle); err != nil {
			return err
		}
		others, err := fl.others(ctx)
		if err != nil {
			return err
		}
		// The baseline brackets the run, half before and half after, so a
		// drift in the engine's background load (other users' containers)
		// does not all land on one side.
		half := cfg.duration / 2
		fmt.Fprintf(os.Stderr, "bench: N=%d: idle baseline %v...\n", n, half)
		base1, win1, err := measureIdle(ctx, half)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: N=%d: running %q %v...\n", n, cfg.cmd, cfg.duration)
		r, err := measureProgram(ctx, cfg, tm, cmd, n, tracer)
		if err != nil {
			return err
		}
		// Let requests the program left in flight drain before measuring idle.
		if err := sleep(ctx, 2*time.Second); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: N=%d: idle baseline %v...\n", n, cfg.duration-half)
		base2, win2, err := measureIdle(ctx, cfg.duration-half)
		if err != nil {
			return err
		}
		base, baseWin := base1.add(base2), win1+win2
		r.base, r.baseWin, r.others = base, baseWin, others
		results = append(results, r)
		fmt.Println(r.line())
		fmt.Println(r.detail())
		if r.api != "" {
			fmt.Println("      api:", r.api)
		}
		if r.perf != "" {
			fmt.Println("      perf:", r.perf)
		}
	}
	if len(results) >= 2 {
		fmt.Println(compare(results[0], results[len(results)-1]))
	}
	return nil
}

// resolveCmd checks the program exists, so a missing build fails here with
// a hint instead of as an empty pane. A program given by path is copied into
// dir and run from there: every N then measures the same binary even if
// someone runs `make build` meanwhile, and -perf resolves symbols against
// the binary that actually ran.
func resolveCmd(cmd, dir string) (string, error) {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return "", fmt.Errorf("-cmd is empty")
	}
	prog := f[0]
	if !strings.Contains(prog, "/") {
		if _, err := exec.LookPath(prog); err != nil {
			return "", fmt.Errorf("-cmd: %w", err)
		}
		return cmd, nil
	}
	src, err := os.Open(prog)
	if err != nil {
		return "", fmt.Errorf("%w (run `make build`, or pass -cmd)", err)
	}
	defer src.Close()
	dst := filepath.Join(dir, filepath.Base(prog))
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return "", fmt.Errorf("copy %s: %w", prog, err)
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return "", fmt.Errorf("copy %s: %w", prog, err)
	}
	if err := out.Close(); err != nil {
		return "", fmt.Errorf("copy %s: %w", prog, err)
	}
	return shellQuote(dst) + strings.TrimPrefix(cmd, prog), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// measureIdle is the engine's cost with nothing watching it.
func measureIdle(ctx context.Context, d time.Duration) (engineCost, time.Duration, error) {
	a, err := takeEngineSnapshot()
	if err != nil {
		return engineCost{}, 0, err
	}
	t0 := time.Now()
	if err := sleep(ctx, d); err != nil {
		return engineCost{}, 0, err
	}
	b, err := takeEngineSnapshot()
	if err != nil {
		return engineCost{}, 0, err
	}
	return costBetween(a, b), time.Since(t0), nil
}
