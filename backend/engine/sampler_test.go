package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/stats"
)

func TestAutoInterval(t *testing.T) {
	for _, tc := range []struct {
		fixed   time.Duration
		perMin  int
		watched int
		want    time.Duration
	}{
		{0, 400, 0, time.Second},
		{0, 400, 1, time.Second},              // a detail view: every engine pass
		{0, 400, 6, time.Second},              // 6 × 60/1 s = 360 ≤ 400
		{0, 400, 20, 3 * time.Second},         // an 80x24 screen
		{0, 400, 36, 5400 * time.Millisecond}, // a 120x40 screen
		{0, 400, 200, 10 * time.Second},       // capped: figures stay useful
		{0, 120, 4, 2 * time.Second},
		{2 * time.Second, 400, 36, 2 * time.Second}, // --stats-interval wins
	} {
		t.Run(fmt.Sprintf("%v/%d/%d", tc.fixed, tc.perMin, tc.watched), func(t *testing.T) {
			e := &Engine{opts: Options{StatsInterval: tc.fixed, StatsPerMinute: tc.perMin}}
			s := newSampler(e)
			for i := range tc.watched {
				s.watched[fmt.Sprint(i)] = true
			}
			if got := s.interval(); got != tc.want {
				t.Errorf("interval = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestInFlightCountSurvivesUnwatch: a call whose container scrolled off
// screen while it was under way still ends its batch.
func TestInFlightCountSurvivesUnwatch(t *testing.T) {
	e := &Engine{opts: Options{StatsPerMinute: 400, SeriesLen: 10}, containers: map[string]backend.Container{
		"a": {ID: "a", State: "running"}, "b": {ID: "b", State: "running"},
	}, stats: map[string]backend.Stats{}, changed: make(chan struct{}, 1)}
	s := newSampler(e)
	e.sampler = s
	e.SetWatched([]string{"a", "b"})
	batch, _ := s.due(time.Now())
	if len(batch) != 2 || s.inFlight != 2 {
		t.Fatalf("batch %v, in flight %d", batch, s.inFlight)
	}
	e.SetWatched([]string{"b"})
	s.record("a", nil, errors.New("gone"))
	s.record("b", nil, errors.New("gone"))
	if s.inFlight != 0 {
		t.Errorf("in flight = %d after every call ended", s.inFlight)
	}
}

// TestFailedCallsWakeTheLoop: a batch whose calls all fail (the engine
// restarting, a timeout) must not leave the sampler asleep.
func TestFailedCallsWakeTheLoop(t *testing.T) {
	e := &Engine{opts: Options{StatsPerMinute: 400, SeriesLen: 10}, containers: map[string]backend.Container{
		"a": {ID: "a", State: "running"},
	}, stats: map[string]backend.Stats{}, changed: make(chan struct{}, 1)}
	s := newSampler(e)
	e.sampler = s
	e.SetWatched([]string{"a"})
	<-s.wake // the SetWatched wake
	if batch, _ := s.due(time.Now()); len(batch) != 1 {
		t.Fatalf("batch %v", batch)
	}
	s.record("a", nil, errors.New("engine restarting"))
	select {
	case <-s.wake:
	default:
		t.Fatal("a failed call did not wake the loop")
	}
}

// TestShorterListBringsSamplesForward: opening a detail from a full screen
// samples at the detail's pace at once, not after the old period.
func TestShorterListBringsSamplesForward(t *testing.T) {
	cs := map[string]backend.Container{}
	var ids []string
	for i := range 36 {
		id := fmt.Sprint("c", i)
		cs[id] = backend.Container{ID: id, State: "running"}
		ids = append(ids, id)
	}
	e := &Engine{opts: Options{StatsPerMinute: 400, SeriesLen: 10}, containers: cs, stats: map[string]backend.Stats{}, changed: make(chan struct{}, 1)}
	s := newSampler(e)
	e.sampler = s
	e.SetWatched(ids)
	t0 := time.Now()
	s.due(t0)
	st := s.state["c0"]
	st.inFlight, st.samples, st.due = false, 2, st.firedAt.Add(s.interval()) // as after an answer
	e.SetWatched([]string{"c0"})
	if want := st.firedAt.Add(time.Second); !st.due.Equal(want) {
		t.Errorf("due %v after the list shrank, want %v", st.due.Sub(t0), want.Sub(t0))
	}
}

// pilotClient answers one-shot stats, holding the first call until told.
type pilotClient struct {
	client.APIClient
	mu      sync.Mutex
	started []string
	release chan struct{}
}

func (p *pilotClient) ContainerStatsOneShot(ctx context.Context, id string) (container.StatsResponseReader, error) {
	p.mu.Lock()
	p.started = append(p.started, id)
	first := len(p.started) == 1
	p.mu.Unlock()
	if first {
		<-p.release
	}
	body := `{"id":"` + id + `","read":"2026-11-28T00:00:00Z"}`
	return container.StatsResponseReader{Body: io.NopCloser(strings.NewReader(body))}, nil
}

func (p *pilotClient) n() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.started)
}

// TestFirstBatchSendsAPilot: the very first batch sends one call alone and
// the rest once it is answered; later batches go all at once.
func TestFirstBatchSendsAPilot(t *testing.T) {
	fc := &pilotClient{release: make(chan struct{})}
	e := &Engine{opts: Options{StatsPerMinute: 400, SeriesLen: 10, CallTimeout: time.Minute}, containers: map[string]backend.Container{
		"a": {ID: "a", State: "running"}, "b": {ID: "b", State: "running"}, "c": {ID: "c", State: "running"},
	}, stats: map[string]backend.Stats{}, changed: make(chan struct{}, 1), cli: fc, oneShot: true}
	s := newSampler(e)
	s.pilotWait = time.Hour // only the pilot's answer lets the rest go
	e.sampler = s
	e.SetWatched([]string{"a", "b", "c"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batch, _ := s.due(time.Now())
	s.launch(ctx, batch)
	waitFor(t, "the pilot call", func() bool { return fc.n() >= 1 })
	time.Sleep(50 * time.Millisecond)
	if n := fc.n(); n != 1 {
		t.Fatalf("%d calls under way before the pilot was answered, want 1", n)
	}
	close(fc.release)
	waitFor(t, "the rest of the batch", func() bool { return fc.n() == 3 })

	// Answered once: a later batch does not wait for anything.
	fc.mu.Lock()
	fc.started, fc.release = nil, make(chan struct{}) // would hold a pilot forever
	fc.mu.Unlock()
	s.launch(ctx, []string{"a", "b", "c"})
	waitFor(t, "a later batch, all at once", func() bool { return fc.n() == 3 })
	close(fc.release)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// listClient lists a fixed set of containers and counts inspects.
type listClient struct {
	client.APIClient
	mu        sync.Mutex
	list      []container.Summary
	inspected []string
}

func (l *listClient) ContainerList(context.Context, container.ListOptions) ([]container.Summary, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]container.Summary(nil), l.list...), nil
}

func (l *listClient) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inspected = append(l.inspected, id)
	state := "running"
	for _, s := range l.list {
		if s.ID == id {
			state = string(s.State)
		}
	}
	st := &container.State{Status: container.ContainerState(state)}
	if id == "e" {
		// An exited container with a healthcheck: inspect still says
		// unhealthy, its status line says nothing of health.
		st.Health = &container.Health{Status: container.Unhealthy}
	}
	return container.InspectResponse{ContainerJSONBase: &container.ContainerJSONBase{
		ID: id, RestartCount: 1, State: st,
	}}, nil
}

func (l *listClient) takeInspected() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	got := l.inspected
	l.inspected = nil
	slices.Sort(got)
	return got
}

// TestSafetyNetRelistInspectsOnlyWhatMoved: the first list of a session
// inspects every container; the periodic relist only new ones and those
// whose state moved, so containers nobody looks at cost nothing.
func TestSafetyNetRelistInspectsOnlyWhatMoved(t *testing.T) {
	lc := &listClient{list: []container.Summary{
		{ID: "a", State: "running", Status: "Up 1 hour"},
		{ID: "b", State: "running", Status: "Up 2 hours (healthy)"},
		{ID: "c", State: "exited", Status: "Exited (0) 1 hour ago"},
		{ID: "e", State: "exited", Status: "Exited (0) 2 hours ago"},
	}}
	e := NewDialer("t", "t", "unix:///x", func(context.Context) (client.APIClient, error) { return lc, nil }, Options{})
	e.cli = lc
	s := newSampler(e)
	close(s.answered) // no start-up hold for the inspects
	e.sampler = s
	ctx := context.Background()
	// settle waits for n inspects, then a little longer for any extra.
	settle := func(n int) []string {
		t.Helper()
		waitFor(t, "the inspects", func() bool { lc.mu.Lock(); defer lc.mu.Unlock(); return len(lc.inspected) >= n })
		time.Sleep(100 * time.Millisecond)
		return lc.takeInspected()
	}

	if err := e.relist(ctx, lc, true); err != nil {
		t.Fatal(err)
	}
	if got := settle(4); !slices.Equal(got, []string{"a", "b", "c", "e"}) {
		t.Fatalf("first list inspected %v, want all", got)
	}
	waitFor(t, "all inspected", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.containers["a"].Inspected && e.containers["b"].Inspected && e.containers["c"].Inspected && e.containers["e"].Inspected
	})

	lc.mu.Lock()
	lc.list[0].Status = "Up 2 hours"                               // only the clock moved
	lc.list[1].Status = "Up 2 hours (unhealthy)"                   // health moved
	lc.list[2].State, lc.list[2].Status = "running", "Up 1 second" // started
	lc.list = append(lc.list, container.Summary{ID: "d", State: "created", Status: "Created"})
	lc.mu.Unlock()
	if err := e.relist(ctx, lc, false); err != nil {
		t.Fatal(err)
	}
	if got := settle(3); !slices.Equal(got, []string{"b", "c", "d"}) {
		t.Fatalf("safety-net relist inspected %v, want [b c d]", got)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if a := e.containers["a"]; !a.Inspected || a.RestartCount != 1 {
		t.Errorf("an untouched container lost its inspect fields: %+v", a)
	}
}

// hostTestSampler is an engine with running containers ids, all watched,
// and its sampler, reading host counters from host (nil: none).
func hostTestSampler(host HostCPU, oneShot bool, ids ...string) (*Engine, *sampler) {
	cs := make(map[string]backend.Container, len(ids))
	for _, id := range ids {
		cs[id] = backend.Container{ID: id, State: "running"}
	}
	e := &Engine{opts: Options{StatsPerMinute: 400, SeriesLen: 10, HostCPU: host}, containers: cs,
		stats: map[string]backend.Stats{}, changed: make(chan struct{}, 1), oneShot: oneShot}
	s := newSampler(e)
	e.sampler = s
	e.SetWatched(ids)
	return e, s
}

// fakeHost is a HostCPU with fixed baselines, or with a sequence of them
// (then, one read after the other); it records what it was asked. before,
// when set, runs as a read starts, outside the lock.
type fakeHost struct {
	mu     sync.Mutex
	bases  map[string]stats.Baseline
	then   []map[string]stats.Baseline
	asked  []string
	before func()
}

func (f *fakeHost) Read(ids []string) map[string]stats.Baseline {
	if f.before != nil {
		f.before()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, ids...)
	bases := f.bases
	if len(f.then) > 0 {
		bases, f.then = f.then[0], f.then[1:]
	}
	out := map[string]stats.Baseline{}
	for _, id := range ids {
		if b, ok := bases[id]; ok {
			out[id] = b
		}
	}
	return out
}

// stopped is a cancelled context: it keeps readBaselines from following up
// with hostFigures, for tests of the baselines alone.
func stopped() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// TestHostBaselineBringsTheFirstCPUFigure: with the engine's host counters
// read as a container comes on screen, its first engine answer already has
// a CPU figure; the rates still need a second answer, asked for at once.
// Without a baseline the first answer has none, as before.
func TestHostBaselineBringsTheFirstCPUFigure(t *testing.T) {
	t0 := time.Now().Add(-time.Minute)
	sample := func(id string, read time.Time, usage, system uint64) *container.StatsResponse {
		return &container.StatsResponse{ID: id, Read: read, CPUStats: container.CPUStats{
			CPUUsage: container.CPUUsage{TotalUsage: usage}, SystemUsage: system, OnlineCPUs: 2,
		}, Networks: map[string]container.NetworkStats{"eth0": {RxBytes: 1000, TxBytes: 1000}}}
	}
	host := &fakeHost{bases: map[string]stats.Baseline{"a": {At: t0, Usage: 1e9, System: 100e9}}}
	e, s := hostTestSampler(host, true, "a", "b")
	batch, _ := s.due(time.Now())
	s.readBaselines(stopped(), batch)

	// Half a core over the second since the baseline, on 2 CPUs.
	s.record("a", sample("a", t0.Add(time.Second), 1.5e9, 102e9), nil)
	s.record("b", sample("b", t0.Add(time.Second), 1.5e9, 102e9), nil)
	if got := e.stats["a"]; !approx(got.CPUPercent, 50) || got.NetRxRate != stats.Unknown {
		t.Errorf("a's first figures: CPU %v, rx %v; want 50%% from the baseline and no rate yet", got.CPUPercent, got.NetRxRate)
	}
	if got := e.stats["b"]; got.CPUPercent != stats.Unknown {
		t.Errorf("b (no baseline) has CPU %v at its first answer", got.CPUPercent)
	}
	for _, id := range []string{"a", "b"} {
		if st := s.state[id]; !st.due.IsZero() {
			t.Errorf("%s not asked again at once after its first answer", id)
		}
	}
	// The net graphs keep step with the CPU graph: an unknown (a gap)
	// stands for the rate the first answer cannot have.
	if sr := e.Series("a"); len(sr.CPU) != 1 || len(sr.NetRx) != 1 || sr.NetRx[0] != stats.Unknown || len(sr.NetTx) != 1 {
		t.Errorf("a's series %+v: want one CPU point and one unknown rate in step with it", sr)
	}
	if sr := e.Series("b"); len(sr.CPU) != 0 || len(sr.NetRx) != 0 {
		t.Errorf("b's series %+v: want nothing before a figure", sr)
	}

	// The second answer pairs two engine samples; the baseline is spent.
	second := sample("a", t0.Add(2*time.Second), 2.5e9, 104e9)
	second.Networks["eth0"] = container.NetworkStats{RxBytes: 3000, TxBytes: 1000}
	s.state["a"].inFlight = true
	s.inFlight++
	s.record("a", second, nil)
	if got := e.stats["a"]; !approx(got.CPUPercent, 100) || !approx(got.NetRxRate, 2000) {
		t.Errorf("a's second figures: CPU %v, rx %v; want 100%% and 2000 B/s from the engine pair", got.CPUPercent, got.NetRxRate)
	}
	if st := s.state["a"]; st.due.IsZero() || !st.base.At.IsZero() {
		t.Errorf("after two answers: due %v (want the period), baseline %+v (want spent)", st.due, st.base)
	}

	// A sampled container gets no new baseline, even if the host has one.
	host.mu.Lock()
	host.asked = nil
	host.mu.Unlock()
	s.readBaselines(stopped(), []string{"a", "b"})
	if len(host.asked) != 0 {
		t.Errorf("asked the host for %v, containers already sampled", host.asked)
	}
}

// TestBaselineDoesNotOutliveAFailedCall: a baseline is read for one call;
// when that call fails, the next answer comes an interval later and pairs
// with an engine sample instead, never with the old reading.
func TestBaselineDoesNotOutliveAFailedCall(t *testing.T) {
	t0 := time.Now().Add(-time.Minute)
	host := &fakeHost{bases: map[string]stats.Baseline{"a": {At: t0, Usage: 1e9, System: 100e9}}}
	e, s := hostTestSampler(host, true, "a")
	batch, _ := s.due(time.Now())
	s.readBaselines(stopped(), batch)
	if s.state["a"].base.At.IsZero() {
		t.Fatal("no baseline read for a fresh container")
	}
	s.record("a", nil, errors.New("engine restarting"))
	if st := s.state["a"]; !st.base.At.IsZero() {
		t.Errorf("baseline %+v survived the failed call", st.base)
	}
	// Within the age limit the old baseline would have given 50%.
	s.state["a"].inFlight = true
	s.inFlight++
	s.record("a", &container.StatsResponse{ID: "a", Read: t0.Add(time.Second), CPUStats: container.CPUStats{
		CPUUsage: container.CPUUsage{TotalUsage: 1.5e9}, SystemUsage: 102e9, OnlineCPUs: 2,
	}}, nil)
	if got := e.stats["a"].CPUPercent; got != stats.Unknown {
		t.Errorf("first answer after a failed call has CPU %v from a stale baseline", got)
	}
}

// TestNoBaselinesOnALegacyEngine: before API 1.41 a first answer carries its
// own earlier reading, so the host is not asked.
func TestNoBaselinesOnALegacyEngine(t *testing.T) {
	host := &fakeHost{}
	_, s := hostTestSampler(host, false, "a")
	batch, _ := s.due(time.Now())
	s.readBaselines(stopped(), batch)
	if len(host.asked) != 0 {
		t.Errorf("asked the host for %v on an engine without one-shot stats", host.asked)
	}
}

// TestPilotGoesBeforeTheBaselines: the first batch's pilot call must not
// wait for the host's counters, and needs none (its answer comes within
// milliseconds, too soon to measure CPU against a reading).
func TestPilotGoesBeforeTheBaselines(t *testing.T) {
	fc := &pilotClient{release: make(chan struct{})}
	host := &fakeHost{}
	// The host read waits for the pilot call to reach the engine: read
	// first, it would wait in vain.
	pilotFirst := make(chan bool, 1)
	host.before = func() {
		deadline := time.Now().Add(5 * time.Second)
		for fc.n() < 1 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		select {
		case pilotFirst <- fc.n() >= 1:
		default:
		}
	}
	e := &Engine{opts: Options{StatsPerMinute: 400, SeriesLen: 10, CallTimeout: time.Minute, HostCPU: host}, containers: map[string]backend.Container{
		"a": {ID: "a", State: "running"}, "b": {ID: "b", State: "running"}, "c": {ID: "c", State: "running"},
	}, stats: map[string]backend.Stats{}, changed: make(chan struct{}, 1), cli: fc, oneShot: true}
	s := newSampler(e)
	s.pilotWait = time.Hour
	e.sampler = s
	e.SetWatched([]string{"a", "b", "c"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batch, _ := s.due(time.Now())
	s.launch(ctx, batch)
	if !<-pilotFirst {
		t.Fatal("the host was read before the pilot call was sent")
	}
	waitFor(t, "the pilot call", func() bool { return fc.n() >= 1 })
	fc.mu.Lock()
	pilot := fc.started[0]
	fc.mu.Unlock()
	host.mu.Lock()
	asked := slices.Clone(host.asked)
	host.mu.Unlock()
	slices.Sort(asked)
	want := slices.DeleteFunc([]string{"a", "b", "c"}, func(id string) bool { return id == pilot })
	if !slices.Equal(asked, want) {
		t.Errorf("host asked for %v, want the batch but the pilot %s: %v", asked, pilot, want)
	}
	close(fc.release)
	waitFor(t, "the rest of the batch", func() bool { return fc.n() == 3 })
}

func approx(got, want float64) bool { return got > want-0.001 && got < want+0.001 }

// TestHostFiguresBeforeTheEngineAnswers: half a second after a row's
// baseline, a second reading of the host's counters shows its CPU alone,
// before any engine answer; the engine's answers then take over, and a
// first answer without a figure of its own keeps the host's on screen.
func TestHostFiguresBeforeTheEngineAnswers(t *testing.T) {
	now := time.Now()
	t0 := now.Add(-600 * time.Millisecond) // the second reading is due at once
	first := map[string]stats.Baseline{
		"a": {At: t0, Usage: 1e9, System: 100e9, Online: 2},
		"c": {At: t0, Usage: 1e9, System: 100e9, Online: 2},
	}
	// 0.15 s of CPU in 1.2 s of host time on 2 CPUs: 25%; c used 0.3 s.
	second := map[string]stats.Baseline{
		"a": {At: now, Usage: 1.15e9, System: 101.2e9, Online: 2},
		"c": {At: now, Usage: 1.3e9, System: 101.2e9, Online: 2},
	}
	host := &fakeHost{then: []map[string]stats.Baseline{first, second}}
	e, s := hostTestSampler(host, true, "a", "b", "c")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batch, _ := s.due(time.Now())
	s.readBaselines(ctx, batch)
	figure := func(id string) backend.Stats {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.stats[id]
	}
	waitFor(t, "the host's figures", func() bool { return figure("a").HostOnly && figure("c").HostOnly })
	if got := figure("a"); !approx(got.CPUPercent, 25) || got.NetRxRate != stats.Unknown || got.BlkReadRate != stats.Unknown {
		t.Errorf("a's host figure %+v: want 25%% CPU and every rate unknown", got)
	}
	e.mu.Lock()
	bStats, ok := e.stats["b"]
	e.mu.Unlock()
	if ok {
		t.Errorf("b (no reading) has figures %+v before any engine answer", bStats)
	}
	select {
	case <-e.changed:
	default:
		t.Error("the UI was not told of the host's figures")
	}
	if sr := e.Series("a"); len(sr.CPU) != 1 || len(sr.NetRx) != 1 || sr.NetRx[0] != stats.Unknown || len(sr.Mem) != 0 {
		t.Errorf("a's series %+v: want one CPU point, an unknown rate in step, no memory yet", sr)
	}
	host.mu.Lock()
	asked := len(host.asked)
	host.mu.Unlock()

	// a's first engine answer is measured against the first reading, a
	// second after it: the engine's figure replaces the host's.
	sample := func(id string, read time.Time, usage, system uint64) *container.StatsResponse {
		return &container.StatsResponse{ID: id, Read: read, CPUStats: container.CPUStats{
			CPUUsage: container.CPUUsage{TotalUsage: usage}, SystemUsage: system, OnlineCPUs: 2,
		}, MemoryStats: container.MemoryStats{Usage: 5 << 20}}
	}
	s.record("a", sample("a", t0.Add(time.Second), 1.5e9, 102e9), nil)
	if got := figure("a"); got.HostOnly || !approx(got.CPUPercent, 50) || got.MemUsage != 5<<20 {
		t.Errorf("a after the engine's first answer: %+v; want the engine's 50%% and its memory", got)
	}
	if sr := e.Series("a"); len(sr.CPU) != 2 || !approx(sr.CPU[1], 50) {
		t.Errorf("a's CPU series %v: want the host's figure then the engine's", sr.CPU)
	}
	// c's first answer comes too late for its baseline: no CPU figure of
	// its own, and the host's stays on screen with the engine's memory.
	s.record("c", sample("c", t0.Add(stats.MaxBaselineAge+time.Second), 2e9, 110e9), nil)
	if got := figure("c"); got.HostOnly || !approx(got.CPUPercent, 50) || got.MemUsage != 5<<20 {
		t.Errorf("c after a first answer without a figure: %+v; want the host's 50%% kept, with the engine's memory", got)
	}
	if sr := e.Series("c"); len(sr.CPU) != 1 {
		t.Errorf("c's CPU series %v: the kept figure is not a new point", sr.CPU)
	}
	time.Sleep(20 * time.Millisecond) // no follow-up read is due; give a stray one time to show
	host.mu.Lock()
	defer host.mu.Unlock()
	if len(host.asked) != asked {
		t.Errorf("the host was asked again (%v) after the figures", host.asked[asked:])
	}
}

// TestNoHostFigureForARowGoneOrAnswered: a follow-up reading is not taken
// for a row that left the screen, got its figure from the engine before the
// follow-up was due, or was read again since (a newer reading has its own
// follow-up, which a stale one must not spend).
func TestNoHostFigureForARowGoneOrAnswered(t *testing.T) {
	t0 := time.Now()
	host := &fakeHost{bases: map[string]stats.Baseline{
		"a": {At: t0, Usage: 1e9, System: 100e9, Online: 2},
		"b": {At: t0, Usage: 1e9, System: 100e9, Online: 2},
		"c": {At: t0, Usage: 1e9, System: 100e9, Online: 2},
	}}
	_, s := hostTestSampler(host, true, "a", "b", "c")
	batch, _ := s.due(time.Now())
	s.hostFigures(context.Background(), nil, time.Now()) // nothing asked: nothing read
	s.readBaselines(stopped(), batch)
	s.mu.Lock()
	delete(s.watched, "a")    // a leaves the screen (its state kept, as between two SetWatched)
	s.state["b"].cpu.Push(10) // b's figure came from the engine
	stale := t0.Add(-time.Second)
	s.mu.Unlock()
	host.mu.Lock()
	host.asked = nil
	host.mu.Unlock()
	s.hostFigures(context.Background(), map[string]time.Time{"a": t0, "b": t0, "c": stale}, time.Now())
	if len(host.asked) != 0 {
		t.Errorf("asked the host for %v: a is off screen, b has a figure, c's reading is newer than the follow-up's", host.asked)
	}
	if st := s.state["c"]; !st.hostBase.At.Equal(t0) {
		t.Errorf("a stale follow-up spent c's newer reading: %+v", st.hostBase)
	}
}

// TestFailedFirstCallDropsTheHostFigure: a host figure is one half-second
// reading, shown until the engine's first answer; when that call fails, the
// row goes back to no figure rather than keep it as if current.
func TestFailedFirstCallDropsTheHostFigure(t *testing.T) {
	e, s := hostTestSampler(nil, true, "a")
	e.stats["a"] = backend.Stats{ID: "a", CPUPercent: 25, HostOnly: true}
	s.record("a", nil, errors.New("engine restarting"))
	if st, ok := e.stats["a"]; ok {
		t.Errorf("a keeps %+v after its first call failed", st)
	}
}
