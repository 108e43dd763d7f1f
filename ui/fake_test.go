package ui

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/engine"
)

// fakeEngine is an in-memory Engine for view and Update tests: no engine, no
// goroutines, fixed data, and a record of the calls the UI made.
type fakeEngine struct {
	id      backend.EngineID
	snap    engine.Snapshot
	changed chan struct{}
	events  []backend.Event
	detail  backend.ContainerDetail
	top     backend.TopResult
	diff    []backend.Change

	mu      sync.Mutex
	actions []string
	watched []string
	errs    []error
	follows int // FollowAllEvents calls not yet stopped
}

var fakeNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newFakeEngine() *fakeEngine {
	started := fakeNow.Add(-3 * time.Hour)
	cs := []backend.Container{
		{ID: "aaaaaaaaaaaa1111", Name: "shop-web-1", Image: "dockterm-fixture:test", State: "running", Status: "Up 3 hours (healthy)", Health: "healthy",
			StartedAt: started, Inspected: true, Project: "shop", Labels: map[string]string{"com.docker.compose.project": "shop", "tier": "web"},
			Ports: []backend.Port{{IP: "0.0.0.0", PublicPort: 8080, PrivatePort: 80, Type: "tcp"}}},
		{ID: "bbbbbbbbbbbb2222", Name: "shop-api-1", Image: "dockterm-fixture:test", State: "running", Status: "Up 3 hours", StartedAt: started,
			Inspected: true, Project: "shop", Labels: map[string]string{"com.docker.compose.project": "shop", "tier": "api"}},
		{ID: "cccccccccccc3333", Name: "crashy", Image: "dockterm-fixture:test", State: "restarting", Status: "Restarting (1) 2 seconds ago",
			RestartCount: 14, ExitCode: 1, Inspected: true, Labels: map[string]string{}},
		{ID: "dddddddddddd4444", Name: "sick", Image: "dockterm-fixture:test", State: "running", Status: "Up 10 minutes (unhealthy)", Health: "unhealthy",
			StartedAt: fakeNow.Add(-10 * time.Minute), Inspected: true, Labels: map[string]string{}},
		{ID: "eeeeeeeeeeee5555", Name: "hog", Image: "dockterm-fixture:test", State: "exited", Status: "Exited (137) 5 minutes ago",
			ExitCode: 137, OOMKilled: true, Inspected: true, MemLimit: 32 << 20, Labels: map[string]string{}},
	}
	return &fakeEngine{
		id: "local",
		snap: engine.Snapshot{
			Info:       backend.EngineInfo{ID: "local", Name: "local", ServerVersion: "20.10.24", APIVersion: "1.41", Host: "unix:///var/run/docker.sock"},
			State:      backend.ConnConnected,
			Updated:    fakeNow,
			Containers: cs,
			Stats: map[string]backend.Stats{
				"aaaaaaaaaaaa1111": {ID: "aaaaaaaaaaaa1111", CPUPercent: 12.5, MemUsage: 50 << 20, MemLimit: 8 << 30, NetRxRate: 2048, NetTxRate: 1024, BlkReadRate: 0, BlkWritRate: 4096, PIDs: 7},
				"bbbbbbbbbbbb2222": {ID: "bbbbbbbbbbbb2222", CPUPercent: 80.25, MemUsage: 300 << 20, MemLimit: 8 << 30, NetRxRate: -1, NetTxRate: -1, BlkReadRate: -1, BlkWritRate: -1, PIDs: 3},
				"dddddddddddd4444": {ID: "dddddddddddd4444", CPUPercent: 0.1, MemUsage: 5 << 20, MemLimit: 8 << 30, PIDs: 1},
			},
		},
		changed: make(chan struct{}, 1),
		detail: backend.ContainerDetail{
			Container:           cs[0],
			Env:                 []backend.EnvVar{{Key: "PATH", Value: "/bin"}, {Key: "DB_PASSWORD", Value: "hunter2", Masked: "••••••", Secret: true}},
			Mounts:              []backend.Mount{{Type: "volume", Name: "shop-data", Source: "/var/lib/docker/volumes/shop-data/_data", Destination: "/data", RW: true}},
			Networks:            []backend.NetworkAttachment{{Network: "shop-net", IPAddress: "172.20.0.2", Gateway: "172.20.0.1", Aliases: []string{"web"}}},
			InspectJSON:         "{\n  \"Id\": \"aaaaaaaaaaaa1111\",\n  \"Env\": [\"DB_PASSWORD=••••••\"]\n}",
			InspectJSONRevealed: "{\n  \"Id\": \"aaaaaaaaaaaa1111\",\n  \"Env\": [\"DB_PASSWORD=hunter2\"]\n}",
		},
		top:  backend.TopResult{Titles: []string{"UID", "PID", "CMD"}, Processes: []backend.Process{{Fields: []string{"root", "4242", "/fixture -work"}}}},
		diff: []backend.Change{{Kind: "A", Path: "/tmp/x"}, {Kind: "C", Path: "/etc"}},
	}
}

func (f *fakeEngine) ID() backend.EngineID      { return f.id }
func (f *fakeEngine) Snapshot() engine.Snapshot { return f.snap }
func (f *fakeEngine) Changed() <-chan struct{}  { return f.changed }
func (f *fakeEngine) Series(string) engine.Series {
	return engine.Series{CPU: []float64{1, 5, 10, 50, 20}, Mem: []float64{1 << 20, 2 << 20}}
}
func (f *fakeEngine) Events() []backend.Event { return f.events }
func (f *fakeEngine) ReportError(err error)   { f.mu.Lock(); f.errs = append(f.errs, err); f.mu.Unlock() }
func (f *fakeEngine) FollowAllEvents() func() {
	f.mu.Lock()
	f.follows++
	f.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { f.mu.Lock(); f.follows--; f.mu.Unlock() }) }
}
func (f *fakeEngine) SetWatched(ids []string) {
	f.mu.Lock()
	f.watched = append([]string(nil), ids...)
	f.mu.Unlock()
}
func (f *fakeEngine) Inspect(context.Context, string) (backend.ContainerDetail, error) {
	return f.detail, nil
}
func (f *fakeEngine) Top(context.Context, string) (backend.TopResult, error) { return f.top, nil }
func (f *fakeEngine) Diff(context.Context, string) ([]backend.Change, error) { return f.diff, nil }
func (f *fakeEngine) Logs(context.Context, string, engine.LogOptions) (*engine.LogStream, error) {
	return nil, errors.New("no logs in the fake")
}
func (f *fakeEngine) Do(_ context.Context, id string, a engine.Action) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actions = append(f.actions, string(a)+" "+id)
	return nil
}
