package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/keymap"
	"github.com/dockterm/dockterm/ui/logview"
)

// view is one screen on the navigation stack: a tab at the bottom, detail
// views pushed on top. esc pops; the breadcrumbs show the stack.
type view interface {
	Crumb() string
	Update(msg tea.Msg) tea.Cmd
	View(width, height int) string
	SetSize(width, height int)
	// Capturing reports that the view is reading text (a search prompt), so
	// global keys must go to it.
	Capturing() bool
	// Close releases what the view holds open (log streams).
	Close()
}

// tab is a top-level section.
type tab interface {
	view
	Title() string
	Filter() string
	SetFilter(string) error
}

type mode int

const (
	modeNormal mode = iota
	modeFilter
	modeCommand
	modeHelp
	modeConfirm
)

// Options configure the application.
type Options struct {
	ReadOnly bool
	Plain    bool // ASCII glyphs and no colours (TERM=linux/dumb, NO_COLOR)
	Exec     ExecFunc
	Now      func() time.Time
	// Security wires the security tab; without an Auditor the tab says it
	// is not available.
	Security SecurityDeps
}

// App is the root model.
type App struct {
	common   *Common
	tabs     []tab
	active   int
	stack    []view
	mode     mode
	input    textinput.Model
	inputErr string
	// prevFilter is restored when the filter prompt is cancelled.
	prevFilter string
	helpOffset int
	watched    []string
	// lastSecurity is the newest security report, for views opened after it.
	lastSecurity *securityReportMsg
	pending      *confirmMsg
	withVol      bool
	flash        string
	flashAt      time.Time
	snap         engine.Snapshot
	quitting     bool
	// The clock tick's chain: its period, and a generation that retires a
	// slower chain when a faster one starts.
	tickEvery time.Duration
	tickGen   int
	// frame caches the normalized body of the last frame: most frames (a
	// tick, a status change) leave the body as it was, and measuring every
	// line's width again was a tenth of dockterm's idle CPU.
	frame frameCache
}

type frameCache struct {
	w, h      int
	raw, body string
}

// normalized returns normalize(raw, w, h), reusing the last result when the
// input is the same.
func (f *frameCache) normalized(raw string, w, h int) string {
	if f.w == w && f.h == h && f.raw == raw && f.body != "" {
		return f.body
	}
	f.w, f.h, f.raw = w, h, raw
	f.body = normalize(raw, w, h)
	return f.body
}

// tab indexes
const (
	tabContainers = iota
	tabNetworks
	tabVolumes
	tabMachines
	tabSecurity
)

// NewApp builds the application around the engine in focus.
func NewApp(c *Common, opts Options) *App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c.ReadOnly = opts.ReadOnly
	c.Keys = keymap.New(opts.ReadOnly)
	c.Now = opts.Now
	c.Exec = opts.Exec
	if opts.ReadOnly {
		c.Exec = nil
	}
	if opts.Plain {
		c.Styles, c.Glyphs = PlainStyles(), ASCIIGlyphs()
	} else {
		c.Styles, c.Glyphs = DefaultStyles(), DefaultGlyphs()
	}
	c.Paints = newPaints(c.Styles)
	in := textinput.New()
	in.Prompt = ""
	a := &App{common: c, input: in}
	a.tabs = []tab{
		tabContainers: newContainersTab(c),
		tabNetworks:   newPendingTab(c, "Networks", "networks", "Bridge and overlay networks, create/connect and service discovery arrive with the networks issue."),
		tabVolumes:    newPendingTab(c, "Volumes", "volumes", "Volumes, storage drivers, create and prune arrive with the volumes issue."),
		tabMachines:   newPendingTab(c, "Machines", "machines", "Engines from DOCKER_HOST, contexts, docker-machine and ssh:// arrive with the machines issue."),
		tabSecurity:   newPendingTab(c, "Security", "security", "The security audit is not available in this session."),
	}
	if opts.Security.Auditor != nil {
		a.tabs[tabSecurity] = newSecurityTab(c, opts.Security)
	}
	return a
}

// Init starts listening to the engine.
func (a *App) Init() tea.Cmd {
	a.common.Trace.Once("ui: init")
	return tea.Batch(waitChange(a.common.Engine, time.Time{}), a.tick())
}

// tick schedules the next clock tick of the current chain.
func (a *App) tick() tea.Cmd {
	if a.tickEvery == 0 {
		a.tickEvery = fastTick
	}
	gen := a.tickGen
	return tea.Tick(a.tickEvery, func(t time.Time) tea.Msg { return tickMsg{at: t, gen: gen} })
}

// The clock tick runs every second while something on screen moves with
// time alone (an uptime in seconds, an error's age, a flash to clear, top,
// the events view, the security tab's start-up hold), otherwise every ten
// seconds: minute-sized uptimes are then at most that late, and an idle
// console is not woken every second (measured: the 1 s tick was about a
// fifth of dockterm's idle CPU at 100 containers).
const (
	fastTick = time.Second
	slowTick = 10 * time.Second
)

// secondsTicker is a view that shows something moving with time alone.
type secondsTicker interface {
	needsSecondTicks() bool
}

// wantTick is the tick period the screen needs now.
func (a *App) wantTick() time.Duration {
	if a.statusMoves() {
		return fastTick
	}
	vs := make([]view, 0, len(a.tabs)+1)
	for _, t := range a.tabs {
		vs = append(vs, t)
	}
	if n := len(a.stack); n > 0 {
		vs = append(vs, a.stack[n-1])
	}
	for _, v := range vs {
		if st, ok := v.(secondsTicker); ok && st.needsSecondTicks() {
			return fastTick
		}
	}
	return slowTick
}

// statusMoves says whether the status bar shows an age or a flash.
func (a *App) statusMoves() bool {
	now := a.common.Now()
	s := a.snap
	return s.State != backend.ConnConnected ||
		(a.flash != "" && now.Sub(a.flashAt) < 8*time.Second) ||
		(s.Err != "" && now.Sub(s.ErrAt) < 30*time.Second)
}

// retick starts a faster tick chain when the screen has come to need one;
// a chain that is too fast slows down at its next tick.
func (a *App) retick() tea.Cmd {
	if a.wantTick() >= a.tickEvery {
		return nil
	}
	a.tickGen++
	a.tickEvery = a.wantTick()
	return a.tick()
}

func (a *App) top() view {
	if n := len(a.stack); n > 0 {
		return a.stack[n-1]
	}
	return a.tabs[a.active]
}

func (a *App) bodySize() (int, int) {
	return a.common.Width, max(a.common.Height-3, 1)
}

func (a *App) resize() {
	w, h := a.bodySize()
	for _, t := range a.tabs {
		t.SetSize(w, h)
	}
	for _, v := range a.stack {
		v.SetSize(w, h)
	}
	a.input.SetWidth(max(w-12, 10))
}

func (a *App) push(v view) {
	w, h := a.bodySize()
	v.SetSize(w, h)
	a.stack = append(a.stack, v)
}

func (a *App) pop() {
	if n := len(a.stack); n > 0 {
		a.stack[n-1].Close()
		a.stack = a.stack[:n-1]
	}
}

// Update routes messages. It never does I/O: engine calls are Cmds.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.update(msg)
	a.syncWatched()
	if t := a.retick(); t != nil {
		cmd = tea.Batch(cmd, t)
	}
	return m, cmd
}

// syncWatched tells the engine which containers' stats the screen needs:
// the list's visible rows when the list is in front, the container of an
// open detail view, nothing otherwise. It does no I/O.
func (a *App) syncWatched() {
	var ids []string
	switch v := a.top().(type) {
	case *containersTab:
		ids = v.watchIDs()
	case *detailView:
		if v.ct.State == "running" {
			ids = []string{v.ct.ID}
		}
	}
	slices.Sort(ids)
	if slices.Equal(ids, a.watched) {
		return
	}
	a.watched = ids
	a.common.Trace.Printf("ui: watching %d", len(ids))
	a.common.Engine.SetWatched(ids)
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.common.Trace.Printf("ui: size %dx%d", msg.Width, msg.Height)
		a.common.Width, a.common.Height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case engineChangedMsg:
		a.common.Trace.Once("ui: first engine change")
		if msg.engine != a.common.Engine.ID() {
			return a, nil
		}
		a.snap = a.common.Engine.Snapshot()
		cmds := []tea.Cmd{waitChange(a.common.Engine, msg.at)}
		cmds = append(cmds, a.broadcast(snapshotMsg{engine: msg.engine, snap: a.snap}))
		return a, tea.Batch(cmds...)
	case tickMsg:
		if msg.gen != a.tickGen {
			return a, nil // a retired chain
		}
		// Ticks go to the tabs (slow polls such as drift) and to the view
		// in front, not to views hidden under it.
		a.tickEvery = a.wantTick()
		cmds := []tea.Cmd{a.tick()}
		for _, t := range a.tabs {
			cmds = append(cmds, t.Update(msg))
		}
		if n := len(a.stack); n > 0 {
			cmds = append(cmds, a.stack[n-1].Update(msg))
		}
		return a, tea.Batch(cmds...)
	case flashMsg:
		a.setFlash(msg.text)
		return a, nil
	case actionDoneMsg:
		if msg.err != nil {
			a.common.Engine.ReportError(msg.err)
			a.setFlash("")
		} else {
			a.setFlash(msg.what + ": done")
		}
		return a, nil
	case execDoneMsg:
		if msg.err != nil {
			a.setFlash(fmt.Sprintf("exec in %s: %s", msg.name, errText(msg.err)))
		} else {
			a.setFlash("shell in " + msg.name + " ended")
		}
		return a, nil
	case confirmMsg:
		if msg.engine != a.common.Engine.ID() {
			return a, nil
		}
		a.pending = &msg
		a.withVol = false
		a.mode = modeConfirm
		return a, nil
	case securityReportMsg:
		if msg.err == nil {
			a.lastSecurity = &msg // a detail view opened later starts from it
		}
		return a, a.broadcast(msg)
	case openDetailMsg:
		if msg.engine != a.common.Engine.ID() {
			return a, nil
		}
		d := newDetailView(a.common, msg.container, msg.section)
		if r := a.lastSecurity; r != nil && r.engine == msg.engine {
			report := r.report
			d.security = &report
		}
		a.push(d)
		return a, d.Init()
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	}
	// Everything else (async results) goes to every view: each checks the
	// tag it carries and ignores what is not its own.
	return a, a.broadcast(msg)
}

func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, t := range a.tabs {
		cmds = append(cmds, t.Update(msg))
	}
	for _, v := range a.stack {
		cmds = append(cmds, v.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (a *App) setFlash(s string) {
	a.flash = s
	a.flashAt = a.common.Now()
}

func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	g := a.common.Keys.Global
	if key.Matches(msg, g.ForceQuit) {
		return a.quit()
	}
	switch a.mode {
	case modeConfirm:
		return a.handleConfirm(msg)
	case modeHelp:
		l := a.common.Keys.List
		switch {
		case key.Matches(msg, g.Help, g.Back, g.Quit):
			a.mode = modeNormal
		case key.Matches(msg, l.Down):
			a.helpOffset++
		case key.Matches(msg, l.Up):
			a.helpOffset = max(a.helpOffset-1, 0)
		case key.Matches(msg, l.PageDown):
			a.helpOffset += 10
		case key.Matches(msg, l.PageUp):
			a.helpOffset = max(a.helpOffset-10, 0)
		}
		return nil
	case modeFilter, modeCommand:
		return a.handleInput(msg)
	}
	top := a.top()
	if top.Capturing() {
		return top.Update(msg)
	}
	inDetail := len(a.stack) > 0
	switch {
	case key.Matches(msg, g.Quit):
		return a.quit()
	case key.Matches(msg, g.Help):
		a.mode = modeHelp
		a.helpOffset = 0
		return nil
	case key.Matches(msg, g.Command):
		a.startInput(modeCommand, "")
		return nil
	case key.Matches(msg, g.Filter) && !inDetail:
		a.prevFilter = a.tabs[a.active].Filter()
		a.startInput(modeFilter, a.prevFilter)
		return nil
	case key.Matches(msg, g.Back):
		if w, ok := top.(interface{ WantsEsc() bool }); ok && w.WantsEsc() {
			return top.Update(msg) // esc clears the view's search first
		}
		if inDetail {
			a.pop()
			return nil
		}
		if a.tabs[a.active].Filter() != "" {
			_ = a.tabs[a.active].SetFilter("")
		}
		return nil
	case key.Matches(msg, g.NextTab) && !inDetail:
		return a.switchTab((a.active + 1) % len(a.tabs))
	case key.Matches(msg, g.PrevTab) && !inDetail:
		return a.switchTab((a.active + len(a.tabs) - 1) % len(a.tabs))
	case key.Matches(msg, g.Tab1, g.Tab2, g.Tab3, g.Tab4, g.Tab5):
		return a.switchTab(int(msg.String()[0] - '1'))
	case key.Matches(msg, g.Events):
		return a.openEvents()
	}
	return top.Update(msg)
}

// openEvents shows the events view, unless it is already in front.
func (a *App) openEvents() tea.Cmd {
	if _, ok := a.top().(*eventsView); ok {
		return nil
	}
	ev := newEventsView(a.common)
	a.push(ev)
	return ev.Init()
}

func (a *App) quit() tea.Cmd {
	a.quitting = true
	for len(a.stack) > 0 {
		a.pop()
	}
	return tea.Quit
}

// switchTab brings a tab to the front. A tab that does work only once
// someone looks at it (the security tab's deep pass) is told.
func (a *App) switchTab(n int) tea.Cmd {
	if n < 0 || n >= len(a.tabs) {
		return nil
	}
	for len(a.stack) > 0 {
		a.pop()
	}
	a.active = n
	if f, ok := a.tabs[n].(interface{ Focused() tea.Cmd }); ok {
		return f.Focused()
	}
	return nil
}

func (a *App) startInput(m mode, value string) {
	a.mode = m
	a.inputErr = ""
	a.input.SetValue(value)
	a.input.CursorEnd()
	a.input.Focus()
}

func (a *App) handleInput(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		if a.mode == modeFilter {
			// Cancel means cancel: back to the filter that was in force.
			_ = a.tabs[a.active].SetFilter(a.prevFilter)
		}
		a.mode = modeNormal
		a.input.Blur()
		return nil
	case "enter":
		val := strings.TrimSpace(a.input.Value())
		if a.mode == modeFilter {
			if err := a.tabs[a.active].SetFilter(val); err != nil {
				a.inputErr = err.Error()
				return nil
			}
			a.mode = modeNormal
			a.input.Blur()
			return nil
		}
		a.mode = modeNormal
		a.input.Blur()
		return a.runCommand(val)
	}
	var cmd tea.Cmd
	a.input, cmd = a.input.Update(msg)
	if a.mode == modeFilter {
		// Filter as you type; a half-typed regexp keeps the last good one.
		if err := a.tabs[a.active].SetFilter(a.input.Value()); err != nil {
			a.inputErr = err.Error()
		} else {
			a.inputErr = ""
		}
	}
	return cmd
}

// commands maps `:` commands to tabs, k9s style.
var commandTabs = map[string]int{
	"c": tabContainers, "containers": tabContainers, "co": tabContainers,
	"n": tabNetworks, "networks": tabNetworks, "net": tabNetworks,
	"v": tabVolumes, "volumes": tabVolumes, "vol": tabVolumes,
	"m": tabMachines, "machines": tabMachines,
	"s": tabSecurity, "security": tabSecurity, "sec": tabSecurity,
}

func (a *App) runCommand(cmd string) tea.Cmd {
	cmd = strings.TrimPrefix(cmd, ":")
	switch cmd {
	case "":
		return nil
	case "q", "quit", "q!":
		return a.quit()
	case "events", "e":
		return a.openEvents()
	case "help", "h":
		a.mode = modeHelp
		return nil
	}
	if n, ok := commandTabs[cmd]; ok {
		return a.switchTab(n)
	}
	a.setFlash(fmt.Sprintf("unknown command %q (try :c :n :v :m :s :events :q)", cmd))
	return nil
}

func (a *App) handleConfirm(msg tea.KeyPressMsg) tea.Cmd {
	k := a.common.Keys.Confirm
	p := a.pending
	switch {
	case key.Matches(msg, k.Yes):
		a.mode = modeNormal
		a.pending = nil
		act := p.action
		if act == engine.ActRemove && a.withVol {
			act = engine.ActRemoveVolumes
		}
		a.setFlash(fmt.Sprintf("%s %s…", act, p.container.Name))
		return runAction(a.common, p.container, act)
	case key.Matches(msg, k.Volumes) && p.action == engine.ActRemove:
		a.withVol = !a.withVol
	case key.Matches(msg, k.No):
		a.mode = modeNormal
		a.pending = nil
	}
	return nil
}

// View renders the whole screen: tab bar, breadcrumbs, body, status line.
func (a *App) View() tea.View {
	a.common.Trace.Once("ui: first view")
	v := tea.NewView(a.render())
	if a.common.Trace != nil && strings.Contains(v.Content, "CPU") {
		a.common.Trace.Once("ui: first table view done")
	}
	v.AltScreen = true
	v.WindowTitle = "dockterm"
	return v
}

func (a *App) render() string {
	c := a.common
	w, h := c.Width, c.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	if a.quitting {
		return ""
	}
	bw, bh := a.bodySize()
	var body string
	switch a.mode {
	case modeHelp:
		body = a.helpView(bw, bh)
	default:
		body = a.top().View(bw, bh)
	}
	// A body taller than its space must never push the status line off.
	body = a.frame.normalized(body, bw, bh)
	if a.mode == modeConfirm {
		body = overlay(body, a.confirmView(bw), bw, bh)
	}
	if h < 4 || a.mode == modeConfirm {
		// Not even room for bars and a body, or a dialog drawn over the
		// body: measure everything.
		lines := []string{a.tabBar(w), a.crumbs(w), body, a.statusLine(w)}
		return normalize(strings.Join(lines, "\n"), w, h)
	}
	// Each part is exactly as wide as the screen and the body exactly bh
	// lines, so the frame is w×h without measuring the body again.
	return strings.Join([]string{
		normalize(a.tabBar(w), w, 1), normalize(a.crumbs(w), w, 1),
		body, normalize(a.statusLine(w), w, 1),
	}, "\n")
}

// normalize makes the frame exactly w×h cells so a resize never leaves
// debris behind.
func normalize(s string, w, h int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > h {
		ls = ls[:h]
	}
	for len(ls) < h {
		ls = append(ls, "")
	}
	for i, l := range ls {
		lw := ansi.StringWidth(l)
		switch {
		case lw > w:
			ls[i] = ansi.Truncate(l, w, "")
		case lw < w:
			ls[i] = l + strings.Repeat(" ", w-lw)
		}
	}
	return strings.Join(ls, "\n")
}

func (a *App) tabBar(w int) string {
	st := a.common.Styles
	var parts []string
	for i, t := range a.tabs {
		label := fmt.Sprintf("%d %s", i+1, t.Title())
		if i == a.active {
			parts = append(parts, st.TabActive.Render(label))
		} else {
			parts = append(parts, st.TabInactive.Render(label))
		}
	}
	bar := strings.Join(parts, "")
	right := st.TabBar.Render("dockterm ")
	if a.common.ReadOnly {
		right = st.RO.Render(" RO ") + st.TabBar.Render(" ") + right
	}
	gap := w - ansi.StringWidth(bar) - ansi.StringWidth(right)
	if gap < 1 {
		return bar
	}
	return bar + st.TabBar.Render(strings.Repeat(" ", gap)) + right
}

func (a *App) crumbs(w int) string {
	st := a.common.Styles
	name := a.snap.Info.Name
	if name == "" {
		name = string(a.common.Engine.ID())
	}
	parts := []string{name, a.tabs[a.active].Crumb()}
	for _, v := range a.stack {
		parts = append(parts, v.Crumb())
	}
	s := st.Crumbs.Render(strings.Join(parts, " › "))
	if f := a.tabs[a.active].Filter(); f != "" && len(a.stack) == 0 {
		s += st.Dim.Render("  filter: ") + f
	}
	if t, ok := a.tabs[a.active].(*containersTab); ok && len(a.stack) == 0 {
		var notes []string
		if !t.showAll {
			notes = append(notes, "running only")
		}
		if t.group {
			notes = append(notes, "by project")
		}
		if len(notes) > 0 {
			s += st.Dim.Render("  (" + strings.Join(notes, ", ") + ")")
		}
	}
	return s
}

// statusLine shows the engine, its version and API, container counts, how
// fresh the data is, RO, and the last error or note. While typing a filter or
// command it becomes the prompt.
func (a *App) statusLine(w int) string {
	st := a.common.Styles
	switch a.mode {
	case modeFilter, modeCommand:
		prefix := "/"
		if a.mode == modeCommand {
			prefix = ":"
		}
		s := prefix + a.input.View()
		if a.inputErr != "" {
			// The error goes first: the input pads itself to the width.
			s = st.Error.Render(a.inputErr) + "  " + s
		}
		return s
	}
	s := a.snap
	name := s.Info.Name
	if name == "" {
		name = string(a.common.Engine.ID())
	}
	// Most important first: on a narrow terminal the tail is cut.
	parts := []string{st.StatusKey.Render(name)}
	switch s.State {
	case backend.ConnConnected:
		parts = append(parts, st.OK.Render("live"))
	case backend.ConnDisconnected:
		age := "never"
		if !s.Updated.IsZero() {
			age = duration(a.common.Now().Sub(s.Updated)) + " old"
		}
		parts = append(parts, st.Error.Render("DISCONNECTED")+" data "+age)
	default:
		parts = append(parts, st.Warn.Render("connecting"))
	}
	if a.common.ReadOnly {
		parts = append(parts, st.RO.Render("RO"))
	}
	now := a.common.Now()
	if a.flash != "" && now.Sub(a.flashAt) < 8*time.Second {
		parts = append(parts, a.flash)
	} else if s.Err != "" && (s.State != backend.ConnConnected || now.Sub(s.ErrAt) < 30*time.Second) {
		// An action's error fades after 30 s; a connection error stays
		// while it lasts.
		msg := st.Error.Render("error: ") + s.Err
		if !s.ErrAt.IsZero() {
			msg += st.Dim.Render(" (" + duration(now.Sub(s.ErrAt)) + " ago)")
		}
		parts = append(parts, msg)
	}
	run, total := counts(s)
	parts = append(parts, fmt.Sprintf("%d/%d running", run, total))
	if !s.Updated.IsZero() && s.State == backend.ConnConnected {
		// The events stream keeps the list current; the clock time of the
		// last change tells the data's age without redrawing every second.
		parts = append(parts, st.Dim.Render("upd "+s.Updated.Local().Format("15:04:05")))
	}
	if s.Info.ServerVersion != "" && w >= 100 {
		parts = append(parts, fmt.Sprintf("engine %s API %s", s.Info.ServerVersion, s.Info.APIVersion))
	}
	parts = append(parts, st.Dim.Render("? help"))
	return strings.Join(parts, a.common.Glyphs.Sep)
}

func (a *App) confirmView(w int) string {
	p := a.pending
	st := a.common.Styles
	target := fmt.Sprintf("%s (%s, %s)", p.container.Name, shortID(p.container.ID), p.container.Image)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", st.Title.Render(strings.ToUpper(string(p.action[:1]))+string(p.action[1:])+" container?"))
	fmt.Fprintf(&b, "  %s\n", target)
	switch p.action {
	case engine.ActRemove:
		b.WriteString("\n  The container and its writable layer are deleted.\n")
		if a.withVol {
			b.WriteString("  [x] also its anonymous volumes (v)\n")
		} else {
			b.WriteString("  [ ] also its anonymous volumes (v)\n")
		}
		if p.container.Running() {
			b.WriteString("  It is running: it will be killed first.\n")
		}
	case engine.ActKill:
		b.WriteString("\n  SIGKILL: the processes get no chance to clean up.\n")
	case engine.ActStop, engine.ActRestart:
		b.WriteString("\n  SIGTERM, then SIGKILL after 10 s.\n")
	}
	b.WriteString("\n  y: yes    n/esc: no")
	return st.Dialog.Width(min(w-4, 72)).Render(b.String())
}

// overlay centres a box over the body.
func overlay(body, box string, w, h int) string {
	bg := strings.Split(normalize(body, w, h), "\n")
	boxLines := strings.Split(box, "\n")
	bwid := lipgloss.Width(box)
	top := max((h-len(boxLines))/2, 0)
	left := max((w-bwid)/2, 0)
	for i, l := range boxLines {
		y := top + i
		if y >= len(bg) {
			break
		}
		line := bg[y]
		prefix := ansi.Truncate(line, left, "")
		suffix := ansi.TruncateLeft(line, left+ansi.StringWidth(l), "")
		bg[y] = prefix + strings.Repeat(" ", max(left-ansi.StringWidth(prefix), 0)) + l + suffix
	}
	return strings.Join(bg, "\n")
}

// helpView lists every enabled binding, grouped, from the keymap.
func (a *App) helpView(w, h int) string {
	st := a.common.Styles
	groups := a.common.Keys.Help()
	var logKeys []key.Binding
	for _, col := range logview.DefaultKeyMap().FullHelp() {
		logKeys = append(logKeys, col...)
	}
	groups = append(groups, keymap.Group{Title: "Logs and documents", Bindings: logKeys})
	colW := 33
	if w >= 4*36 {
		colW = 36
	}
	var cols []string
	for _, g := range groups {
		var b strings.Builder
		b.WriteString(st.Title.Render(g.Title))
		for _, k := range g.Bindings {
			hk := k.Help()
			b.WriteString("\n" + fit(hk.Key, 9, false, "") + " " + hk.Desc)
		}
		cols = append(cols, lipgloss.NewStyle().Width(colW-1).MarginRight(1).Render(b.String()))
	}
	perRow := max(w/colW, 1)
	var rows []string
	for i := 0; i < len(cols); i += perRow {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, cols[i:min(i+perRow, len(cols))]...))
	}
	extra := "\nFilter: text, /regexp/, state=running|exited|unhealthy|oom|bad, label=key[=value]; terms combine.\n" +
		"Commands: :c :n :v :m :s (tabs), :events, :q.   j/k scroll, esc or ? closes this help."
	if a.common.ReadOnly {
		extra += "\nRead-only mode: actions that change the engine are not bound."
	}
	lines := strings.Split(strings.Join(rows, "\n\n")+"\n"+extra, "\n")
	a.helpOffset = min(a.helpOffset, max(len(lines)-h, 0))
	return strings.Join(lines[a.helpOffset:], "\n")
}
