package logview

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/dockterm/dockterm/backend"
)

// newNumbered is a 40x11 viewer (10 rows of log) holding lines 000..n-1.
func newNumbered(n int, opts ...Option) Model {
	m := New(opts...)
	m.SetSize(40, 11)
	m.Append(numbered(n)...)
	return m
}

func TestDefaults(t *testing.T) {
	m := New()
	if !m.Following() || !m.Wrap() || m.Timestamps() || m.InputActive() {
		t.Errorf("defaults: follow=%v wrap=%v ts=%v input=%v, want follow and wrap on, ts and input off",
			m.Following(), m.Wrap(), m.Timestamps(), m.InputActive())
	}
	if m.MaxLines() != DefaultMaxLines {
		t.Errorf("MaxLines = %d, want %d", m.MaxLines(), DefaultMaxLines)
	}
	if v := m.View(); v != "" {
		t.Errorf("View before SetSize = %q, want empty", v)
	}
}

func TestScrollKeys(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		first  string // first content row
		follow bool
	}{
		{"starts at the tail", nil, "line 090", true},
		{"up leaves follow", []string{"up"}, "line 089", false},
		{"k is up", []string{"k", "k"}, "line 088", false},
		{"down while following is a no-op", []string{"down"}, "line 090", true},
		{"G re-enters follow", []string{"up", "up", "G"}, "line 090", true},
		{"end re-enters follow", []string{"pgup", "end"}, "line 090", true},
		{"down at the bottom stays paused", []string{"up", "down", "down", "j"}, "line 090", false},
		{"pgup is a page", []string{"pgup"}, "line 080", false},
		{"b is a page", []string{"b", "b"}, "line 070", false},
		{"g goes to the oldest", []string{"g"}, "line 000", false},
		{"home goes to the oldest", []string{"home"}, "line 000", false},
		{"pgdown after g", []string{"g", "pgdown"}, "line 010", false},
		{"space and f page down", []string{"g", "space", "f"}, "line 020", false},
		{"ctrl+u is half a page", []string{"ctrl+u"}, "line 085", false},
		{"ctrl+d is half a page", []string{"g", "ctrl+d"}, "line 005", false},
		{"up stops at the top", []string{"g", "up", "up"}, "line 000", false},
		{"pgdown stops at the tail", []string{"g", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown"}, "line 090", false},
		{"F leaves follow", []string{"F"}, "line 090", false},
		{"F toggles back", []string{"g", "F"}, "line 090", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(t, newNumbered(100), tt.keys...)
			if got := firstRow(m); got != tt.first {
				t.Errorf("first row = %q, want %q", got, tt.first)
			}
			if m.Following() != tt.follow {
				t.Errorf("following = %v, want %v", m.Following(), tt.follow)
			}
			checkFrame(t, m.View(), 40, 11)
		})
	}
}

func TestUpDoesNotLeaveFollowWhenEverythingFits(t *testing.T) {
	m := press(t, newNumbered(3), "up", "pgup")
	if !m.Following() {
		t.Error("up on a log that fits the screen left follow mode; nothing scrolled")
	}
}

func TestToggles(t *testing.T) {
	m := newNumbered(10)
	m = press(t, m, "t")
	if !m.Timestamps() {
		t.Fatal("t did not turn timestamps on")
	}
	if got := firstRow(m); got != "12:00:00.000 line 000" {
		t.Errorf("row with timestamp = %q", got)
	}
	m = press(t, m, "t", "w")
	if m.Timestamps() || m.Wrap() {
		t.Errorf("after t,w: timestamps=%v wrap=%v, want both off", m.Timestamps(), m.Wrap())
	}
	if !strings.Contains(footer(m), "nowrap") {
		t.Errorf("footer %q does not say nowrap", footer(m))
	}
	m = press(t, m, "w")
	if !m.Wrap() {
		t.Error("second w did not turn wrapping back on")
	}
}

func TestHorizontalScroll(t *testing.T) {
	m := New()
	m.SetSize(20, 5) // 18 cells of text
	m.Append(backend.LogLine{Text: "0123456789abcdefghijklmnopqrstuvwxyz"})

	if m2 := press(t, m, "right"); m2.XOffset() != 0 {
		t.Errorf("right in wrap mode scrolled to %d", m2.XOffset())
	}
	m = press(t, m, "w", "right")
	if m.XOffset() != 9 {
		t.Fatalf("xoff after right = %d, want half the text width (9)", m.XOffset())
	}
	if got := firstRow(m); got != "9abcdefghijklmnopq" {
		t.Errorf("scrolled row = %q", got)
	}
	m = press(t, m, "l", "l", "l")
	if m.XOffset() != 36-18 {
		t.Errorf("xoff = %d, want it to stop where the line's end meets the right edge (18)", m.XOffset())
	}
	if got := firstRow(m); got != "ijklmnopqrstuvwxyz" {
		t.Errorf("row at the right end = %q", got)
	}
	wide := m
	wide.SetSize(60, 5) // the 20-cell footer has no room for the wrap field
	if !strings.Contains(footer(wide), "nowrap col 19") {
		t.Errorf("footer %q does not show the column", footer(wide))
	}
	m = press(t, m, "left", "h", "h")
	if m.XOffset() != 0 {
		t.Errorf("xoff after going left = %d", m.XOffset())
	}
	m = press(t, m, "right", "w")
	if m.XOffset() != 0 {
		t.Error("turning wrap on kept a horizontal offset")
	}
}

func TestFollowAndPausedAppend(t *testing.T) {
	more := numbered(110)[100:]

	// Copies of a Model share the line storage, so each case gets its own.
	following := newNumbered(100)
	following.Append(more[:3]...)
	if got := firstRow(following); got != "line 093" {
		t.Errorf("following: first row after append = %q, want the tail to move", got)
	}

	paused := press(t, newNumbered(100), "up")
	paused.Append(more...)
	if got := firstRow(paused); got != "line 089" {
		t.Errorf("paused: first row after append = %q, want the view to stay put", got)
	}
	if f := footer(paused); !strings.Contains(f, "paused +10 new") {
		t.Errorf("paused footer %q does not count new lines", f)
	}
	paused = press(t, paused, "G")
	if got := firstRow(paused); got != "line 100" {
		t.Errorf("after G: first row = %q", got)
	}
	if f := footer(paused); !strings.Contains(f, "follow") || strings.Contains(f, "paused") {
		t.Errorf("footer after G = %q", f)
	}
}

func TestMouseWheel(t *testing.T) {
	m := newNumbered(100)
	m, _ = m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.Following() || firstRow(m) != "line 087" {
		t.Errorf("wheel up: following=%v first=%q", m.Following(), firstRow(m))
	}
	m, _ = m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if firstRow(m) != "line 090" {
		t.Errorf("wheel down: first=%q", firstRow(m))
	}
}

func TestHandles(t *testing.T) {
	m := newNumbered(10)
	tests := []struct {
		key  string
		want bool
	}{
		{"up", true}, {"G", true}, {"/", true}, {"t", true}, {"w", true},
		{"esc", false}, // nothing to clear: the app may use esc to go back
		{"n", false}, {"q", false}, {"?", false},
		{"left", false}, // wrap mode has nothing to scroll sideways
	}
	for _, tt := range tests {
		if got := m.Handles(keyMsg(tt.key)); got != tt.want {
			t.Errorf("Handles(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
	searched := m
	if err := searched.Search("line"); err != nil {
		t.Fatal(err)
	}
	if !searched.Handles(keyMsg("esc")) || !searched.Handles(keyMsg("n")) {
		t.Error("with an active search, esc and n belong to the viewer")
	}
	typing := press(t, m, "/")
	for _, k := range []string{"q", "?", "esc", "enter", "G"} {
		if !typing.Handles(keyMsg(k)) {
			t.Errorf("input open: Handles(%q) = false, want every key", k)
		}
	}
}

func TestKeyMapHelp(t *testing.T) {
	var _ help.KeyMap = DefaultKeyMap()
	k := DefaultKeyMap()
	seen := map[string]bool{}
	for _, col := range k.FullHelp() {
		for _, b := range col {
			if b.Help().Key == "" || b.Help().Desc == "" {
				t.Errorf("binding %v has no help text", b.Keys())
			}
			seen[b.Help().Desc] = true
		}
	}
	for _, b := range k.ShortHelp() {
		if !seen[b.Help().Desc] {
			t.Errorf("short help %q is missing from the full help", b.Help().Desc)
		}
	}
	// A rebound keymap is honoured.
	k.Top.SetKeys("T")
	m := New(WithKeyMap(k))
	m.SetSize(40, 11)
	m.Append(numbered(100)...)
	if got := firstRow(press(t, m, "T")); got != "line 000" {
		t.Errorf("rebound Top: first row = %q", got)
	}
	if got := firstRow(press(t, m, "g")); got != "line 090" {
		t.Errorf("old Top key still works: first row = %q", got)
	}
}

func TestSearchInputKeys(t *testing.T) {
	m := newNumbered(100)
	m = press(t, m, "/")
	if !m.InputActive() {
		t.Fatal("/ did not open the search input")
	}
	m = typeText(m, "LINE 04")
	if got := footer(m); !strings.HasPrefix(got, "/LINE 04") {
		t.Errorf("footer while typing = %q", got)
	}
	// While typing, viewer keys are text.
	m = typeText(m, "G")
	if m.Following() != true || m.SearchQuery() != "" {
		t.Error("typing into the input acted on the viewer")
	}
	m = press(t, m, "backspace", "enter")
	if m.InputActive() {
		t.Fatal("enter did not close the input")
	}
	if m.SearchQuery() != "LINE 04" {
		t.Errorf("query = %q", m.SearchQuery())
	}
	cur, n := m.Matches()
	if n != 10 || cur != 10 {
		t.Fatalf("matches = %d/%d, want 10/10 (the newest match above the bottom of the view)", cur, n)
	}
	if got := firstRow(m); !strings.Contains(strings.Join(rows(m), "\n"), "line 049") {
		t.Errorf("current match not on screen; first row %q", got)
	}
	if f := footer(m); !strings.Contains(f, "match 10/10") {
		t.Errorf("footer %q lacks match i/N", f)
	}

	m = press(t, m, "n")
	if cur, _ := m.Matches(); cur != 1 {
		t.Errorf("n from the last match wrapped to %d, want 1", cur)
	}
	m = press(t, m, "N")
	if cur, _ := m.Matches(); cur != 10 {
		t.Errorf("N from the first match wrapped to %d, want 10", cur)
	}
	m = press(t, m, "N", "N")
	if cur, _ := m.Matches(); cur != 8 {
		t.Errorf("after N N: match %d, want 8", cur)
	}
	if !strings.Contains(strings.Join(rows(m), "\n"), "line 047") {
		t.Error("match 8 (line 047) is not on screen")
	}

	m = press(t, m, "esc")
	if m.SearchQuery() != "" {
		t.Errorf("esc did not clear the search")
	}
	if f := footer(m); strings.Contains(f, "match") {
		t.Errorf("footer after esc = %q", f)
	}
}

func TestSearchInputCancelAndErrors(t *testing.T) {
	m := newNumbered(20)
	if err := m.Search("line 01"); err != nil {
		t.Fatal(err)
	}
	m = typeText(press(t, m, "/"), "other")
	m = press(t, m, "esc")
	if m.InputActive() || m.SearchQuery() != "line 01" {
		t.Errorf("esc in the input: input=%v query=%q, want closed and the old search kept", m.InputActive(), m.SearchQuery())
	}

	m = typeText(press(t, m, "/"), "/line [0-/")
	m = press(t, m, "enter")
	if !m.InputActive() {
		t.Fatal("a bad regexp closed the input; it should stay open to be fixed")
	}
	if !strings.Contains(m.SearchError(), "error parsing regexp") {
		t.Errorf("SearchError = %q", m.SearchError())
	}
	r := rows(m)
	if !strings.Contains(r[len(r)-2], "error parsing regexp") {
		t.Errorf("error not shown above the input: %q", r[len(r)-2])
	}
	checkFrame(t, m.View(), 40, 11)
	m = press(t, m, "backspace", "backspace")
	m = typeText(m, "-9]/")
	m = press(t, m, "enter")
	if m.InputActive() || m.SearchError() != "" {
		t.Fatalf("fixed regexp: input=%v err=%q", m.InputActive(), m.SearchError())
	}
	if _, n := m.Matches(); n != 20 {
		t.Errorf("/line [0-9]/ matched %d lines, want all 20", n)
	}

	// Enter on an empty input clears the search.
	m = press(t, press(t, m, "/"), "enter")
	if m.SearchQuery() != "" {
		t.Errorf("empty query kept search %q", m.SearchQuery())
	}
}
