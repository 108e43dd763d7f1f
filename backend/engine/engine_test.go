package engine

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/hostcpu"
	"github.com/dockterm/dockterm/backend/stats"
	"github.com/dockterm/dockterm/internal/testengine"
)

func startEngine(t *testing.T, cli client.APIClient) *Engine {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := New("test", "test", cli, Options{StatsInterval: 500 * time.Millisecond})
	e.Start(ctx)
	return e
}

// startEngineAt starts an engine on the socket at path (a proxy in front of
// the test engine) and waits until it is connected.
func startEngineAt(t *testing.T, path string) *Engine {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.WithHost("unix://"+path), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	e := startEngine(t, cli)
	waitSnap(t, e, "connected", func(s Snapshot) bool { return s.State == backend.ConnConnected })
	return e
}

// waitSnap polls the snapshot until cond holds (event-driven underneath; the
// poll only bounds how long the test waits).
func waitSnap(t *testing.T, e *Engine, what string, cond func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s := e.Snapshot()
		if cond(s) {
			return s
		}
		select {
		case <-e.Changed():
		case <-time.After(200 * time.Millisecond):
		}
	}
	s := e.Snapshot()
	t.Fatalf("timed out waiting for %s; state=%v err=%q containers=%d", what, s.State, s.Err, len(s.Containers))
	return s
}

func find(s Snapshot, id string) (backend.Container, bool) {
	for _, c := range s.Containers {
		if c.ID == id {
			return c, true
		}
	}
	return backend.Container{}, false
}

func TestListFollowsEventsAndActions(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	waitSnap(t, e, "connected", func(s Snapshot) bool { return s.State == backend.ConnConnected })
	// The identity follows the list.
	waitSnap(t, e, "identity", func(s Snapshot) bool { return s.Info.ServerVersion != "" && s.Info.APIVersion != "" })

	id := testengine.Run(t, testengine.RunOpts{Name: "events", Labels: map[string]string{"hostile": "\x1b]0;pwned\x07x\x1b[2J"}})
	c := waitSnap(t, e, "new container listed as running", func(s Snapshot) bool {
		c, ok := find(s, id)
		return ok && c.State == "running" && c.Inspected
	})
	got, _ := find(c, id)
	if strings.ContainsAny(got.Labels["hostile"], "\x1b\x07") {
		t.Fatalf("label not sanitized: %q", got.Labels["hostile"])
	}
	if got.StartedAt.IsZero() {
		t.Errorf("StartedAt not filled from inspect")
	}

	ctx := context.Background()
	if err := e.Do(ctx, id, ActStop); err != nil {
		t.Fatal(err)
	}
	stopped := waitSnap(t, e, "stopped container shows exited", func(s Snapshot) bool {
		c, ok := find(s, id)
		return ok && c.State == "exited"
	})
	// 0 normally; 137 if a loaded machine made the stop time out.
	if c, _ := find(stopped, id); c.ExitCode != testengine.Inspect(t, id).State.ExitCode {
		t.Errorf("exit code %d differs from the engine's", c.ExitCode)
	}
	if err := e.Do(ctx, id, ActStart); err != nil {
		t.Fatal(err)
	}
	switch err := e.Do(ctx, id, ActPause); {
	case err != nil && strings.Contains(err.Error(), "unable to freeze"):
		// This sandbox's cgroup v1 has no usable freezer; the engine
		// refuses pause for every container. The error reaches the
		// caller wrapped with the action and container, which is what
		// the UI shows.
		if !strings.Contains(err.Error(), "pause "+id[:12]) {
			t.Errorf("error lacks context: %v", err)
		}
	case err != nil:
		t.Fatal(err)
	default:
		waitSnap(t, e, "paused", func(s Snapshot) bool { c, ok := find(s, id); return ok && c.State == "paused" })
		if err := e.Do(ctx, id, ActUnpause); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Do(ctx, id, ActRemove); err != nil {
		t.Fatal(err)
	}
	waitSnap(t, e, "removed container gone", func(s Snapshot) bool { _, ok := find(s, id); return !ok })

	evs := e.Events()
	var actions []string
	for _, ev := range evs {
		if ev.ID == id {
			actions = append(actions, ev.Action)
		}
	}
	joined := strings.Join(actions, ",")
	for _, want := range []string{"create", "start", "stop", "destroy"} {
		if !strings.Contains(joined, want) {
			t.Errorf("events view lacks %q: %s", want, joined)
		}
	}
}

func TestExitCodeRestartsAndOOM(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	crash := testengine.Run(t, testengine.RunOpts{Name: "crash", Args: []string{"-exit-after", "200ms", "-exit-code", "3"},
		HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}}})
	oom := testengine.Run(t, testengine.RunOpts{Name: "oom", Args: []string{"-mem-grow", "-mem-step", "8"},
		HostConfig: &container.HostConfig{Resources: container.Resources{Memory: 32 << 20}}})
	waitSnap(t, e, "crash loop counted and exit code shown", func(s Snapshot) bool {
		c, ok := find(s, crash)
		return ok && c.State == "exited" && c.ExitCode == 3 && c.RestartCount == 2
	})
	waitSnap(t, e, "OOM kill shown", func(s Snapshot) bool {
		c, ok := find(s, oom)
		return ok && c.State == "exited" && c.OOMKilled && c.ExitCode == 137
	})
}

// The engine's own inspect answers are handed over once to the auditor,
// which then asks no second time; a container destroyed meanwhile has none.
func TestTakeInspectHandsOverOnce(t *testing.T) {
	cli := testengine.Client(t)
	id := testengine.Run(t, testengine.RunOpts{Name: "handover"})
	e := startEngine(t, cli)
	waitSnap(t, e, "container inspected", func(s Snapshot) bool {
		c, ok := find(s, id)
		return ok && c.Inspected
	})
	j, ok := e.TakeInspect(id)
	if !ok || j.ContainerJSONBase == nil || j.ID != id || j.State == nil || !j.State.Running {
		t.Fatalf("TakeInspect = %v, %+v; want the running container's inspect", ok, j.ContainerJSONBase)
	}
	if _, ok := e.TakeInspect(id); ok {
		t.Fatal("a second TakeInspect handed the same answer over again")
	}
	if _, ok := e.TakeInspect("no-such-container"); ok {
		t.Fatal("an answer for a container never inspected")
	}
}

func TestStatsOnlyForWatched(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	busy := testengine.Run(t, testengine.RunOpts{Name: "busy", Args: []string{"-cpu", "0.3", "-mem", "16"}})
	idle := testengine.Run(t, testengine.RunOpts{Name: "idle"})
	waitSnap(t, e, "listed", func(s Snapshot) bool {
		a, ok1 := find(s, busy)
		b, ok2 := find(s, idle)
		return ok1 && ok2 && a.State == "running" && b.State == "running"
	})
	e.SetWatched([]string{busy})
	s := waitSnap(t, e, "CPU figure for the watched container", func(s Snapshot) bool {
		st, ok := s.Stats[busy]
		return ok && st.CPUPercent > 0
	})
	st := s.Stats[busy]
	if st.MemUsage < 16<<20 || st.PIDs == 0 {
		t.Errorf("implausible stats %+v", st)
	}
	if _, ok := s.Stats[idle]; ok {
		t.Fatalf("an unwatched container was sampled")
	}
	if ser := e.Series(busy); len(ser.CPU) == 0 {
		t.Errorf("no CPU series kept for the watched container")
	}
	e.SetWatched(nil)
	if _, ok := e.Snapshot().Stats[busy]; ok {
		t.Errorf("stats of an unwatched container must be dropped")
	}
}

// TestStatsKeepComing guards the steady state: after the quick first pair,
// a watched container keeps being sampled batch after batch.
func TestStatsKeepComing(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	busy := testengine.Run(t, testengine.RunOpts{Name: "steady", Args: []string{"-cpu", "0.2"}})
	waitSnap(t, e, "listed", func(s Snapshot) bool {
		c, ok := find(s, busy)
		return ok && c.State == "running"
	})
	e.SetWatched([]string{busy})
	deadline := time.Now().Add(30 * time.Second)
	for len(e.Series(busy).CPU) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d CPU figures in 30 s at a 500 ms period: sampling stalled", len(e.Series(busy).CPU))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func collectLogs(t *testing.T, s *LogStream, until func([]backend.LogLine) bool) []backend.LogLine {
	t.Helper()
	var all []backend.LogLine
	deadline := time.After(30 * time.Second)
	for {
		select {
		case b, ok := <-s.C:
			all = append(all, b...)
			if until(all) || !ok {
				return all
			}
		case <-deadline:
			t.Fatalf("timed out reading logs; got %d lines", len(all))
		}
	}
}

func TestLogsHostileAreSanitizedAndBounded(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	id := testengine.Run(t, testengine.RunOpts{Name: "hostile", Args: []string{"-hostile", "-log-burst", "2000"}})
	testengine.WaitLogs(t, id, "fixture")
	time.Sleep(500 * time.Millisecond)
	s, err := e.Logs(context.Background(), id, LogOptions{Tail: -1, Follow: false})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lines := collectLogs(t, s, func([]backend.LogLine) bool { return false })
	if len(lines) < 2000 {
		t.Fatalf("got %d lines, want >= 2000", len(lines))
	}
	var stderr, truncated, stamped int
	for _, l := range lines {
		for _, r := range l.Text {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("control %U reached a log line: %q", r, l.Text)
			}
		}
		if len(l.Text) > MaxLineBytes+200 {
			t.Fatalf("line of %d bytes kept", len(l.Text))
		}
		if strings.Contains(l.Text, "bytes truncated") {
			truncated++
		}
		if l.Stream == backend.Stderr {
			stderr++
		}
		if !l.Time.IsZero() {
			stamped++
		}
	}
	if truncated == 0 {
		t.Errorf("the 200 KB line was not marked truncated")
	}
	if stderr == 0 {
		t.Errorf("no stderr lines told apart")
	}
	if stamped != len(lines) {
		t.Errorf("%d of %d lines carry a timestamp", stamped, len(lines))
	}
}

func TestLogsFollowAndTail(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	id := testengine.Run(t, testengine.RunOpts{Name: "follow", Args: []string{"-log-burst", "50", "-log-every", "100ms"}})
	testengine.WaitLogs(t, id, "fixture")
	s, err := e.Logs(context.Background(), id, LogOptions{Tail: 10, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := collectLogs(t, s, func(l []backend.LogLine) bool { return len(l) >= 10 })
	if len(first) > 12 {
		t.Errorf("tail 10 gave %d lines at once", len(first))
	}
	more := collectLogs(t, s, func(l []backend.LogLine) bool { return len(l) >= 3 })
	if len(more) < 3 {
		t.Fatalf("follow delivered nothing new")
	}
}

func TestInspectTopDiffMasksSecrets(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	id := testengine.Run(t, testengine.RunOpts{Name: "detail", Args: []string{"-write", "/tmp/drift"},
		Config: &container.Config{Env: []string{"DB_PASSWORD=hunter2", "PLAIN=visible"}}})
	ctx := context.Background()
	d, err := e.Inspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.InspectJSON, "hunter2") || !strings.Contains(d.InspectJSONRevealed, "hunter2") {
		t.Fatalf("secret masking wrong in inspect")
	}
	var sawSecret bool
	for _, ev := range d.Env {
		if ev.Key == "DB_PASSWORD" {
			sawSecret = ev.Secret
		}
	}
	if !sawSecret {
		t.Errorf("DB_PASSWORD not marked secret")
	}
	top, err := e.Top(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Processes) == 0 || !strings.Contains(strings.Join(top.Processes[0].Fields, " "), "fixture") {
		t.Errorf("top: %+v", top)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ch, err := e.Diff(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range ch {
			if c.Path == "/tmp/drift" && c.Kind == "A" {
				found = true
			}
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("diff lacks A /tmp/drift: %+v", ch)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// flakySocket forwards a unix socket to the real engine and can be cut, to
// play an engine that goes away mid-session.
type flakySocket struct {
	path, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (f *flakySocket) up(t *testing.T) {
	ln, err := net.Listen("unix", f.path)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.ln = ln
	f.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("unix", f.target)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, c, u)
			f.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (f *flakySocket) down() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ln.Close()
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
	os.Remove(f.path)
}

func TestDisconnectAndReconnect(t *testing.T) {
	testengine.Client(t) // fails clearly when no engine answers
	target := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		target = strings.TrimPrefix(h, "unix://")
	}
	sock := &flakySocket{path: filepath.Join(t.TempDir(), "d.sock"), target: target}
	sock.up(t)
	e := startEngineAt(t, sock.path)
	sock.down()
	s := waitSnap(t, e, "disconnected", func(s Snapshot) bool { return s.State == backend.ConnDisconnected })
	if s.Err == "" {
		t.Errorf("a disconnect must leave an error for the status bar")
	}
	if len(s.Containers) == 0 {
		// the last known list stays visible while disconnected
		t.Logf("no containers were listed before the cut")
	}
	sock.up(t)
	waitSnap(t, e, "reconnected", func(s Snapshot) bool { return s.State == backend.ConnConnected })
}

// TestStartPingsOnce: the API version is settled from a single ping, so
// only one round trip stands between the dial and the list.
func TestStartPingsOnce(t *testing.T) {
	testengine.Client(t) // fails clearly when no engine answers
	target := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		target = strings.TrimPrefix(h, "unix://")
	}
	var (
		mu    sync.Mutex
		paths []string
	)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "docker"
		},
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", target)
		}},
		FlushInterval: -1, // the events stream
	}
	sock := filepath.Join(t.TempDir(), "d.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	startEngineAt(t, sock)
	mu.Lock()
	defer mu.Unlock()
	pings := 0
	for _, p := range paths {
		if strings.HasSuffix(p, "/containers/json") {
			break
		}
		if strings.HasSuffix(p, "/_ping") {
			pings++
		}
	}
	if pings != 1 {
		t.Errorf("%d pings before the list, want 1 (requests: %v)", pings, paths)
	}
}

// TestQuietEventsOnlyWhileFollowed: exec events stay out of the main stream
// and come in, backfilled and once each, while FollowAllEvents is on.
func TestQuietEventsOnlyWhileFollowed(t *testing.T) {
	cli := testengine.Client(t)
	e := startEngine(t, cli)
	waitSnap(t, e, "connected", func(s Snapshot) bool { return s.State == backend.ConnConnected })
	id := testengine.Run(t, testengine.RunOpts{Name: "quiet"})
	waitSnap(t, e, "container running", func(s Snapshot) bool { c, ok := find(s, id); return ok && c.State == "running" })
	ctx := context.Background()
	execOnce := func() {
		t.Helper()
		ex, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{Cmd: []string{"echo", "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := cli.ContainerExecStart(ctx, ex.ID, container.ExecStartOptions{Detach: true}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(prefix string) (n int) {
		for _, ev := range e.Events() {
			if ev.ID == id && strings.HasPrefix(ev.Action, prefix) {
				n++
			}
		}
		return n
	}
	waitEvents := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; events of the container: %v", what, e.Events())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	execOnce()
	// A rename after the exec: once the main stream has it, it would have
	// had the exec's events too.
	if err := cli.ContainerRename(ctx, id, strings.TrimPrefix(testengine.Inspect(t, id).Name, "/")+"-renamed"); err != nil {
		t.Fatal(err)
	}
	waitEvents("the rename", func() bool { return count("rename") == 1 })
	if n := count("exec_"); n != 0 {
		t.Fatalf("%d exec events in the main stream, want none", n)
	}

	stop := e.FollowAllEvents()
	waitEvents("the earlier exec, backfilled", func() bool { return count("exec_die") == 1 })
	if n := count("exec_create"); n != 1 {
		t.Errorf("%d exec_create events, want 1", n)
	}
	stop()
	stop() // idempotent

	execOnce()
	stop = e.FollowAllEvents()
	defer stop()
	waitEvents("the second exec", func() bool { return count("exec_die") == 2 })
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
	if n := count("exec_create"); n != 2 {
		t.Errorf("%d exec_create events after two execs, want 2 (each once)", n)
	}
	if n := count("rename"); n != 1 {
		t.Errorf("%d rename events, want 1", n)
	}
}

// slowHost reads the real host counters once, then waits: the engine's
// answer then comes at least that long after the reading, long enough to
// measure CPU over, whatever phase the engine's collector is in (other
// packages' tests sample the same engine). Later reads (hostFigures'
// follow-up) find nothing, so the first figure can only come from the
// engine's answer measured against that reading.
type slowHost struct {
	r    *hostcpu.Reader
	wait time.Duration
	once *sync.Once
}

func (h slowHost) Read(ids []string) map[string]stats.Baseline {
	var b map[string]stats.Baseline
	h.once.Do(func() {
		b = h.r.Read(ids)
		time.Sleep(h.wait)
	})
	return b
}

// slowStats holds every one-shot stats answer back by wait.
type slowStats struct {
	client.APIClient
	wait time.Duration
}

func (c slowStats) ContainerStatsOneShot(ctx context.Context, id string) (container.StatsResponseReader, error) {
	select {
	case <-time.After(c.wait):
	case <-ctx.Done():
		return container.StatsResponseReader{}, ctx.Err()
	}
	return c.APIClient.ContainerStatsOneShot(ctx, id)
}

// TestHostCPUFirstAnswerHasCPU: on the engine's host, a watched container's
// first engine answer already carries a CPU figure, measured against the
// host counters read before the call; without them it takes two answers.
// With the engine slow to answer, the host's counters alone show the first
// figure, read twice half a second apart, before any engine answer.
func TestHostCPUFirstAnswerHasCPU(t *testing.T) {
	cli := testengine.Client(t)
	if h := cli.DaemonHost(); !strings.HasPrefix(h, "unix://") {
		t.Skipf("the test engine at %s may be on another host", h)
	}
	busy := testengine.Run(t, testengine.RunOpts{Name: "busy", Args: []string{"-cpu", "0.3"}})
	if len(hostcpu.New().Read([]string{busy})) == 0 {
		// hostcpu's own engine test tells a reader that misses a layout
		// from a run that cannot see the engine's cgroups.
		t.Skip("the engine's cgroups cannot be read here (rootless, or tests run in a container)")
	}
	for _, tc := range []struct {
		name    string
		host    HostCPU
		cli     client.APIClient
		wantMem int // engine answers recorded when the first CPU figure shows
	}{
		// The host read waits out the time the host alone would need.
		{"host counters", slowHost{r: hostcpu.New(), wait: 700 * time.Millisecond, once: new(sync.Once)}, cli, 1},
		{"host counters alone", hostcpu.New(), slowStats{APIClient: cli, wait: 2 * time.Second}, 0},
		{"engine only", nil, cli, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			e := New("test", "test", tc.cli, Options{StatsInterval: 5 * time.Second, HostCPU: tc.host})
			e.Start(ctx)
			waitSnap(t, e, "listed", func(s Snapshot) bool {
				c, ok := find(s, busy)
				return ok && c.State == "running"
			})
			e.SetWatched([]string{busy})
			var ser Series
			deadline := time.Now().Add(15 * time.Second)
			for ser = e.Series(busy); len(ser.CPU) == 0; ser = e.Series(busy) {
				if time.Now().After(deadline) {
					t.Fatal("no CPU figure in 15 s")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if len(ser.Mem) != tc.wantMem {
				t.Errorf("first CPU figure came with engine answer %d, want %d", len(ser.Mem), tc.wantMem)
			}
			// The snapshot's figures are written just after the series.
			var first backend.Stats
			waitSnap(t, e, "the first CPU figure in the snapshot", func(s Snapshot) bool {
				first = s.Stats[busy]
				return first.CPUPercent >= 0
			})
			if first.HostOnly != (tc.wantMem == 0) {
				t.Errorf("first figures %+v: HostOnly %v, want %v", first, first.HostOnly, tc.wantMem == 0)
			}
			// A fixture burning 0.3 cores, on a machine that may be busy.
			if c := ser.CPU[0]; c < 1 || c > 45 {
				t.Errorf("first CPU figure %.1f%% for a fixture burning 0.3 cores", c)
			}
		})
	}
}
