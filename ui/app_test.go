package ui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/audit"
)

var update = flag.Bool("update", false, "rewrite golden files")

func newTestApp(t *testing.T, w, h int, readOnly bool) (*App, *fakeEngine) {
	t.Helper()
	f := newFakeEngine()
	c := &Common{Engine: f, Ctx: context.Background()}
	a := NewApp(c, Options{ReadOnly: readOnly, Plain: true, Now: func() time.Time { return fakeNow }})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	a.Update(engineChangedMsg{engine: f.ID()})
	return a, f
}

// keyMsg builds a key press from its bubbletea string form.
func keyMsg(s string) tea.KeyPressMsg {
	special := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "delete": tea.KeyDelete, "backspace": tea.KeyBackspace}
	if strings.HasPrefix(s, "ctrl+") {
		return tea.KeyPressMsg{Code: rune(s[5]), Mod: tea.ModCtrl}
	}
	if s == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	if r, ok := special[s]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// press sends keys and runs the commands they return (bounded, so ticks and
// engine waits are skipped), feeding results back like the runtime would.
func press(a *App, keys ...string) {
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		drain(a, cmd, 0)
	}
}

func typeText(a *App, s string) {
	for _, r := range s {
		_, cmd := a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		drain(a, cmd, 0)
	}
}

func drain(a *App, cmd tea.Cmd, depth int) {
	runCmd(cmd, depth, func(m tea.Msg) tea.Cmd {
		_, next := a.Update(m)
		return next
	})
}

// runCmd runs a Cmd synchronously (batches too, a bounded depth) and feeds
// the messages back through feed, as the runtime would. A Cmd that does not
// answer within 50 ms is a tick, a cursor blink or an engine wait: not part
// of the step under test.
func runCmd(cmd tea.Cmd, depth int, feed func(tea.Msg) tea.Cmd) {
	if cmd == nil || depth > 5 {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(50 * time.Millisecond):
		return
	}
	switch m := msg.(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range m {
			runCmd(c, depth+1, feed)
		}
	default:
		runCmd(feed(m), depth+1, feed)
	}
}

func screen(a *App) string { return ansi.Strip(a.render()) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test ./ui -update)", name, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden (run go test ./ui -update and review the diff)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func checkFrame(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Fatalf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, l)
		}
	}
}

func TestGoldenViews(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {160, 50}} {
		suffix := "_" + itoa(size.w) + "x" + itoa(size.h)
		cases := []struct {
			name string
			keys []string
		}{
			{"containers", nil},
			{"sorted_cpu", []string{">", ">", ">", ">"}},
			{"grouped", []string{"P"}},
			{"help", []string{"?"}},
			{"confirm_remove", []string{"ctrl+d"}},
			{"detail_inspect", []string{"i"}},
			{"detail_env", []string{"i", "tab"}},
			{"detail_top", []string{"T"}},
			{"detail_diff", []string{"D"}},
			{"detail_network", []string{"i", "tab", "tab", "tab"}},
			{"networks_tab", []string{"2"}},
		}
		for _, tc := range cases {
			t.Run(tc.name+suffix, func(t *testing.T) {
				a, _ := newTestApp(t, size.w, size.h, false)
				press(a, tc.keys...)
				s := screen(a)
				checkFrame(t, s, size.w, size.h)
				golden(t, tc.name+suffix, s)
			})
		}
	}
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Replace(time.Duration(n).String(), "ns", "", 1))
}

func TestContainersShowStateInWords(t *testing.T) {
	a, _ := newTestApp(t, 160, 50, false)
	s := screen(a)
	for _, want := range []string{"restarting", "running unhealthy", "exited(137) OOM", "running healthy", "12.5%", "0.0.0.0:8080->80/tcp", "14"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q\n%s", want, s)
		}
	}
}

func TestFilterForms(t *testing.T) {
	cases := []struct {
		filter string
		want   []string
		not    []string
	}{
		{"shop", []string{"shop-web-1", "shop-api-1"}, []string{"crashy", "hog"}},
		{"/^s.*k$/", []string{"sick"}, []string{"shop-web-1"}},
		{"state=oom", []string{"hog"}, []string{"sick"}},
		{"state=unhealthy", []string{"sick"}, []string{"hog"}},
		{"state=restarting", []string{"crashy"}, []string{"sick"}},
		{"label=tier=api", []string{"shop-api-1"}, []string{"shop-web-1"}},
		{"label=tier", []string{"shop-api-1", "shop-web-1"}, []string{"crashy"}},
		{"shop label=tier=web", []string{"shop-web-1"}, []string{"shop-api-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			a, _ := newTestApp(t, 160, 50, false)
			press(a, "/")
			typeText(a, tc.filter)
			press(a, "enter")
			s := screen(a)
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("filter %q: %q missing\n%s", tc.filter, w, s)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(s, n) {
					t.Errorf("filter %q: %q should be filtered out", tc.filter, n)
				}
			}
			press(a, "esc")
			if s := screen(a); !strings.Contains(s, "hog") {
				t.Errorf("esc did not clear the filter")
			}
		})
	}
}

func TestBadRegexpKeepsWorking(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	press(a, "/")
	typeText(a, "/[unclosed/")
	press(a, "enter")
	if a.mode != modeFilter || a.inputErr == "" {
		t.Fatalf("a bad regexp must keep the prompt open with an error; mode=%v err=%q", a.mode, a.inputErr)
	}
	if !strings.Contains(screen(a), "bad regexp") {
		t.Errorf("error not shown")
	}
	press(a, "esc")
	if a.mode != modeNormal {
		t.Errorf("esc should leave the prompt")
	}
}

func TestAllVersRunning(t *testing.T) {
	a, _ := newTestApp(t, 160, 50, false)
	press(a, "a")
	s := screen(a)
	if strings.Contains(s, "hog") || !strings.Contains(s, "sick") {
		t.Errorf("running-only should hide exited containers\n%s", s)
	}
}

func TestSortByCPUDescending(t *testing.T) {
	a, _ := newTestApp(t, 160, 50, false)
	press(a, ">", ">", ">", ">") // name -> image -> state -> restarts -> cpu
	tab := a.tabs[tabContainers].(*containersTab)
	if tab.sortCol != colCPU || !tab.sortDesc {
		t.Fatalf("sortCol=%d desc=%v", tab.sortCol, tab.sortDesc)
	}
	if first := tab.rows[0].c.Name; first != "shop-api-1" {
		t.Errorf("hungriest first: got %s", first)
	}
	press(a, "=")
	if tab.sortDesc {
		t.Errorf("= should reverse")
	}
}

func TestNavigationStackAndBreadcrumbs(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	press(a, "j", "l") // second row (by name: hog? sorted by name: crashy, hog, shop-api-1...)
	if len(a.stack) != 1 {
		t.Fatalf("l should open the detail view")
	}
	if !strings.Contains(screen(a), "local › containers › hog › logs") {
		t.Errorf("breadcrumbs missing:\n%s", screen(a))
	}
	press(a, "esc")
	if len(a.stack) != 0 {
		t.Fatalf("esc should pop")
	}
}

func TestCommandMode(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	for cmd, want := range map[string]int{"n": tabNetworks, "v": tabVolumes, "m": tabMachines, "s": tabSecurity, "c": tabContainers} {
		press(a, ":")
		typeText(a, cmd)
		press(a, "enter")
		if a.active != want {
			t.Errorf(":%s -> tab %d, want %d", cmd, a.active, want)
		}
	}
	press(a, ":")
	typeText(a, "bogus")
	press(a, "enter")
	if !strings.Contains(screen(a), "unknown command") {
		t.Errorf("unknown command not reported")
	}
	press(a, ":")
	typeText(a, "q")
	_, cmd := a.Update(keyMsg("enter"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Errorf(":q should quit")
	}
}

func TestDestructiveActionConfirmsAndNamesTarget(t *testing.T) {
	a, f := newTestApp(t, 120, 30, false)
	// rows by name: crashy, hog, shop-api-1, shop-web-1, sick
	press(a, "ctrl+d")
	s := screen(a)
	if !strings.Contains(s, "Remove container?") || !strings.Contains(s, "crashy (cccccccccccc") {
		t.Fatalf("dialog must name the target:\n%s", s)
	}
	press(a, "n")
	if len(f.actions) != 0 {
		t.Fatalf("n must not act: %v", f.actions)
	}
	press(a, "ctrl+d", "v", "y")
	if len(f.actions) != 1 || f.actions[0] != "remove with volumes cccccccccccc3333" {
		t.Fatalf("actions = %v", f.actions)
	}
	press(a, "j", "K", "y")
	if len(f.actions) != 2 || f.actions[1] != "kill eeeeeeeeeeee5555" {
		t.Fatalf("actions = %v", f.actions)
	}
}

func TestReadOnlyUnbindsMutations(t *testing.T) {
	a, f := newTestApp(t, 120, 30, true)
	for _, k := range []string{"s", "o", "r", "K", "p", "ctrl+d", "delete", "x"} {
		press(a, k, "y")
	}
	if len(f.actions) != 0 {
		t.Fatalf("read-only performed %v", f.actions)
	}
	if a.mode == modeConfirm {
		t.Fatalf("read-only opened a confirm dialog")
	}
	s := screen(a)
	if !strings.Contains(s, "RO") {
		t.Errorf("status bar must say RO")
	}
	press(a, "?")
	help := screen(a)
	for _, gone := range []string{"restart", "kill", "remove", "exec shell"} {
		if strings.Contains(help, gone) {
			t.Errorf("help lists %q in read-only mode", gone)
		}
	}
}

func TestLateResultFromOtherEngineIgnored(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	press(a, "i")
	d := a.stack[0].(*detailView)
	other := detailTag{engine: "other", view: d}
	a.Update(inspectMsg{tag: other, err: errFake})
	if d.detailErr != "" {
		t.Fatalf("a result tagged for another engine landed")
	}
	// and one for a closed view
	press(a, "esc")
	a.Update(inspectMsg{tag: detailTag{engine: "local", view: d}, err: errFake})
}

var errFake = errorString("fake")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestWatchesOnlyVisibleRows(t *testing.T) {
	a, f := newTestApp(t, 120, 6, false) // 3 body lines: header + 2 rows
	_ = a
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.watched) > 2 {
		t.Fatalf("watched %v; only rows on screen may be sampled", f.watched)
	}
}

func TestTinyAndResize(t *testing.T) {
	a, _ := newTestApp(t, 80, 24, false)
	for _, sz := range [][2]int{{20, 5}, {200, 60}, {1, 1}, {80, 24}} {
		a.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFrame(t, screen(a), sz[0], sz[1])
	}
}

func TestDisconnectedShownWithDataAge(t *testing.T) {
	a, f := newTestApp(t, 120, 30, false)
	f.snap.State = backend.ConnDisconnected
	f.snap.Err = "engine local: events: EOF (reconnecting)"
	f.snap.Updated = fakeNow.Add(-42 * time.Second)
	a.Update(engineChangedMsg{engine: f.ID()})
	s := screen(a)
	for _, want := range []string{"DISCONNECTED", "data 42s old", "events: EOF", "shop-web-1"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

func TestDetailViewReleasesItsCallsOnClose(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	press(a, "i")
	d := a.stack[0].(*detailView)
	if d.ctx.Err() != nil {
		t.Fatal("context ended while the view is open")
	}
	press(a, "esc")
	if d.ctx.Err() == nil {
		t.Fatal("closing the detail view must cancel its calls and streams")
	}
}

func TestWatchedSetFollowsTheViewInFront(t *testing.T) {
	a, f := newTestApp(t, 120, 30, false)
	watched := func() []string { f.mu.Lock(); defer f.mu.Unlock(); return append([]string(nil), f.watched...) }
	if got := watched(); len(got) != 3 { // the three running rows
		t.Fatalf("list watches %v", got)
	}
	press(a, "/")
	typeText(a, "shop-web")
	press(a, "enter", "i")
	if got := watched(); len(got) != 1 || got[0] != "aaaaaaaaaaaa1111" {
		t.Fatalf("detail should watch only its container, got %v", got)
	}
	press(a, "esc", "5")
	if got := watched(); len(got) != 0 {
		t.Fatalf("no list in front, nothing to sample; got %v", got)
	}
}

func TestSortingByAFigureWatchesEveryRunningRow(t *testing.T) {
	a, f := newTestApp(t, 120, 6, false) // room for two rows only
	f.mu.Lock()
	n := len(f.watched)
	f.mu.Unlock()
	if n > 2 {
		t.Fatalf("by name, only visible rows are sampled; got %d", n)
	}
	press(a, ">", ">", ">", ">", ">") // sec, name -> image -> state -> restarts -> cpu
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.watched) != 3 {
		t.Fatalf("sorting by CPU must sample all 3 running containers, got %v", f.watched)
	}
}

func TestEscInFilterPromptRestoresFilter(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	press(a, "/")
	typeText(a, "shop")
	press(a, "enter", "/")
	typeText(a, "xyz")
	press(a, "esc")
	if got := a.tabs[tabContainers].Filter(); got != "shop" {
		t.Fatalf("filter after esc = %q, want the previous one", got)
	}
}

func TestEventsViewDoesNotStack(t *testing.T) {
	a, _ := newTestApp(t, 120, 30, false)
	press(a, "E", "E", "E")
	if len(a.stack) != 1 {
		t.Fatalf("stack depth %d", len(a.stack))
	}
}

func TestHelpKeepsStatusLine(t *testing.T) {
	a, _ := newTestApp(t, 80, 24, false)
	press(a, "?")
	lines := strings.Split(screen(a), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "running") {
		t.Fatalf("status line pushed off by the help: %q", last)
	}
	press(a, "j", "j", "j")
	if a.helpOffset == 0 {
		t.Errorf("help does not scroll")
	}
}

func TestSecurityReportMarksRows(t *testing.T) {
	a, f := newTestApp(t, 120, 30, false)
	a.Update(securityReportMsg{engine: f.ID(), report: audit.Report{Containers: []audit.ContainerSummary{
		{ID: "aaaaaaaaaaaa1111", Worst: audit.SevCritical, Open: 2},
		{ID: "bbbbbbbbbbbb2222", Worst: audit.SevLow, Open: 0}, // nothing open: no mark
	}}})
	var web, api string
	for _, l := range strings.Split(screen(a), "\n") {
		if strings.Contains(l, "shop-web-1") {
			web = l
		}
		if strings.Contains(l, "shop-api-1") {
			api = l
		}
	}
	if !strings.HasPrefix(web, "CRIT") {
		t.Errorf("web row lacks its severity: %q", web)
	}
	if strings.HasPrefix(api, "LOW") {
		t.Errorf("a container with nothing open is marked: %q", api)
	}
	// A report from another engine must not land.
	a.Update(securityReportMsg{engine: "other", report: audit.Report{Containers: []audit.ContainerSummary{
		{ID: "bbbbbbbbbbbb2222", Worst: audit.SevHigh, Open: 1}}}})
	if strings.Contains(screen(a), "HIGH") {
		t.Errorf("another engine's report landed")
	}
}

func TestDetailOpenedAfterAReportShowsSecurity(t *testing.T) {
	a, f := newTestApp(t, 120, 30, false)
	a.Update(securityReportMsg{engine: f.ID(), report: audit.Report{Findings: []audit.Finding{{
		ID: "CIS-5.32", Title: "Container runtime socket mounted", Severity: audit.SevCritical,
		Object:   audit.Object{Kind: audit.KindContainer, ID: "cccccccccccc3333", Name: "crashy"},
		Evidence: "Mounts: /var/run/docker.sock"}}}})
	press(a, "i") // crashy is the first row
	d := a.stack[0].(*detailView)
	d.section = secSecurity
	d.fillDoc()
	if s := screen(a); !strings.Contains(s, "CIS-5.32") {
		t.Fatalf("security section empty for a report that came before the view:\n%s", s)
	}
}

// TestCachedTableFollowsTime: the containers table is cached between
// frames, but the one column that moves with time alone still moves.
func TestCachedTableFollowsTime(t *testing.T) {
	f := newFakeEngine()
	now := fakeNow
	c := &Common{Engine: f, Ctx: context.Background()}
	a := NewApp(c, Options{Plain: true, Now: func() time.Time { return now }})
	a.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	a.Update(engineChangedMsg{engine: f.ID()})
	before := a.render()
	if !strings.Contains(before, "10m") {
		t.Fatalf("uptime of the 10-minute container missing:\n%s", before)
	}
	if again := a.render(); again != before {
		t.Fatalf("same state, different frame")
	}
	now = now.Add(5 * time.Minute)
	a.Update(tickMsg{at: now})
	after := a.render()
	if !strings.Contains(after, "15m") {
		t.Errorf("uptime did not move with the clock:\n%s", after)
	}
	// And a change of data shows at once.
	f.snap.Containers[0].Name = "renamed-by-test"
	a.Update(engineChangedMsg{engine: f.ID()})
	if s := a.render(); !strings.Contains(s, "renamed-by-test") {
		t.Errorf("a new snapshot did not reach the cached table:\n%s", s)
	}
}

// The clock ticks every ten seconds while nothing on screen moves with time
// alone, and every second while something does; a faster chain retires the
// slower one.
func TestTickPeriodFollowsScreen(t *testing.T) {
	a, f := newTestApp(t, 120, 30, false)
	a.Update(tickMsg{at: fakeNow, gen: a.tickGen})
	if a.tickEvery != slowTick {
		t.Fatalf("uptimes in hours and minutes, live engine: tick every %v, want %v", a.tickEvery, slowTick)
	}

	// A container that just started shows its uptime in seconds.
	f.snap.Containers[1].StartedAt = fakeNow.Add(-20 * time.Second)
	gen := a.tickGen
	a.Update(engineChangedMsg{engine: f.ID()})
	if a.tickEvery != fastTick || a.tickGen == gen {
		t.Fatalf("an uptime in seconds on screen: tick every %v (chain %d -> %d), want %v on a new chain", a.tickEvery, gen, a.tickGen, fastTick)
	}
	// The retired chain's tick does nothing, and schedules nothing.
	if _, cmd := a.Update(tickMsg{at: fakeNow, gen: gen}); cmd != nil {
		t.Error("a retired chain's tick scheduled another")
	}

	// Back to minutes: the chain slows down at its next tick.
	f.snap.Containers[1].StartedAt = fakeNow.Add(-3 * time.Hour)
	a.Update(engineChangedMsg{engine: f.ID()})
	a.Update(tickMsg{at: fakeNow, gen: a.tickGen})
	if a.tickEvery != slowTick {
		t.Fatalf("back to minutes: tick every %v, want %v", a.tickEvery, slowTick)
	}

	// The events view reloads every second.
	press(a, ":")
	typeText(a, "events")
	press(a, "enter")
	if _, ok := a.top().(*eventsView); !ok {
		t.Fatalf(":events opened %T", a.top())
	}
	if a.tickEvery != fastTick {
		t.Fatalf("events view open: tick every %v, want %v", a.tickEvery, fastTick)
	}
	if f.follows != 1 {
		t.Fatalf("events view open: %d follows of all events, want 1", f.follows)
	}
	press(a, "esc")
	if f.follows != 0 {
		t.Fatalf("events view closed: %d follows of all events, want 0", f.follows)
	}

	// So does a lost engine's age in the status bar.
	a.Update(tickMsg{at: fakeNow, gen: a.tickGen})
	if a.tickEvery != slowTick {
		t.Fatalf("events view closed: tick every %v, want %v", a.tickEvery, slowTick)
	}
	f.snap.State = backend.ConnDisconnected
	a.Update(engineChangedMsg{engine: f.ID()})
	if a.tickEvery != fastTick {
		t.Fatalf("disconnected: tick every %v, want %v", a.tickEvery, fastTick)
	}
}

// TestHostOnlyFigureShowsCPUAlone: a row whose CPU was read from the host
// before the engine's first answer shows that figure, and dashes (not zeros)
// for memory, rates and PIDs, which only the engine's answer brings.
func TestHostOnlyFigureShowsCPUAlone(t *testing.T) {
	a, f := newTestApp(t, 160, 50, false)
	f.snap.Stats["dddddddddddd4444"] = backend.Stats{ID: "dddddddddddd4444", CPUPercent: 37.5, NetRxRate: -1, NetTxRate: -1,
		BlkReadRate: -1, BlkWritRate: -1, HostOnly: true}
	a.Update(engineChangedMsg{engine: f.ID()})
	tab := a.tabs[tabContainers].(*containersTab)
	var row *backend.Container
	for _, r := range tab.rows {
		if r.c != nil && r.c.Name == "sick" {
			row = r.c
		}
	}
	if row == nil {
		t.Fatalf("no sick row:\n%s", screen(a))
	}
	for col, want := range map[int]string{colCPU: "37.5%", colMem: "-", colNet: "-/-", colBlock: "-/-", colPIDs: "-"} {
		if got, _ := tab.cell(row, col); got != want {
			t.Errorf("column %d: %q, want %q", col, got, want)
		}
	}
	line := ""
	for _, l := range strings.Split(screen(a), "\n") {
		if strings.Contains(l, " sick ") {
			line = l
		}
	}
	if !strings.Contains(line, "37.5%") || strings.Contains(line, "0B") {
		t.Errorf("sick row %q: want its CPU and no zero memory", line)
	}
}

// TestHostOnlyRowSortsAsUnknownMemory: sorted by memory, a row with only
// the host's CPU figure goes with the rows that have no figures, not with
// zero usage.
func TestHostOnlyRowSortsAsUnknownMemory(t *testing.T) {
	a, f := newTestApp(t, 160, 50, false)
	f.snap.Stats["dddddddddddd4444"] = backend.Stats{ID: "dddddddddddd4444", CPUPercent: 37.5, HostOnly: true}
	a.Update(engineChangedMsg{engine: f.ID()})
	tab := a.tabs[tabContainers].(*containersTab)
	tab.sortCol, tab.sortDesc = colMem, false
	var sick, none sortKey
	key := tab.sortKey()
	for _, r := range tab.rows {
		switch {
		case r.c == nil:
		case r.c.Name == "sick":
			sick = key(r.c)
		case r.c.Name == "hog": // exited: no figures
			none = key(r.c)
		}
	}
	if sick.num != none.num {
		t.Errorf("sick (host CPU only) sorts by memory as %v, a row without figures as %v", sick.num, none.num)
	}
}
