package audit

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/docker/api/types/system"
	"github.com/docker/docker/api/types/volume"
)

// EngineInput is everything the rules read about one engine. It is filled
// by the collector (collect.go) or by a test. A nil slice or pointer means
// "not collected": rules that need it stay silent rather than guess.
type EngineInput struct {
	// Name is the engine as the operator knows it (endpoint/context name).
	Name       string
	Info       system.Info
	Version    *types.Version
	Connection Connection
	// Bridge is NetworkInspect("bridge").
	Bridge *network.Inspect
	// Networks is NetworkList (all networks, without their containers).
	Networks []network.Inspect
	// Images is ImageList(All: false).
	Images  []image.Summary
	Plugins []*types.Plugin
	// Volumes is VolumeList; only volumes used by containers matter.
	Volumes []*volume.Volume
	// Swarm and the lists below are collected only on a swarm manager.
	Swarm    *swarm.Swarm
	Services []swarm.Service
	Configs  []swarm.Config
	Secrets  []swarm.Secret

	Containers []*ContainerInput

	// At is when the data was collected; age-based rules (exited 30 days
	// ago, root CA older than a year) stay silent when it is zero.
	At time.Time
}

// Connection says how dockterm itself reaches the engine.
type Connection struct {
	Host       string // unix:///var/run/docker.sock, tcp://10.0.0.5:2376, ssh://...
	TLS        bool   // the client speaks TLS to the daemon
	SkipVerify bool   // ... without verifying the daemon's certificate
}

// ContainerInput is everything the rules read about one container.
type ContainerInput struct {
	Inspect container.InspectResponse
	// Image is the image the container runs (by ID); nil when unknown.
	Image *ImageInput
	// Top is `docker top` of a running container; nil when not collected.
	Top *container.TopResponse
	// Diff is `docker diff`; nil when not collected.
	Diff []container.FilesystemChange
	// Modes holds file modes of selected diff paths (ContainerStatPath),
	// used to tell executables dropped in temp dirs from data files.
	Modes map[string]os.FileMode
	// Execs are exec sessions observed on the container.
	Execs []ExecObservation
	// MemUsage is the last observed memory usage in bytes (0 = unknown); it
	// sizes the --memory of the hardened run command.
	MemUsage int64
}

// ImageInput is one image: inspect plus history (newest entry first, as the
// engine returns it).
type ImageInput struct {
	Inspect image.InspectResponse
	History []image.HistoryResponseItem
}

// ExecObservation is what GET /exec/{id}/json says about one exec session
// (the Go SDK's ContainerExecInspect drops ProcessConfig, see collect.go).
type ExecObservation struct {
	ID         string
	Privileged bool
	User       string
	Command    string
}

// Facts are the engine properties container rules depend on, derived once
// per engine from Info, Version and the bridge network.
type Facts struct {
	AppArmor    bool
	SELinux     bool
	Userns      bool
	Rootless    bool
	Seccomp     string // "" = no seccomp entry; else the profile: builtin, default, unconfined or a path
	HasSeccomp  bool
	DaemonNNP   bool // daemon-wide no-new-privileges reported (Engine >= 24)
	NNPVisible  bool // the engine is new enough to report daemon-wide no-new-privileges
	Major       int  // engine version, 0 when unknown
	Minor       int
	Version     string
	TCPPlain    []string // TCP listeners without encryption (from Info.Warnings)
	TCPNoVerify []string // TCP listeners with TLS but no client verification
	// DefaultBindIP is the bridge's host_binding_ipv4 ("" when unknown, which
	// Docker treats as 0.0.0.0).
	DefaultBindIP string
	ICC           bool // inter-container communication on the default bridge
	BridgeKnown   bool
	CgroupVersion string
}

// DeriveFacts computes the engine facts the container rules need.
func DeriveFacts(e *EngineInput) Facts {
	var f Facts
	for _, opt := range e.Info.SecurityOptions {
		kv := parseSecurityOption(opt)
		switch kv["name"] {
		case "apparmor":
			f.AppArmor = true
		case "selinux":
			f.SELinux = true
		case "userns":
			f.Userns = true
		case "rootless":
			f.Rootless = true
		case "no-new-privileges":
			f.DaemonNNP = true
		case "seccomp":
			f.HasSeccomp = true
			f.Seccomp = kv["profile"]
			if f.Seccomp == "" {
				f.Seccomp = "default"
			}
		}
	}
	f.Version = e.Info.ServerVersion
	if f.Version == "" && e.Version != nil {
		f.Version = e.Version.Version
	}
	f.Major, f.Minor, _ = parseVersion(f.Version)
	f.NNPVisible = f.Major >= 24
	for _, w := range e.Info.Warnings {
		if addr, ok := tcpWarning(w, "without encryption"); ok {
			f.TCPPlain = append(f.TCPPlain, addr)
		} else if addr, ok := tcpWarning(w, "without TLS client verification"); ok {
			f.TCPNoVerify = append(f.TCPNoVerify, addr)
		}
	}
	if e.Bridge != nil {
		f.BridgeKnown = true
		f.DefaultBindIP = e.Bridge.Options["com.docker.network.bridge.host_binding_ipv4"]
		f.ICC = e.Bridge.Options["com.docker.network.bridge.enable_icc"] != "false"
	}
	f.CgroupVersion = e.Info.CgroupVersion
	return f
}

// parseSecurityOption splits "name=seccomp,profile=builtin" into a map. Old
// engines (< 1.13 API) reported a bare "seccomp"/"apparmor".
func parseSecurityOption(opt string) map[string]string {
	kv := map[string]string{}
	if !strings.Contains(opt, "=") {
		kv["name"] = opt
		return kv
	}
	for _, part := range strings.Split(opt, ",") {
		k, v, _ := strings.Cut(part, "=")
		kv[k] = v
	}
	return kv
}

// tcpWarning recognises the daemon's TCP warnings, e.g.
// "API is accessible on http://0.0.0.0:2375 without encryption." possibly
// prefixed with "[DEPRECATION NOTICE]" and followed by more sentences.
func tcpWarning(w, suffix string) (string, bool) {
	i := strings.Index(w, "API is accessible on ")
	if i < 0 || !strings.Contains(w, suffix) {
		return "", false
	}
	rest := w[i+len("API is accessible on "):]
	addr, _, _ := strings.Cut(rest, " ")
	return addr, true
}

// parseVersion reads "28.5.2", "20.10.24+dfsg1", "v1.1.12", "1.1.5+ds1".
func parseVersion(v string) (major, minor, patch int) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexAny(v, "+-~ "); i >= 0 {
		v = v[:i]
	}
	parts := strings.SplitN(v, ".", 3)
	nums := [3]int{}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			break
		}
		nums[i] = n
	}
	return nums[0], nums[1], nums[2]
}

// versionLess compares dotted versions numerically.
func versionLess(a, b string) bool {
	a1, a2, a3 := parseVersion(a)
	b1, b2, b3 := parseVersion(b)
	if a1 != b1 {
		return a1 < b1
	}
	if a2 != b2 {
		return a2 < b2
	}
	return a3 < b3
}

// containerName is the inspect name without the leading slash.
func containerName(c *container.InspectResponse) string {
	if c.ContainerJSONBase == nil {
		return ""
	}
	return strings.TrimPrefix(c.Name, "/")
}

// normalized returns the container's inspect with every pointer the rules
// dereference filled, so that a partial inspect (a test, an old engine)
// never panics a rule.
func normalized(c container.InspectResponse) container.InspectResponse {
	if c.ContainerJSONBase == nil {
		c.ContainerJSONBase = &container.ContainerJSONBase{}
	}
	if c.HostConfig == nil {
		c.HostConfig = &container.HostConfig{}
	}
	if c.State == nil {
		c.State = &container.State{}
	}
	if c.Config == nil {
		c.Config = &container.Config{}
	}
	if c.NetworkSettings == nil {
		c.NetworkSettings = &container.NetworkSettings{}
	}
	return c
}
