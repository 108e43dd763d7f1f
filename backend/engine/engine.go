// Package engine is one connected Docker engine: the client, the engine's
// identity, an events-fed cache of containers, an on-demand stats sampler and
// the actions an operator takes. Everything it hands out is a backend read
// model of already-sanitized strings; callers never see SDK types.
//
// Concurrency model: one goroutine (run) owns the connection life cycle and
// the events stream; a small worker pool samples stats for the containers
// the UI says are visible. Shared state sits behind one mutex and every change
// pokes a one-slot channel, so a UI that is slow to look coalesces many
// changes into one redraw.
package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/sanitize"
	"github.com/dockterm/dockterm/backend/secrets"
	"github.com/dockterm/dockterm/backend/stats"
	"github.com/dockterm/dockterm/internal/trace"
)

// Options tune an Engine. Zero values take the defaults.
type Options struct {
	// StatsInterval, when set, is a fixed period between two stats samples
	// of a watched container. Left zero, the period follows the number of
	// watched containers so that the engine spends a bounded effort on
	// dockterm however tall the screen: see StatsPerMinute.
	StatsInterval time.Duration
	// StatsPerMinute bounds the samples the automatic period asks for
	// (default 240: measured on dockerd 20.10, each sample costs dockerd
	// and containerd about 3.8 ms of CPU, so ~0.9 s a minute; and each
	// costs dockterm ~0.8 ms, mostly waking up, which at 400 a minute was
	// half of its CPU once started). The period stays between 1 s (the
	// engine's own collection period) and 10 s: ~9 s for the 36 rows of a
	// 120x40 screen, ~4.5 s at 80x24, 1 s for an open detail.
	StatsPerMinute int
	// RelistEvery is the safety-net full re-list period (default 60 s); the
	// events stream does the real work.
	RelistEvery time.Duration
	// CallTimeout bounds each engine call (default 10 s).
	CallTimeout time.Duration
	// EventHistory bounds the events kept for the events view (default 500).
	EventHistory int
	// SeriesLen bounds each stats time series (default 180 samples).
	SeriesLen int
	// Trace, when set, receives start-up and sampling milestones.
	Trace *trace.Log
	// HostCPU, when set, reads a container's CPU counters on the engine's
	// host (package hostcpu): two readings half a second apart show a
	// row's first CPU figure, and its first engine answer already brings
	// one of its own. Nil: two engine samples make the first figure.
	HostCPU HostCPU
}

// HostCPU reads the CPU counters of containers of this engine from the
// engine's host; containers not to be found there are left out.
type HostCPU interface {
	Read(ids []string) map[string]stats.Baseline
}

func (o *Options) defaults() {
	if o.StatsPerMinute <= 0 {
		o.StatsPerMinute = 240
	}
	if o.RelistEvery <= 0 {
		o.RelistEvery = 60 * time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 10 * time.Second
	}
	if o.EventHistory <= 0 {
		o.EventHistory = 500
	}
	if o.SeriesLen <= 0 {
		o.SeriesLen = 180
	}
}

// Snapshot is a consistent copy of what the engine knows, cheap enough to
// take on every redraw.
type Snapshot struct {
	Info       backend.EngineInfo
	State      backend.ConnState
	Err        string // last error, sanitized; "" when none
	ErrAt      time.Time
	Updated    time.Time // when the container list last changed or was confirmed
	Containers []backend.Container
	Stats      map[string]backend.Stats
}

// Engine is one engine. Create it with New, start it with Start, stop it by
// cancelling the context given to Start.
type Engine struct {
	id   backend.EngineID
	name string
	host string
	dial Dialer
	opts Options

	changed chan struct{}

	mu         sync.Mutex
	cli        client.APIClient // nil until the first successful dial
	info       backend.EngineInfo
	state      backend.ConnState
	err        string
	errAt      time.Time
	updated    time.Time
	containers map[string]backend.Container
	stats      map[string]backend.Stats
	sampler    *sampler
	gen        map[string]uint64 // bumped by every refresh of a container
	recent     map[string]recentInspect
	events     []backend.Event // ring, oldest first after wrap handling
	eventsPos  int
	eventSubs  map[chan backend.Event]struct{}
	oneShot    bool // engine supports one-shot stats (API >= 1.41)

	runCtx context.Context // Start's: ends the engine's goroutines

	// FollowAllEvents' second stream.
	connectedAt time.Time // first successful list: where quiet events start
	followers   int
	stopFollow  context.CancelFunc
	quietSince  time.Time // resume point: just after the last quiet event
}

// Dialer makes the engine's client. The engine calls it when it connects and
// again after a failed attempt, so an engine that is down at start shows as
// disconnected and is picked up when it comes back.
type Dialer func(ctx context.Context) (client.APIClient, error)

// ErrNotConnected is returned by calls made before the engine was reached.
var ErrNotConnected = errors.New("not connected to the engine")

// New wraps a docker client. It does no I/O.
func New(id backend.EngineID, name string, cli client.APIClient, opts Options) *Engine {
	e := NewDialer(id, name, cli.DaemonHost(), func(context.Context) (client.APIClient, error) { return cli, nil }, opts)
	e.cli = cli
	return e
}

// NewDialer is New for a client made on demand. host is shown until the
// first connection. It does no I/O.
func NewDialer(id backend.EngineID, name, host string, dial Dialer, opts Options) *Engine {
	opts.defaults()
	e := &Engine{
		id:         id,
		name:       name,
		host:       host,
		dial:       dial,
		opts:       opts,
		changed:    make(chan struct{}, 1),
		state:      backend.ConnConnecting,
		containers: map[string]backend.Container{},
		stats:      map[string]backend.Stats{},
		gen:        map[string]uint64{},
		recent:     map[string]recentInspect{},
		eventSubs:  map[chan backend.Event]struct{}{},
	}
	e.info = backend.EngineInfo{ID: id, Name: sanitize.String(name), Host: sanitize.String(host)}
	e.sampler = newSampler(e)
	return e
}

// ID names the engine.
func (e *Engine) ID() backend.EngineID { return e.id }

// Client exposes the docker client to sibling backend packages (exec,
// audit). The UI must not use it. It fails before the first connection.
func (e *Engine) Client() (client.APIClient, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cli == nil {
		return nil, ErrNotConnected
	}
	return e.cli, nil
}

// Changed receives a value whenever the snapshot changed. It has one slot so
// bursts coalesce.
func (e *Engine) Changed() <-chan struct{} { return e.changed }

func (e *Engine) notify() {
	select {
	case e.changed <- struct{}{}:
	default:
	}
}

// Snapshot copies the current state.
func (e *Engine) Snapshot() Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := Snapshot{
		Info:       e.info,
		State:      e.state,
		Err:        e.err,
		ErrAt:      e.errAt,
		Updated:    e.updated,
		Containers: make([]backend.Container, 0, len(e.containers)),
		Stats:      make(map[string]backend.Stats, len(e.stats)),
	}
	for _, c := range e.containers {
		s.Containers = append(s.Containers, c)
	}
	sort.Slice(s.Containers, func(i, j int) bool { return s.Containers[i].Name < s.Containers[j].Name })
	for k, v := range e.stats {
		s.Stats[k] = v
	}
	return s
}

func (e *Engine) setErr(err error) {
	e.mu.Lock()
	e.setErrLocked(err)
	e.mu.Unlock()
	e.notify()
}

// setErrLocked records err (nil clears it) for the status bar, sanitized:
// an engine's error text is not trusted. Callers hold e.mu.
func (e *Engine) setErrLocked(err error) {
	if err == nil {
		e.err = ""
	} else {
		e.err = sanitize.String(err.Error())
		e.errAt = time.Now()
	}
}

// ReportError records an error from an action so that the status bar shows it.
func (e *Engine) ReportError(err error) { e.setErr(err) }

func (e *Engine) setState(s backend.ConnState) {
	e.mu.Lock()
	changed := e.state != s
	e.state = s
	e.mu.Unlock()
	if changed {
		e.notify()
	}
}

func (e *Engine) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, e.opts.CallTimeout)
}

// Start runs the connection loop until ctx ends. It returns at once.
func (e *Engine) Start(ctx context.Context) {
	e.mu.Lock()
	e.runCtx = ctx
	e.mu.Unlock()
	go e.run(ctx)
	e.sampler.start(ctx)
}

// run connects, lists, follows events, and on any failure marks the engine
// disconnected and retries with backoff. It never returns before ctx ends.
func (e *Engine) run(ctx context.Context) {
	const firstBackoff = 500 * time.Millisecond
	backoff := firstBackoff
	for ctx.Err() == nil {
		began := time.Now()
		connected, err := e.session(ctx)
		if ctx.Err() != nil {
			return
		}
		// A fresh outage starts with a quick retry; but an engine that
		// lists fine and then drops the events stream at once (a socket
		// proxy that forbids /events) must not be hammered.
		if connected && time.Since(began) > 30*time.Second {
			backoff = firstBackoff
		}
		// State and reason change together: a snapshot between the two
		// showed "disconnected" with no reason.
		e.mu.Lock()
		e.state = backend.ConnDisconnected
		if err != nil {
			e.setErrLocked(fmt.Errorf("engine %s: %w (reconnecting)", e.name, err))
		}
		e.mu.Unlock()
		e.notify()
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		if backoff < 10*time.Second {
			backoff *= 2
		}
	}
}

// session is one connected period: identify, subscribe to events, list, then
// apply events until the stream fails. connected reports whether it got as
// far as a listing.
func (e *Engine) session(ctx context.Context) (connected bool, err error) {
	cli, err := e.Client()
	if err != nil {
		dctx, cancel := e.call(ctx)
		cli, err = e.dial(dctx)
		cancel()
		e.opts.Trace.Once("engine: dialled")
		if err != nil {
			return false, err
		}
		e.mu.Lock()
		e.cli = cli
		e.mu.Unlock()
	}
	if err := e.negotiate(ctx, cli); err != nil {
		return false, err
	}
	e.opts.Trace.Once("engine: negotiated")
	// Subscribe before listing so nothing that happens in between is lost;
	// events that arrive for already-listed containers only cause a refresh.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Every event type feeds the events view; only container events touch
	// the cache. The exec and attach chatter (a healthcheck emits three
	// events per run) stays out: see mainActions.
	msgs, errs := cli.Events(sctx, events.ListOptions{Filters: actionFilter(mainActions)})
	if err := e.relist(sctx, cli, true); err != nil {
		return false, err
	}
	e.opts.Trace.Once("engine: first list")
	e.mu.Lock()
	if e.connectedAt.IsZero() {
		e.connectedAt = time.Now()
	}
	e.mu.Unlock()
	e.setState(backend.ConnConnected)
	e.setErr(nil)
	// The list is on screen; the engine's identity (version, info: the
	// slowest call of all) follows without delaying it, and after the
	// first stats answer, as the inspects do: asked at once, it competed
	// with the pilot stats call for the engine and pushed the first CPU
	// figure back (measured: the pilot answered 19-46 ms after the list
	// with it, 10-20 ms without).
	go func() {
		select {
		case <-e.sampler.answered:
		case <-time.After(inspectHold):
		case <-sctx.Done():
			return
		}
		if err := e.identify(sctx, cli); err != nil && sctx.Err() == nil {
			e.setErr(err)
		}
	}()

	dirty := map[string]bool{}
	var debounce <-chan time.Time
	relist := time.NewTicker(e.opts.RelistEvery)
	defer relist.Stop()
	relists := 0
	for {
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case err := <-errs:
			if err == nil || errors.Is(err, context.Canceled) {
				err = errors.New("events stream closed")
			}
			return true, fmt.Errorf("events: %w", err)
		case m := <-msgs:
			e.recordEvent(m)
			id := m.Actor.ID
			if id == "" || m.Type != events.ContainerEventType {
				continue
			}
			switch {
			case m.Action == events.ActionDestroy:
				e.mu.Lock()
				delete(e.containers, id)
				delete(e.stats, id)
				delete(e.recent, id)
				e.updated = time.Now()
				e.mu.Unlock()
				delete(dirty, id)
				e.sampler.forget(id)
				e.notify()
			case relevant(m.Action):
				dirty[id] = true
				if debounce == nil {
					// Debounce per burst: a restart emits kill, die, stop,
					// start within milliseconds; refresh once.
					debounce = time.After(150 * time.Millisecond)
				}
			}
		case <-debounce:
			debounce = nil
			ids := make([]string, 0, len(dirty))
			for id := range dirty {
				ids = append(ids, id)
			}
			clear(dirty)
			if err := e.refresh(ctx, cli, ids); err != nil {
				e.setErr(err)
			}
		case <-relist.C:
			// Every fullRelistEvery-th pass re-inspects everything: the
			// engine drops events for a subscriber that falls behind
			// (while a refresh runs, this loop does not read), and
			// restart counts or start times would stay stale otherwise.
			relists++
			if err := e.relist(sctx, cli, relists%fullRelistEvery == 0); err != nil {
				return true, err
			}
		}
	}
}

// fullRelistEvery: one safety-net relist in this many re-inspects every
// container (every 10 minutes by default).
const fullRelistEvery = 10

// mainActions are the event actions the main stream asks for: every action
// of every object type except the container actions in quietActions. The
// engine filters by action (one filter for all types), hence one list.
// Without it, three containers with 10 s healthchecks wake dockterm once a
// second for events that change nothing on screen (a healthcheck's outcome
// comes as health_status, which is here).
var mainActions = []string{
	// containers
	"create", "start", "restart", "stop", "die", "kill", "oom", "pause", "unpause",
	"rename", "destroy", "update", "health_status", "prune",
	// images
	"pull", "push", "tag", "untag", "delete", "import", "load", "save",
	// networks, volumes
	"connect", "disconnect", "remove", "mount", "unmount",
	// daemon, plugins (swarm objects use create, update, remove)
	"reload", "enable", "disable", "install",
}

// quietActions are the container actions left out of the main stream. They
// never change the list, but an operator reading the events view wants
// them (who ran a shell in which container): while that view is open,
// FollowAllEvents brings them in with a second stream.
var quietActions = []string{
	"exec_create", "exec_start", "exec_die", "exec_detach", "attach", "detach", "resize", "top",
	"export", "commit", "copy", "archive-path", "extract-to-dir", "checkpoint",
}

// actionFilter filters events by action. The engine compares health_status
// and exec_* by prefix ("exec_start: sh -c …"), the rest exactly.
func actionFilter(actions []string) filters.Args {
	f := filters.NewArgs()
	for _, a := range actions {
		f.Add("event", a)
	}
	return f
}

// FollowAllEvents brings the container events the main stream leaves out
// (quietActions) into Events() until stop is called: first those the engine
// still holds since the last follow (or since dockterm connected), then
// live ones. It does no I/O in the caller; follows nest.
func (e *Engine) FollowAllEvents() (stop func()) {
	e.mu.Lock()
	e.followers++
	if e.followers == 1 {
		parent := e.runCtx
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithCancel(parent)
		e.stopFollow = cancel
		go e.followQuiet(ctx)
	}
	e.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.followers--; e.followers == 0 {
				e.stopFollow()
				e.stopFollow = nil
			}
		})
	}
}

// followQuiet runs the second stream until ctx ends, reconnecting after a
// failure. It resumes just after the last quiet event it recorded (the
// engine's since filter), so an event is recorded once however often the
// view opens and closes, and none is lost while it is closed as long as the
// engine still holds it.
func (e *Engine) followQuiet(ctx context.Context) {
	for ctx.Err() == nil {
		e.mu.Lock()
		cli, since := e.cli, e.quietSince
		if since.IsZero() && !e.connectedAt.IsZero() {
			// The engine compares since with its own clock: a minute's
			// margin covers a remote engine's skew, at the price of a few
			// events from just before dockterm connected.
			since = e.connectedAt.Add(-time.Minute)
		}
		e.mu.Unlock()
		if cli != nil && !since.IsZero() {
			opts := events.ListOptions{Filters: actionFilter(quietActions)}
			opts.Filters.Add("type", string(events.ContainerEventType))
			opts.Since = fmt.Sprintf("%d.%09d", since.Unix(), since.Nanosecond())
			msgs, errs := cli.Events(ctx, opts)
		stream:
			for {
				select {
				case <-ctx.Done():
					return
				case <-errs:
					break stream
				case m := <-msgs:
					at := time.Unix(0, m.TimeNano)
					if m.TimeNano == 0 {
						at = time.Unix(m.Time, 0)
					}
					// The resume point only moves forward, and an event
					// before it was recorded already: a stream closed and
					// reopened at once may overlap the old one's last.
					e.mu.Lock()
					seen := at.Before(e.quietSince)
					if !seen {
						e.quietSince = at.Add(time.Nanosecond)
					}
					e.mu.Unlock()
					if !seen {
						e.recordEvent(m)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// relevant says whether a container event can change what the list shows.
// Exec events (every healthcheck run emits three) and attach/resize/top are
// noise for the list; health_status changes are not.
func relevant(a events.Action) bool {
	s := string(a)
	if strings.HasPrefix(s, "exec_") {
		return false
	}
	switch a {
	case events.ActionAttach, events.ActionDetach, events.ActionResize, events.ActionTop,
		events.ActionExport, events.ActionCommit, events.ActionCopy, events.ActionArchivePath,
		events.ActionExtractToDir, events.ActionCheckpoint:
		return false
	}
	return true
}

// negotiate pings the engine and settles the API version, which decides
// how stats are sampled.
func (e *Engine) negotiate(ctx context.Context, cli client.APIClient) error {
	cctx, cancel := e.call(ctx)
	defer cancel()
	ping, err := cli.Ping(cctx)
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	// From this ping's answer: NegotiateAPIVersion would ping once more,
	// a round trip in front of the list at every start.
	cli.NegotiateAPIVersionPing(ping)
	api := cli.ClientVersion()
	e.mu.Lock()
	e.oneShot = apiAtLeast(api, 1, 41)
	e.info.APIVersion = sanitize.String(api)
	e.mu.Unlock()
	return nil
}

// identify reads the engine's version and info for the status bar.
func (e *Engine) identify(ctx context.Context, cli client.APIClient) error {
	cctx, cancel := e.call(ctx)
	defer cancel()
	v, err := cli.ServerVersion(cctx)
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	info, err := cli.Info(cctx)
	if err != nil {
		return fmt.Errorf("info: %w", err)
	}
	api := cli.ClientVersion()
	ei := backend.EngineInfo{
		ID:            e.id,
		Name:          sanitize.String(e.name),
		Host:          sanitize.String(cli.DaemonHost()),
		ServerVersion: sanitize.String(v.Version),
		APIVersion:    sanitize.String(api),
		OS:            sanitize.String(info.OperatingSystem),
		KernelVersion: sanitize.String(info.KernelVersion),
		NCPU:          info.NCPU,
		MemTotal:      info.MemTotal,
		StorageDriver: sanitize.String(info.Driver),
	}
	if info.Swarm.LocalNodeState == "active" {
		ei.SwarmRole = "worker"
		if info.Swarm.ControlAvailable {
			ei.SwarmRole = "manager"
		}
	}
	e.mu.Lock()
	e.info = ei
	e.mu.Unlock()
	e.notify()
	return nil
}

// apiAtLeast compares a "1.41"-style API version.
func apiAtLeast(v string, major, minor int) bool {
	var a, b int
	if _, err := fmt.Sscanf(v, "%d.%d", &a, &b); err != nil {
		return false
	}
	return a > major || a == major && b >= minor
}

// relist replaces the cache with a full list. Details that only inspect
// gives (restart count, OOM kill, start time, memory limit) are filled in
// afterwards on the stats worker pool so that the list shows at once.
//
// full re-inspects every container: at the start of a session, when
// anything may have happened unseen. The periodic safety-net relist within
// a session (its events stream never broke, or the session would have
// ended) inspects only containers it did not know or whose state or health
// moved: re-inspecting them all every minute made containers nobody looks
// at cost the engine (measured: ~2 ms of dockerd CPU per inspect).
func (e *Engine) relist(ctx context.Context, cli client.APIClient, full bool) error {
	cctx, cancel := e.call(ctx)
	defer cancel()
	e.opts.Trace.Once("engine: list asked")
	list, err := cli.ContainerList(cctx, container.ListOptions{All: true})
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	e.opts.Trace.Once("engine: list answered")
	fresh := make(map[string]backend.Container, len(list))
	ids := make([]string, 0, len(list))
	e.mu.Lock()
	for _, s := range list {
		c := fromSummary(s)
		old, known := e.containers[c.ID]
		if known {
			mergeInspected(&c, old)
		}
		// Health as the list tells it on both sides: inspect's word for
		// an exited or paused container differs from its status line.
		if full || !known || !old.Inspected || old.State != c.State || healthFromStatus(old.Status) != c.Health {
			ids = append(ids, c.ID)
		}
		fresh[c.ID] = c
	}
	e.containers = fresh
	e.updated = time.Now()
	e.mu.Unlock()
	e.notify()

	if len(ids) > 0 {
		go e.inspectAll(ctx, cli, ids)
	}
	return nil
}

// inspectWorkers bounds the inspect calls in flight after a listing: enough to
// fill a hundred rows in a blink, few enough not to crowd out stats calls.
const inspectWorkers = 8

// inspectHold bounds how long the first inspects wait for the first stats.
const inspectHold = 300 * time.Millisecond

// inspectAll fills inspect-only fields with bounded parallelism.
func (e *Engine) inspectAll(ctx context.Context, cli client.APIClient, ids []string) {
	// At start-up the first stats calls go first: inspects queued with
	// them would hold back the engine's first pass, and so the first CPU
	// figure, by as long as they take.
	select {
	case <-e.sampler.answered:
	case <-time.After(inspectHold):
	case <-ctx.Done():
		return
	}
	e.opts.Trace.Printf("engine: inspecting %d", len(ids))
	defer e.opts.Trace.Printf("engine: inspected %d", len(ids))
	sem := make(chan struct{}, inspectWorkers)
	var wg sync.WaitGroup
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			e.inspectInto(ctx, cli, id)
		}()
	}
	wg.Wait()
	e.notify()
}

func (e *Engine) inspectInto(ctx context.Context, cli client.APIClient, id string) {
	e.mu.Lock()
	gen := e.gen[id]
	e.mu.Unlock()
	cctx, cancel := e.call(ctx)
	defer cancel()
	j, err := cli.ContainerInspect(cctx, id)
	if err != nil {
		return // removed meanwhile, or the engine went away; the list says so
	}
	e.mu.Lock()
	// An event-driven refresh that ran meanwhile has newer data: keep it.
	if c, ok := e.containers[id]; ok && e.gen[id] == gen {
		applyInspect(&c, j)
		e.containers[id] = c
		e.keepInspectLocked(id, j)
	}
	e.mu.Unlock()
}

// recentInspect is a full inspect answer kept for the security auditor,
// which would otherwise ask the engine the same question again at start-up
// (measured: a second inspect per container was a tenth of dockterm's
// start-up CPU at 100 containers).
type recentInspect struct {
	resp container.InspectResponse
	at   time.Time
}

// inspectReuse is how old a kept inspect answer may be and still stand in
// for a new one.
const inspectReuse = 30 * time.Second

// keepInspectLocked keeps an answer for TakeInspect and lets go of stale
// ones, so that what is kept stays bounded by what changed in the last
// inspectReuse. Callers hold e.mu.
func (e *Engine) keepInspectLocked(id string, j container.InspectResponse) {
	now := time.Now()
	for k, r := range e.recent {
		if now.Sub(r.at) > inspectReuse {
			delete(e.recent, k)
		}
	}
	e.recent[id] = recentInspect{resp: j, at: now}
}

// TakeInspect hands over the engine's own inspect answer for a container if
// it is recent (inspectReuse), and forgets it: each answer serves one
// consumer once, after which the memory is the consumer's.
func (e *Engine) TakeInspect(id string) (container.InspectResponse, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.recent[id]
	if !ok {
		return container.InspectResponse{}, false
	}
	delete(e.recent, id)
	if time.Since(r.at) > inspectReuse {
		return container.InspectResponse{}, false
	}
	return r.resp, true
}

// refresh re-reads the given containers after events touched them.
func (e *Engine) refresh(ctx context.Context, cli client.APIClient, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	f := filters.NewArgs()
	for _, id := range ids {
		f.Add("id", id)
	}
	cctx, cancel := e.call(ctx)
	list, err := cli.ContainerList(cctx, container.ListOptions{All: true, Filters: f})
	cancel()
	if err != nil {
		return fmt.Errorf("refresh containers: %w", err)
	}
	seen := map[string]bool{}
	for _, s := range list {
		seen[s.ID] = true
		c := fromSummary(s)
		cctx, cancel := e.call(ctx)
		j, err := cli.ContainerInspect(cctx, s.ID)
		cancel()
		e.mu.Lock()
		if err == nil {
			applyInspect(&c, j)
			e.keepInspectLocked(c.ID, j)
		}
		e.containers[c.ID] = c
		e.gen[c.ID]++
		e.mu.Unlock()
	}
	e.mu.Lock()
	for _, id := range ids {
		if !seen[id] {
			delete(e.containers, id)
			delete(e.stats, id)
			delete(e.gen, id)
			delete(e.recent, id)
		}
	}
	e.updated = time.Now()
	e.mu.Unlock()
	e.notify()
	return nil
}

func (e *Engine) recordEvent(m events.Message) {
	ev := backend.Event{
		Time:   time.Unix(0, m.TimeNano),
		Type:   sanitize.String(string(m.Type)),
		Action: sanitize.String(string(m.Action)),
		ID:     sanitize.String(m.Actor.ID),
		Name:   sanitize.String(m.Actor.Attributes["name"]),
		Attrs:  make(map[string]string, len(m.Actor.Attributes)),
	}
	if m.TimeNano == 0 {
		ev.Time = time.Unix(m.Time, 0)
	}
	// Event attributes carry every label of the container and, for exec
	// events, the command line: mask secrets as the inspect view does.
	for k, v := range m.Actor.Attributes {
		masked, _ := secrets.MaskValue(k, v)
		ev.Attrs[sanitize.String(k)] = sanitize.String(masked)
	}
	if masked, changed := secrets.MaskInline(string(m.Action)); changed {
		ev.Action = sanitize.String(masked)
	}
	e.mu.Lock()
	if len(e.events) < e.opts.EventHistory {
		e.events = append(e.events, ev)
	} else {
		e.events[e.eventsPos] = ev
		e.eventsPos = (e.eventsPos + 1) % len(e.events)
	}
	subs := make([]chan backend.Event, 0, len(e.eventSubs))
	for ch := range e.eventSubs {
		subs = append(subs, ch)
	}
	e.mu.Unlock()
	for _, ch := range subs {
		select {
		case ch <- ev:
		default: // a slow subscriber drops events rather than stalling the engine
		}
	}
}

// Events returns the recent events, oldest first.
func (e *Engine) Events() []backend.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]backend.Event, 0, len(e.events))
	out = append(out, e.events[e.eventsPos:]...)
	out = append(out, e.events[:e.eventsPos]...)
	return out
}

// SubscribeEvents delivers new events until cancel is called.
func (e *Engine) SubscribeEvents() (<-chan backend.Event, func()) {
	ch := make(chan backend.Event, 64)
	e.mu.Lock()
	e.eventSubs[ch] = struct{}{}
	e.mu.Unlock()
	return ch, func() {
		e.mu.Lock()
		delete(e.eventSubs, ch)
		e.mu.Unlock()
	}
}
