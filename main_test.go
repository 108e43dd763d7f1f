package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/docker/docker/api/types/container"
	"golang.org/x/sys/unix"

	"github.com/dockterm/dockterm/internal/testengine"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"--version"}, 0, "dockterm", ""},
		{[]string{"bogus"}, 2, "", "unknown argument"},
		{[]string{"--engine", "no-such-engine"}, 2, "", `no engine named "no-such-engine"`},
		{[]string{"--engines"}, 0, "unix://", ""},
		{[]string{"audit", "--format", "yaml"}, 2, "", "format"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.err) {
				t.Errorf("stdout %q / stderr %q, want %q / %q", out.String(), errb.String(), tc.out, tc.err)
			}
		})
	}
}

// TestAuditSubcommand runs `dockterm audit` end to end against the real
// engine with a risky container and checks the JSON and the exit status.
func TestAuditSubcommand(t *testing.T) {
	id := testengine.Run(t, testengine.RunOpts{Name: "audit-main",
		HostConfig: &container.HostConfig{Binds: []string{"/var/run/docker.sock:/var/run/docker.sock:ro"}}})
	var out, errb bytes.Buffer
	code := run([]string{"audit", "--format", "json", "--min-severity", "critical", "--client=false"}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a critical finding is open); stderr: %s", code, errb.String())
	}
	var doc struct {
		Engines []struct {
			Findings []map[string]any `json:"findings"`
		} `json:"engines"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("audit JSON does not parse: %v\n%s", err, out.String())
	}
	name := strings.TrimPrefix(testengine.Inspect(t, id).Name, "/")
	found := false
	for _, e := range doc.Engines {
		for _, f := range e.Findings {
			raw, _ := json.Marshal(f)
			if f["id"] == "CIS-5.32" && strings.Contains(string(raw), name) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the docker.sock mount of %s (CIS-5.32) is not in the report:\n%s", name, out.String())
	}
}

func TestColorProfile(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want colorprofile.Profile
	}{
		{[]string{"TERM=xterm-256color"}, colorprofile.ANSI256},
		{[]string{"TERM=xterm-256color", "NO_COLOR=1"}, colorprofile.ASCII},
		{[]string{"TERM=xterm-256color", "COLORTERM=truecolor"}, colorprofile.TrueColor},
		{[]string{"TERM=linux"}, colorprofile.ANSI},
		{[]string{"TERM=dumb"}, colorprofile.NoTTY},
		{[]string{"TERM=tmux-256color", "TMUX=/tmp/tmux-0/default,1,0"}, colorprofile.ANSI256},
	} {
		term := ""
		for _, kv := range tc.env {
			if v, ok := strings.CutPrefix(kv, "TERM="); ok {
				term = v
			}
		}
		t.Setenv("TERM", term)
		if got := colorProfile(tc.env); got != tc.want {
			t.Errorf("%v: profile %v, want %v", tc.env, got, tc.want)
		}
	}
}

// TestPatchedRendererInUse guards the go.mod replace of bubbletea by the
// patched copy in third_party (frames on demand; see third_party/README.md):
// dropping it would silently bring back a ticker that wakes an idle
// console 20 times a second.
func TestPatchedRendererInUse(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	want := map[string]string{
		"charm.land/bubbletea/v2":               "./third_party/bubbletea",
		"github.com/charmbracelet/colorprofile": "./third_party/colorprofile",
	}
	for _, d := range bi.Deps {
		if dir, ok := want[d.Path]; ok {
			if d.Replace == nil || d.Replace.Path != dir {
				t.Errorf("%s %s is not replaced by %s", d.Path, d.Version, dir)
			}
			delete(want, d.Path)
		}
	}
	for path := range want {
		t.Errorf("%s is not a dependency", path)
	}
}

// TestNoTmuxProbeAtStart: lipgloss detects a colour profile in its package
// init, and upstream colorprofile then runs `tmux info` (a fork and a wait
// for the tmux server, before main) whenever the program runs in tmux. The
// patched copy must not.
func TestNoTmuxProbeAtStart(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "called")
	script := "#!/bin/sh\necho called >" + marker + "\n"
	if err := os.WriteFile(filepath.Join(dir, "tmux"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer ptm.Close()
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	p := colorprofile.Detect(tty, []string{"TERM=tmux-256color", "TMUX=/tmp/tmux-0/default,1,0"})
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("colorprofile.Detect ran `tmux info`")
	}
	if p < colorprofile.ANSI256 {
		t.Errorf("profile %v in tmux-256color, want at least 256 colours", p)
	}
}

// TestHostCPUOnlyForALocalSocket: the host's counters stand in for an
// engine sample only when the engine is this host's; over tcp:// or ssh://
// they would be another machine's.
func TestHostCPUOnlyForALocalSocket(t *testing.T) {
	for _, tc := range []struct {
		on   bool
		host string
		want bool
	}{
		{true, "unix:///var/run/docker.sock", true},
		{false, "unix:///var/run/docker.sock", false},
		{true, "tcp://10.0.0.5:2376", false},
		{true, "ssh://ops@bastion", false},
		{true, "npipe:////./pipe/docker_engine", false},
		{true, "", false},
	} {
		if got := hostCPUReader(tc.on, tc.host) != nil; got != tc.want {
			t.Errorf("hostCPUReader(%v, %q) set: %v, want %v", tc.on, tc.host, got, tc.want)
		}
	}
}

// gcSettings reads the GC percent and memory limit without changing them.
func gcSettings() (gogc, limit int64) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64()), int64(s[1].Value.Uint64())
}

func TestGCWaitsOutTheStartThenCollectsAtHalf(t *testing.T) {
	origGC, origLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		// After the hold's own restore, should a check fail before it.
		time.Sleep(startGCHold + 50*time.Millisecond)
		debug.SetGCPercent(origGC)
		debug.SetMemoryLimit(origLimit)
	})
	t.Setenv("GOMAXPROCS", "2") // no GOMAXPROCS(1) in this test process later on

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneRuntime()
	if gogc, limit := gcSettings(); gogc != -1 || limit != startMemLimit {
		t.Fatalf("at start: GOGC %d, limit %d; want off (-1) under a %d limit", gogc, limit, startMemLimit)
	}
	deadline := time.Now().Add(startGCHold + 5*time.Second)
	for {
		gogc, limit := gcSettings()
		if gogc == 50 && limit == math.MaxInt64 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the hold: GOGC %d, limit %d; want 50 and no limit", gogc, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// The environment wins.
	for _, env := range []struct{ gogc, limit string }{{"200", ""}, {"", "64MiB"}} {
		debug.SetGCPercent(100)
		t.Setenv("GOGC", env.gogc)
		t.Setenv("GOMEMLIMIT", env.limit)
		tuneRuntime()
		gogc, limit := gcSettings()
		want := int64(100) // GOGC set: left alone (the runtime read it at start)
		if env.gogc == "" {
			want = 50
		}
		if gogc != want || limit != math.MaxInt64 {
			t.Errorf("GOGC=%q GOMEMLIMIT=%q: GOGC %d, limit %d; want %d and the limit untouched", env.gogc, env.limit, gogc, limit, want)
		}
	}
}
