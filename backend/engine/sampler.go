package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/stats"
)

// sampler polls one-shot stats for the containers someone is looking at.
// Containers that are not watched cost the engine nothing: there is never a
// stats stream per container.
//
// How the engine serves stats shapes this code. dockerd's collector gathers
// every subscribed container in one pass, then sleeps a second; a one-shot
// call subscribes and waits for the next pass. So:
//   - a newly watched container is sampled at once and asked again right
//     after the answer: the second answer comes one pass later, and with it
//     the first CPU figure (the earliest the engine can give one);
//   - afterwards all watched containers are sampled together in batches, so
//     one pass serves them all and the UI redraws once per batch rather than
//     once per container;
//   - on the engine's own host, the kernel counters the engine reads are
//     read directly as a container comes on screen (Options.HostCPU), and
//     again half a second later: the two show a CPU figure before the
//     engine's first answer, and the first reading stands in for the
//     sample before that answer, which then brings the engine's own
//     figure one pass earlier;
//   - every call of a batch is in flight at once (a call is a goroutine and
//     a socket that mostly waits): a pool smaller than the screen would push
//     half of the rows to later passes.
type sampler struct {
	e *Engine

	mu      sync.Mutex
	watched map[string]bool
	state   map[string]*sampleState
	wake    chan struct{}

	inFlight   int  // calls under way; a batch is complete when it drops to 0
	notifyLate bool // a figure is recorded but the UI not told yet

	answered     chan struct{} // closed when the engine first answers a stats call
	answeredOnce sync.Once

	pilotWait time.Duration // see launch

	oneShot chan struct{} // bounds calls in flight on engines with one-shot stats
	legacy  chan struct{} // stream=false calls hold a connection a second or more
}

type sampleState struct {
	prev     *container.StatsResponse
	due      time.Time // zero: as soon as possible
	firedAt  time.Time
	inFlight bool
	samples  int
	base     stats.Baseline // host counters read before the first sample; see readBaselines
	hostBase stats.Baseline // the same reading, kept for hostFigures
	cpu      *stats.Series
	mem      *stats.Series
	rx, tx   *stats.Series
}

// Series is a copy of one container's recent figures for graphs, oldest
// first.
type Series struct {
	CPU, Mem, NetRx, NetTx []float64
}

const (
	minAutoInterval = time.Second
	maxAutoInterval = 10 * time.Second
)

func newSampler(e *Engine) *sampler {
	return &sampler{
		e: e, watched: map[string]bool{}, state: map[string]*sampleState{}, wake: make(chan struct{}, 1),
		pilotWait: pilotWait, oneShot: make(chan struct{}, 128), legacy: make(chan struct{}, 4), answered: make(chan struct{}),
	}
}

// SetWatched replaces the set of containers whose stats are sampled: the rows
// on screen plus the selected container and any open graph. It does no I/O.
func (e *Engine) SetWatched(ids []string) {
	s := e.sampler
	s.mu.Lock()
	next := make(map[string]bool, len(ids))
	wake := false // something to sample sooner than the loop planned
	for _, id := range ids {
		next[id] = true
		if !s.watched[id] {
			wake = true
		}
		if _, ok := s.state[id]; !ok {
			s.state[id] = &sampleState{
				cpu: stats.NewSeries(e.opts.SeriesLen), mem: stats.NewSeries(e.opts.SeriesLen),
				rx: stats.NewSeries(e.opts.SeriesLen), tx: stats.NewSeries(e.opts.SeriesLen),
			}
		}
	}
	// Forget what is no longer watched so memory stays bounded by what the
	// screen shows; a re-watched container starts a fresh delta.
	var dropped []string
	for id := range s.state {
		if !next[id] {
			delete(s.state, id)
			dropped = append(dropped, id)
		}
	}
	shrunk := len(next) < len(s.watched)
	s.watched = next
	if shrunk {
		// A shorter list means a shorter period (a detail view opened
		// from a full screen samples every second): bring forward what
		// was scheduled at the old pace.
		iv := s.interval()
		for _, st := range s.state {
			if !st.inFlight && !st.firedAt.IsZero() && st.due.After(st.firedAt.Add(iv)) {
				st.due = st.firedAt.Add(iv)
				wake = true
			}
		}
	}
	s.mu.Unlock()
	if len(dropped) > 0 {
		// A figure for a row that scrolls back into view would be stale:
		// drop it, the row shows "-" until the next sample.
		e.mu.Lock()
		for _, id := range dropped {
			delete(e.stats, id)
		}
		e.mu.Unlock()
	}
	if wake {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Series returns the recent figures of one watched container.
func (e *Engine) Series(id string) Series {
	s := e.sampler
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state[id]
	if !ok {
		return Series{}
	}
	return Series{CPU: st.cpu.Values(), Mem: st.mem.Values(), NetRx: st.rx.Values(), NetTx: st.tx.Values()}
}

func (s *sampler) forget(id string) {
	s.mu.Lock()
	delete(s.state, id)
	s.mu.Unlock()
}

func (s *sampler) start(ctx context.Context) { go s.loop(ctx) }

// interval is the steady period between two samples of one container.
// Callers hold s.mu.
func (s *sampler) interval() time.Duration {
	if iv := s.e.opts.StatsInterval; iv > 0 {
		return iv
	}
	iv := time.Duration(len(s.watched)) * time.Minute / time.Duration(s.e.opts.StatsPerMinute)
	return min(max(iv, minAutoInterval), maxAutoInterval)
}

// loop launches due samples. It sleeps until the next one is due, a call
// ends or the watched set grows, so an idle console barely wakes it.
func (s *sampler) loop(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		batch, next := s.due(time.Now())
		if len(batch) > 0 {
			s.e.opts.Trace.Printf("sampler: batch of %d", len(batch))
		}
		s.launch(ctx, batch)
		// A safety net, not the schedule: every answer wakes the loop, but
		// a period is never slept through unseen.
		wait := maxAutoInterval
		if !next.IsZero() {
			wait = min(max(time.Until(next), 10*time.Millisecond), maxAutoInterval)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.wake:
		}
	}
}

// due lists watched, running containers whose next sample is due and marks
// them in flight; next is when the earliest other one falls due. When a
// batch goes, containers due within a third of the period join it, which
// keeps the watched set in step: one engine pass, one redraw. A container in
// flight is not due again, so a slow engine degrades the refresh rate,
// never the UI, and calls in flight stay bounded by the watched set.
func (s *sampler) due(now time.Time) (batch []string, next time.Time) {
	s.mu.Lock()
	ids := make([]string, 0, len(s.watched))
	for id := range s.watched {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	// Only the watched rows' states are looked up: this runs after every
	// answer, and the engine may hold thousands of containers.
	running := s.e.runningAmong(ids)
	s.mu.Lock()
	defer s.mu.Unlock()
	var ready, soon []*sampleState
	var readyIDs, soonIDs []string
	horizon := now.Add(s.interval() / 3)
	for id := range s.watched {
		st := s.state[id]
		if st == nil || st.inFlight || !running[id] {
			continue
		}
		switch {
		case !st.due.After(now):
			ready, readyIDs = append(ready, st), append(readyIDs, id)
		case !st.due.After(horizon):
			soon, soonIDs = append(soon, st), append(soonIDs, id)
		}
		if st.due.After(now) && (next.IsZero() || st.due.Before(next)) {
			next = st.due
		}
	}
	if len(ready) == 0 {
		return nil, next
	}
	ready, batch = append(ready, soon...), append(readyIDs, soonIDs...)
	for _, st := range ready {
		st.inFlight = true
		st.firedAt = now
	}
	s.inFlight += len(ready)
	if len(soon) > 0 {
		// The joiners' own due times no longer count.
		next = time.Time{}
		for id := range s.watched {
			if st := s.state[id]; st != nil && !st.inFlight && running[id] && (next.IsZero() || st.due.Before(next)) {
				next = st.due
			}
		}
	}
	return batch, next
}

// launch starts a batch's calls. The very first batch sends one call ahead
// of the others: it wakes the engine's idle collector on its own, so that
// collector's first pass (which serves only it) ends sooner, and so does the
// wait for the second pass, the one that brings the first CPU figure. Sent
// together, the rest of the batch's calls held that first pass back by tens
// of milliseconds; they join the second pass either way. (Four pilots were
// tried, so that the first of them would come early in the second pass,
// which the collector walks in random order: it made no difference, even
// sent on connections warmed up beforehand, as the collector takes its
// first pass's list the moment the first call arrives.)
func (s *sampler) launch(ctx context.Context, batch []string) {
	select {
	case <-s.answered:
	default:
		if len(batch) > 1 {
			go s.sample(ctx, batch[0])
			rest := batch[1:]
			s.readBaselines(ctx, rest)
			go func() {
				t := time.NewTimer(s.pilotWait)
				defer t.Stop()
				select {
				case <-s.answered:
				case <-t.C:
				case <-ctx.Done():
				}
				for _, id := range rest {
					go s.sample(ctx, id)
				}
			}()
			return
		}
	}
	s.readBaselines(ctx, batch)
	for _, id := range batch {
		go s.sample(ctx, id)
	}
}

// readBaselines reads the host's CPU counters for the containers of batch
// that have never been sampled, when the engine runs on this host. Their
// first answer comes with the engine's next pass, a second or so later,
// and is measured against this reading: a CPU figure one pass earlier than
// from two engine samples. Sooner still, hostFigures reads the counters
// again half a second later and shows the CPU between the two readings.
// (The pilot's first answer comes too soon after for a reading this coarse:
// it is sent first, and takes the engine's second sample.)
func (s *sampler) readBaselines(ctx context.Context, batch []string) {
	r := s.e.opts.HostCPU
	s.e.mu.Lock()
	oneShot := s.e.oneShot // settled by each session's ping
	s.e.mu.Unlock()
	if r == nil || !oneShot {
		// Without one-shot stats (API < 1.41) a first answer carries its
		// own earlier reading, and a baseline would go unused.
		return
	}
	s.mu.Lock()
	fresh := make([]string, 0, len(batch))
	for _, id := range batch {
		if st := s.state[id]; st != nil && st.samples == 0 && st.base.At.IsZero() {
			fresh = append(fresh, id)
		}
	}
	s.mu.Unlock()
	if len(fresh) == 0 {
		return
	}
	bases := r.Read(fresh)
	if len(bases) == 0 {
		return
	}
	read := make(map[string]time.Time, len(bases))
	var at time.Time
	s.mu.Lock()
	for id, b := range bases {
		if st := s.state[id]; st != nil && st.samples == 0 {
			st.base, st.hostBase = b, b
			read[id] = b.At
			at = b.At
		}
	}
	s.mu.Unlock()
	s.e.opts.Trace.Once("sampler: first host baselines")
	if len(read) > 0 {
		go s.hostFigures(ctx, read, at.Add(stats.MinBaselineWindow))
	}
}

// hostFigures reads the host's counters again, at when, for the containers
// of ids that still have no CPU figure, and shows the CPU between their two
// readings: the same counters and formula as the engine's (stats.CPUBetween,
// package hostcpu's engine test compares them), half a second after a row
// comes on screen rather than at the engine's next pass. The row's other
// figures wait for the engine's first answer (backend.Stats.HostOnly); its
// later CPU figures all come from the engine.
//
// read holds, by container, when the reading it follows up was taken: a row
// that left the screen and came back, or was read again after a failed
// call, has a newer reading, with its own follow-up.
func (s *sampler) hostFigures(ctx context.Context, read map[string]time.Time, when time.Time) {
	t := time.NewTimer(time.Until(when))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return
	}
	// ours says whether id's state still waits for this follow-up.
	ours := func(id string) (*sampleState, bool) {
		st := s.state[id]
		return st, st != nil && s.watched[id] && st.cpu.Len() == 0 && st.hostBase.At.Equal(read[id]) && !st.hostBase.At.IsZero()
	}
	s.mu.Lock()
	want := make([]string, 0, len(read))
	for id := range read {
		if _, ok := ours(id); ok {
			want = append(want, id)
		}
	}
	s.mu.Unlock()
	if len(want) == 0 {
		return
	}
	now := s.e.opts.HostCPU.Read(want)
	figures := make(map[string]backend.Stats, len(now))
	s.mu.Lock()
	for id, b := range now {
		st, ok := ours(id)
		if !ok {
			continue // an engine answer brought a figure meanwhile, or the row left
		}
		p := stats.CPUBetween(st.hostBase, b)
		st.hostBase = stats.Baseline{}
		if p < 0 {
			continue
		}
		st.cpu.Push(p)
		// The net series keep step with the CPU series (see record).
		st.rx.Push(stats.Unknown)
		st.tx.Push(stats.Unknown)
		figures[id] = backend.Stats{ID: id, At: b.At, CPUPercent: p, NetRxRate: stats.Unknown, NetTxRate: stats.Unknown,
			BlkReadRate: stats.Unknown, BlkWritRate: stats.Unknown, HostOnly: true}
	}
	s.mu.Unlock()
	if len(figures) == 0 {
		return
	}
	e := s.e
	written := 0
	e.mu.Lock()
	for id, f := range figures {
		if _, ok := e.containers[id]; !ok {
			continue
		}
		if cur, ok := e.stats[id]; ok && !cur.HostOnly {
			if cur.CPUPercent >= 0 {
				continue // the engine's own figure came in meanwhile
			}
			// An engine answer without a CPU figure is in: keep its
			// figures, add the CPU.
			cur.CPUPercent = f.CPUPercent
			f = cur
		}
		e.stats[id] = f
		written++
	}
	e.mu.Unlock()
	if written == 0 {
		return
	}
	e.opts.Trace.Once("sampler: first CPU figure")
	e.opts.Trace.Once("sampler: first CPU figure from host counters alone")
	e.notify()
}

// pilotWait bounds how long the first batch waits for its first call: an
// engine whose collector is already busy answers only at its next pass.
const pilotWait = 50 * time.Millisecond

// runningAmong says which of ids are running containers.
func (e *Engine) runningAmong(ids []string) map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		if c, ok := e.containers[id]; ok && c.State == "running" {
			m[id] = true
		}
	}
	return m
}

// sample takes one sample of a container, within the pool that fits the
// engine's stats flavour.
func (s *sampler) sample(ctx context.Context, id string) {
	s.e.mu.Lock()
	pool := s.legacy
	if s.e.oneShot {
		pool = s.oneShot
	}
	s.e.mu.Unlock()
	select {
	case pool <- struct{}{}:
	case <-ctx.Done():
		s.record(id, nil, ctx.Err())
		return
	}
	cur, err := s.e.sampleOnce(ctx, id)
	<-pool
	s.record(id, cur, err)
}

func (s *sampler) record(id string, cur *container.StatsResponse, err error) {
	e := s.e
	now := time.Now()
	// The loop skipped this container while it was in flight: whatever
	// happened, let it schedule the next sample (at once, when asked again).
	defer func() {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}()
	s.mu.Lock()
	st, ok := s.state[id]
	if !ok || err != nil {
		if ok {
			// The container may have stopped between the list and the
			// call; back off this one container, the rest carry on.
			st.inFlight = false
			st.due = now.Add(s.interval())
			// A baseline belongs to the call it was read for: the next
			// answer comes an interval later, too far from it to trust.
			st.base = stats.Baseline{}
		}
		tell := s.endCallLocked(false)
		s.mu.Unlock()
		// A host figure was one half-second reading, to be followed by
		// the engine's: without that, it must not pass for current.
		e.mu.Lock()
		if cur, ok := e.stats[id]; ok && cur.HostOnly {
			delete(e.stats, id)
			tell = true
		}
		e.mu.Unlock()
		if tell {
			e.notify()
		}
		return
	}
	st.inFlight = false
	s.answeredOnce.Do(func() { close(s.answered) })
	computed := stats.Compute(st.prev, cur)
	computed.ID = id
	fromBase := false
	if computed.CPUPercent < 0 && st.prev == nil && !st.base.At.IsZero() {
		computed.CPUPercent = stats.CPUSince(st.base, cur)
		fromBase = computed.CPUPercent >= 0
	}
	st.base = stats.Baseline{} // one use: later figures pair engine samples
	st.prev = cur
	st.samples++
	// A container's first CPU figure is news the operator waits for; the
	// rest of a batch is told in one go when its last call answers.
	urgent := computed.CPUPercent >= 0 && st.cpu.Len() == 0
	if st.samples == 1 && (computed.CPUPercent < 0 || fromBase) {
		// Ask again at once: the answer comes with the engine's next
		// pass, and the two make the first CPU figure, or with a host
		// baseline's CPU figure already shown, the first rates.
		st.due = time.Time{}
	} else {
		// Keep the batch's rhythm (the period counts from when the batch
		// was launched), but never ask twice within one engine pass.
		st.due = st.firedAt.Add(s.interval())
		if soonest := now.Add(minAutoInterval / 2); st.due.Before(soonest) {
			st.due = soonest
		}
	}
	e.opts.Trace.Once("sampler: first sample")
	if computed.CPUPercent >= 0 {
		e.opts.Trace.Once("sampler: first CPU figure")
		if fromBase {
			e.opts.Trace.Once("sampler: first CPU figure from a host baseline")
		}
		st.cpu.Push(computed.CPUPercent)
	}
	// The net series keep step with the CPU series, so the graphs line up:
	// a CPU figure from a host baseline has no rates yet and pushes an
	// unknown (drawn as a gap) in their place.
	if computed.CPUPercent >= 0 || computed.NetRxRate >= 0 {
		st.rx.Push(computed.NetRxRate)
		st.tx.Push(computed.NetTxRate)
	}
	st.mem.Push(float64(computed.MemUsage))
	stillWatched := s.watched[id]
	s.mu.Unlock()

	e.mu.Lock()
	if _, ok := e.containers[id]; ok && stillWatched {
		if old, ok := e.stats[id]; ok && old.HostOnly && computed.CPUPercent < 0 {
			// Keep the host's figure on screen until the engine has one.
			computed.CPUPercent = old.CPUPercent
		}
		e.stats[id] = computed
	}
	e.mu.Unlock()
	// Only now, with the figure in place, does this call count as ended:
	// the batch's last call must not tell the UI before the others' figures
	// are there to see.
	s.mu.Lock()
	tell := s.endCallLocked(urgent)
	s.mu.Unlock()
	if tell {
		e.notify()
	}
}

// endCallLocked ends one call (every launched call ends exactly once, even
// for a container no longer watched, so that the count comes back to zero)
// and says whether to tell the UI now. Callers hold s.mu.
func (s *sampler) endCallLocked(urgent bool) bool {
	s.inFlight--
	return s.tellLocked(urgent)
}

// tellLocked decides whether a recorded figure should reach the UI now: when
// urgent, or when it completes the calls under way. Otherwise a late notice
// makes sure a batch split over two engine passes does not hold its first
// half back for a whole second. Callers hold s.mu.
func (s *sampler) tellLocked(urgent bool) bool {
	if urgent || s.inFlight == 0 {
		s.notifyLate = false
		return true
	}
	if !s.notifyLate {
		s.notifyLate = true
		time.AfterFunc(lateNotice, func() {
			s.mu.Lock()
			late := s.notifyLate
			s.notifyLate = false
			s.mu.Unlock()
			if late {
				s.e.notify()
			}
		})
	}
	return false
}

// lateNotice bounds how long a recorded figure waits for the rest of its
// batch before the UI hears of it.
const lateNotice = 300 * time.Millisecond

// sampleOnce takes one stats sample. API >= 1.41 answers one-shot at once;
// older engines (many docker-machine hosts) only offer stream=false, which
// waits about a second to fill precpu, hence the bounded worker pool.
func (e *Engine) sampleOnce(ctx context.Context, id string) (*container.StatsResponse, error) {
	cli, err := e.Client()
	if err != nil {
		return nil, err
	}
	cctx, cancel := e.call(ctx)
	defer cancel()
	e.mu.Lock()
	oneShot := e.oneShot
	e.mu.Unlock()
	var r container.StatsResponseReader
	if oneShot {
		r, err = cli.ContainerStatsOneShot(cctx, id)
	} else {
		r, err = cli.ContainerStats(cctx, id, false)
	}
	if err != nil {
		return nil, fmt.Errorf("stats %s: %w", shortID(id), err)
	}
	defer r.Body.Close()
	v, err := stats.Decode(r.Body)
	if err != nil {
		return nil, fmt.Errorf("decode stats %s: %w", shortID(id), err)
	}
	return v, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
