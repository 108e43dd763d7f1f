package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/audit"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/keymap"
)

// fakeAuditor serves a fixed report and records what the tab asked for.
type fakeAuditor struct {
	mu       sync.Mutex
	report   audit.Report
	calls    []string
	accepted map[string]string
	failNext error
}

func (f *fakeAuditor) rec(s string) {
	f.mu.Lock()
	f.calls = append(f.calls, s)
	f.mu.Unlock()
}

func (f *fakeAuditor) Refresh(context.Context) error {
	f.rec("Refresh")
	err := f.failNext
	f.failNext = nil
	return err
}
func (f *fakeAuditor) RefreshDeep(context.Context) error  { f.rec("RefreshDeep"); return nil }
func (f *fakeAuditor) RefreshDrift(context.Context) error { f.rec("RefreshDrift"); return nil }
func (f *fakeAuditor) RefreshContainer(_ context.Context, id string) error {
	f.rec("RefreshContainer " + id)
	return nil
}
func (f *fakeAuditor) RemoveContainer(id string) { f.rec("RemoveContainer " + id) }

// Report marks accepted findings, as an Auditor configured with the store does.
func (f *fakeAuditor) Report() audit.Report {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.report
	r.Findings = append([]audit.Finding(nil), f.report.Findings...)
	for i := range r.Findings {
		if reason, ok := f.accepted[r.Findings[i].Key()]; ok {
			r.Findings[i].Accepted = &audit.Acceptance{Reason: reason, At: fakeNow, By: "ops"}
		}
	}
	r.Counts = audit.CountFindings(r.Findings)
	r.Score = audit.Score(r.Findings)
	return r
}

func (f *fakeAuditor) accept(fd audit.Finding, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accepted[fd.Key()] = reason
	return nil
}

func (f *fakeAuditor) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.calls...)
	f.calls = nil
	return out
}

func mkFinding(id string, sev audit.Severity, kind audit.ObjectKind, name, objID, evidence string, details ...string) audit.Finding {
	r, ok := audit.RuleByID(id)
	if !ok {
		panic("unknown rule " + id)
	}
	return audit.Finding{ID: r.ID, Aliases: r.Aliases, Title: r.Title, Severity: sev, Why: r.Why, Remediation: r.Remediation,
		Object: audit.Object{Kind: kind, Name: name, ID: objID, Engine: "local"}, Evidence: evidence, Details: details}
}

func sampleReport() audit.Report {
	fs := []audit.Finding{
		mkFinding("CIS-5.5", audit.SevCritical, audit.KindContainer, "shop-web-1", "aaaaaaaaaaaa1111", "HostConfig.Privileged=true"),
		mkFinding("CIS-5.32", audit.SevCritical, audit.KindContainer, "shop-web-1", "aaaaaaaaaaaa1111", "Mounts: /var/run/docker.sock -> /var/run/docker.sock (ro)"),
		mkFinding("CIS-5.10", audit.SevHigh, audit.KindContainer, "shop-api-1", "bbbbbbbbbbbb2222", "HostConfig.NetworkMode=host"),
		mkFinding("DKT-DRIFT-05", audit.SevHigh, audit.KindContainer, "sick", "dddddddddddd4444", "docker diff: A /usr/local/bin/xmr", "A /usr/local/bin/xmr"),
		mkFinding("CIS-2.9", audit.SevMedium, audit.KindEngine, "local", "ENG", "Info.SecurityOptions has neither name=userns nor name=rootless"),
		mkFinding("CIS-5.11", audit.SevMedium, audit.KindContainer, "shop-api-1", "bbbbbbbbbbbb2222", "HostConfig.Memory=0"),
		mkFinding("CIS-4.6", audit.SevLow, audit.KindImage, "dockterm-fixture:test", "sha256:abc", "image Config.Healthcheck is not set"),
		mkFinding("CIS-5.26", audit.SevInfo, audit.KindContainer, "crashy", "cccccccccccc3333", "HostConfig.SecurityOpt has no no-new-privileges"),
	}
	audit.SortFindings(fs)
	return audit.Report{Engine: "local", Host: "unix:///var/run/docker.sock", ServerVersion: "20.10.24", At: fakeNow, Findings: fs,
		Containers: []audit.ContainerSummary{{
			ID: "aaaaaaaaaaaa1111", Name: "shop-web-1", Image: "dockterm-fixture:test", Worst: audit.SevCritical, Open: 2,
			Hardened: audit.HardenedCommand{
				Args: []string{"docker", "run", "-d", "--name", "shop-web-1", "--read-only", "--tmpfs", "/tmp:rw,noexec,nosuid", "--cap-drop", "ALL",
					"--cap-add", "NET_BIND_SERVICE", "--security-opt", "no-new-privileges", "--memory", "128m", "--pids-limit", "64", "--cpus", "1",
					"-p", "127.0.0.1:8080:80", "dockterm-fixture:test"},
				Notes: []string{"--privileged dropped: add back only the --cap-add / --device it really uses", "ports published on all interfaces are bound to 127.0.0.1"},
			},
		}}}
}

func newSecTab(t *testing.T, w, h int) (*securityTab, *fakeAuditor, *fakeEngine) {
	t.Helper()
	fe := newFakeEngine()
	c := &Common{Engine: fe, Ctx: context.Background(), Keys: keymap.New(false), Styles: PlainStyles(), Glyphs: ASCIIGlyphs(),
		Now: func() time.Time { return fakeNow }}
	fa := &fakeAuditor{report: sampleReport(), accepted: map[string]string{}}
	tab := newSecurityTab(c, SecurityDeps{
		Auditor: func(id backend.EngineID) SecurityAuditor {
			if id == fe.ID() {
				return fa
			}
			return nil
		},
		Accept: fa.accept,
	})
	tab.SetSize(w, h)
	return tab, fa, fe
}

// run executes a Cmd synchronously (batches too) and feeds the messages
// back to the tab, as the runtime would.
func run(tab *securityTab, cmd tea.Cmd) {
	runCmd(cmd, 0, tab.Update)
}

func secKey(tab *securityTab, keys ...string) {
	for _, k := range keys {
		run(tab, tab.Update(keyMsg(k)))
	}
}

func loaded(t *testing.T, w, h int) (*securityTab, *fakeAuditor, *fakeEngine) {
	tab, fa, fe := newSecTab(t, w, h)
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}))
	fa.callList()
	return tab, fa, fe
}

func secScreen(tab *securityTab, w, h int) string {
	return normalize(ansi.Strip(tab.View(w, h)), w, h)
}

func TestSecurityGolden(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {160, 50}} {
		suffix := "_" + itoa(size.w) + "x" + itoa(size.h)
		cases := []struct {
			name  string
			keys  []string
			setup func(*securityTab)
		}{
			{"security", nil, nil},
			{"security_by_object", []string{"P"}, nil},
			{"security_detail", []string{"enter"}, nil},
			{"security_hardened", []string{"H"}, nil},
			{"security_accept_prompt", []string{"j", "A"}, func(tab *securityTab) {
				for _, r := range "lab host" {
					run(tab, tab.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
				}
			}},
			{"security_filtered", nil, func(tab *securityTab) { _ = tab.SetFilter("sev>=high kind=container") }},
		}
		for _, tc := range cases {
			t.Run(tc.name+suffix, func(t *testing.T) {
				tab, _, _ := loaded(t, size.w, size.h)
				secKey(tab, tc.keys...)
				if tc.setup != nil {
					tc.setup(tab)
				}
				s := secScreen(tab, size.w, size.h)
				checkFrame(t, s, size.w, size.h)
				golden(t, tc.name+suffix, s)
			})
		}
	}
}

func TestSecurityFirstSnapshotCollectsOnce(t *testing.T) {
	tab, fa, fe := newSecTab(t, 120, 30)
	if s := secScreen(tab, 120, 30); !strings.Contains(s, "Auditing the engine") {
		t.Errorf("before the first report:\n%s", s)
	}
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}))
	got := strings.Join(fa.callList(), ",")
	if got != "Refresh" {
		t.Errorf("calls = %s, want Refresh (the deep pass waits until the tab is opened)", got)
	}
	// No drift poll either before the tab was opened.
	run(tab, tab.Update(tickMsg{at: fakeNow.Add(2 * defaultDriftEvery)}))
	if calls := fa.callList(); len(calls) != 0 {
		t.Errorf("tick before the tab was opened caused %v", calls)
	}
	run(tab, tab.Focused())
	if got := strings.Join(fa.callList(), ","); got != "RefreshDeep" {
		t.Errorf("opening the tab: calls = %s, want RefreshDeep", got)
	}
	// The same snapshot again changes nothing: no engine call.
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}))
	if calls := fa.callList(); len(calls) != 0 {
		t.Errorf("unchanged snapshot caused %v", calls)
	}
	// Ticks before the drift period cost nothing either.
	run(tab, tab.Update(tickMsg{at: fakeNow.Add(time.Minute)}))
	if calls := fa.callList(); len(calls) != 0 {
		t.Errorf("tick caused %v", calls)
	}
	run(tab, tab.Update(tickMsg{at: tab.current().lastDrift.Add(defaultDriftEvery)}))
	if got := strings.Join(fa.callList(), ","); got != "RefreshDrift" {
		t.Errorf("drift poll = %s", got)
	}
}

func TestSecurityReauditsOnlyChangedContainers(t *testing.T) {
	tab, fa, fe := loaded(t, 120, 30)
	snap := fe.snap
	cs := append([]backend.Container(nil), snap.Containers...)
	cs[1].State, cs[1].Status = "exited", "Exited (0) 1 second ago" // shop-api-1 stopped
	cs = append(cs[:4], backend.Container{ID: "ffffffffffff6666", Name: "intruder", State: "running"})
	snap.Containers = cs // hog (eeee) removed, intruder added
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: snap}))
	got := strings.Join(fa.callList(), ",")
	want := "RemoveContainer eeeeeeeeeeee5555,RefreshContainer bbbbbbbbbbbb2222,RefreshContainer ffffffffffff6666"
	if got != want {
		t.Errorf("calls = %s\nwant    %s", got, want)
	}
	// A status text that only ages ("Up 3 hours" -> "Up 4 hours") is no change.
	snap2 := snap
	snap2.Containers = append([]backend.Container(nil), snap.Containers...)
	snap2.Containers[0].Status = "Up 4 hours (healthy)"
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: snap2}))
	if calls := fa.callList(); len(calls) != 0 {
		t.Errorf("aging status caused %v", calls)
	}
}

func TestSecurityReconnectCollectsAgain(t *testing.T) {
	tab, fa, fe := loaded(t, 120, 30)
	run(tab, tab.Focused())
	fa.callList()
	down := fe.snap
	down.State = backend.ConnDisconnected
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: down}))
	if calls := fa.callList(); len(calls) != 0 {
		t.Errorf("disconnected snapshot caused %v", calls)
	}
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}))
	if got := strings.Join(fa.callList(), ","); got != "Refresh,RefreshDeep" {
		t.Errorf("after reconnect: %s", got)
	}
}

func TestSecurityAcceptFlow(t *testing.T) {
	tab, fa, _ := loaded(t, 120, 30)
	first := tab.selectedFinding()
	if first == nil || first.ID != "CIS-5.5" {
		t.Fatalf("cursor on %+v, want the first critical finding", first)
	}
	secKey(tab, "A")
	if !tab.Capturing() {
		t.Fatal("A did not open the reason prompt")
	}
	secKey(tab, "enter")
	if !strings.Contains(secScreen(tab, 120, 30), "a reason is required") {
		t.Error("empty reason accepted")
	}
	secKey(tab, "A")
	for _, r := range "GPU lab, isolated" {
		run(tab, tab.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
	secKey(tab, "enter")
	if tab.Capturing() {
		t.Fatal("prompt still open after enter")
	}
	if fa.accepted[first.Key()] != "GPU lab, isolated" {
		t.Fatalf("accepted = %v", fa.accepted)
	}
	s := secScreen(tab, 120, 30)
	if !strings.Contains(s, "CRIT acc") || !strings.Contains(s, "1 accepted") {
		t.Errorf("accepted finding not shown as accepted:\n%s", s)
	}
	// It stays visible, and esc in the prompt cancels without accepting.
	if strings.Count(s, "CIS-5.5") != 1 {
		t.Errorf("accepted finding hidden:\n%s", s)
	}
	secKey(tab, "j", "A", "x", "esc")
	if tab.Capturing() || len(fa.accepted) != 1 {
		t.Errorf("esc did not cancel: capturing %v, accepted %v", tab.Capturing(), fa.accepted)
	}
}

func TestSecurityDetailAndBack(t *testing.T) {
	tab, _, _ := loaded(t, 120, 40)
	secKey(tab, "enter")
	if !tab.WantsEsc() || !strings.Contains(tab.Crumb(), "CIS-5.5 shop-web-1") {
		t.Fatalf("detail not open: crumb %q", tab.Crumb())
	}
	s := secScreen(tab, 120, 40)
	for _, want := range []string{"CRITICAL  CIS-5.5  Privileged container", "evidence  HostConfig.Privileged=true", "why ", "fix       Remove --privileged",
		"Hardened run command for shop-web-1", "--cap-drop ALL \\"} {
		if !strings.Contains(s, want) {
			t.Errorf("detail lacks %q:\n%s", want, s)
		}
	}
	secKey(tab, "esc")
	if tab.WantsEsc() || tab.Crumb() != "security" {
		t.Errorf("esc did not close the detail")
	}
}

func TestSecurityFilter(t *testing.T) {
	tab, _, _ := loaded(t, 120, 30)
	if err := tab.SetFilter("sev=severe"); err == nil {
		t.Error("bad severity accepted")
	}
	for filter, want := range map[string]int{"": 8, "sev>=high": 4, "kind=engine": 1, "drift": 1, "xmr kind=container": 1, "accepted": 0, "nothing-matches": 0} {
		if err := tab.SetFilter(filter); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range tab.rows {
			if r.f != nil {
				n++
			}
		}
		if n != want {
			t.Errorf("filter %q: %d findings, want %d", filter, n, want)
		}
	}
	_ = tab.SetFilter("nothing-matches")
	if s := secScreen(tab, 120, 30); !strings.Contains(s, `No finding matches "nothing-matches"`) {
		t.Errorf("empty filter result:\n%s", s)
	}
}

func TestSecurityCursorSkipsHeaders(t *testing.T) {
	tab, _, _ := loaded(t, 120, 30)
	for i := 0; i < 20; i++ {
		if tab.selectedFinding() == nil {
			t.Fatalf("cursor on a header after %d moves", i)
		}
		secKey(tab, "j")
	}
	secKey(tab, "g")
	if f := tab.selectedFinding(); f == nil || f.ID != "CIS-5.5" {
		t.Errorf("top = %+v", f)
	}
}

func TestSecurityOtherEnginesAndLateReports(t *testing.T) {
	tab, _, fe := loaded(t, 160, 30)
	other := sampleReport()
	other.Engine, other.Findings, other.Score = "prod", nil, 100
	// A report of another engine is kept for the summary but does not
	// replace what the focused engine shows.
	run(tab, tab.Update(securityReportMsg{engine: "prod", report: other}))
	s := secScreen(tab, 160, 30)
	if !strings.Contains(s, "other engines: prod 100") || !strings.Contains(s, "CIS-5.5") {
		t.Errorf("summary or focus wrong:\n%s", s)
	}
	_ = fe
}

func TestSecurityAuditError(t *testing.T) {
	tab, fa, fe := newSecTab(t, 100, 20)
	fa.failNext = errors.New("engine went away")
	fa.report = audit.Report{}
	run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}))
	if s := secScreen(tab, 100, 20); !strings.Contains(s, "engine went away") {
		t.Errorf("error not shown:\n%s", s)
	}
}

func TestSecurityUnavailable(t *testing.T) {
	fe := newFakeEngine()
	c := &Common{Engine: fe, Keys: keymap.New(false), Styles: PlainStyles(), Glyphs: ASCIIGlyphs()}
	tab := newSecurityTab(c, SecurityDeps{})
	if cmd := tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}); cmd != nil {
		t.Error("no auditor, yet a command")
	}
	if s := tab.View(80, 10); !strings.Contains(s, "not available") {
		t.Errorf("view: %s", s)
	}
}

func TestSecurityHelpersForOtherViews(t *testing.T) {
	r := sampleReport()
	m := WorstByContainer(r)
	if m["aaaaaaaaaaaa1111"] != audit.SevCritical || len(m) != 1 {
		t.Errorf("WorstByContainer = %v", m)
	}
	lines := SecuritySectionLines(r, "aaaaaaaaaaaa1111", 80)
	joined := strings.Join(lines, "\n")
	for _, want := range []string{"CRITICAL CIS-5.5", "HostConfig.Privileged=true", "Hardened run command:", "--read-only"} {
		if !strings.Contains(joined, want) {
			t.Errorf("section lacks %q:\n%s", want, joined)
		}
	}
	if l := SecuritySectionLines(r, "nope", 80); len(l) != 1 || l[0] != "No open findings." {
		t.Errorf("empty section = %q", l)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("alpha beta gamma delta", 11)
	if strings.Join(got, "|") != "alpha beta|gamma delta" {
		t.Errorf("wrap = %q", got)
	}
	if got := wrap("abcdefghij", 4); strings.Join(got, "|") != "abcd|efgh|ij" {
		t.Errorf("long word = %q", got)
	}
}

var _ = engine.Snapshot{}

// TestFirstAuditWaitsForFirstStats: the first collection (a hundred inspects
// on a big engine) must not queue with the first stats calls; it starts when
// stats have arrived, or after auditHold, or at once when the tab is opened.
func TestFirstAuditWaitsForFirstStats(t *testing.T) {
	hasRefresh := func(calls []string) bool {
		for _, c := range calls {
			if c == "Refresh" {
				return true
			}
		}
		return false
	}
	t.Run("stats arrive", func(t *testing.T) {
		tab, fa, fe := newSecTab(t, 120, 30)
		snap := fe.snap
		snap.Stats = nil
		run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: snap}))
		if calls := fa.callList(); hasRefresh(calls) {
			t.Fatalf("audit started before any stats: %v", calls)
		}
		run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: fe.snap}))
		run(tab, tab.Update(tickMsg{at: fakeNow}))
		if calls := fa.callList(); !hasRefresh(calls) {
			t.Fatalf("audit did not start once stats arrived: %v", calls)
		}
	})
	t.Run("hold expires", func(t *testing.T) {
		tab, fa, fe := newSecTab(t, 120, 30)
		snap := fe.snap
		snap.Stats = nil
		run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: snap}))
		run(tab, tab.Update(tickMsg{at: fakeNow.Add(auditHold / 2)}))
		if calls := fa.callList(); hasRefresh(calls) {
			t.Fatalf("audit started before the hold ended: %v", calls)
		}
		run(tab, tab.Update(tickMsg{at: fakeNow.Add(auditHold)}))
		if calls := fa.callList(); !hasRefresh(calls) {
			t.Fatalf("audit did not start when the hold ended: %v", calls)
		}
	})
	t.Run("tab opened", func(t *testing.T) {
		tab, fa, fe := newSecTab(t, 120, 30)
		snap := fe.snap
		snap.Stats = nil
		run(tab, tab.Update(snapshotMsg{engine: fe.ID(), snap: snap}))
		run(tab, tab.Focused())
		if calls := fa.callList(); !hasRefresh(calls) {
			t.Fatalf("opening the tab did not start the audit: %v", calls)
		}
	})
}

func TestStateChanged(t *testing.T) {
	base := backend.Container{ID: "a", Name: "web", State: "running", ImageID: "sha256:1"}
	inspected := base
	inspected.Inspected, inspected.RestartCount, inspected.StartedAt = true, 0, fakeNow
	restarted := inspected
	restarted.RestartCount, restarted.StartedAt = 1, fakeNow.Add(time.Minute)
	stopped := base
	stopped.State = "exited"
	for _, tc := range []struct {
		name     string
		old, cur backend.Container
		want     bool
	}{
		{"inspect fills in", base, inspected, false},
		{"same", inspected, inspected, false},
		{"restarted", inspected, restarted, true},
		{"stopped, not inspected yet", base, stopped, true},
		{"inspected, then relisted without", inspected, base, false},
	} {
		if got := containerStateKey(tc.old).changedTo(containerStateKey(tc.cur)); got != tc.want {
			t.Errorf("%s: changed = %v, want %v", tc.name, got, tc.want)
		}
	}
	// inspected → an inspect failed → inspected after a restart: the
	// restart must still count.
	seen := containerStateKey(inspected).carry(containerStateKey(base))
	if !seen.changedTo(containerStateKey(restarted)) {
		t.Errorf("a restart after a failed inspect went unseen (key %+v)", seen)
	}
}

func TestEngineSettled(t *testing.T) {
	run := backend.Container{ID: "a", State: "running", Inspected: true}
	stopped := backend.Container{ID: "b", State: "exited", Inspected: true}
	fresh := backend.Container{ID: "c", State: "running"}
	figures := map[string]backend.Stats{"a": {ID: "a"}}
	for _, tc := range []struct {
		name string
		snap engine.Snapshot
		want bool
	}{
		{"no containers", engine.Snapshot{}, true},
		{"inspected, no figures yet", engine.Snapshot{Containers: []backend.Container{run}}, false},
		{"inspected, figures in", engine.Snapshot{Containers: []backend.Container{run}, Stats: figures}, true},
		{"one not inspected yet", engine.Snapshot{Containers: []backend.Container{run, fresh}, Stats: figures}, false},
		{"nothing running to sample", engine.Snapshot{Containers: []backend.Container{stopped}}, true},
	} {
		if got := engineSettled(tc.snap); got != tc.want {
			t.Errorf("%s: engineSettled = %v, want %v", tc.name, got, tc.want)
		}
	}
}
