// Command dockterm is a terminal console for Docker engines, made for triage
// under pressure: which containers are restarting, unhealthy, OOM-killed or
// hungry, their logs, processes and changes, and safe actions on them.
//
// main only parses flags, wires the backend to the UI and runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/docker/docker/client"
	"golang.org/x/term"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/audit"
	"github.com/dockterm/dockterm/backend/endpoints"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/backend/execsh"
	"github.com/dockterm/dockterm/backend/hostcpu"
	"github.com/dockterm/dockterm/backend/sanitize"
	"github.com/dockterm/dockterm/backend/transport"
	"github.com/dockterm/dockterm/internal/trace"
	"github.com/dockterm/dockterm/ui"
)

// version is set by the linker in release builds.
var version = "dev"

const usage = `dockterm: a terminal console for Docker engines.

Usage:
  dockterm [flags]          open the console on an engine (by default the one the docker CLI would use)
  dockterm --engines        list every engine dockterm can find
  dockterm audit [flags]    audit engines for risky configuration (dockterm audit -h)

Flags:
`

// processStart is when main's package initialised: after the runtime and
// every dependency's init, so it is later than exec.
var processStart = time.Now()

func main() {
	tuneRuntime()
	// DOCKTERM_CPUPROFILE=file writes a CPU profile of the session, for
	// `make bench` investigations; it is not a user-facing option.
	if path := os.Getenv("DOCKTERM_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				code := run(os.Args[1:], os.Stdout, os.Stderr)
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(code)
			}
		}
	}
	// DOCKTERM_MEMPROFILE=file rewrites a heap profile every 5 s, likewise
	// (the bench ends dockterm by closing its terminal, so "at exit" is
	// not reliable).
	if path := os.Getenv("DOCKTERM_MEMPROFILE"); path != "" {
		go func() {
			for range time.Tick(5 * time.Second) {
				if f, err := os.Create(path); err == nil {
					_ = pprof.WriteHeapProfile(f)
					f.Close()
				}
			}
		}()
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "audit" {
		return runAudit(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("dockterm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	readOnly := fs.Bool("read-only", false, "forbid every action that changes an engine (they are not even bound)")
	host := fs.String("H", "", "engine to connect to (unix:///path, tcp://host:port, ssh://user@host); default as the docker CLI: $DOCKER_HOST, $DOCKER_CONTEXT, the current context, the local socket")
	engineName := fs.String("engine", "", "connect to the engine of this name (see --engines): a context, a docker-machine host, a config entry")
	listEngines := fs.Bool("engines", false, "list every engine dockterm can find and exit")
	statsEvery := fs.Duration("stats-interval", 0, "how often the figures of the containers on screen are sampled; 0 (the default) adapts it to the rows on screen so the engine does at most ~240 samples a minute (1s for one container, ~9s for a full 120x40 screen)")
	hostCPU := fs.Bool("host-cpu", true, "on the engine's own host, read a container's CPU counters from the kernel as it comes on screen and half a second later, so its first CPU figure shows before the engine's first answer; false: engine samples only")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "dockterm", version)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dockterm: unknown argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	env := endpoints.FromOS()
	if *host != "" {
		env.Hosts = []string{*host}
	}
	eps, discoveryErrs := endpoints.Discover(env)
	if *listEngines {
		printEngines(stdout, eps, discoveryErrs)
		return 0
	}
	ep, err := pickEndpoint(eps, *engineName)
	if err != nil {
		fmt.Fprintln(stderr, "dockterm:", err)
		return 2
	}
	if *statsEvery != 0 && *statsEvery < time.Second {
		fmt.Fprintln(stderr, "dockterm: --stats-interval must be 0 (automatic) or at least 1s (the engine collects stats once a second)")
		return 2
	}
	if err := runUI(env, ep, *readOnly, *statsEvery, *hostCPU); err != nil {
		fmt.Fprintln(stderr, "dockterm:", err)
		return 1
	}
	return 0
}

// runAudit is `dockterm audit`: non-interactive, for CI and cron.
func runAudit(args []string, stdout, stderr io.Writer) int {
	env := endpoints.FromOS()
	eps, _ := endpoints.Discover(env)
	topts := transport.DefaultOptions(env)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	dial := func(name string) ([]audit.Target, error) {
		var chosen []endpoints.Endpoint
		if name == "all" {
			chosen = eps
		} else {
			ep, err := pickEndpoint(eps, name)
			if err != nil {
				return nil, err
			}
			chosen = []endpoints.Endpoint{ep}
		}
		targets := make([]audit.Target, 0, len(chosen))
		for _, ep := range chosen {
			t := audit.Target{Name: ep.Name, Connection: audit.Connection{Host: ep.Host}}
			if ep.TLS != nil {
				t.Connection.TLS = true
				t.Connection.SkipVerify = ep.TLS.SkipVerify
			}
			cli, err := transport.Dial(ctx, ep, topts)
			if err != nil {
				t.Err = err
			} else {
				t.Client = cli
				t.Close = cli.Close
			}
			targets = append(targets, t)
		}
		return targets, nil
	}
	return audit.RunCLI(ctx, args, stdout, stderr, dial)
}

// pickEndpoint chooses the engine to open: the one named, else the one the
// docker CLI would use.
func pickEndpoint(eps []endpoints.Endpoint, name string) (endpoints.Endpoint, error) {
	var names []string
	for _, ep := range eps {
		if name != "" && ep.Name == name {
			return ep, nil
		}
		if name == "" && ep.Current {
			return ep, nil
		}
		names = append(names, ep.Name)
	}
	if name != "" {
		return endpoints.Endpoint{}, fmt.Errorf("no engine named %q; known: %s (dockterm --engines)", name, strings.Join(names, ", "))
	}
	if len(eps) > 0 {
		return eps[0], nil
	}
	return endpoints.Endpoint{Name: "local", Source: endpoints.SourceLocal, Host: "unix://" + endpoints.DefaultSocket}, nil
}

func printEngines(w io.Writer, eps []endpoints.Endpoint, errs []error) {
	for _, ep := range eps {
		mark := " "
		if ep.Current {
			mark = "*"
		}
		fmt.Fprintf(w, "%s %-20s %-8s %s", mark, sanitize.String(ep.Name), ep.Source, sanitize.String(ep.Host))
		if bad := ep.Insecure(); len(bad) > 0 {
			fmt.Fprintf(w, "  INSECURE: %s", sanitize.String(strings.Join(bad, "; ")))
		}
		fmt.Fprintln(w)
	}
	for _, err := range errs {
		fmt.Fprintf(w, "! %s\n", sanitize.String(err.Error()))
	}
}

// plainTerminal reports terminals that cannot draw box and block glyphs.
func plainTerminal(termName string) bool {
	switch termName {
	case "", "dumb", "linux", "vt100", "vt102", "vt220", "ansi":
		return true
	}
	return false
}

func runUI(env endpoints.Env, ep endpoints.Endpoint, readOnly bool, statsEvery time.Duration, hostCPU bool) error {
	if !term.IsTerminal(int(os.Stdout.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		return errors.New("needs a terminal (run it in an interactive shell)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	topts := transport.DefaultOptions(env)
	topts.SkipPing = true // the engine pings, and retries while the engine is down
	var insecure []string
	topts.Warn = func(_, msg string) { insecure = append(insecure, msg) }
	// The engine dials (and re-dials) itself, so an engine that is down at
	// start shows as disconnected and is picked up when it comes back.
	dial := func(ctx context.Context) (client.APIClient, error) {
		return transport.Dial(ctx, ep, topts)
	}
	// DOCKTERM_TRACE=file writes a timeline of start-up and sampling
	// milestones, for `make bench` investigations.
	var tl *trace.Log
	if path := os.Getenv("DOCKTERM_TRACE"); path != "" {
		if f, err := os.Create(path); err == nil {
			defer f.Close()
			tl = trace.New(f)
			tl.Printf("start (%s after package init, wall clock %.6f s)", time.Since(processStart), float64(time.Now().UnixMicro())/1e6)
		}
	}
	eng := engine.NewDialer(backend.EngineID(ep.Name), ep.Name, ep.Host, dial, engine.Options{StatsInterval: statsEvery, Trace: tl, HostCPU: hostCPUReader(hostCPU, ep.Host)})
	eng.Start(ctx)
	defer func() {
		if cli, err := eng.Client(); err == nil {
			cli.Close()
		}
	}()

	sec, secNote := securityDeps(eng, ep)
	termName := os.Getenv("TERM")
	_, noColor := os.LookupEnv("NO_COLOR")
	common := &ui.Common{Engine: eng, Ctx: ctx, Trace: tl}
	app := ui.NewApp(common, ui.Options{
		ReadOnly: readOnly,
		Security: sec,
		Plain:    noColor || plainTerminal(termName),
		Exec: func(_ ui.Engine, id string) (tea.ExecCommand, error) {
			cli, err := eng.Client()
			if err != nil {
				return nil, err
			}
			return execsh.New(cli, id, nil, execsh.Options{}), nil
		},
	})

	if secNote != "" {
		eng.ReportError(errors.New(secNote))
	}
	// 20 frames a second at most: keys still answer within 50 ms, while the
	// default 60 Hz renderer tick alone costs ~1% CPU (10 fps measured
	// 0.3 points less CPU but ~50 ms more to first show the list).
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(fpsFromEnv()),
		tea.WithColorProfile(colorProfile(os.Environ()))}
	if tl != nil {
		popts = append(popts, tea.WithOutput(trace.Writes(os.Stdout, tl, 20)))
	}
	p := tea.NewProgram(app, popts...)
	go watchTerminal(ctx, p)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// securityDeps wires the security tab: one auditor for the engine (made
// when the engine is first reached) and the accept store in dockterm's
// config directory. A broken accept file is kept aside, not lost; the note
// says so in the status bar.
func securityDeps(eng *engine.Engine, ep endpoints.Endpoint) (ui.SecurityDeps, string) {
	var note string
	var store *audit.AcceptStore
	if path, err := audit.DefaultAcceptPath(); err != nil {
		note = "accepted findings: " + err.Error()
	} else if store, err = audit.OpenAcceptStore(path); err != nil {
		note = "accepted findings: " + err.Error()
	}
	conn := audit.Connection{Host: ep.Host}
	if ep.TLS != nil {
		conn.TLS, conn.SkipVerify = true, ep.TLS.SkipVerify
	}
	la := &lazyAuditor{eng: eng, cfg: audit.AuditorConfig{Name: ep.Name, Connection: conn, SkipDiff: true, SkipTop: true,
		Inspected: eng.TakeInspect}}
	if store != nil {
		la.cfg.Options.Accepted = store
	}
	deps := ui.SecurityDeps{Auditor: func(id backend.EngineID) ui.SecurityAuditor {
		if id != eng.ID() {
			return nil
		}
		return la
	}}
	if store != nil {
		user := os.Getenv("USER")
		deps.Accept = func(f audit.Finding, reason string) error {
			_, err := store.Accept(f, reason, user)
			return err
		}
	}
	return deps, note
}

// lazyAuditor creates the engine's auditor on first use, once the engine
// has been reached (the engine dials on its own schedule).
type lazyAuditor struct {
	eng *engine.Engine
	cfg audit.AuditorConfig
	mu  sync.Mutex
	a   *audit.Auditor
}

func (l *lazyAuditor) get() (*audit.Auditor, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.a != nil {
		return l.a, nil
	}
	cli, err := l.eng.Client()
	if err != nil {
		return nil, err
	}
	l.a = audit.NewAuditor(cli, l.cfg)
	return l.a, nil
}

func (l *lazyAuditor) Refresh(ctx context.Context) error {
	a, err := l.get()
	if err != nil {
		return err
	}
	return a.Refresh(ctx)
}

func (l *lazyAuditor) RefreshDeep(ctx context.Context) error {
	a, err := l.get()
	if err != nil {
		return err
	}
	return a.RefreshDeep(ctx)
}

func (l *lazyAuditor) RefreshDrift(ctx context.Context) error {
	a, err := l.get()
	if err != nil {
		return err
	}
	return a.RefreshDrift(ctx)
}

func (l *lazyAuditor) RefreshContainer(ctx context.Context, id string) error {
	a, err := l.get()
	if err != nil {
		return err
	}
	return a.RefreshContainer(ctx, id)
}

func (l *lazyAuditor) RemoveContainer(id string) {
	if a, err := l.get(); err == nil {
		a.RemoveContainer(id)
	}
}

func (l *lazyAuditor) Report() audit.Report {
	if a, err := l.get(); err == nil {
		return a.Report()
	}
	return audit.Report{Engine: l.cfg.Name}
}

// watchTerminal ends the program when its terminal goes away: on SIGHUP
// (the SSH session dropped, the tmux pane was killed), and, as a fallback
// for a lost terminal without a signal, when the terminal stops answering.
func watchTerminal(ctx context.Context, p *tea.Program) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			p.Kill()
			return
		case <-t.C:
			if _, _, err := term.GetSize(int(os.Stdout.Fd())); err != nil && !strings.Contains(err.Error(), "interrupted") {
				p.Kill()
				return
			}
		}
	}
}

// tuneRuntime fits the Go runtime to a console that mostly waits. After the
// start-up burst (list, inspects, audit, first stats: parallel work that
// wants every core) it keeps one P, because with more an idle program keeps
// waking spare threads to look for work (measured: 0.7 % of a core idle
// with two Ps, 0.5 % with one). And the GC collects at 50 % heap growth
// rather than 100 %: the live heap is small (~4 MB) and the start-up burst
// otherwise leaves a 9 MB heap peak behind in RSS (measured at 100
// containers: 29 MB peak RSS before, 26 MB after).
//
// For the first startGCHold, though (the list shows at ~100 ms), the GC
// only runs if the process's Go memory nears startMemLimit: on a 2 MB heap
// at 50 % it ran five times in the first 130 ms, and on a busy 2-core
// bastion each stop-the-world stretched to 4-8 ms while the other thread
// was off the CPU, right when the list's first frame was being built
// (a runtime trace showed the renderer's first flush stalled 23 ms in GC).
// Measured at 100 containers (median of 16 runs): the list's frame is
// written 10-20 ms sooner, for +0.4 MB of peak RSS. GOGC=400 instead gave
// the same time but 29-33 MB (the start-up burst grows the heap fivefold),
// and a 24 MiB limit 27.5 MB. The limit is soft: an engine so large that
// dockterm's live memory nears it makes the GC run often (the runtime caps
// it at half the CPU) until the hold ends. GOMAXPROCS, GOGC and GOMEMLIMIT
// in the environment still win.
func tuneRuntime() {
	if os.Getenv("GOMAXPROCS") == "" {
		time.AfterFunc(startupBurst, func() { runtime.GOMAXPROCS(1) })
	}
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(50)
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(startMemLimit)
	time.AfterFunc(startGCHold, func() {
		debug.SetGCPercent(50)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

// startGCHold and startMemLimit: see tuneRuntime. At 100 containers the
// limit is first reached at ~200 ms, after the list is on screen.
const (
	startGCHold   = 300 * time.Millisecond
	startMemLimit = 16 << 20
)

// startupBurst is how long dockterm keeps every core after it starts.
const startupBurst = 5 * time.Second

// colorProfile is colorprofile.Detect without its `tmux info` probe, which
// forks a process at every start inside tmux (where operators live) only to
// tell 256 colours from true colour: dockterm's palette is made of xterm-256
// colours (one background, the selection's, is rounded to its nearest), so
// the answer would change next to nothing on screen.
func colorProfile(environ []string) colorprofile.Profile {
	p := colorprofile.Env(environ)
	term := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "TERM="); ok {
			term = v
		}
	}
	if p == colorprofile.TrueColor || p <= colorprofile.ASCII || term == "" || term == "dumb" {
		return p
	}
	return max(p, colorprofile.Terminfo(term))
}

// fpsFromEnv caps the renderer's frame rate: 20 by default. Frames are drawn
// on demand (third_party/bubbletea's patch), so a key answers at once after
// a quiet spell and an idle screen costs no frames; the cap only bounds
// bursts such as a fast log. DOCKTERM_FPS is for measurements.
func fpsFromEnv() int {
	if n, err := strconv.Atoi(os.Getenv("DOCKTERM_FPS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// hostCPUReader is the engine's reader of host CPU counters, or nil when
// turned off or when the engine is reached other than through a local
// socket (tcp://, ssh://: another host's counters are not here). A socket
// forwarded from elsewhere is caught by the reader itself, which gives up
// when no container's cgroup is found. A nil *hostcpu.Reader must not
// reach the interface: the engine tells "off" by a nil interface.
func hostCPUReader(on bool, host string) engine.HostCPU {
	if !on || !strings.HasPrefix(host, "unix://") {
		return nil
	}
	return hostcpu.New()
}
