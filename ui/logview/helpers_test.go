package logview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
)

// keyMsg builds the key press a terminal would send for a key name as
// bubbletea v2 spells it ("up", "pgdown", "ctrl+u", "space", "G", "/").
func keyMsg(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"esc": tea.KeyEscape, "enter": tea.KeyEnter, "backspace": tea.KeyBackspace,
	}
	if c, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	if name == "space" {
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if rest, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("keyMsg: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// press sends keys to m in order.
func press(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		msg := keyMsg(k)
		if got := msg.String(); got != k {
			t.Fatalf("test key %q stringifies as %q", k, got)
		}
		m, _ = m.Update(msg)
	}
	return m
}

// typeText types s into whatever has focus, one key per rune.
func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// numbered returns n short lines "line 000".."line n-1", every fifth on
// stderr, one second apart.
func numbered(n int) []backend.LogLine {
	out := make([]backend.LogLine, n)
	for i := range out {
		out[i] = backend.LogLine{
			Time: t0.Add(time.Duration(i) * time.Second),
			Text: fmt.Sprintf("line %03d", i),
		}
		if i%5 == 4 {
			out[i].Stream = backend.Stderr
		}
	}
	return out
}

// realistic returns n deterministic, varied log lines: access logs, JSON,
// stack-trace-ish stderr lines, some long ones.
func realistic(n int) []backend.LogLine {
	out := make([]backend.LogLine, n)
	x := uint32(2463534242)
	rnd := func() uint32 { // xorshift32: deterministic, no global state
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return x
	}
	paths := []string{"/api/v1/containers", "/healthz", "/api/v1/images?all=1", "/metrics", "/login"}
	for i := range out {
		ts := t0.Add(time.Duration(i) * 250 * time.Millisecond)
		var l backend.LogLine
		l.Time = ts
		switch r := rnd() % 10; {
		case r < 6:
			l.Text = fmt.Sprintf("10.0.%d.%d - - \"GET %s HTTP/1.1\" %d %d %dms",
				rnd()%255, rnd()%255, paths[rnd()%uint32(len(paths))], []int{200, 200, 200, 304, 404, 500}[rnd()%6], rnd()%50000, rnd()%900)
		case r < 8:
			l.Text = fmt.Sprintf(`{"level":"info","ts":%d,"msg":"request served","req_id":"%08x","user":"u%d","latency_ms":%d,"tags":["a","b","c"]}`,
				ts.Unix(), rnd(), rnd()%1000, rnd()%2000)
		case r < 9:
			l.Stream = backend.Stderr
			l.Text = fmt.Sprintf("ERROR worker %d: upstream timeout after %ds (attempt %d/5), retrying", rnd()%16, rnd()%30, rnd()%5+1)
		default:
			l.Stream = backend.Stderr
			l.Text = fmt.Sprintf("\tat com.example.Service.handle(Service.java:%d)", rnd()%900)
		}
		out[i] = l
	}
	return out
}

// checkFrame asserts the invariant every frame must keep: exactly h rows,
// each exactly w cells wide.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	rows := strings.Split(view, "\n")
	if len(rows) != h {
		t.Fatalf("view has %d rows, want %d:\n%s", len(rows), h, ansi.Strip(view))
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got != w {
			t.Errorf("row %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(r))
		}
	}
}

// rows returns the stripped rows of the view.
func rows(m Model) []string {
	return strings.Split(ansi.Strip(m.View()), "\n")
}

// firstRow is the first content row of the view, without the gutter.
func firstRow(m Model) string {
	return strings.TrimSpace(strings.TrimPrefix(rows(m)[0], "▌"))
}

// footer is the footer row, trimmed.
func footer(m Model) string {
	r := rows(m)
	return strings.TrimSpace(r[len(r)-1])
}
