package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/audit"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/keymap"
)

// The Security tab shows the audit of the engine in focus: its score and
// counts by severity (and the scores of the other engines audited so far),
// the findings grouped by severity or by object, filterable, a detail view
// with evidence, why and remediation, the hardened run command of a
// container, and accepting a finding with a reason.
//
// It keeps the audit current from the engine's snapshots, not by polling:
// the first snapshot of an engine triggers one full collection (then the
// slower diff/top pass in the background), later snapshots re-audit only
// the containers whose state changed, and docker diff is re-read every
// few minutes because file changes raise no event. All of it runs in
// tea.Cmds; Update and View only read the last report.

// SecurityAuditor is the audit of one engine; *audit.Auditor implements it.
type SecurityAuditor interface {
	Refresh(ctx context.Context) error
	RefreshDeep(ctx context.Context) error
	RefreshDrift(ctx context.Context) error
	RefreshContainer(ctx context.Context, id string) error
	RemoveContainer(id string)
	Report() audit.Report
}

// SecurityDeps connect the tab to the backend (main wires them).
type SecurityDeps struct {
	// Auditor returns the auditor of an engine; nil means the engine is not
	// audited. It must be configured with the accept store as its
	// Options.Accepted so that accepted findings show as such.
	Auditor func(backend.EngineID) SecurityAuditor
	// Accept records an acceptance (e.g. (*audit.AcceptStore).Accept);
	// nil disables accepting.
	Accept func(f audit.Finding, reason string) error
	// DriftEvery is the period of the docker diff poll; 0 means 3 minutes.
	DriftEvery time.Duration
}

// securityReportMsg carries a fresh report. App broadcasts it to every tab
// and view, so the Containers tab and the container detail can keep the
// last one too (see WorstByContainer and SecuritySectionLines).
type securityReportMsg struct {
	engine backend.EngineID
	report audit.Report
	err    error
	full   bool // the result of a full collection
}

// securityAcceptedMsg reports the result of an accept.
type securityAcceptedMsg struct {
	engine backend.EngineID
	key    string
	err    error
}

// securityKeys are the tab's own bindings.
// TODO(keymap): move into keymap.KeyMap (a Security group) so that help
// lists them; they do not change an engine, so read-only mode keeps them.

const defaultDriftEvery = 3 * time.Minute

// secEngine is what the tab tracks per engine.
type secEngine struct {
	report    audit.Report
	have      bool
	err       string
	started   bool                // first full collection scheduled
	connected bool                // last snapshot state
	seen      map[string]stateKey // container ID -> state key
	pending   map[string]struct{} // containers to re-audit
	removed   map[string]struct{}
	full      bool // a full collection is due
	deep      bool // the diff/top pass is due
	lastDrift time.Time
	busy      bool
	updated   time.Time
	// holdUntil delays the first collection: it starts once the engine has
	// answered the first stats calls and inspected every container, or at
	// this time. Its hundred inspects would otherwise queue with the stats
	// calls and hold back the first CPU figure by a whole engine pass; and
	// once the engine has inspected everything, the auditor takes over its
	// answers instead of asking again.
	holdUntil time.Time
}

// auditHold bounds how long the first collection waits for the engine.
const auditHold = 1500 * time.Millisecond

// secRow is a line of the list: a group header or a finding.
type secRow struct {
	header string
	f      *audit.Finding
}

type securityTab struct {
	common *Common
	deps   SecurityDeps
	keys   keymap.Security
	// visited: the operator opened the tab; the costly deep pass waits
	// for that.
	visited bool
	engines map[backend.EngineID]*secEngine
	order   []backend.EngineID // engines in the order first seen

	filter   secFilter
	byObject bool
	rows     []secRow
	table    tableView
	width    int
	height   int

	detail    *audit.Finding // the finding open in the detail view
	scroll    int
	hardened  bool // the detail shows the hardened run command first
	accepting bool
	input     textinput.Model
	note      string
}

func newSecurityTab(c *Common, deps SecurityDeps) *securityTab {
	if deps.DriftEvery <= 0 {
		deps.DriftEvery = defaultDriftEvery
	}
	in := textinput.New()
	in.Prompt = "reason: "
	in.CharLimit = audit.MaxReasonLen
	return &securityTab{
		common: c, deps: deps, keys: c.Keys.Security, engines: map[backend.EngineID]*secEngine{}, input: in,
		table: tableView{cols: []Column{
			{Title: "SEV", Width: 8},
			{Title: "ID", Width: 12},
			{Title: "OBJECT", Flex: 2, Min: 14},
			{Title: "TITLE", Flex: 3, Min: 16},
			{Title: "EVIDENCE", Flex: 4, Min: 30, Drop: 1},
		}},
	}
}

func (t *securityTab) Title() string { return "Security" }

// Focused is called when the tab comes to the front: from then on the deep
// pass (diff, top) and the drift poll run.
func (t *securityTab) Focused() tea.Cmd {
	if t.visited {
		return nil
	}
	t.visited = true
	// Someone is looking: no reason to hold the first collection back.
	t.state(t.focus()).holdUntil = time.Time{}
	return t.kick(t.focus())
}

func (t *securityTab) Crumb() string {
	if t.detail != nil {
		return "security › " + t.detail.ID + " " + t.detail.Object.Name
	}
	return "security"
}

func (t *securityTab) Capturing() bool { return t.accepting }

// WantsEsc: esc first leaves the detail view (and cancels an accept).
func (t *securityTab) WantsEsc() bool { return t.detail != nil || t.accepting }

func (t *securityTab) Close()         {}
func (t *securityTab) Filter() string { return t.filter.raw }

func (t *securityTab) SetFilter(s string) error {
	f, err := parseSecFilter(s)
	if err != nil {
		return err
	}
	t.filter = f
	t.rebuild()
	return nil
}

func (t *securityTab) SetSize(w, h int) {
	t.width, t.height = w, h
	t.input.SetWidth(max(w-30, 10))
}

func (t *securityTab) focus() backend.EngineID { return t.common.Engine.ID() }

func (t *securityTab) state(id backend.EngineID) *secEngine {
	s, ok := t.engines[id]
	if !ok {
		s = &secEngine{seen: map[string]stateKey{}, pending: map[string]struct{}{}, removed: map[string]struct{}{}}
		t.engines[id] = s
		t.order = append(t.order, id)
	}
	return s
}

func (t *securityTab) current() *secEngine { return t.engines[t.focus()] }

func (t *securityTab) ctx() context.Context {
	if t.common.Ctx != nil {
		return t.common.Ctx
	}
	return context.Background()
}

func (t *securityTab) now() time.Time {
	if t.common.Now != nil {
		return t.common.Now()
	}
	return time.Now()
}

// containerKey is what makes a container worth re-auditing when it
// changes: a new state, health, restart, OOM or start (a recreated
// container has a new ID anyway).
// stateKey is what of a container's state can change its findings: the
// list's part, always known, and the part only an inspect gives, "" until
// the engine has it.
type stateKey struct{ list, inspected string }

func containerStateKey(c backend.Container) stateKey {
	k := stateKey{list: fmt.Sprintf("%s|%s|%s|%s", c.Name, c.State, c.Health, c.ImageID)}
	if c.Inspected {
		k.inspected = fmt.Sprintf("%d|%t|%d", c.RestartCount, c.OOMKilled, c.StartedAt.UnixNano())
	}
	return k
}

// changedTo says whether cur differs from k. An unknown inspect-only part
// matches any: its first arrival is not a change (it would re-audit every
// container right after the first collection).
func (k stateKey) changedTo(cur stateKey) bool {
	return k.list != cur.list || k.inspected != "" && cur.inspected != "" && k.inspected != cur.inspected
}

// carry keeps k's known inspect-only part when cur lacks it (an inspect
// that failed during a refresh), so that a restart seen by the next inspect
// still counts as a change.
func (k stateKey) carry(cur stateKey) stateKey {
	if cur.inspected == "" && k.list == cur.list {
		cur.inspected = k.inspected
	}
	return cur
}

func (t *securityTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case snapshotMsg:
		return t.onSnapshot(msg.engine, msg.snap)
	case tickMsg:
		return t.onTick(msg.at)
	case securityReportMsg:
		return t.onReport(msg)
	case securityAcceptedMsg:
		if msg.engine != t.focus() {
			return nil
		}
		if msg.err != nil {
			t.note = "accept failed: " + msg.err.Error()
			return nil
		}
		t.note = "accepted"
		return t.reevaluate(msg.engine)
	case tea.KeyPressMsg:
		return t.handleKey(msg)
	}
	return nil
}

func (t *securityTab) auditor(id backend.EngineID) SecurityAuditor {
	if t.deps.Auditor == nil {
		return nil
	}
	return t.deps.Auditor(id)
}

func (t *securityTab) onSnapshot(id backend.EngineID, snap engine.Snapshot) tea.Cmd {
	if t.auditor(id) == nil {
		return nil
	}
	s := t.state(id)
	connected := snap.State == backend.ConnConnected
	if !connected {
		s.connected = false
		return nil
	}
	if !s.started || !s.connected {
		// First sight, or back after a disconnect: everything may have
		// changed, so collect everything once.
		s.started, s.connected, s.full, s.deep = true, true, true, true
		s.seen = map[string]stateKey{}
		for _, c := range snap.Containers {
			s.seen[c.ID] = containerStateKey(c)
		}
		s.pending, s.removed = map[string]struct{}{}, map[string]struct{}{}
		if !engineSettled(snap) && !t.visited {
			s.holdUntil = t.now().Add(auditHold)
			return nil
		}
		return t.kick(id)
	}
	if !s.holdUntil.IsZero() && engineSettled(snap) {
		s.holdUntil = time.Time{}
	}
	now := map[string]stateKey{}
	for _, c := range snap.Containers {
		k := containerStateKey(c)
		old, ok := s.seen[c.ID]
		if !ok || old.changedTo(k) {
			s.pending[c.ID] = struct{}{}
		}
		now[c.ID] = old.carry(k)
	}
	for cid := range s.seen {
		if _, ok := now[cid]; !ok {
			s.removed[cid] = struct{}{}
			delete(s.pending, cid)
		}
	}
	s.seen = now
	return t.kick(id)
}

// needsSecondTicks: a start-up hold ends on the clock.
func (t *securityTab) needsSecondTicks() bool {
	for _, s := range t.engines {
		if !s.holdUntil.IsZero() {
			return true
		}
	}
	return false
}

// engineSettled says whether the engine's start-up work is done: the first
// stats are in (or there is nothing to sample) and every container is
// inspected.
func engineSettled(snap engine.Snapshot) bool {
	running := false
	for _, c := range snap.Containers {
		if !c.Inspected {
			return false
		}
		running = running || c.State == "running"
	}
	return len(snap.Stats) > 0 || !running
}

func (t *securityTab) onTick(at time.Time) tea.Cmd {
	var cmds []tea.Cmd
	for _, id := range t.order {
		s := t.engines[id]
		if !s.holdUntil.IsZero() && !at.Before(s.holdUntil) {
			s.holdUntil = time.Time{}
			cmds = append(cmds, t.kick(id))
		}
		if t.visited && s.have && s.connected && at.Sub(s.lastDrift) >= t.deps.DriftEvery {
			s.lastDrift = at
			cmds = append(cmds, t.kickDrift(id))
		}
	}
	return tea.Batch(cmds...)
}

// kick starts the next piece of audit work for an engine unless one runs.
func (t *securityTab) kick(id backend.EngineID) tea.Cmd {
	s := t.state(id)
	a := t.auditor(id)
	if s.busy || a == nil || !s.holdUntil.IsZero() {
		return nil
	}
	ctx := t.ctx()
	switch {
	case s.full:
		s.full, s.busy = false, true
		s.lastDrift = t.now()
		tl := t.common.Trace
		return func() tea.Msg {
			tl.Printf("security: full audit")
			defer tl.Printf("security: full audit done")
			if err := a.Refresh(ctx); err != nil {
				return securityReportMsg{engine: id, err: err, full: true}
			}
			return securityReportMsg{engine: id, report: a.Report(), full: true}
		}
	case len(s.pending) > 0 || len(s.removed) > 0:
		ids := sortedSet(s.pending)
		gone := sortedSet(s.removed)
		s.pending, s.removed = map[string]struct{}{}, map[string]struct{}{}
		s.busy = true
		return func() tea.Msg {
			for _, cid := range gone {
				a.RemoveContainer(cid)
			}
			var err error
			for _, cid := range ids {
				if e := a.RefreshContainer(ctx, cid); e != nil && err == nil {
					err = e
				}
			}
			return securityReportMsg{engine: id, report: a.Report(), err: err}
		}
	case s.deep && t.visited:
		// docker diff and top of every running container cost the engine
		// far more than the inspects: only once someone opened the tab.
		s.deep, s.busy = false, true
		return func() tea.Msg {
			err := a.RefreshDeep(ctx)
			return securityReportMsg{engine: id, report: a.Report(), err: err}
		}
	}
	return nil
}

func (t *securityTab) kickDrift(id backend.EngineID) tea.Cmd {
	s := t.state(id)
	a := t.auditor(id)
	if s.busy || a == nil {
		return nil
	}
	s.busy = true
	ctx := t.ctx()
	return func() tea.Msg {
		err := a.RefreshDrift(ctx)
		return securityReportMsg{engine: id, report: a.Report(), err: err}
	}
}

// reevaluate recomputes the report (after an accept) without engine calls.
func (t *securityTab) reevaluate(id backend.EngineID) tea.Cmd {
	a := t.auditor(id)
	if a == nil {
		return nil
	}
	return func() tea.Msg { return securityReportMsg{engine: id, report: a.Report()} }
}

func sortedSet(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (t *securityTab) onReport(msg securityReportMsg) tea.Cmd {
	s := t.state(msg.engine)
	s.busy = false
	s.err = ""
	switch {
	case msg.err != nil && msg.full:
		// Nothing was collected: keep the last report (if any), say why,
		// and collect everything again at the next snapshot.
		s.err = msg.err.Error()
		s.started, s.deep = false, false
		s.pending, s.removed = map[string]struct{}{}, map[string]struct{}{}
	case msg.err != nil:
		// A partial refresh failed (a container vanished mid-way...): the
		// report is still the best there is.
		s.err = msg.err.Error()
		s.report, s.have, s.updated = msg.report, true, t.now()
	default:
		s.report, s.have, s.updated = msg.report, true, t.now()
	}
	if msg.engine == t.focus() {
		t.rebuild()
	}
	return t.kick(msg.engine)
}

// ---- filtering and rows ----

// secFilter is the `/` filter of the tab. Terms separated by spaces must
// all match:
//
//	priv             substring of id, title, object, evidence (case-insensitive)
//	sev=high         that severity; sev>=medium at least that severity
//	kind=container   object kind (engine, container, image, network, ...)
//	accepted, open   only accepted / only open findings
type secFilter struct {
	raw   string
	terms []func(f *audit.Finding) bool
}

func parseSecFilter(s string) (secFilter, error) {
	f := secFilter{raw: strings.TrimSpace(s)}
	for _, term := range strings.Fields(f.raw) {
		low := strings.ToLower(term)
		switch {
		case strings.HasPrefix(low, "sev>="):
			min, err := audit.ParseSeverity(strings.TrimPrefix(low, "sev>="))
			if err != nil {
				return f, err
			}
			f.terms = append(f.terms, func(x *audit.Finding) bool { return x.Severity >= min })
		case strings.HasPrefix(low, "sev="):
			want, err := audit.ParseSeverity(strings.TrimPrefix(low, "sev="))
			if err != nil {
				return f, err
			}
			f.terms = append(f.terms, func(x *audit.Finding) bool { return x.Severity == want })
		case strings.HasPrefix(low, "kind="):
			k := strings.TrimPrefix(low, "kind=")
			f.terms = append(f.terms, func(x *audit.Finding) bool { return string(x.Object.Kind) == k })
		case low == "accepted":
			f.terms = append(f.terms, func(x *audit.Finding) bool { return x.IsAccepted() })
		case low == "open":
			f.terms = append(f.terms, func(x *audit.Finding) bool { return !x.IsAccepted() })
		default:
			f.terms = append(f.terms, func(x *audit.Finding) bool {
				return strings.Contains(strings.ToLower(x.ID+" "+strings.Join(x.Aliases, " ")+" "+x.Title+" "+x.Object.Name+" "+x.Evidence), low)
			})
		}
	}
	return f, nil
}

func (f secFilter) match(x *audit.Finding) bool {
	for _, t := range f.terms {
		if !t(x) {
			return false
		}
	}
	return true
}

// rebuild lays out the rows of the engine in focus: grouped by severity
// (worst first, objects together inside a group) or by object.
func (t *securityTab) rebuild() {
	s := t.current()
	var selKey string
	if f := t.selectedFinding(); f != nil {
		selKey = f.Key()
	}
	t.rows = t.rows[:0]
	if s == nil || !s.have {
		return
	}
	fs := make([]*audit.Finding, 0, len(s.report.Findings))
	for i := range s.report.Findings {
		if t.filter.match(&s.report.Findings[i]) {
			fs = append(fs, &s.report.Findings[i])
		}
	}
	if t.byObject {
		// Objects worst first; inside an object, findings stay worst first.
		worst := map[string]audit.Severity{}
		for _, f := range fs {
			k := string(f.Object.Kind) + " " + f.Object.Name
			if s, ok := worst[k]; !ok || f.Severity > s {
				worst[k] = f.Severity
			}
		}
		sort.SliceStable(fs, func(i, j int) bool {
			a, b := fs[i].Object, fs[j].Object
			wa, wb := worst[string(a.Kind)+" "+a.Name], worst[string(b.Kind)+" "+b.Name]
			if wa != wb {
				return wa > wb
			}
			if a.Kind != b.Kind {
				return kindRank(a.Kind) < kindRank(b.Kind)
			}
			return a.Name < b.Name
		})
		last := ""
		for _, f := range fs {
			h := string(f.Object.Kind) + " " + f.Object.Name
			if h != last {
				t.rows = append(t.rows, secRow{header: h})
				last = h
			}
			t.rows = append(t.rows, secRow{f: f})
		}
	} else {
		for _, sev := range audit.Severities {
			n := 0
			for _, f := range fs {
				if f.Severity == sev {
					n++
				}
			}
			if n == 0 {
				continue
			}
			t.rows = append(t.rows, secRow{header: fmt.Sprintf("%s (%d)", strings.ToUpper(sev.String()), n)})
			for _, f := range fs {
				if f.Severity == sev {
					t.rows = append(t.rows, secRow{f: f})
				}
			}
		}
	}
	// Keep the cursor on the same finding, else on a finding row.
	t.table.selected = -1
	for i, r := range t.rows {
		if r.f != nil && r.f.Key() == selKey {
			t.table.selected = i
		}
	}
	if t.table.selected < 0 {
		t.table.selected = 0
		t.move(0)
	}
	if t.detail != nil {
		// Re-point the detail at the fresh copy of its finding.
		key := t.detail.Key()
		t.detail = nil
		for i := range s.report.Findings {
			if s.report.Findings[i].Key() == key {
				t.detail = &s.report.Findings[i]
			}
		}
	}
}

func kindRank(k audit.ObjectKind) int {
	for i, x := range []audit.ObjectKind{audit.KindEngine, audit.KindContainer, audit.KindImage, audit.KindNetwork, audit.KindVolume,
		audit.KindPlugin, audit.KindService, audit.KindConfig, audit.KindContext, audit.KindMachine, audit.KindClient} {
		if x == k {
			return i
		}
	}
	return 99
}

func (t *securityTab) selectedFinding() *audit.Finding {
	if t.table.selected < 0 || t.table.selected >= len(t.rows) {
		return nil
	}
	return t.rows[t.table.selected].f
}

// move moves the cursor by delta, skipping group headers.
func (t *securityTab) move(delta int) {
	n := len(t.rows)
	if n == 0 {
		t.table.selected = 0
		return
	}
	i := min(max(t.table.selected+delta, 0), n-1)
	step := 1
	if delta < 0 {
		step = -1
	}
	for j := i; j >= 0 && j < n; j += step {
		if t.rows[j].f != nil {
			t.table.selected = j
			return
		}
	}
	for j := i; j >= 0 && j < n; j -= step {
		if t.rows[j].f != nil {
			t.table.selected = j
			return
		}
	}
}

// ---- keys ----

func (t *securityTab) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if t.accepting {
		return t.handleReason(msg)
	}
	k := t.common.Keys
	l := k.List
	switch {
	case key.Matches(msg, k.Global.Back) && t.detail != nil:
		t.detail, t.scroll, t.hardened = nil, 0, false
		return nil
	case key.Matches(msg, t.keys.Accept):
		return t.startAccept()
	}
	if t.detail != nil {
		switch {
		case key.Matches(msg, l.Up):
			t.scroll = max(t.scroll-1, 0)
		case key.Matches(msg, l.Down):
			t.scroll++
		case key.Matches(msg, l.PageUp):
			t.scroll = max(t.scroll-max(t.height-2, 1), 0)
		case key.Matches(msg, l.PageDown):
			t.scroll += max(t.height-2, 1)
		case key.Matches(msg, l.Top):
			t.scroll = 0
		case key.Matches(msg, t.keys.Hardened):
			t.hardened, t.scroll = !t.hardened, 0
		}
		return nil
	}
	if listNav(l, msg, &t.table, len(t.rows), max(t.height-3, 1), t.move) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Containers.Group):
		t.byObject = !t.byObject
		t.rebuild()
	case key.Matches(msg, l.Open):
		if f := t.selectedFinding(); f != nil {
			t.detail, t.scroll, t.hardened = f, 0, false
		}
	case key.Matches(msg, t.keys.Hardened):
		if f := t.selectedFinding(); f != nil {
			t.detail, t.scroll, t.hardened = f, 0, true
		}
	}
	return nil
}

func (t *securityTab) target() *audit.Finding {
	if t.detail != nil {
		return t.detail
	}
	return t.selectedFinding()
}

func (t *securityTab) startAccept() tea.Cmd {
	f := t.target()
	switch {
	case f == nil:
		return nil
	case t.deps.Accept == nil:
		t.note = "accepting findings is not available"
		return nil
	case f.IsAccepted():
		t.note = "already accepted: " + f.Accepted.Reason
		return nil
	}
	t.accepting = true
	t.note = ""
	t.input.SetValue("")
	return t.input.Focus()
}

func (t *securityTab) handleReason(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.accepting = false
		t.input.Blur()
		return nil
	case "enter":
		reason := strings.TrimSpace(t.input.Value())
		if reason == "" {
			t.accepting = false
			t.input.Blur()
			t.note = "not accepted: a reason is required"
			return nil
		}
		f := t.target()
		t.accepting = false
		t.input.Blur()
		if f == nil {
			return nil
		}
		fc := *f
		accept := t.deps.Accept
		id := t.focus()
		return func() tea.Msg {
			return securityAcceptedMsg{engine: id, key: fc.Key(), err: accept(fc, reason)}
		}
	}
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return cmd
}

// ---- views ----

func sevLabel(f *audit.Finding) string {
	s := strings.ToUpper(f.Severity.String())
	if len(s) > 4 {
		s = s[:4]
	}
	if f.IsAccepted() {
		return s + " acc"
	}
	return s
}

func (t *securityTab) sevStyle(s audit.Severity) lipgloss.Style {
	if st, ok := t.common.Styles.Severity[s.String()]; ok {
		return st
	}
	return lipgloss.NewStyle()
}

// summaryLine is the score and counts of the engine in focus, then the
// scores of the other audited engines.
func (t *securityTab) summaryLine(w int) string {
	st := t.common.Styles
	s := t.current()
	if s == nil || !s.have {
		return ""
	}
	r := s.report
	c := r.Counts
	parts := []string{st.Title.Render(fmt.Sprintf("score %d/100", r.Score))}
	for _, sev := range audit.Severities {
		n := c.Of(sev)
		txt := fmt.Sprintf("%d %s", n, sev)
		if n > 0 {
			txt = t.sevStyle(sev).Render(txt)
		} else {
			txt = st.Dim.Render(txt)
		}
		parts = append(parts, txt)
	}
	line := strings.Join(parts, "  ")
	if c.Accepted > 0 {
		line += st.Dim.Render(fmt.Sprintf("  %d accepted", c.Accepted))
	}
	var others []string
	for _, id := range t.order {
		if id == t.focus() {
			continue
		}
		if o := t.engines[id]; o.have {
			others = append(others, fmt.Sprintf("%s %d", o.report.Engine, o.report.Score))
		}
	}
	if len(others) > 0 {
		line += st.Dim.Render(t.common.Glyphs.Sep + "other engines: " + strings.Join(others, ", "))
	}
	switch {
	case s.busy:
		line += st.Dim.Render(t.common.Glyphs.Sep + "auditing" + t.common.Glyphs.Ellipsis)
	case s.err != "":
		line += st.Error.Render(t.common.Glyphs.Sep + "audit error: " + s.err)
	}
	return fit(line, w, false, t.common.Glyphs.Ellipsis)
}

func (t *securityTab) View(w, h int) string {
	if t.detail != nil {
		return t.detailView(w, h)
	}
	s := t.current()
	if s == nil || !s.have {
		msg := "Auditing the engine" + t.common.Glyphs.Ellipsis
		if t.auditor(t.focus()) == nil {
			msg = "Security audit is not available for this engine."
		} else if s != nil && s.err != "" {
			msg = "Audit failed: " + s.err
		}
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, msg)
	}
	head := t.summaryLine(w)
	bottom := t.bottomLine(w)
	bodyH := h - 1
	if bottom != "" {
		bodyH--
	}
	var body string
	if len(t.rows) == 0 {
		msg := "No findings: nothing risky was found."
		if t.filter.raw != "" {
			msg = fmt.Sprintf("No finding matches %q. Press esc to clear the filter.", t.filter.raw)
		}
		body = lipgloss.Place(w, bodyH, lipgloss.Center, lipgloss.Center, msg)
	} else {
		body = t.renderTable(w, bodyH)
	}
	out := head + "\n" + body
	if bottom != "" {
		out += "\n" + bottom
	}
	return out
}

// renderTable draws the visible window of rows. It is tableView.render
// with one difference: a group header spans the whole line instead of one
// cell.
func (t *securityTab) renderTable(w, h int) string {
	c := t.common
	st := c.Styles
	vis, widths := layout(t.table.cols, w)
	var hdr []string
	for _, ci := range vis {
		hdr = append(hdr, fit(t.table.cols[ci].Title, widths[ci], false, c.Glyphs.Ellipsis))
	}
	var b strings.Builder
	b.WriteString(st.Header.Render(fit(strings.Join(hdr, " "), w, false, "")))
	rows := h - 1
	from, to := t.table.visibleRange(len(t.rows), rows)
	for r := from; r < to; r++ {
		b.WriteByte('\n')
		rw := t.rows[r]
		if rw.f == nil {
			b.WriteString(st.Title.Render(fit("> "+rw.header, w, false, c.Glyphs.Ellipsis)))
			continue
		}
		var parts []string
		for _, ci := range vis {
			text, cs := t.cell(rw.f, ci)
			cellText := fit(text, widths[ci], false, c.Glyphs.Ellipsis)
			if r != t.table.selected {
				cellText = cs.Render(cellText)
			}
			parts = append(parts, cellText)
		}
		line := fit(strings.Join(parts, " "), w, false, "")
		if r == t.table.selected {
			line = st.Selected.Render(line)
		}
		b.WriteString(line)
	}
	for r := to - from; r < rows; r++ {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", w))
	}
	return b.String()
}

func (t *securityTab) cell(f *audit.Finding, col int) (string, lipgloss.Style) {
	st := t.common.Styles
	plain := lipgloss.NewStyle()
	if f.IsAccepted() {
		plain = st.Dim
	}
	switch col {
	case 0:
		if f.IsAccepted() {
			return sevLabel(f), st.Dim
		}
		return sevLabel(f), t.sevStyle(f.Severity)
	case 1:
		return f.ID, plain
	case 2:
		return string(f.Object.Kind) + " " + f.Object.Name, plain
	case 3:
		return f.Title, plain
	}
	return f.Evidence, st.Dim
}

// bottomLine is the accept prompt, a note, or the keys of the tab.
func (t *securityTab) bottomLine(w int) string {
	st := t.common.Styles
	switch {
	case t.accepting:
		f := t.target()
		label := "accept"
		if f != nil {
			label = fmt.Sprintf("accept %s on %s %s", f.ID, f.Object.Kind, f.Object.Name)
		}
		return fit(st.Title.Render(label)+" "+t.input.View(), w, false, "")
	case t.note != "":
		return fit(st.Warn.Render(t.note), w, false, t.common.Glyphs.Ellipsis)
	}
	hint := "enter detail  A accept  H hardened run  P group by object  / filter (sev>=high kind=image open)"
	if t.detail != nil {
		hint = "esc back  A accept  H hardened run command  ↑↓ scroll"
		if t.common.Glyphs.Ellipsis != "…" {
			hint = "esc back  A accept  H hardened run command  up/down scroll"
		}
	}
	return st.Dim.Render(fit(hint, w, false, t.common.Glyphs.Ellipsis))
}

// wrap breaks s into lines of at most w cells at spaces (long words are
// cut).
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		for ansi.StringWidth(word) > w {
			if line != "" {
				out = append(out, line)
				line = ""
			}
			cut := ansi.Truncate(word, w, "")
			out = append(out, cut)
			word = word[len(cut):]
		}
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// labelled renders "label     text..." with the text wrapped under itself.
func labelled(label, text string, w int, labelStyle lipgloss.Style) []string {
	const lw = 10
	var out []string
	for i, l := range wrap(text, max(w-lw, 10)) {
		if i == 0 {
			out = append(out, labelStyle.Render(fit(label, lw, false, ""))+l)
		} else {
			out = append(out, strings.Repeat(" ", lw)+l)
		}
	}
	return out
}

// detailLines renders one finding; width is the text width.
func (t *securityTab) detailLines(f *audit.Finding, w int) []string {
	st := t.common.Styles
	var out []string
	title := t.sevStyle(f.Severity).Render(strings.ToUpper(f.Severity.String())) + "  " + st.Title.Render(f.ID+"  "+f.Title)
	out = append(out, fit(title, w, false, t.common.Glyphs.Ellipsis))
	if len(f.Aliases) > 0 {
		out = append(out, labelled("also", strings.Join(f.Aliases, ", "), w, st.Dim)...)
	}
	obj := string(f.Object.Kind) + " " + f.Object.Name
	if f.Object.ID != "" && f.Object.ID != f.Object.Name {
		id := f.Object.ID
		if f.Object.Kind == audit.KindContainer || f.Object.Kind == audit.KindImage {
			id = shortID(strings.TrimPrefix(id, "sha256:"))
		}
		obj += " (" + id + ")"
	}
	if f.Object.Engine != "" {
		obj += " on " + f.Object.Engine
	}
	out = append(out, labelled("object", obj, w, st.Dim)...)
	out = append(out, labelled("evidence", f.Evidence, w, st.Dim)...)
	for _, d := range f.Details {
		out = append(out, labelled("", "- "+d, w, st.Dim)...)
	}
	out = append(out, labelled("why", f.Why, w, st.Dim)...)
	out = append(out, labelled("fix", f.Remediation, w, st.Dim)...)
	if f.IsAccepted() {
		a := f.Accepted
		txt := "accepted " + a.At.Local().Format("2006-01-02 15:04")
		if a.By != "" {
			txt += " by " + a.By
		}
		out = append(out, labelled("status", txt+": "+a.Reason, w, st.Dim)...)
	} else {
		out = append(out, labelled("status", "open (A: accept with a reason)", w, st.Dim)...)
	}
	return out
}

// hardenedLines renders the hardened run command of the finding's container.
func (t *securityTab) hardenedLines(f *audit.Finding, w int) []string {
	st := t.common.Styles
	s := t.current()
	if s == nil || f.Object.Kind != audit.KindContainer {
		return nil
	}
	for _, c := range s.report.Containers {
		if c.ID != f.Object.ID {
			continue
		}
		out := []string{st.Title.Render("Hardened run command for " + c.Name)}
		for _, l := range wrapCommand(c.Hardened.Args, w-2) {
			out = append(out, "  "+l)
		}
		for _, n := range c.Hardened.Notes {
			for i, l := range wrap(n, w-4) {
				p := "  - "
				if i > 0 {
					p = "    "
				}
				out = append(out, st.Dim.Render(p+l))
			}
		}
		return out
	}
	return nil
}

// wrapCommand lays a command out the way it would be written with
// backslash continuations: "docker run -d --name x" on the first line,
// then one flag (with its value) per line, then the image and command.
func wrapCommand(args []string, w int) []string {
	q := func(s string) string { return audit.HardenedCommand{Args: []string{s}}.String() }
	var out []string
	line := ""
	flags, inTail := 0, false
	for i := 0; i < len(args); i++ {
		word := q(args[i])
		isFlag := !inTail && strings.HasPrefix(args[i], "-")
		if isFlag && takesValue(args[i]) && i+1 < len(args) {
			word += " " + q(args[i+1])
			i++
		}
		newLine := false
		switch {
		case isFlag:
			flags++
			newLine = flags > 2 // -d and --name stay with "docker run"
		case i >= 2 && !inTail:
			inTail, newLine = true, true // the image starts the tail
		}
		if line != "" && (newLine || ansi.StringWidth(line)+1+ansi.StringWidth(word) > w-2) {
			out = append(out, line+" \\")
			line = "  " + word
			continue
		}
		if line == "" {
			line = word
		} else {
			line += " " + word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	for i, l := range out {
		out[i] = ansi.Truncate(l, w, "")
	}
	return out
}

// takesValue: the docker run flags the hardened command uses with a value.
func takesValue(flag string) bool {
	switch flag {
	case "--read-only", "--init", "-d":
		return false
	}
	return true
}

func (t *securityTab) detailView(w, h int) string {
	f := t.detail
	var lines []string
	if t.hardened {
		lines = append(lines, t.hardenedLines(f, w)...)
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, t.detailLines(f, w)...)
	} else {
		lines = append(lines, t.detailLines(f, w)...)
		if hl := t.hardenedLines(f, w); len(hl) > 0 {
			lines = append(lines, "")
			lines = append(lines, hl...)
		}
	}
	bodyH := h - 1
	t.scroll = min(t.scroll, max(len(lines)-bodyH, 0))
	lines = lines[t.scroll:min(len(lines), t.scroll+bodyH)]
	for len(lines) < bodyH {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = fit(l, w, false, "")
	}
	return strings.Join(lines, "\n") + "\n" + t.bottomLine(w)
}

// ---- helpers for the Containers tab and the container detail ----

// WorstByContainer maps container IDs to their worst open severity in a
// report, for marking rows of the Containers tab. Containers without open
// findings are absent.
func WorstByContainer(r audit.Report) map[string]audit.Severity {
	m := map[string]audit.Severity{}
	for _, c := range r.Containers {
		if c.Open > 0 {
			m[c.ID] = c.Worst
		}
	}
	return m
}

// SecuritySectionLines renders a container's findings and its hardened
// run command for the Security section of the container detail, one entry
// per line, width w.
func SecuritySectionLines(r audit.Report, containerID string, w int) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Object.Kind != audit.KindContainer || f.Object.ID != containerID {
			continue
		}
		mark := strings.ToUpper(f.Severity.String())
		if f.IsAccepted() {
			mark += " (accepted: " + f.Accepted.Reason + ")"
		}
		out = append(out, fmt.Sprintf("%-8s %-12s %s", mark, f.ID, f.Title))
		for _, l := range wrap(f.Evidence, max(w-4, 10)) {
			out = append(out, "    "+l)
		}
		for _, l := range wrap("fix: "+f.Remediation, max(w-4, 10)) {
			out = append(out, "    "+l)
		}
	}
	if len(out) == 0 {
		out = append(out, "No open findings.")
	}
	for _, c := range r.Containers {
		if c.ID == containerID && len(c.Hardened.Args) > 0 {
			out = append(out, "", "Hardened run command:")
			for _, l := range wrapCommand(c.Hardened.Args, max(w-2, 20)) {
				out = append(out, "  "+l)
			}
			for _, n := range c.Hardened.Notes {
				out = append(out, "  - "+n)
			}
		}
	}
	return out
}
