package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/docker/docker/api/types/container"
)

func TestAuditCollectsOncePerObject(t *testing.T) {
	e := syntheticEngine(20)
	f := newFake(e)
	r, err := Audit(context.Background(), f, WithName("fake"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != "fake" || len(r.Containers) != 20 {
		t.Fatalf("report engine %q with %d containers", r.Engine, len(r.Containers))
	}
	for name, want := range map[string]int64{
		"Info": 1, "ContainerList": 1, "ContainerInspect": 20, "ContainerDiff": 20, "ContainerTop": 20,
		"ImageInspect": 5, "ImageHistory": 5, "NetworkInspect": 1, "NetworkList": 1,
	} {
		if got := f.n(name); got != want {
			t.Errorf("%s called %d times, want %d", name, got, want)
		}
	}
	// The swarm calls are made only on a manager.
	if f.n("SwarmInspect")+f.n("ServiceList") != 0 {
		t.Error("swarm calls on a non-manager")
	}
	// The full audit equals Evaluate over the same data.
	direct := Evaluate(e, Options{})
	if len(direct.Findings) != len(r.Findings) {
		t.Errorf("collector saw %d findings, Evaluate over the same data %d", len(r.Findings), len(direct.Findings))
	}
}

// Steady state: rendering the report costs no engine call; an event costs
// the calls of the one container it touched.
func TestAuditorIncremental(t *testing.T) {
	e := syntheticEngine(10)
	f := newFake(e)
	a := NewAuditor(f, AuditorConfig{Name: "fake"})
	ctx := context.Background()
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	before := f.total()
	for i := 0; i < 5; i++ {
		_ = a.Report()
	}
	if after := f.total(); after != before {
		t.Fatalf("Report made %d engine calls", after-before)
	}

	// A new risky container appears (a start event).
	c := cleanContainer(e.Containers[1].Image)
	c.Inspect.ID, c.Inspect.Name = "newcontainer", "/intruder"
	c.Inspect.Image = e.Containers[1].Inspect.Image
	c.Inspect.HostConfig.Privileged = true
	f.add(c)
	before = f.total()
	if err := a.RefreshContainer(ctx, "newcontainer"); err != nil {
		t.Fatal(err)
	}
	// inspect + diff + top; its image is cached.
	if got := f.total() - before; got != 3 {
		t.Errorf("RefreshContainer made %d calls, want 3 (inspect, diff, top)", got)
	}
	found := false
	for _, fd := range a.Report().Findings {
		if fd.ID == "CIS-5.5" && fd.Object.Name == "intruder" {
			found = true
		}
	}
	if !found {
		t.Error("new privileged container not in the report")
	}

	// It goes away (a destroy event).
	f.remove("newcontainer")
	if err := a.RefreshContainer(ctx, "newcontainer"); err != nil {
		t.Fatal(err)
	}
	for _, fd := range a.Report().Findings {
		if fd.Object.Name == "intruder" {
			t.Fatalf("removed container still reported: %s", fd.ID)
		}
	}
}

// The fast first pass costs one inspect per container; RefreshDeep adds
// diff and top later, and a Report racing with it is safe (go test -race).
func TestAuditorShallowThenDeep(t *testing.T) {
	e := syntheticEngine(12)
	f := newFake(e)
	a := NewAuditor(f, AuditorConfig{SkipDiff: true, SkipTop: true})
	ctx := context.Background()
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if f.n("ContainerDiff")+f.n("ContainerTop") != 0 || f.n("ContainerInspect") != 12 {
		t.Fatalf("shallow pass: inspect %d diff %d top %d", f.n("ContainerInspect"), f.n("ContainerDiff"), f.n("ContainerTop"))
	}
	hasDrift := func(r Report) bool {
		for _, fd := range r.Findings {
			if strings.HasPrefix(fd.ID, "DKT-DRIFT") {
				return true
			}
		}
		return false
	}
	if hasDrift(a.Report()) {
		t.Fatal("drift without diffs")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			_ = a.Report()
		}
	}()
	if err := a.RefreshDeep(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	if f.n("ContainerDiff") != 12 || f.n("ContainerTop") != 12 {
		t.Errorf("deep pass: diff %d top %d", f.n("ContainerDiff"), f.n("ContainerTop"))
	}
	if !hasDrift(a.Report()) {
		t.Error("no drift after RefreshDeep")
	}
	before := f.total()
	if err := a.RefreshDeep(ctx); err != nil {
		t.Fatal(err)
	}
	if f.total() != before {
		t.Error("a second RefreshDeep collected again")
	}
}

func TestAuditorRefreshDrift(t *testing.T) {
	e := syntheticEngine(4)
	f := newFake(e)
	a := NewAuditor(f, AuditorConfig{})
	ctx := context.Background()
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// A file appears in container 0 after the first collection.
	e.Containers[0].Diff = changes("A /usr/local/bin/dropper")
	diffs, inspects := f.n("ContainerDiff"), f.n("ContainerInspect")
	if err := a.RefreshDrift(ctx); err != nil {
		t.Fatal(err)
	}
	if f.n("ContainerDiff")-diffs != 4 || f.n("ContainerInspect") != inspects {
		t.Errorf("RefreshDrift: %d diffs, %d inspects", f.n("ContainerDiff")-diffs, f.n("ContainerInspect")-inspects)
	}
	found := false
	for _, fd := range a.Report().Findings {
		found = found || fd.ID == "DKT-DRIFT-05" && containsAny(fd.Details, "/usr/local/bin/dropper")
	}
	if !found {
		t.Error("new drift not found by RefreshDrift")
	}
}

func TestAuditContainer(t *testing.T) {
	e := syntheticEngine(4)
	f := newFake(e)
	fs, err := AuditContainer(context.Background(), f, e.Containers[0].Inspect.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.n("ContainerList") != 0 || f.n("ContainerInspect") != 1 {
		t.Errorf("AuditContainer listed or inspected too much: list %d inspect %d", f.n("ContainerList"), f.n("ContainerInspect"))
	}
	kinds := map[ObjectKind]bool{}
	for _, fd := range fs {
		kinds[fd.Object.Kind] = true
	}
	if !kinds[KindContainer] || !kinds[KindImage] || kinds[KindEngine] {
		t.Errorf("kinds = %v", kinds)
	}
	if _, err := AuditContainer(context.Background(), f, "nope"); err != nil {
		t.Errorf("a missing container is not an error: %v", err)
	}
}

func TestAuditInfoError(t *testing.T) {
	f := newFake(cleanEngine())
	f.infoErr = errors.New("connection refused")
	r, err := Audit(context.Background(), f, WithName("down"))
	if err == nil || r.Error == "" || r.Engine != "down" {
		t.Fatalf("err %v, report %+v", err, r)
	}
}

func TestInspectExec(t *testing.T) {
	e := cleanEngine()
	c := cleanContainer(cleanImage())
	c.Inspect.ExecIDs = []string{"ex1", "ex2", "gone"}
	e.Containers = []*ContainerInput{c}
	f := newFake(e)
	f.execs["ex1"] = `{"ID":"ex1","Running":true,"ProcessConfig":{"privileged":true,"user":"","entrypoint":"sh","arguments":["-c","id"]}}`
	f.execs["ex2"] = `{"ID":"ex2","Running":true,"ProcessConfig":{"privileged":false,"user":"root","entrypoint":"bash","arguments":[]}}`
	r, err := Audit(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, fd := range r.Findings {
		got[fd.ID] = fd.Evidence
	}
	if !strings.Contains(got["CIS-5.23"], "privileged=true sh -c id") {
		t.Errorf("CIS-5.23 evidence %q", got["CIS-5.23"])
	}
	if !strings.Contains(got["CIS-5.24"], "user=root bash") {
		t.Errorf("CIS-5.24 evidence %q", got["CIS-5.24"])
	}
}

func TestDaemonBaseURL(t *testing.T) {
	for host, want := range map[string]string{
		"unix:///var/run/docker.sock": "http://api.moby.localhost",
		"tcp://10.0.0.5:2376":         "https://10.0.0.5:2376",
		"https://h:1":                 "https://h:1",
	} {
		u, err := daemonBaseURL(host, true)
		if err != nil || u.String() != want {
			t.Errorf("daemonBaseURL(%s) = %v, %v, want %s", host, u, err, want)
		}
	}
	if _, err := daemonBaseURL("ssh://x", false); err == nil {
		t.Error("ssh accepted")
	}
}

// ---- CLI ----

func runCLI(t *testing.T, args []string, targets []Target, dialErr error) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	dialed := ""
	code := RunCLI(context.Background(), args, &out, &errb, func(engine string) ([]Target, error) {
		dialed = engine
		return targets, dialErr
	})
	_ = dialed
	return code, out.String(), errb.String()
}

func cliArgs(t *testing.T, extra ...string) []string {
	dir := t.TempDir()
	return append([]string{"--accepted", filepath.Join(dir, "accepted.json"), "--docker-config", filepath.Join(dir, "docker"), "--machine-storage", filepath.Join(dir, "machine")}, extra...)
}

func TestRunCLIExitStatus(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	risky := newFake(syntheticEngine(4))
	hard := cleanWorld()
	clean := newFake(hard.e)
	tests := []struct {
		name    string
		args    []string
		targets []Target
		dialErr error
		want    int
	}{
		{"findings at the default threshold", nil, []Target{{Name: "risky", Client: risky}}, nil, ExitFindings},
		{"clean engine", nil, []Target{{Name: "clean", Client: clean}}, nil, ExitOK},
		{"threshold above what exists", []string{"--min-severity", "critical"}, []Target{{Name: "clean", Client: clean}}, nil, ExitOK},
		{"dial error", nil, nil, errors.New("no such engine"), ExitError},
		{"one engine unreachable wins over findings", nil, []Target{{Name: "risky", Client: risky}, {Name: "down", Err: errors.New("refused")}}, nil, ExitError},
		{"bad severity", []string{"--min-severity", "severe"}, nil, nil, ExitError},
		{"bad format", []string{"--format", "xml"}, nil, nil, ExitError},
		{"stray argument", []string{"extra"}, nil, nil, ExitError},
		{"help", []string{"-h"}, nil, nil, ExitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, cliArgs(t, tc.args...), tc.targets, tc.dialErr)
			if code != tc.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.want, out, errs)
			}
		})
	}
}

func TestRunCLIFormats(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			f := newFake(syntheticEngine(4))
			code, out, errs := runCLI(t, cliArgs(t, "--format", format, "--min-severity", "high"), []Target{{Name: "prod", Client: f}}, nil)
			if code != ExitFindings {
				t.Fatalf("exit %d, stderr %s", code, errs)
			}
			switch format {
			case "json":
				var doc Document
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("json: %v", err)
				}
				for _, fd := range doc.Engines[0].Findings {
					if fd.Severity < SevHigh {
						t.Errorf("%s %s below --min-severity", fd.ID, fd.Severity)
					}
				}
			case "sarif":
				validateSARIF(t, []byte(out))
			default:
				if !strings.Contains(out, "CIS-5.5") || strings.Contains(out, "CIS-5.27") {
					t.Errorf("%s output does not honour --min-severity high:\n%s", format, out)
				}
			}
		})
	}
}

func TestRunCLIAcceptedDoesNotFail(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	w := cleanWorld()
	w.hc().Privileged = true
	args := cliArgs(t, "--min-severity", "critical")
	store, err := OpenAcceptStore(args[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range Evaluate(w.e, Options{}).Findings {
		if fd.Severity == SevCritical {
			fd.Object.Engine = "prod"
			if _, err := store.Accept(fd, "lab", ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	code, out, errs := runCLI(t, args, []Target{{Name: "prod", Client: newFake(w.e)}}, nil)
	if code != ExitOK || !strings.Contains(out, "critical (accepted)") {
		t.Errorf("exit %d, out:\n%s\nerr:\n%s", code, out, errs)
	}
}

func TestRunCLIBrokenAcceptFile(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	args := cliArgs(t)
	os.WriteFile(args[1], []byte("{broken"), 0o600)
	code, _, errs := runCLI(t, args, []Target{{Name: "clean", Client: newFake(cleanWorld().e)}}, nil)
	if code != ExitError || !strings.Contains(errs, "not valid") {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
}

func TestRunCLIClientFiles(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	args := cliArgs(t, "--format", "json")
	dockerDir := args[3]
	write(t, filepath.Join(dockerDir, "config.json"), `{"auths":{"r.example.com":{"auth":"dTpw"}}}`, 0o600)
	code, out, _ := runCLI(t, args, []Target{{Name: "clean", Client: newFake(cleanWorld().e)}}, nil)
	var doc Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if code != ExitFindings || len(doc.Client) != 1 || doc.Client[0].ID != "DKT-CLI-04" {
		t.Errorf("exit %d, client findings %s", code, summary(doc.Client))
	}
	code, out, _ = runCLI(t, append(args, "--client=false"), []Target{{Name: "clean", Client: newFake(cleanWorld().e)}}, nil)
	doc = Document{}
	json.Unmarshal([]byte(out), &doc)
	if code != ExitOK || len(doc.Client) != 0 {
		t.Errorf("--client=false: exit %d, %d client findings", code, len(doc.Client))
	}
	_ = fmt.Sprint
	_ = container.ChangeAdd
}

// An inspect answer handed over by the caller replaces the auditor's own
// call, and the report is the same as with the auditor's own inspects.
func TestAuditorTakesHandedOverInspects(t *testing.T) {
	e := syntheticEngine(12)
	own := NewAuditor(newFake(e), AuditorConfig{SkipDiff: true, SkipTop: true})
	if err := own.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := newFake(e)
	var mu sync.Mutex // the auditor collects in parallel
	handed := map[string]bool{}
	cfg := AuditorConfig{SkipDiff: true, SkipTop: true, Inspected: func(id string) (container.InspectResponse, bool) {
		// Every other container is handed over; the rest are asked for.
		for i, c := range e.Containers {
			if c.Inspect.ID == id && i%2 == 0 {
				mu.Lock()
				defer mu.Unlock()
				handed[id] = true
				return c.Inspect, true
			}
		}
		return container.InspectResponse{}, false
	}}
	a := NewAuditor(f, cfg)
	if err := a.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.n("ContainerInspect"); got != 6 || len(handed) != 6 {
		t.Fatalf("inspect calls %d, handed over %d; want 6 and 6", got, len(handed))
	}
	if w, g := len(own.Report().Findings), len(a.Report().Findings); w != g || w == 0 {
		t.Fatalf("findings: %d with own inspects, %d with handed-over ones", w, g)
	}
}
