package audit

import (
	"net"
	"strings"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/api/types/system"
	"github.com/docker/go-connections/nat"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// A "world" is everything the rules see on one engine plus the client
// files. cleanWorld returns one with no finding at all: a hardened engine,
// a hardened container running a well-built image. Every rule test mutates
// one thing and looks for exactly its rule.

const (
	testImageID  = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	testImageDig = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	testCtrID    = "3333333333333333333333333333333333333333333333333333333333333333"
)

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type world struct {
	e      *EngineInput
	c      *ContainerInput
	img    *ImageInput
	client ClientInput
}

func cidr(s string) *registry.NetIPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return (*registry.NetIPNet)(n)
}

func cleanEngine() *EngineInput {
	return &EngineInput{
		Name: "test",
		Info: system.Info{
			ID: "ENGINE-ID", Name: "host1", ServerVersion: "28.5.2", OSType: "linux",
			OperatingSystem: "Ubuntu 24.04 LTS", Driver: "overlay2", LoggingDriver: "journald",
			CgroupVersion: "2", CgroupDriver: "systemd", LiveRestoreEnabled: true, ContainersRunning: 1,
			SecurityOptions: []string{"name=apparmor", "name=seccomp,profile=builtin", "name=rootless", "name=userns", "name=no-new-privileges", "name=cgroupns"},
			Plugins:         system.PluginsInfo{Authorization: []string{"opa-docker-authz"}},
			RegistryConfig: &registry.ServiceConfig{
				InsecureRegistryCIDRs: []*registry.NetIPNet{cidr("127.0.0.0/8"), cidr("::1/128")},
				IndexConfigs:          map[string]*registry.IndexInfo{"docker.io": {Name: "docker.io", Secure: true, Official: true}},
			},
			Runtimes: map[string]system.RuntimeWithStatus{"runc": {Runtime: system.Runtime{Path: "runc"}}},
		},
		Version: &types.Version{Version: "28.5.2", Components: []types.ComponentVersion{
			{Name: "Engine", Version: "28.5.2"}, {Name: "runc", Version: "1.2.5"}}},
		Connection: Connection{Host: "unix:///var/run/docker.sock"},
		Bridge: &network.Inspect{Name: "bridge", ID: "BRIDGE", Driver: "bridge", Options: map[string]string{
			"com.docker.network.bridge.enable_icc":        "false",
			"com.docker.network.bridge.host_binding_ipv4": "127.0.0.1",
		}},
		Networks: []network.Inspect{
			{Name: "bridge", ID: "BRIDGE", Driver: "bridge"},
			{Name: "app", ID: "APPNET", Driver: "bridge"},
		},
		Images: []image.Summary{{ID: testImageID, RepoTags: []string{"app:1.0"}, Containers: 1}},
		At:     testNow,
	}
}

// hist builds an image history (newest first, as the engine returns it)
// from oldest-first CreatedBy lines; RUN/ADD/COPY lines get a size, the
// rest are empty layers.
func hist(lines ...string) []image.HistoryResponseItem {
	out := make([]image.HistoryResponseItem, len(lines))
	for i, l := range lines {
		size := int64(0)
		in := parseCreatedBy(l)
		if in.cmd == "RUN" || in.cmd == "ADD" || in.cmd == "COPY" {
			size = 1000
		}
		out[len(lines)-1-i] = image.HistoryResponseItem{CreatedBy: l, Size: size}
	}
	return out
}

// imageHistory is a Debian-style base followed by own instructions and a
// final CMD.
func imageHistory(own ...string) []image.HistoryResponseItem {
	lines := []string{
		"/bin/sh -c #(nop) ADD file:5d673d25da3a14ce1f6cf66e4c7fd4f4b85a3759a9d93efb3fd9ff852b5b56e4 in / ",
		`/bin/sh -c #(nop)  CMD ["bash"]`,
	}
	lines = append(lines, own...)
	lines = append(lines, `CMD ["/app/server"]`)
	return hist(lines...)
}

func cleanImage() *ImageInput {
	return &ImageInput{
		Inspect: image.InspectResponse{
			ID: testImageID, RepoTags: []string{"app:1.0"}, RepoDigests: []string{"app@" + testImageDig},
			Config: &dockerspec.DockerOCIImageConfig{
				ImageConfig: ocispec.ImageConfig{
					User: "10001", WorkingDir: "/app", Cmd: []string{"/app/server"},
					ExposedPorts: map[string]struct{}{"8080/tcp": {}},
					Env:          []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
				},
				DockerOCIImageConfigExt: dockerspec.DockerOCIImageConfigExt{
					Healthcheck: &dockerspec.HealthcheckConfig{Test: []string{"CMD", "/app/server", "-health"}},
				},
			},
		},
		History: imageHistory(
			"RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* # buildkit",
			"COPY server /app/server # buildkit",
			"WORKDIR /app",
			"USER 10001",
			"HEALTHCHECK &{[\"CMD\" \"/app/server\" \"-health\"] \"30s\" \"3s\" \"0s\" \"0s\" '\\x00'}",
		),
	}
}

func i64(v int64) *int64 { return &v }
func bptr(v bool) *bool  { return &v }

func cleanContainer(img *ImageInput) *ContainerInput {
	return &ContainerInput{
		Inspect: container.InspectResponse{
			ContainerJSONBase: &container.ContainerJSONBase{
				ID: testCtrID, Name: "/web", Image: testImageID, AppArmorProfile: "docker-default",
				State: &container.State{Status: "running", Running: true, Health: &container.Health{Status: "healthy"}},
				HostConfig: &container.HostConfig{
					NetworkMode: "app", ReadonlyRootfs: true, CapDrop: []string{"ALL"},
					SecurityOpt: []string{"no-new-privileges"}, CgroupnsMode: "private", IpcMode: "private",
					LogConfig: container.LogConfig{Type: "journald"},
					Tmpfs:     map[string]string{"/tmp": "rw,noexec,nosuid"},
					Resources: container.Resources{Memory: 256 << 20, NanoCPUs: 500_000_000, PidsLimit: i64(100)},
				},
			},
			Config: &container.Config{
				User: "10001:10001", Image: "app@" + testImageDig, Cmd: []string{"/app/server"},
				Env:         []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LOG_LEVEL=info"},
				Healthcheck: &container.HealthConfig{Test: []string{"CMD", "/app/server", "-health"}},
			},
			NetworkSettings: &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{
				"app": {IPAddress: "172.20.0.2"},
			}},
		},
		Image: img,
		Top: &container.TopResponse{
			Titles:    []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"},
			Processes: [][]string{{"10001", "4242", "4220", "0", "12:00", "?", "00:00:01", "/app/server"}},
		},
		Diff: []container.FilesystemChange{},
	}
}

func cleanWorld() *world {
	img := cleanImage()
	c := cleanContainer(img)
	e := cleanEngine()
	e.Containers = []*ContainerInput{c}
	return &world{e: e, c: c, img: img}
}

// findings runs every rule of the world: engine, images, containers,
// drift and client files.
func (w *world) findings() []Finding {
	r := Evaluate(w.e, Options{})
	return append(r.Findings, ClientFindings(w.client)...)
}

// Helpers to mutate the world.

func (w *world) hc() *container.HostConfig { return w.c.Inspect.HostConfig }
func (w *world) cfg() *container.Config    { return w.c.Inspect.Config }

func (w *world) secOpt(s string) { w.hc().SecurityOpt = append(w.hc().SecurityOpt, s) }

func (w *world) secOpts(opts ...string) { w.e.Info.SecurityOptions = opts }

// withoutSecOpt removes entries of Info.SecurityOptions that start with prefix.
func (w *world) withoutSecOpt(prefix string) {
	var keep []string
	for _, o := range w.e.Info.SecurityOptions {
		if !strings.HasPrefix(o, prefix) {
			keep = append(keep, o)
		}
	}
	w.e.Info.SecurityOptions = keep
}

func (w *world) mount(typ, src, dst string, rw bool) {
	w.c.Inspect.Mounts = append(w.c.Inspect.Mounts, container.MountPoint{Type: "bind", Source: src, Destination: dst, RW: rw})
	if typ != "" {
		w.c.Inspect.Mounts[len(w.c.Inspect.Mounts)-1].Type = mount.Type(typ)
	}
}

func (w *world) publish(port, hostIP, hostPort string) {
	if w.c.Inspect.NetworkSettings.Ports == nil {
		w.c.Inspect.NetworkSettings.Ports = nat.PortMap{}
	}
	w.c.Inspect.NetworkSettings.Ports[nat.Port(port)] = append(w.c.Inspect.NetworkSettings.Ports[nat.Port(port)], nat.PortBinding{HostIP: hostIP, HostPort: hostPort})
}

func (w *world) top(rows ...[]string) {
	w.c.Top = &container.TopResponse{Titles: []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}, Processes: rows}
}

func procRow(uid, pid, cmd string) []string {
	return []string{uid, pid, "1", "0", "12:00", "?", "00:00:00", cmd}
}

func (w *world) diff(entries ...string) {
	w.c.Diff = changes(entries...)
}

// changes parses "A /path" lines.
func changes(entries ...string) []container.FilesystemChange {
	out := []container.FilesystemChange{}
	for _, e := range entries {
		kind, p, _ := strings.Cut(e, " ")
		k := map[string]container.ChangeType{"C": container.ChangeModify, "A": container.ChangeAdd, "D": container.ChangeDelete}[kind]
		out = append(out, container.FilesystemChange{Kind: k, Path: p})
	}
	return out
}

func (w *world) history(own ...string) { w.img.History = imageHistory(own...) }
