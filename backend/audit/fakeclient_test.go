package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

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
	"github.com/docker/go-connections/nat"
)

// fakeClient serves an EngineInput through the Client interface and
// counts the calls, so tests can check what the collector asks for.
type fakeClient struct {
	mu         sync.Mutex
	e          *EngineInput
	containers map[string]*ContainerInput
	images     map[string]*ImageInput
	calls      map[string]*atomic.Int64
	infoErr    error
	execs      map[string]string // exec ID -> raw JSON served by HTTPClient
}

func newFake(e *EngineInput) *fakeClient {
	f := &fakeClient{e: e, containers: map[string]*ContainerInput{}, images: map[string]*ImageInput{}, calls: map[string]*atomic.Int64{}, execs: map[string]string{}}
	for _, c := range e.Containers {
		f.containers[c.Inspect.ID] = c
		if c.Image != nil {
			f.images[c.Image.Inspect.ID] = c.Image
		}
	}
	return f
}

func (f *fakeClient) count(name string) {
	f.mu.Lock()
	c, ok := f.calls[name]
	if !ok {
		c = &atomic.Int64{}
		f.calls[name] = c
	}
	f.mu.Unlock()
	c.Add(1)
}

func (f *fakeClient) total() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n int64
	for _, c := range f.calls {
		n += c.Load()
	}
	return n
}

func (f *fakeClient) n(name string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.calls[name]; ok {
		return c.Load()
	}
	return 0
}

func (f *fakeClient) add(c *ContainerInput) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.containers[c.Inspect.ID] = c
	if c.Image != nil {
		f.images[c.Image.Inspect.ID] = c.Image
	}
}

func (f *fakeClient) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.containers, id)
}

var errNotFound = cerrdefs.ErrNotFound.WithMessage("no such object")

func (f *fakeClient) Info(context.Context) (system.Info, error) {
	f.count("Info")
	return f.e.Info, f.infoErr
}

func (f *fakeClient) ServerVersion(context.Context) (types.Version, error) {
	f.count("ServerVersion")
	if f.e.Version == nil {
		return types.Version{}, errors.New("no version")
	}
	return *f.e.Version, nil
}

func (f *fakeClient) NetworkInspect(_ context.Context, id string, _ network.InspectOptions) (network.Inspect, error) {
	f.count("NetworkInspect")
	if id == "bridge" && f.e.Bridge != nil {
		return *f.e.Bridge, nil
	}
	return network.Inspect{}, errNotFound
}

func (f *fakeClient) NetworkList(context.Context, network.ListOptions) ([]network.Summary, error) {
	f.count("NetworkList")
	return f.e.Networks, nil
}

func (f *fakeClient) ContainerList(context.Context, container.ListOptions) ([]container.Summary, error) {
	f.count("ContainerList")
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []container.Summary
	for id := range f.containers {
		out = append(out, container.Summary{ID: id})
	}
	return out, nil
}

func (f *fakeClient) get(id string) (*ContainerInput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		return c, nil
	}
	for _, c := range f.containers {
		if strings.TrimPrefix(c.Inspect.Name, "/") == id {
			return c, nil
		}
	}
	return nil, errNotFound
}

func (f *fakeClient) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.count("ContainerInspect")
	c, err := f.get(id)
	if err != nil {
		return container.InspectResponse{}, err
	}
	return c.Inspect, nil
}

func (f *fakeClient) ContainerDiff(_ context.Context, id string) ([]container.FilesystemChange, error) {
	f.count("ContainerDiff")
	c, err := f.get(id)
	if err != nil {
		return nil, err
	}
	return c.Diff, nil
}

func (f *fakeClient) ContainerTop(_ context.Context, id string, _ []string) (container.TopResponse, error) {
	f.count("ContainerTop")
	c, err := f.get(id)
	if err != nil || c.Top == nil {
		return container.TopResponse{}, errNotFound
	}
	return *c.Top, nil
}

func (f *fakeClient) ContainerStatPath(_ context.Context, id, p string) (container.PathStat, error) {
	f.count("ContainerStatPath")
	c, err := f.get(id)
	if err != nil {
		return container.PathStat{}, err
	}
	if m, ok := c.Modes[p]; ok {
		return container.PathStat{Name: p, Mode: m}, nil
	}
	return container.PathStat{}, errNotFound
}

func (f *fakeClient) ImageInspect(_ context.Context, id string, _ ...client.ImageInspectOption) (image.InspectResponse, error) {
	f.count("ImageInspect")
	f.mu.Lock()
	defer f.mu.Unlock()
	if im, ok := f.images[id]; ok {
		return im.Inspect, nil
	}
	return image.InspectResponse{}, errNotFound
}

func (f *fakeClient) ImageHistory(_ context.Context, id string, _ ...client.ImageHistoryOption) ([]image.HistoryResponseItem, error) {
	f.count("ImageHistory")
	f.mu.Lock()
	defer f.mu.Unlock()
	if im, ok := f.images[id]; ok {
		return im.History, nil
	}
	return nil, errNotFound
}

func (f *fakeClient) ImageList(context.Context, image.ListOptions) ([]image.Summary, error) {
	f.count("ImageList")
	return f.e.Images, nil
}

func (f *fakeClient) VolumeList(context.Context, volume.ListOptions) (volume.ListResponse, error) {
	f.count("VolumeList")
	return volume.ListResponse{Volumes: f.e.Volumes}, nil
}

func (f *fakeClient) PluginList(context.Context, filters.Args) (types.PluginsListResponse, error) {
	f.count("PluginList")
	return f.e.Plugins, nil
}

func (f *fakeClient) SwarmInspect(context.Context) (swarm.Swarm, error) {
	f.count("SwarmInspect")
	if f.e.Swarm == nil {
		return swarm.Swarm{}, errors.New("not a manager")
	}
	return *f.e.Swarm, nil
}

func (f *fakeClient) ServiceList(context.Context, swarm.ServiceListOptions) ([]swarm.Service, error) {
	f.count("ServiceList")
	return f.e.Services, nil
}

func (f *fakeClient) ConfigList(context.Context, swarm.ConfigListOptions) ([]swarm.Config, error) {
	f.count("ConfigList")
	return f.e.Configs, nil
}

func (f *fakeClient) DaemonHost() string    { return "unix:///var/run/docker.sock" }
func (f *fakeClient) ClientVersion() string { return "1.41" }

// HTTPClient answers GET /v1.41/exec/{id}/json from f.execs.
func (f *fakeClient) HTTPClient() *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		f.count("ExecInspect")
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v1.41/exec/"), "/json")
		body, ok := f.execs[id]
		if !ok || r.Host != client.DummyHost {
			return &http.Response{StatusCode: 404, Status: "404 Not Found", Body: io.NopCloser(strings.NewReader("{}"))}, nil
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Body: io.NopCloser(bytes.NewReader([]byte(body)))}, nil
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var _ Client = (*fakeClient)(nil)

// syntheticEngine is an engine with n containers: a mix of hardened and
// risky settings over a handful of images, as a busy host has.
func syntheticEngine(n int) *EngineInput {
	e := defaultEngine()
	imgs := make([]*ImageInput, 5)
	for i := range imgs {
		im := cleanImage()
		im.Inspect.ID = fmt.Sprintf("sha256:%064d", i)
		im.Inspect.RepoTags = []string{fmt.Sprintf("app%d:1.%d", i, i)}
		if i%2 == 0 {
			im.Inspect.Config.User = ""
			im.History = imageHistory("RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit", "ENV API_KEY=abc", "ADD https://x/y /y # buildkit")
		}
		imgs[i] = im
		e.Images = append(e.Images, image.Summary{ID: im.Inspect.ID, RepoTags: im.Inspect.RepoTags})
	}
	for i := 0; i < n; i++ {
		c := cleanContainer(imgs[i%len(imgs)])
		c.Inspect.ID = fmt.Sprintf("%064x", i+1)
		c.Inspect.Name = fmt.Sprintf("/svc-%03d", i)
		c.Inspect.Image = imgs[i%len(imgs)].Inspect.ID
		switch i % 4 {
		case 0:
			c.Inspect.HostConfig.Privileged = true
			c.Inspect.Mounts = []container.MountPoint{{Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock"}}
			c.Inspect.NetworkSettings.Ports = nat.PortMap{"80/tcp": {{HostIP: "0.0.0.0", HostPort: "80"}}}
		case 1:
			c.Inspect.HostConfig.ReadonlyRootfs = false
			c.Inspect.HostConfig.Memory, c.Inspect.HostConfig.PidsLimit = 0, nil
			c.Inspect.Config.Env = append(c.Inspect.Config.Env, "DB_PASSWORD=x")
			c.Diff = changes("C /etc/passwd", "A /run/app.pid", "A /tmp/x", "C /var/lib/dpkg/status")
		case 2:
			c.Inspect.HostConfig.NetworkMode, c.Inspect.HostConfig.PidMode = "host", "host"
			c.Inspect.HostConfig.CapAdd = []string{"SYS_PTRACE", "NET_ADMIN"}
		}
		e.Containers = append(e.Containers, c)
	}
	e.Info.ContainersRunning = n
	return e
}

func TestFakeClientIsComplete(t *testing.T) {
	// The fake must satisfy the interface the real client does; a compile
	// error here means Client grew and the fake must follow.
	var _ Client = newFake(cleanEngine())
}
