package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/docker/go-connections/nat"

	"github.com/dockterm/dockterm/internal/testengine"
)

// Real-engine tests: containers with each risky setting are created on the
// test engine (see internal/testengine) and audited through the collector.

func auditOne(t *testing.T, cli *client.Client, id string) []Finding {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fs, err := AuditContainer(ctx, cli, id, WithName("test-engine"))
	if err != nil {
		t.Fatalf("AuditContainer: %v", err)
	}
	return fs
}

func containerFindings(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Object.Kind == KindContainer {
			out = append(out, f)
		}
	}
	return out
}

func TestEngineRiskySettings(t *testing.T) {
	cli := testengine.Client(t)
	img := testengine.Image(t)
	type want struct {
		id  string
		sev Severity
		ev  string
	}
	tests := []struct {
		name  string
		opts  testengine.RunOpts
		wants []want
	}{
		{"privileged (created, cannot start here)", testengine.RunOpts{NoStart: true,
			HostConfig: &container.HostConfig{Privileged: true}},
			[]want{{"CIS-5.5", SevCritical, "HostConfig.Privileged=true"}, {"CIS-5.22", SevHigh, "disables seccomp"}}},
		{"docker.sock mounted read-only", testengine.RunOpts{
			HostConfig: &container.HostConfig{Binds: []string{"/var/run/docker.sock:/var/run/docker.sock:ro"}}},
			[]want{{"CIS-5.32", SevCritical, "/var/run/docker.sock -> /var/run/docker.sock (ro)"}}},
		{"host root mounted", testengine.RunOpts{
			HostConfig: &container.HostConfig{Binds: []string{"/:/host:ro"}}},
			[]want{{"CIS-5.6", SevCritical, "/ -> /host (ro)"}}},
		{"host network, pid and ipc", testengine.RunOpts{
			HostConfig: &container.HostConfig{NetworkMode: "host", PidMode: "host", IpcMode: "host"}},
			[]want{{"CIS-5.10", SevHigh, "NetworkMode=host"}, {"CIS-5.16", SevHigh, "PidMode=host"}, {"CIS-5.17", SevHigh, "IpcMode=host"}}},
		{"capabilities added", testengine.RunOpts{
			HostConfig: &container.HostConfig{CapAdd: []string{"SYS_ADMIN", "NET_ADMIN"}}},
			[]want{{"CIS-5.4", SevCritical, "SYS_ADMIN"}}},
		{"seccomp unconfined", testengine.RunOpts{
			HostConfig: &container.HostConfig{SecurityOpt: []string{"seccomp=unconfined"}}},
			[]want{{"CIS-5.22", SevHigh, "SecurityOpt=seccomp=unconfined"}}},
		{"port 80 on every interface (created)", testengine.RunOpts{NoStart: true,
			Config:     &container.Config{ExposedPorts: nat.PortSet{"80/tcp": {}}},
			HostConfig: &container.HostConfig{PortBindings: nat.PortMap{"80/tcp": {{HostIP: "0.0.0.0", HostPort: "80"}}}}},
			[]want{{"CIS-5.14", SevMedium, "0.0.0.0:80->80/tcp"}, {"CIS-5.8", SevLow, "0.0.0.0:80->80/tcp"}}},
		{"published on every interface (running, live bindings)", testengine.RunOpts{Args: []string{"-listen", ":8080"},
			Config:     &container.Config{ExposedPorts: nat.PortSet{"8080/tcp": {}}},
			HostConfig: &container.HostConfig{PortBindings: nat.PortMap{"8080/tcp": {{HostIP: "0.0.0.0"}}}}},
			[]want{{"CIS-5.14", SevMedium, "0.0.0.0:"}}},
		{"defaults: no limits, root, writable", testengine.RunOpts{},
			[]want{{"CIS-5.11", SevMedium, "HostConfig.Memory=0"}, {"CIS-5.29", SevMedium, "PidsLimit="},
				{"CIS-5.12", SevLow, "NanoCpus=0"}, {"CIS-4.1", SevMedium, `Config.User=""`},
				{"CIS-5.13", SevMedium, "ReadonlyRootfs=false"}, {"CIS-5.26", SevInfo, "no no-new-privileges"}}},
		{"secret in the environment", testengine.RunOpts{
			Config: &container.Config{Env: []string{"DB_PASSWORD=hunter2"}}},
			[]want{{"DKT-CTR-01", SevHigh, "DB_PASSWORD=<masked>"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := testengine.Run(t, tc.opts)
			fs := auditOne(t, cli, id)
			for _, w := range tc.wants {
				ok := false
				for _, f := range fs {
					if f.ID == w.id && f.Object.Kind == KindContainer && f.Object.ID == id && f.Severity == w.sev && strings.Contains(f.Evidence, w.ev) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("no %s %s with evidence %q; got %s", w.id, w.sev, w.ev, summary(fs))
				}
			}
			if strings.Contains(summary(fs), "hunter2") {
				t.Error("a secret value reached a finding")
			}
		})
	}
	_ = img
}

// A hardened container yields no container-level finding on the real
// engine either.
func TestEngineHardenedContainer(t *testing.T) {
	cli := testengine.Client(t)
	ctx := context.Background()
	ii, err := cli.ImageInspect(ctx, testengine.Image(t))
	if err != nil {
		t.Fatal(err)
	}
	pids := int64(64)
	id := testengine.Run(t, testengine.RunOpts{
		Args: []string{"-health-file", "/tmp/healthy"},
		Config: &container.Config{
			Image: ii.ID, // pinned: an image ID cannot move
			User:  "65534:65534",
			Healthcheck: &container.HealthConfig{Test: []string{"CMD", "/fixture", "health", "-health-file", "/tmp/healthy"},
				Interval: time.Second, Timeout: 5 * time.Second, Retries: 3},
		},
		HostConfig: &container.HostConfig{
			ReadonlyRootfs: true, CapDrop: []string{"ALL"}, SecurityOpt: []string{"no-new-privileges"},
			NetworkMode: "none", CgroupnsMode: "private",
			Tmpfs:     map[string]string{"/tmp": "rw,noexec,nosuid,size=1m"},
			Resources: container.Resources{Memory: 64 << 20, NanoCPUs: 500_000_000, PidsLimit: &pids},
		},
	})
	testengine.WaitHealth(t, id, container.Healthy)
	if fs := containerFindings(auditOne(t, cli, id)); len(fs) != 0 {
		t.Errorf("hardened container has findings: %s", summary(fs))
	}
}

// Drift: a running fixture writes a binary; an exec drops an executable in
// /tmp and adds an account. The audit shows the paths.
func TestEngineDrift(t *testing.T) {
	cli := testengine.Client(t)
	id := testengine.Run(t, testengine.RunOpts{Args: []string{"-write", "/bin/evil", "-write-every", "200ms"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	execRun(t, cli, id, false, "sh", "-c", "cp /bin/busybox /tmp/payload && echo 'evil:x:0:0::/:/bin/sh' >> /etc/passwd")
	waitDiff(t, cli, id, "/bin/evil", "/tmp/payload", "/etc/passwd")

	fs, err := AuditContainer(ctx, cli, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		id, path string
		sev      Severity
	}{
		{"DKT-DRIFT-05", "A /bin/evil", SevHigh},
		{"DKT-DRIFT-13", "A /tmp/payload", SevHigh}, // mode from ContainerStatPath: executable
		{"DKT-DRIFT-02", "C /etc/passwd", SevHigh},
	} {
		ok := false
		for _, f := range fs {
			if f.ID == w.id && f.Severity == w.sev && containsAny(f.Details, w.path) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("no %s %s listing %q; got %s", w.id, w.sev, w.path, summary(fs))
		}
	}
}

// Exec sessions are seen through ExecIDs and the raw exec inspect (CIS
// 5.23/5.24). A privileged exec cannot start on the test engine (it cannot
// apply the capabilities, as for privileged containers), but a created one
// is registered with its ProcessConfig like a running one; the root exec
// runs.
func TestEngineExecSessions(t *testing.T) {
	cli := testengine.Client(t)
	id := testengine.Run(t, testengine.RunOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{Privileged: true, Cmd: []string{"sh"}}); err != nil {
		t.Fatal(err)
	}
	ex, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{User: "0", Cmd: []string{"sleep", "60"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.ContainerExecStart(ctx, ex.ID, container.ExecStartOptions{Detach: true}); err != nil {
		t.Fatal(err)
	}
	fs := auditOne(t, cli, id)
	var got5_23, got5_24 bool
	for _, f := range fs {
		got5_23 = got5_23 || f.ID == "CIS-5.23" && strings.Contains(f.Evidence, "privileged=true sh")
		got5_24 = got5_24 || f.ID == "CIS-5.24" && strings.Contains(f.Evidence, "user=0 sleep 60")
	}
	if !got5_23 || !got5_24 {
		t.Errorf("exec sessions not reported (5.23 %v, 5.24 %v): %s", got5_23, got5_24, summary(fs))
	}
}

// `dockterm audit` against the real engine: JSON and SARIF are valid and
// contain the risky test container.
func TestEngineCLIReports(t *testing.T) {
	cli := testengine.Client(t)
	id := testengine.Run(t, testengine.RunOpts{NoStart: true, HostConfig: &container.HostConfig{Privileged: true}})
	dial := func(string) ([]Target, error) {
		return []Target{{Name: "test-engine", Client: cli, Connection: Connection{Host: cli.DaemonHost()}}}, nil
	}
	for _, format := range []string{"json", "sarif"} {
		var out, errb bytes.Buffer
		code := RunCLI(context.Background(), cliArgs(t, "--format", format, "--client=false"), &out, &errb, dial)
		if code != ExitFindings {
			t.Fatalf("%s: exit %d, stderr %s", format, code, errb.String())
		}
		switch format {
		case "json":
			var doc Document
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("json: %v", err)
			}
			found := false
			for _, f := range doc.Engines[0].Findings {
				if f.ID == "CIS-5.5" && f.Object.ID == id {
					found = true
				}
			}
			if !found || doc.Engines[0].ServerVersion == "" {
				t.Errorf("json report lacks CIS-5.5 on %s (version %q)", id[:12], doc.Engines[0].ServerVersion)
			}
		case "sarif":
			log := validateSARIF(t, out.Bytes())
			found := false
			for _, r := range *(*log.Runs)[0].Results {
				if r.RuleID == "CIS-5.5" && r.Level == "error" {
					found = true
				}
			}
			if !found {
				t.Error("sarif lacks CIS-5.5")
			}
		}
	}
}

func execRun(t *testing.T, cli *client.Client, id string, privileged bool, cmd ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ex, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{Privileged: privileged, Cmd: cmd})
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.ContainerExecStart(ctx, ex.ID, container.ExecStartOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		st, err := cli.ContainerExecInspect(ctx, ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Running {
			if st.ExitCode != 0 {
				t.Fatalf("exec %v exited %d", cmd, st.ExitCode)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("exec %v did not finish", cmd)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitDiff polls docker diff until every path appears (a safety-net
// deadline, not a speed assertion).
func waitDiff(t *testing.T, cli *client.Client, id string, paths ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		d, err := cli.ContainerDiff(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range d {
			seen[c.Path] = true
		}
		all := true
		for _, p := range paths {
			all = all && seen[p]
		}
		if all {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("docker diff never showed %v: %v", paths, d)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
