package audit

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
)

// defaultEngine looks like a stock, rootful engine such as the test engine
// (20.10, cgroup v1, no AppArmor, no userns, old enough not to report the
// daemon-wide no-new-privileges).
func defaultEngine() *EngineInput {
	e := cleanEngine()
	e.Info.ServerVersion, e.Version.Version = "20.10.24+dfsg1", "20.10.24+dfsg1"
	e.Info.SecurityOptions = []string{"name=seccomp,profile=default"}
	e.Info.CgroupVersion, e.Info.LoggingDriver = "1", "json-file"
	e.Info.Plugins.Authorization = nil
	e.Info.LiveRestoreEnabled = false
	e.Bridge.Options["com.docker.network.bridge.enable_icc"] = "true"
	e.Bridge.Options["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0"
	return e
}

// TestHardenedContainerHasNoContainerFinding is the property of the issue:
// a hardened container (non-root user, read-only root filesystem,
// cap-drop ALL, no-new-privileges, limits, healthcheck, no published
// ports, pinned image) yields no container-level finding, whatever its
// harmless particulars and on either a hardened or a stock engine.
func TestHardenedContainerHasNoContainerFinding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	users := []string{"10001", "1000:1000", "nobody", "65534:65534", "app", "999:0"}
	nets := []string{"app", "none", "backend"}
	for i := 0; i < 300; i++ {
		img := cleanImage()
		c := cleanContainer(img)
		hc, cfg := c.Inspect.HostConfig, c.Inspect.Config
		cfg.User = users[rng.IntN(len(users))]
		c.Inspect.Name = fmt.Sprintf("/svc-%d_%c", rng.IntN(1e6), 'a'+rune(rng.IntN(26)))
		c.Inspect.ID = fmt.Sprintf("%064x", rng.Uint64())
		cfg.Image = fmt.Sprintf("registry.example.com/team/app@sha256:%064x", rng.Uint64())
		hc.Memory = int64(16+rng.IntN(8192)) << 20
		hc.NanoCPUs = int64(1+rng.IntN(16)) * 250_000_000
		hc.PidsLimit = i64(int64(1 + rng.IntN(10000)))
		hc.NetworkMode = container.NetworkMode(nets[rng.IntN(len(nets))])
		c.Inspect.NetworkSettings.Networks = map[string]*network.EndpointSettings{}
		if hc.NetworkMode != "none" {
			c.Inspect.NetworkSettings.Networks[string(hc.NetworkMode)] = &network.EndpointSettings{IPAddress: "172.20.0.9"}
		}
		if rng.IntN(2) == 0 {
			hc.SecurityOpt = []string{"no-new-privileges:true"}
		}
		cfg.Env = append(cfg.Env, fmt.Sprintf("FEATURE_%d=on", rng.IntN(100)), "TZ=UTC")
		cfg.Labels = map[string]string{"com.docker.compose.project": "p" + fmt.Sprint(rng.IntN(9))}
		cfg.Healthcheck = &container.HealthConfig{Test: []string{"CMD-SHELL", "wget -qO- localhost:8080/health"}}
		if rng.IntN(2) == 0 {
			c.Inspect.State = &container.State{Status: "created"} // not started: no health state yet
			c.Top, c.Diff = nil, nil
		}
		c.Top = nil
		if rng.IntN(2) == 0 {
			c.Top = &container.TopResponse{Titles: []string{"UID", "PID", "CMD"}, Processes: [][]string{{strings.Split(cfg.User, ":")[0], "77", "/app/server"}}}
		}
		var e *EngineInput
		if rng.IntN(2) == 0 {
			e = cleanEngine()
		} else {
			e = defaultEngine()
		}
		e.Containers = []*ContainerInput{c}
		for _, f := range Evaluate(e, Options{}).Findings {
			if f.Object.Kind == KindContainer {
				t.Fatalf("iteration %d (user %q, net %s, engine %s): container finding %s %s: %s",
					i, cfg.User, hc.NetworkMode, e.Info.ServerVersion, f.ID, f.Severity, f.Evidence)
			}
		}
	}
}

// TestDefaultContainerFindings pins what a container created with no
// option at all gets on a stock engine: the list an operator sees most.
func TestDefaultContainerFindings(t *testing.T) {
	e := defaultEngine()
	c := &ContainerInput{Inspect: container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: "c1", Name: "/plain", Image: testImageID,
			State:      &container.State{Status: "running", Running: true},
			HostConfig: &container.HostConfig{NetworkMode: "default", CgroupnsMode: "host", IpcMode: "private", LogConfig: container.LogConfig{Type: "json-file"}}},
		Config:          &container.Config{Image: "busybox"},
		NetworkSettings: &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{"bridge": {}}},
	}, Diff: changes()}
	e.Containers = []*ContainerInput{c}
	var ids []string
	for _, f := range Evaluate(e, Options{}).Findings {
		if f.Object.Kind == KindContainer {
			ids = append(ids, f.ID)
		}
	}
	want := []string{"CIS-4.1", "CIS-5.11", "CIS-5.13", "CIS-5.29", "CIS-5.30", "CIS-5.12", "CIS-5.27", "CIS-5.26", "CIS-5.28", "DKT-CTR-04"}
	for _, w := range want {
		if !containsFold(ids, w) {
			t.Errorf("default container lacks %s; got %v", w, ids)
		}
	}
	if len(ids) != len(want) {
		t.Errorf("default container: got %d findings %v, want %d %v", len(ids), ids, len(want), want)
	}
}
