package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/docker/api/types/system"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
)

// This file is the only one in the package that talks to an engine.

// Client is the part of the Docker SDK client the collector uses;
// *client.Client implements it, tests wrap it to count calls.
type Client interface {
	Info(ctx context.Context) (system.Info, error)
	ServerVersion(ctx context.Context) (types.Version, error)
	NetworkInspect(ctx context.Context, networkID string, options network.InspectOptions) (network.Inspect, error)
	NetworkList(ctx context.Context, options network.ListOptions) ([]network.Summary, error)
	ContainerList(ctx context.Context, options container.ListOptions) ([]container.Summary, error)
	ContainerInspect(ctx context.Context, containerID string) (container.InspectResponse, error)
	ContainerDiff(ctx context.Context, containerID string) ([]container.FilesystemChange, error)
	ContainerTop(ctx context.Context, containerID string, arguments []string) (container.TopResponse, error)
	ContainerStatPath(ctx context.Context, containerID, path string) (container.PathStat, error)
	ImageInspect(ctx context.Context, imageID string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageHistory(ctx context.Context, imageID string, opts ...client.ImageHistoryOption) ([]image.HistoryResponseItem, error)
	ImageList(ctx context.Context, options image.ListOptions) ([]image.Summary, error)
	VolumeList(ctx context.Context, options volume.ListOptions) (volume.ListResponse, error)
	PluginList(ctx context.Context, filter filters.Args) (types.PluginsListResponse, error)
	SwarmInspect(ctx context.Context) (swarm.Swarm, error)
	ServiceList(ctx context.Context, options swarm.ServiceListOptions) ([]swarm.Service, error)
	ConfigList(ctx context.Context, options swarm.ConfigListOptions) ([]swarm.Config, error)
	DaemonHost() string
	HTTPClient() *http.Client
	ClientVersion() string
}

var _ Client = (*client.Client)(nil)

// Defaults of the collector.
const (
	DefaultWorkers = 8  // concurrent engine calls
	maxTempStats   = 10 // ContainerStatPath calls per container for DKT-DRIFT-13
	maxExecs       = 10 // exec sessions inspected per container
)

// AuditorConfig configures an Auditor.
type AuditorConfig struct {
	Name       string     // engine name for reports; defaults to Info.Name
	Connection Connection // how dockterm reaches the engine (CIS-2.7)
	Options    Options    // acceptances and stored baselines
	Workers    int        // concurrent calls; DefaultWorkers when 0
	// SkipTop / SkipDiff leave out docker top / docker diff of running
	// containers in Refresh and RefreshContainer. A UI that wants its
	// first report fast sets both and calls RefreshDeep in the background:
	// the first pass then costs one inspect per container.
	SkipTop, SkipDiff bool
	// ListFilter restricts which containers are audited (e.g. a label).
	ListFilter filters.Args
	Now        func() time.Time
	// Inspected, when set, may hand over a recent inspect answer that
	// someone else (dockterm's engine) already fetched; the auditor then
	// makes no inspect call of its own for that container.
	Inspected func(id string) (container.InspectResponse, bool)
}

// Auditor keeps what it collected from one engine so that the UI can
// re-audit only what an event touched: Refresh once at connect, then
// RefreshContainer per container event and RefreshEngine on daemon or
// network events. Report makes no engine call.
type Auditor struct {
	cli Client
	cfg AuditorConfig

	mu         sync.Mutex
	engine     EngineInput // without Containers
	containers map[string]*ContainerInput
	images     map[string]*ImageInput
	opts       Options
}

// NewAuditor returns an Auditor for one engine; nothing is collected yet.
func NewAuditor(cli Client, cfg AuditorConfig) *Auditor {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Auditor{cli: cli, cfg: cfg, opts: cfg.Options,
		containers: map[string]*ContainerInput{}, images: map[string]*ImageInput{}}
}

// SetOptions replaces the acceptances and baselines (e.g. after an accept).
func (a *Auditor) SetOptions(o Options) {
	a.mu.Lock()
	a.opts = o
	a.mu.Unlock()
}

// Report evaluates the rules over the cached data. No engine call.
func (a *Auditor) Report() Report {
	a.mu.Lock()
	e := a.engine
	e.Containers = make([]*ContainerInput, 0, len(a.containers))
	for _, c := range a.containers {
		e.Containers = append(e.Containers, c)
	}
	opts := a.opts
	a.mu.Unlock()
	// Stable order: by name, then ID.
	sortContainers(e.Containers)
	return Evaluate(&e, opts)
}

// Audit collects everything from one engine and evaluates it.
func Audit(ctx context.Context, cli Client, opts ...AuditOption) (Report, error) {
	var cfg AuditorConfig
	for _, o := range opts {
		o(&cfg)
	}
	a := NewAuditor(cli, cfg)
	if err := a.Refresh(ctx); err != nil {
		return Report{Engine: cfg.Name, Host: cfg.Connection.Host, Error: err.Error()}, err
	}
	return a.Report(), nil
}

// AuditOption configures Audit.
type AuditOption func(*AuditorConfig)

// WithName names the engine in the report.
func WithName(name string) AuditOption { return func(c *AuditorConfig) { c.Name = name } }

// WithConnection tells the rules how dockterm reaches the engine.
func WithConnection(conn Connection) AuditOption {
	return func(c *AuditorConfig) { c.Connection = conn }
}

// WithOptions passes acceptances and stored baselines.
func WithOptions(o Options) AuditOption { return func(c *AuditorConfig) { c.Options = o } }

// WithWorkers bounds concurrent engine calls.
func WithWorkers(n int) AuditOption { return func(c *AuditorConfig) { c.Workers = n } }

// AuditContainer audits one container without a full collection: the
// engine facts (Info, version, bridge), the container, its image, diff and
// processes. It returns the container's and its image's findings.
func AuditContainer(ctx context.Context, cli Client, id string, opts ...AuditOption) ([]Finding, error) {
	var cfg AuditorConfig
	for _, o := range opts {
		o(&cfg)
	}
	a := NewAuditor(cli, cfg)
	if err := a.RefreshEngine(ctx); err != nil {
		return nil, err
	}
	if err := a.RefreshContainer(ctx, id); err != nil {
		return nil, err
	}
	r := a.Report()
	var out []Finding
	for _, f := range r.Findings {
		if f.Object.Kind == KindContainer || f.Object.Kind == KindImage {
			out = append(out, f)
		}
	}
	return out, nil
}

// Refresh collects everything: engine data, every container (one inspect
// each), the images in use (deduplicated) and diff/top of running
// containers.
func (a *Auditor) Refresh(ctx context.Context) error {
	if err := a.RefreshEngine(ctx); err != nil {
		return err
	}
	list, err := a.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: a.cfg.ListFilter})
	if err != nil {
		return fmt.Errorf("audit: list containers: %w", err)
	}
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	inputs := make([]*ContainerInput, len(ids))
	errs := make([]error, len(ids))
	a.parallel(ctx, len(ids), func(i int) {
		inputs[i], errs[i] = a.collectContainer(ctx, ids[i])
	})
	fresh := map[string]*ContainerInput{}
	for i, in := range inputs {
		switch {
		case errs[i] != nil && isGone(errs[i]):
			// removed between list and inspect
		case errs[i] != nil:
			return errs[i]
		case in != nil:
			fresh[ids[i]] = in
		}
	}
	if err := a.attachImages(ctx, fresh); err != nil {
		return err
	}
	a.mu.Lock()
	a.containers = fresh
	// A full refresh knows every container: forget images none of them
	// runs, so the cache stays bounded by what is deployed.
	used := map[string]bool{}
	for _, c := range fresh {
		used[c.Inspect.Image] = true
	}
	for id := range a.images {
		if !used[id] {
			delete(a.images, id)
		}
	}
	a.mu.Unlock()
	return ctx.Err()
}

func sortContainers(cs []*ContainerInput) {
	sort.Slice(cs, func(i, j int) bool {
		ni, nj := containerName(&cs[i].Inspect), containerName(&cs[j].Inspect)
		if ni != nj {
			return ni < nj
		}
		return cs[i].Inspect.ID < cs[j].Inspect.ID
	})
}

// RefreshEngine re-reads the engine-level data: Info, version, networks,
// images, volumes, plugins and, on a swarm manager, the swarm objects.
// Only Info is required; the other calls degrade to "not collected".
func (a *Auditor) RefreshEngine(ctx context.Context) error {
	info, err := a.cli.Info(ctx)
	if err != nil {
		return fmt.Errorf("audit: engine info: %w", err)
	}
	e := EngineInput{Info: info, Connection: a.cfg.Connection, At: a.cfg.Now()}
	e.Name = a.cfg.Name
	if e.Name == "" {
		e.Name = info.Name
	}
	if e.Connection.Host == "" {
		e.Connection.Host = a.cli.DaemonHost()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() {
		if v, err := a.cli.ServerVersion(ctx); err == nil {
			mu.Lock()
			e.Version = &v
			mu.Unlock()
		}
	})
	run(func() {
		if b, err := a.cli.NetworkInspect(ctx, "bridge", network.InspectOptions{}); err == nil {
			mu.Lock()
			e.Bridge = &b
			mu.Unlock()
		}
	})
	run(func() {
		if ns, err := a.cli.NetworkList(ctx, network.ListOptions{}); err == nil {
			mu.Lock()
			e.Networks = ns
			mu.Unlock()
		}
	})
	run(func() {
		if ims, err := a.cli.ImageList(ctx, image.ListOptions{}); err == nil {
			mu.Lock()
			e.Images = ims
			mu.Unlock()
		}
	})
	run(func() {
		if vs, err := a.cli.VolumeList(ctx, volume.ListOptions{}); err == nil {
			mu.Lock()
			e.Volumes = vs.Volumes
			mu.Unlock()
		}
	})
	run(func() {
		if ps, err := a.cli.PluginList(ctx, filters.NewArgs()); err == nil {
			mu.Lock()
			e.Plugins = ps
			mu.Unlock()
		}
	})
	if info.Swarm.LocalNodeState == swarm.LocalNodeStateActive && info.Swarm.ControlAvailable {
		run(func() {
			if s, err := a.cli.SwarmInspect(ctx); err == nil {
				mu.Lock()
				e.Swarm = &s
				mu.Unlock()
			}
		})
		run(func() {
			if ss, err := a.cli.ServiceList(ctx, swarm.ServiceListOptions{}); err == nil {
				mu.Lock()
				e.Services = ss
				mu.Unlock()
			}
		})
		run(func() {
			if cs, err := a.cli.ConfigList(ctx, swarm.ConfigListOptions{}); err == nil {
				mu.Lock()
				e.Configs = cs
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	a.mu.Lock()
	a.engine = e
	a.mu.Unlock()
	return nil
}

// RefreshContainer re-collects one container after an event: inspect, its
// image when not cached yet, and diff/top when it runs. A container that
// no longer exists is dropped.
func (a *Auditor) RefreshContainer(ctx context.Context, id string) error {
	in, err := a.collectContainer(ctx, id)
	if err != nil {
		if isGone(err) {
			a.RemoveContainer(id)
			return nil
		}
		return err
	}
	m := map[string]*ContainerInput{id: in}
	if err := a.attachImages(ctx, m); err != nil {
		return err
	}
	a.mu.Lock()
	// The event may carry a name; the cache is keyed by the full ID.
	a.containers[in.Inspect.ID] = in
	if id != in.Inspect.ID {
		delete(a.containers, id)
	}
	a.mu.Unlock()
	return nil
}

// RemoveContainer forgets a container (a destroy event).
func (a *Auditor) RemoveContainer(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.containers, id)
	for k, c := range a.containers {
		if strings.HasPrefix(k, id) || strings.TrimPrefix(c.Inspect.Name, "/") == id {
			delete(a.containers, k)
		}
	}
}

func isGone(err error) bool { return cerrdefs.IsNotFound(err) || client.IsErrNotFound(err) }

// RefreshDeep collects docker diff and docker top of every cached running
// container that lacks them (after a Refresh with SkipDiff/SkipTop).
func (a *Auditor) RefreshDeep(ctx context.Context) error {
	a.mu.Lock()
	var todo []*ContainerInput
	for _, c := range a.containers {
		if c.Inspect.State != nil && c.Inspect.State.Running && (c.Diff == nil || c.Top == nil) {
			todo = append(todo, c)
		}
	}
	a.mu.Unlock()
	deep := make([]*ContainerInput, len(todo))
	a.parallel(ctx, len(todo), func(i int) {
		cp := *todo[i]
		a.collectDeep(ctx, &cp, true, true)
		deep[i] = &cp
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range deep {
		// Keep a newer inspect an event may have brought in meanwhile.
		if c == nil || a.containers[c.Inspect.ID] == nil {
			continue
		}
		// Replace, never mutate: a Report may be reading the old value.
		nc := *a.containers[c.Inspect.ID]
		if nc.Diff == nil {
			nc.Diff, nc.Modes = c.Diff, c.Modes
		}
		if nc.Top == nil {
			nc.Top = c.Top
		}
		a.containers[c.Inspect.ID] = &nc
	}
	return ctx.Err()
}

// RefreshDrift re-reads docker diff of every cached running container:
// file changes raise no event, so drift is found by this slow poll (the UI
// runs it every few minutes, never per tick).
func (a *Auditor) RefreshDrift(ctx context.Context) error {
	a.mu.Lock()
	var todo []*ContainerInput
	for _, c := range a.containers {
		if c.Inspect.State != nil && c.Inspect.State.Running {
			todo = append(todo, c)
		}
	}
	a.mu.Unlock()
	fresh := make([]*ContainerInput, len(todo))
	a.parallel(ctx, len(todo), func(i int) {
		cp := *todo[i]
		cp.Diff, cp.Modes = nil, nil
		a.collectDeep(ctx, &cp, true, false)
		if cp.Diff != nil {
			fresh[i] = &cp
		}
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range fresh {
		if c == nil {
			continue
		}
		if cur := a.containers[c.Inspect.ID]; cur != nil {
			nc := *cur
			nc.Diff, nc.Modes = c.Diff, c.Modes
			a.containers[c.Inspect.ID] = &nc
		}
	}
	return ctx.Err()
}

// collectContainer: one inspect; for running containers diff, top, the
// modes of files added to temp dirs and the live exec sessions.
func (a *Auditor) collectContainer(ctx context.Context, id string) (*ContainerInput, error) {
	ci, ok := container.InspectResponse{}, false
	if a.cfg.Inspected != nil {
		ci, ok = a.cfg.Inspected(id)
	}
	if !ok {
		var err error
		if ci, err = a.cli.ContainerInspect(ctx, id); err != nil {
			return nil, fmt.Errorf("audit: inspect container %s: %w", shortID(id), err)
		}
	}
	in := &ContainerInput{Inspect: ci}
	if ci.State == nil || !ci.State.Running {
		return in, nil
	}
	a.collectDeep(ctx, in, !a.cfg.SkipDiff, !a.cfg.SkipTop)
	for i, execID := range ci.ExecIDs {
		if i == maxExecs {
			break
		}
		if ex, err := InspectExec(ctx, a.cli, a.cfg.Connection.TLS, execID); err == nil {
			in.Execs = append(in.Execs, ex)
		}
	}
	return in, nil
}

// collectDeep adds diff (with temp-file modes) and top to a running
// container's input. Failures leave the field nil ("not collected").
func (a *Auditor) collectDeep(ctx context.Context, in *ContainerInput, diff, top bool) {
	ci := in.Inspect
	if diff {
		if d, err := a.cli.ContainerDiff(ctx, ci.ID); err == nil {
			if d == nil {
				d = []container.FilesystemChange{}
			}
			in.Diff = d
			for _, p := range TempCandidates(d, maxTempStats) {
				if st, err := a.cli.ContainerStatPath(ctx, ci.ID, p); err == nil {
					if in.Modes == nil {
						in.Modes = map[string]os.FileMode{}
					}
					in.Modes[p] = st.Mode
				}
			}
		}
	}
	if top {
		if t, err := a.cli.ContainerTop(ctx, ci.ID, nil); err == nil {
			in.Top = &t
		}
	}
}

// attachImages inspects (image + history) every image the containers run
// that is not cached yet, once per image ID.
func (a *Auditor) attachImages(ctx context.Context, cs map[string]*ContainerInput) error {
	a.mu.Lock()
	need := map[string]bool{}
	for _, c := range cs {
		if c.Inspect.ContainerJSONBase == nil || c.Inspect.Image == "" {
			continue
		}
		if _, ok := a.images[c.Inspect.Image]; !ok {
			need[c.Inspect.Image] = true
		}
	}
	a.mu.Unlock()
	ids := sortedKeys(need)
	got := make([]*ImageInput, len(ids))
	a.parallel(ctx, len(ids), func(i int) {
		ii, err := a.cli.ImageInspect(ctx, ids[i])
		if err != nil {
			return // removed or unreadable: image rules stay silent
		}
		h, err := a.cli.ImageHistory(ctx, ids[i])
		if err != nil {
			h = nil
		}
		got[i] = &ImageInput{Inspect: ii, History: h}
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, id := range ids {
		if got[i] != nil {
			a.images[id] = got[i]
		}
	}
	for _, c := range cs {
		if c.Inspect.ContainerJSONBase != nil {
			c.Image = a.images[c.Inspect.Image]
		}
	}
	return ctx.Err()
}

// parallel runs f(0..n-1) on at most cfg.Workers goroutines.
func (a *Auditor) parallel(ctx context.Context, n int, f func(i int)) {
	if n == 0 {
		return
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(a.cfg.Workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
}

// InspectExec reads GET /exec/{id}/json directly: the SDK's
// ContainerExecInspect drops ProcessConfig (privileged, user), which CIS
// 5.23/5.24 need. tls says whether a tcp:// daemon speaks TLS.
func InspectExec(ctx context.Context, cli Client, tls bool, execID string) (ExecObservation, error) {
	base, err := daemonBaseURL(cli.DaemonHost(), tls)
	if err != nil {
		return ExecObservation{}, err
	}
	p := "/exec/" + url.PathEscape(execID) + "/json"
	if v := cli.ClientVersion(); v != "" {
		p = "/v" + v + p
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+p, nil)
	if err != nil {
		return ExecObservation{}, fmt.Errorf("exec inspect %s: %w", shortID(execID), err)
	}
	if base.Host == client.DummyHost {
		req.Host = client.DummyHost
	}
	resp, err := cli.HTTPClient().Do(req)
	if err != nil {
		return ExecObservation{}, fmt.Errorf("exec inspect %s: %w", shortID(execID), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ExecObservation{}, fmt.Errorf("exec inspect %s: %s", shortID(execID), resp.Status)
	}
	var raw struct {
		ID            string
		ProcessConfig struct {
			Privileged bool     `json:"privileged"`
			User       string   `json:"user"`
			Entrypoint string   `json:"entrypoint"`
			Arguments  []string `json:"arguments"`
		}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&raw); err != nil {
		return ExecObservation{}, fmt.Errorf("exec inspect %s: decode: %w", shortID(execID), err)
	}
	cmd := strings.TrimSpace(raw.ProcessConfig.Entrypoint + " " + strings.Join(raw.ProcessConfig.Arguments, " "))
	return ExecObservation{ID: execID, Privileged: raw.ProcessConfig.Privileged, User: raw.ProcessConfig.User, Command: cmd}, nil
}

func daemonBaseURL(host string, tls bool) (*url.URL, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("daemon host %q: %w", host, err)
	}
	switch u.Scheme {
	case "unix", "npipe":
		return &url.URL{Scheme: "http", Host: client.DummyHost}, nil
	case "tcp":
		scheme := "http"
		if tls {
			scheme = "https"
		}
		return &url.URL{Scheme: scheme, Host: u.Host}, nil
	case "http", "https":
		return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
	}
	return nil, errors.New("daemon host " + host + ": unsupported scheme for exec inspect")
}
