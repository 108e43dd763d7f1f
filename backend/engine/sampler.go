package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend/stats"
)

// sampler polls one-shot stats for the containers someone is looking at.
// Containers that are not watched cost the engine nothing: there is never a
// stats stream per container.
type sampler struct {
	e *Engine

	mu      sync.Mutex
	watched map[string]bool
	state   map[string]*sampleState
	wake    chan struct{}
}

type sampleState struct {
	prev     *container.StatsResponse
	due      time.Time
	inFlight bool
	samples  int
	cpu      *stats.Series
	mem      *stats.Series
	rx, tx   *stats.Series
}

// Series is a copy of one container's recent figures for graphs, oldest
// first.
type Series struct {
	CPU, Mem, NetRx, NetTx []float64
}

func newSampler(e *Engine) *sampler {
	return &sampler{e: e, watched: map[string]bool{}, state: map[string]*sampleState{}, wake: make(chan struct{}, 1)}
}

// SetWatched replaces the set of containers whose stats are sampled: the rows
// on screen plus the selected container and any open graph. It does no I/O.
func (e *Engine) SetWatched(ids []string) {
	s := e.sampler
	s.mu.Lock()
	next := make(map[string]bool, len(ids))
	added := false
	for _, id := range ids {
		next[id] = true
		if !s.watched[id] {
			added = true
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
	s.watched = next
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
	if added {
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

func (s *sampler) start(ctx context.Context) {
	jobs := make(chan string, 256)
	legacy := make(chan struct{}, 4)
	for range s.e.opts.StatsWorkers {
		go s.worker(ctx, jobs, legacy)
	}
	go s.loop(ctx, jobs)
}

// loop hands due containers to the workers. It ticks a few times a second
// but does no I/O itself, so an idle tick costs microseconds.
func (s *sampler) loop(ctx context.Context, jobs chan<- string) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
		// Due containers queue for the workers; one that is still queued
		// or in flight is not due again, so a slow engine degrades the
		// refresh rate, never the UI, and the queue stays bounded by the
		// watched set.
		for _, id := range s.due(time.Now()) {
			select {
			case jobs <- id:
			case <-ctx.Done():
				return
			}
		}
	}
}

// due lists watched, running containers whose next sample is due and marks
// them in flight.
func (s *sampler) due(now time.Time) []string {
	running := s.e.runningSet()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id := range s.watched {
		st := s.state[id]
		if st == nil || st.inFlight || now.Before(st.due) || !running[id] {
			continue
		}
		st.inFlight = true
		out = append(out, id)
	}
	return out
}

func (e *Engine) runningSet() map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := make(map[string]bool, len(e.containers))
	for id, c := range e.containers {
		if c.State == "running" {
			m[id] = true
		}
	}
	return m
}

func (s *sampler) worker(ctx context.Context, jobs <-chan string, legacy chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-jobs:
			// stream=false calls (engines before API 1.41) hold a
			// connection for a second or more each: at most four at once.
			s.e.mu.Lock()
			oneShot := s.e.oneShot
			s.e.mu.Unlock()
			if !oneShot {
				legacy <- struct{}{}
			}
			cur, err := s.e.sampleOnce(ctx, id)
			if !oneShot {
				<-legacy
			}
			s.record(id, cur, err)
		}
	}
}

func (s *sampler) record(id string, cur *container.StatsResponse, err error) {
	e := s.e
	now := time.Now()
	s.mu.Lock()
	st, ok := s.state[id]
	if !ok {
		s.mu.Unlock()
		return
	}
	st.inFlight = false
	if err != nil {
		// The container may have stopped between the list and the call;
		// back off this one container, the rest carry on.
		st.due = now.Add(e.opts.StatsInterval)
		s.mu.Unlock()
		return
	}
	computed := stats.Compute(st.prev, cur)
	computed.ID = id
	st.prev = cur
	st.samples++
	if st.samples == 1 {
		st.due = now.Add(e.opts.FirstStatsDelay)
	} else {
		st.due = now.Add(e.opts.StatsInterval)
	}
	if computed.CPUPercent >= 0 {
		st.cpu.Push(computed.CPUPercent)
		st.rx.Push(computed.NetRxRate)
		st.tx.Push(computed.NetTxRate)
	}
	st.mem.Push(float64(computed.MemUsage))
	s.mu.Unlock()
	// The next sample of this container may already be due (the fast
	// second sample): let the loop look now rather than at its next tick.
	select {
	case s.wake <- struct{}{}:
	default:
	}

	s.mu.Lock()
	stillWatched := s.watched[id]
	s.mu.Unlock()
	e.mu.Lock()
	if _, ok := e.containers[id]; ok && stillWatched {
		e.stats[id] = computed
	}
	e.mu.Unlock()
	e.notify()
}

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
	var v container.StatsResponse
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		return nil, fmt.Errorf("decode stats %s: %w", shortID(id), err)
	}
	return &v, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
