package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/audit"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/ui/sparkline"
)

// Sections of the container detail view.
const (
	secLogs = iota
	secInspect
	secEnv
	secMounts
	secNetwork
	secTop
	secDiff
	secStats
	secSecurity
	numSections
)

var sectionNames = [numSections]string{"Logs", "Inspect", "Env", "Mounts", "Network", "Top", "Diff", "Stats", "Security"}

// logSince are the presets the `s` key cycles through.
var logSince = []struct {
	label string
	opts  engine.LogOptions
}{
	{"tail 500", engine.LogOptions{Tail: 500, Follow: true}},
	{"last 1m", engine.LogOptions{Tail: -1, Since: time.Minute, Follow: true}},
	{"last 15m", engine.LogOptions{Tail: -1, Since: 15 * time.Minute, Follow: true}},
	{"last 1h", engine.LogOptions{Tail: -1, Since: time.Hour, Follow: true}},
	{"last 24h", engine.LogOptions{Tail: -1, Since: 24 * time.Hour, Follow: true}},
	{"all", engine.LogOptions{Tail: -1, Follow: true}},
}

// Async results of the detail view carry the engine, the view instance and
// (for streams) a generation, so an answer for a closed view or an old
// stream never lands in the wrong place.
type detailTag struct {
	engine backend.EngineID
	view   *detailView
}

type inspectMsg struct {
	tag    detailTag
	detail backend.ContainerDetail
	err    error
}

type topMsg struct {
	tag detailTag
	top backend.TopResult
	err error
}

type diffMsg struct {
	tag     detailTag
	changes []backend.Change
	err     error
}

type logOpenMsg struct {
	tag    detailTag
	gen    int
	stream *engine.LogStream
	err    error
}

type logBatchMsg struct {
	tag   detailTag
	gen   int
	lines []backend.LogLine
	done  bool
}

// detailView shows one container: its logs and what inspect, top and diff
// say about it.
// needsSecondTicks: top refreshes on the clock.
func (d *detailView) needsSecondTicks() bool { return d.section == secTop }

type detailView struct {
	common  *Common
	ct      backend.Container
	gone    bool // the container was removed while the view was open
	section int
	width   int
	height  int
	// ctx ends when the view closes, so every call and stream it started
	// ends too, even one whose answer is still on its way.
	ctx        context.Context
	cancel     context.CancelFunc
	logsOpened bool
	topBusy    bool
	security   *audit.Report

	logs   *pane // the log section
	doc    *pane // the text of the other sections
	since  int
	logGen int
	stream *engine.LogStream
	logErr string

	detail    *backend.ContainerDetail
	detailErr string
	revealed  bool
	top       backend.TopResult
	topErr    string
	topAt     time.Time
	diff      []backend.Change
	diffErr   string
	diffAt    time.Time
	loading   bool
}

func newDetailView(c *Common, ct backend.Container, section int) *detailView {
	ctx, cancel := context.WithCancel(c.Ctx)
	return &detailView{common: c, ct: ct, section: section, logs: newPane(c, true), doc: newPane(c, false),
		ctx: ctx, cancel: cancel}
}

func (d *detailView) tag() detailTag { return detailTag{engine: d.common.Engine.ID(), view: d} }

func (d *detailView) mine(t detailTag) bool { return t.view == d && t.engine == d.common.Engine.ID() }

func (d *detailView) Crumb() string {
	return d.ct.Name + " › " + strings.ToLower(sectionNames[d.section])
}

func (d *detailView) Capturing() bool {
	return d.activePane() != nil && d.activePane().Capturing()
}

// WantsEsc lets esc clear an active search before it closes the view.
func (d *detailView) WantsEsc() bool {
	p := d.activePane()
	return p != nil && p.HasSearch()
}

func (d *detailView) activePane() *pane {
	switch d.section {
	case secLogs:
		return d.logs
	case secTop, secStats:
		return nil
	}
	return d.doc
}

func (d *detailView) SetSize(w, h int) {
	d.width, d.height = w, h
	ph := max(h-2, 1)
	d.logs.SetSize(w, ph)
	d.doc.SetSize(w, ph)
}

// Init fetches inspect in the background and loads the first section; the
// log stream opens when the Logs section is first shown.
func (d *detailView) Init() tea.Cmd {
	return tea.Batch(d.fetchInspect(), d.enterSection())
}

// Close ends the view's calls and streams.
func (d *detailView) Close() {
	d.closeStream()
	d.cancel()
}

func (d *detailView) closeStream() {
	if d.stream != nil {
		d.stream.Close()
		d.stream = nil
	}
}

func (d *detailView) openLogs() tea.Cmd {
	d.closeStream()
	d.logsOpened = true
	d.logGen++
	gen := d.logGen
	d.logs.Reset()
	d.logErr = ""
	e, ctx, id, opts, tag := d.common.Engine, d.ctx, d.ct.ID, logSince[d.since].opts, d.tag()
	d.logs.SetStatus(logSince[d.since].label)
	return func() tea.Msg {
		s, err := e.Logs(ctx, id, opts)
		return logOpenMsg{tag: tag, gen: gen, stream: s, err: err}
	}
}

func waitLogs(tag detailTag, gen int, s *engine.LogStream) tea.Cmd {
	return func() tea.Msg {
		lines, ok := <-s.C
		if !ok {
			return logBatchMsg{tag: tag, gen: gen, done: true}
		}
		// Drain what is already waiting so a fast logger costs one redraw.
		for len(lines) < 20000 {
			select {
			case more, ok := <-s.C:
				if !ok {
					return logBatchMsg{tag: tag, gen: gen, lines: lines, done: false}
				}
				lines = append(lines, more...)
				continue
			default:
			}
			break
		}
		return logBatchMsg{tag: tag, gen: gen, lines: lines}
	}
}

func (d *detailView) fetchInspect() tea.Cmd {
	e, ctx, id, tag := d.common.Engine, d.ctx, d.ct.ID, d.tag()
	return func() tea.Msg {
		det, err := e.Inspect(ctx, id)
		return inspectMsg{tag: tag, detail: det, err: err}
	}
}

func (d *detailView) fetchTop() tea.Cmd {
	if d.topBusy || d.gone {
		return nil // one call at a time, so answers cannot overtake each other
	}
	d.topBusy = true
	e, ctx, id, tag := d.common.Engine, d.ctx, d.ct.ID, d.tag()
	return func() tea.Msg {
		t, err := e.Top(ctx, id)
		return topMsg{tag: tag, top: t, err: err}
	}
}

func (d *detailView) fetchDiff() tea.Cmd {
	e, ctx, id, tag := d.common.Engine, d.ctx, d.ct.ID, d.tag()
	return func() tea.Msg {
		c, err := e.Diff(ctx, id)
		return diffMsg{tag: tag, changes: c, err: err}
	}
}

// enterSection loads what a section needs when it is shown.
func (d *detailView) enterSection() tea.Cmd {
	switch d.section {
	case secLogs:
		if !d.logsOpened {
			return d.openLogs()
		}
	case secSecurity:
		d.fillDoc()
		d.doc.Top()
	case secTop:
		return d.fetchTop()
	case secDiff:
		d.fillDoc()
		d.doc.Top()
		return d.fetchDiff()
	case secInspect, secEnv, secMounts, secNetwork:
		d.fillDoc()
		d.doc.Top()
	}
	return nil
}

func (d *detailView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case snapshotMsg:
		if msg.engine != d.common.Engine.ID() {
			return nil
		}
		found := false
		for _, c := range msg.snap.Containers {
			if c.ID == d.ct.ID {
				d.ct = c
				found = true
			}
		}
		if msg.snap.State == backend.ConnConnected {
			d.gone = !found
		}
	case securityReportMsg:
		if msg.engine == d.common.Engine.ID() && msg.err == nil {
			r := msg.report
			d.security = &r
			if d.section == secSecurity {
				d.fillDoc()
			}
		}
	case tickMsg:
		// Top refreshes every 2 s while it is on screen; nothing else
		// polls.
		if d.section == secTop && msg.at.Sub(d.topAt) >= 2*time.Second {
			d.topAt = msg.at
			return d.fetchTop()
		}
	case logOpenMsg:
		if !d.mine(msg.tag) || msg.gen != d.logGen {
			if msg.stream != nil {
				msg.stream.Close()
			}
			return nil
		}
		if msg.err != nil {
			d.logErr = errText(msg.err)
			return nil
		}
		d.stream = msg.stream
		return waitLogs(msg.tag, msg.gen, msg.stream)
	case logBatchMsg:
		if !d.mine(msg.tag) || msg.gen != d.logGen {
			return nil
		}
		d.logs.Append(msg.lines...)
		if msg.done {
			if d.stream != nil && d.stream.Err() != nil {
				d.logErr = errText(d.stream.Err())
			}
			d.logs.SetStatus(logSince[d.since].label + " · ended")
			return nil
		}
		return waitLogs(msg.tag, msg.gen, d.stream)
	case inspectMsg:
		if !d.mine(msg.tag) {
			return nil
		}
		if msg.err != nil {
			d.detailErr = errText(msg.err)
		} else {
			d.detail = &msg.detail
			d.detailErr = ""
		}
		d.fillDoc()
	case topMsg:
		if !d.mine(msg.tag) {
			return nil
		}
		d.topBusy = false
		d.top, d.topErr = msg.top, ""
		if msg.err != nil {
			d.topErr = errText(msg.err)
		}
	case diffMsg:
		if !d.mine(msg.tag) {
			return nil
		}
		d.diff, d.diffErr = msg.changes, ""
		if msg.err != nil {
			d.diffErr = errText(msg.err)
		}
		d.diffAt = d.common.Now()
		d.fillDoc()
	case tea.KeyPressMsg:
		return d.handleKey(msg)
	}
	return nil
}

func (d *detailView) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	p := d.activePane()
	if p != nil && p.Capturing() {
		return p.Update(msg)
	}
	dk := d.common.Keys.Detail
	ck := d.common.Keys.Containers
	switch {
	case key.Matches(msg, dk.NextSection):
		return d.switchTo((d.section + 1) % numSections)
	case key.Matches(msg, dk.PrevSection):
		return d.switchTo((d.section + numSections - 1) % numSections)
	case key.Matches(msg, ck.Inspect):
		return d.switchTo(secInspect)
	case key.Matches(msg, ck.Top):
		return d.switchTo(secTop)
	case key.Matches(msg, ck.Diff):
		return d.switchTo(secDiff)
	case key.Matches(msg, ck.Stats):
		return d.switchTo(secStats)
	case key.Matches(msg, dk.Reveal):
		d.revealed = !d.revealed
		d.fillDoc()
		return flash(map[bool]string{true: "secrets revealed (ctrl+r hides them)", false: "secrets masked"}[d.revealed])
	case key.Matches(msg, dk.Since) && d.section == secLogs:
		d.since = (d.since + 1) % len(logSince)
		return d.openLogs()
	case key.Matches(msg, ck.CopyID), key.Matches(msg, ck.CopyName), key.Matches(msg, ck.Exec):
		return containerKey(d.common, msg, d.ct)
	}
	if p != nil {
		return p.Update(msg)
	}
	return nil
}

func (d *detailView) switchTo(s int) tea.Cmd {
	if s != d.section {
		d.revealed = false // revealing is for the section it was asked in
	}
	d.section = s
	return d.enterSection()
}

// fillDoc writes the text of the current document section into the pane.
func (d *detailView) fillDoc() {
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
	det := d.detail
	if d.section == secSecurity {
		if d.security == nil {
			add("The security audit has not reported yet (it runs from the Security tab).")
		} else if ls := SecuritySectionLines(*d.security, d.ct.ID, max(d.width-2, 20)); len(ls) > 0 {
			lines = append(lines, ls...)
		} else {
			add("No open finding for this container.")
		}
		d.doc.SetLines(lines)
		return
	}
	if det == nil && d.section != secDiff {
		if d.detailErr != "" {
			add("inspect failed: %s", d.detailErr)
		} else {
			add("loading…")
		}
		d.doc.SetLines(lines)
		return
	}
	mask := func(e backend.EnvVar) string {
		if e.Secret && !d.revealed {
			return e.Masked + "  (masked: ctrl+r reveals)"
		}
		return e.Value
	}
	switch d.section {
	case secInspect:
		text := det.InspectJSON
		if d.revealed {
			text = det.InspectJSONRevealed
		}
		lines = strings.Split(text, "\n")
	case secEnv:
		if len(det.Env) == 0 {
			add("(no environment variables)")
		}
		for _, e := range det.Env {
			add("%s=%s", e.Key, mask(e))
		}
	case secMounts:
		if len(det.Mounts) == 0 {
			add("(no mounts)")
		}
		for _, m := range det.Mounts {
			mode := "ro"
			if m.RW {
				mode = "rw"
			}
			src := m.Source
			if m.Type == "volume" && m.Name != "" {
				src = m.Name + " (" + m.Source + ")"
			}
			add("%-6s %s -> %s  [%s%s]", m.Type, src, m.Destination, mode, propagation(m.Propagation))
		}
		add("")
		add("Root filesystem: %s", map[bool]string{true: "read-only", false: "writable (see Diff for what changed)"}[det.ReadOnlyRootfs])
	case secNetwork:
		if len(det.Networks) == 0 {
			add("(no networks)")
		}
		for _, n := range det.Networks {
			add("%s", n.Network)
			add("  IPv4 %s  gateway %s  MAC %s", orDash(n.IPAddress), orDash(n.Gateway), orDash(n.MacAddress))
			if n.IPv6 != "" {
				add("  IPv6 %s", n.IPv6)
			}
			if len(n.Aliases) > 0 {
				add("  DNS aliases: %s", strings.Join(n.Aliases, ", "))
			}
		}
		add("")
		add("Ports:")
		if len(det.Ports) == 0 {
			add("  (none)")
		}
		for _, p := range det.Ports {
			if p.PublicPort == 0 {
				add("  %d/%s exposed, not published", p.PrivatePort, p.Type)
				continue
			}
			ip := p.IP
			if ip == "" || ip == "0.0.0.0" || ip == "::" {
				ip += " (all interfaces)"
			}
			add("  %s:%d -> %d/%s", ip, p.PublicPort, p.PrivatePort, p.Type)
		}
	case secDiff:
		if d.diffErr != "" {
			add("diff failed: %s", d.diffErr)
			break
		}
		if d.diff == nil {
			add("loading…")
			break
		}
		if len(d.diff) == 0 {
			add("No changes to the image's filesystem.")
		}
		for _, c := range d.diff {
			add("%s %s", c.Kind, c.Path)
		}
	default:
		return
	}
	d.doc.SetLines(lines)
}

func propagation(p string) string {
	if p == "" {
		return ""
	}
	return ", " + p
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (d *detailView) View(w, h int) string {
	st := d.common.Styles
	// Header: name, state, image; then the section bar.
	state := stateText(d.ct)
	if d.gone {
		state = st.Bad.Render("removed")
	}
	head := st.Title.Render(d.ct.Name) + "  " + state + st.Dim.Render("  "+d.ct.Image+"  "+shortID(d.ct.ID))
	var tabs []string
	for i, n := range sectionNames {
		if i == d.section {
			tabs = append(tabs, st.TabActive.Render(n))
		} else {
			tabs = append(tabs, st.TabInactive.Render(n))
		}
	}
	bar := strings.Join(tabs, "")
	if gap := w - ansi.StringWidth(bar); gap > 0 {
		bar += st.TabBar.Render(strings.Repeat(" ", gap))
	}
	bh := max(h-2, 1)
	var body string
	switch d.section {
	case secLogs:
		if d.logErr != "" {
			body = st.Error.Render("logs: "+d.logErr) + "\n" + d.logs.View()
		} else {
			body = d.logs.View()
		}
	case secTop:
		body = d.topView(w, bh)
	case secStats:
		body = d.statsView(w, bh)
	default:
		body = d.doc.View()
	}
	return head + "\n" + bar + "\n" + body
}

func (d *detailView) topView(w, h int) string {
	st := d.common.Styles
	if d.topErr != "" {
		return st.Error.Render("top: " + d.topErr)
	}
	if len(d.top.Titles) == 0 {
		if d.ct.State != "running" {
			return "The container is not running: no processes."
		}
		return "loading…"
	}
	cols := make([]Column, len(d.top.Titles))
	for i, t := range d.top.Titles {
		cols[i] = Column{Title: t, Width: 8}
		if t == "CMD" || t == "COMMAND" {
			cols[i] = Column{Title: t, Flex: 1, Min: 10}
		}
	}
	tv := tableView{cols: cols, selected: -1}
	return tv.render(d.common, w, h, len(d.top.Processes), -1, false, func(r, col int) (string, lipgloss.Style) {
		f := d.top.Processes[r].Fields
		if col < len(f) {
			return f[col], lipgloss.NewStyle()
		}
		return "", lipgloss.NewStyle()
	})
}

func (d *detailView) statsView(w, h int) string {
	if d.ct.State != "running" {
		return "The container is not running: no live figures."
	}
	s := d.common.Engine.Series(d.ct.ID)
	cs := sparkline.Blocks
	if d.common.Glyphs.Ellipsis != "…" {
		cs = sparkline.ASCII
	}
	gw := max(w-2, 10)
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", v) }
	byt := func(v float64) string { return bytesShort(v) }
	rt := func(v float64) string { return bytesShort(v) + "/s" }
	parts := []string{
		sparkline.GraphCharset(cs, "CPU", s.CPU, gw, pct),
		sparkline.GraphCharset(cs, "Memory", s.Mem, gw, byt),
		sparkline.GraphCharset(cs, "Net rx", s.NetRx, gw, rt),
		sparkline.GraphCharset(cs, "Net tx", s.NetTx, gw, rt),
	}
	out := strings.Join(parts, "\n\n")
	if len(s.CPU) == 0 {
		out = "Collecting samples (one every 2 s)…\n\n" + out
	}
	return out
}
