package ui

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/audit"
	"github.com/dockterm/dockterm/backend/engine"
)

// Column indexes of the containers table.
const (
	colSec = iota
	colName
	colImage
	colState
	colRestarts
	colCPU
	colMem
	colNet
	colBlock
	colPIDs
	colUptime
	colPorts
	colProject
)

func containerColumns() []Column {
	return []Column{
		colSec:      {Title: "SEC", Width: 4, Drop: 2},
		colName:     {Title: "NAME", Flex: 3, Min: 16},
		colImage:    {Title: "IMAGE", Flex: 1, Min: 10, Drop: 5},
		colState:    {Title: "STATE", Width: 17},
		colRestarts: {Title: "RST", Width: 4, Right: true, Drop: 3},
		colCPU:      {Title: "CPU", Width: 7, Right: true},
		colMem:      {Title: "MEM", Width: 11, Right: true},
		colNet:      {Title: "NET r/w/s", Width: 11, Right: true, Drop: 6},
		colBlock:    {Title: "BLK r/w/s", Width: 11, Right: true, Drop: 8},
		colPIDs:     {Title: "PIDS", Width: 5, Right: true, Drop: 7},
		colUptime:   {Title: "UP", Width: 6, Right: true, Drop: 4},
		colPorts:    {Title: "PORTS", Flex: 3, Min: 12, Drop: 9},
		colProject:  {Title: "PROJECT", Width: 10, Drop: 10},
	}
}

// row is one line of the table: a container, or a compose-project header
// when grouping.
type row struct {
	header string
	c      *backend.Container
}

// containersTab lists the containers of the engine in focus.
type containersTab struct {
	common   *Common
	snap     engine.Snapshot
	filter   containerFilter
	showAll  bool
	group    bool
	sortCol  int
	sortDesc bool
	rows     []row
	table    tableView
	width    int
	height   int
	// worst is the highest open finding severity per container, from the
	// last security report.
	worst map[string]audit.Severity
	// gen counts changes to what the tab shows; cache holds the last
	// rendering. Most frames (a second's tick, a status bar change) leave
	// the table as it was, and painting it was most of dockterm's idle CPU.
	gen   uint64
	cache viewCache
}

type viewCache struct {
	gen  uint64
	w, h int
	up   string // the visible uptimes: the one thing that moves with time alone
	out  string
}

func newContainersTab(c *Common) *containersTab {
	return &containersTab{common: c, showAll: true, sortCol: colName, table: tableView{cols: containerColumns()}}
}

func (t *containersTab) Title() string   { return "Containers" }
func (t *containersTab) Crumb() string   { return "containers" }
func (t *containersTab) Capturing() bool { return false }
func (t *containersTab) Close()          {}
func (t *containersTab) Filter() string  { return t.filter.raw }

func (t *containersTab) SetFilter(s string) error {
	f, err := parseContainerFilter(s)
	if err != nil {
		return err
	}
	t.gen++
	t.filter = f
	t.rebuild()
	return nil
}

func (t *containersTab) SetSize(w, h int) {
	t.gen++
	t.width, t.height = w, h
}

// selected returns the container under the cursor.
func (t *containersTab) selected() (backend.Container, bool) {
	if t.table.selected < 0 || t.table.selected >= len(t.rows) || t.rows[t.table.selected].c == nil {
		return backend.Container{}, false
	}
	return *t.rows[t.table.selected].c, true
}

func (t *containersTab) Update(msg tea.Msg) tea.Cmd {
	if _, tick := msg.(tickMsg); !tick {
		t.gen++
	}
	switch msg := msg.(type) {
	case snapshotMsg:
		if msg.engine != t.common.Engine.ID() {
			return nil
		}
		t.snap = msg.snap
		t.rebuild()
	case securityReportMsg:
		if msg.engine == t.common.Engine.ID() && msg.err == nil {
			t.worst = WorstByContainer(msg.report)
		}
	case tea.KeyPressMsg:
		return t.handleKey(msg)
	}
	return nil
}

func (t *containersTab) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := t.common.Keys
	l, c := k.List, k.Containers
	if listNav(l, msg, &t.table, len(t.rows), max(t.height-2, 1), t.move) {
		return nil
	}
	switch {
	case key.Matches(msg, l.SortNext):
		t.sortCol = (t.sortCol + 1) % len(t.table.cols)
		t.sortDesc = defaultDesc(t.sortCol)
		t.rebuild()
	case key.Matches(msg, l.SortPrev):
		t.sortCol = (t.sortCol + len(t.table.cols) - 1) % len(t.table.cols)
		t.sortDesc = defaultDesc(t.sortCol)
		t.rebuild()
	case key.Matches(msg, l.SortRev):
		t.sortDesc = !t.sortDesc
		t.rebuild()
	case key.Matches(msg, c.All):
		t.showAll = !t.showAll
		t.rebuild()
	case key.Matches(msg, c.Group):
		t.group = !t.group
		t.rebuild()
	default:
		ct, ok := t.selected()
		if !ok {
			return nil
		}
		return containerKey(t.common, msg, ct)
	}
	return nil
}

// containerKey handles the per-container keys shared by the list and the
// detail view: open sections, copy, exec and actions.
func containerKey(cm *Common, msg tea.KeyPressMsg, ct backend.Container) tea.Cmd {
	k := cm.Keys.Containers
	push := func(section int) tea.Cmd {
		return func() tea.Msg { return openDetailMsg{engine: cm.Engine.ID(), container: ct, section: section} }
	}
	switch {
	case key.Matches(msg, cm.Keys.List.Open):
		return push(secLogs)
	case key.Matches(msg, k.Logs):
		return push(secLogs)
	case key.Matches(msg, k.Inspect):
		return push(secInspect)
	case key.Matches(msg, k.Top):
		return push(secTop)
	case key.Matches(msg, k.Diff):
		return push(secDiff)
	case key.Matches(msg, k.Stats):
		return push(secStats)
	case key.Matches(msg, k.CopyID):
		return tea.Batch(tea.SetClipboard(ct.ID), flash("copied ID "+shortID(ct.ID)))
	case key.Matches(msg, k.CopyName):
		return tea.Batch(tea.SetClipboard(ct.Name), flash("copied name "+ct.Name))
	case key.Matches(msg, k.Exec):
		if cm.Exec == nil {
			return flash("exec is not available")
		}
		if ct.State != "running" {
			return flash("exec needs a running container; " + ct.Name + " is " + ct.State)
		}
		c, err := cm.Exec(cm.Engine, ct.ID)
		if err != nil {
			return flash("exec in " + ct.Name + ": " + errText(err))
		}
		return tea.Exec(c, func(err error) tea.Msg {
			return execDoneMsg{name: ct.Name, err: err}
		})
	case key.Matches(msg, k.Start):
		return runAction(cm, ct, engine.ActStart)
	case key.Matches(msg, k.Pause):
		if ct.State == "paused" {
			return runAction(cm, ct, engine.ActUnpause)
		}
		return runAction(cm, ct, engine.ActPause)
	case key.Matches(msg, k.Stop):
		return confirm(cm, ct, engine.ActStop)
	case key.Matches(msg, k.Restart):
		return confirm(cm, ct, engine.ActRestart)
	case key.Matches(msg, k.Kill):
		return confirm(cm, ct, engine.ActKill)
	case key.Matches(msg, k.Remove):
		return confirm(cm, ct, engine.ActRemove)
	}
	return nil
}

// defaultDesc sorts numeric columns biggest first: during triage the
// hungriest container belongs at the top.
func defaultDesc(col int) bool {
	switch col {
	case colSec, colRestarts, colCPU, colMem, colNet, colBlock, colPIDs, colUptime:
		return true
	}
	return false
}

func (t *containersTab) move(delta int) {
	n := len(t.rows)
	if n == 0 {
		return
	}
	sel := min(max(t.table.selected+delta, 0), n-1)
	dir := 1
	if delta < 0 {
		dir = -1
	}
	for sel >= 0 && sel < n && t.rows[sel].c == nil {
		sel += dir
	}
	if sel < 0 || sel >= n {
		// ran off the end past a header: search the other way
		sel = min(max(t.table.selected, 0), n-1)
		for sel >= 0 && sel < n && t.rows[sel].c == nil {
			sel -= dir
		}
	}
	if sel >= 0 && sel < n {
		t.table.selected = sel
	}
}

// rebuild derives the rows from the snapshot, filter, sort and grouping,
// keeping the cursor on the same container.
func (t *containersTab) rebuild() {
	var keepID string
	if c, ok := t.selected(); ok {
		keepID = c.ID
	}
	oldIndex := t.table.selected
	list := make([]*backend.Container, 0, len(t.snap.Containers))
	for i := range t.snap.Containers {
		c := &t.snap.Containers[i]
		if !t.showAll && !c.Running() {
			continue
		}
		if !t.filter.match(*c) {
			continue
		}
		list = append(list, c)
	}
	key := t.sortKey()
	keys := make(map[*backend.Container]sortKey, len(list))
	for _, c := range list {
		keys[c] = key(c)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if t.group && a.Project != b.Project {
			return projectKey(a) < projectKey(b)
		}
		ka, kb := keys[a], keys[b]
		if c := ka.cmp(kb); c != 0 {
			if t.sortDesc {
				return c > 0
			}
			return c < 0
		}
		return a.Name < b.Name // ties read A to Z whatever the direction
	})
	t.rows = t.rows[:0]
	last := "\x00"
	for _, c := range list {
		if t.group && c.Project != last {
			last = c.Project
			title := c.Project
			if title == "" {
				title = "(no project)"
			}
			t.rows = append(t.rows, row{header: title})
		}
		t.rows = append(t.rows, row{c: c})
	}
	// Stay on the same container; if it went away, stay at the same
	// place in the list rather than jumping to the top.
	t.table.selected = min(max(oldIndex, 0), max(len(t.rows)-1, 0))
	for i, r := range t.rows {
		if r.c != nil && r.c.ID == keepID {
			t.table.selected = i
			break
		}
	}
	t.move(0)
}

func projectKey(c *backend.Container) string {
	if c.Project == "" {
		return "\xff" // ungrouped containers last
	}
	return c.Project
}

func (t *containersTab) stat(c *backend.Container) (backend.Stats, bool) {
	s, ok := t.snap.Stats[c.ID]
	return s, ok && c.State == "running"
}

// sortKey is computed once per container per rebuild, not per comparison.
type sortKey struct {
	num float64
	str string
}

func (k sortKey) cmp(o sortKey) int {
	switch {
	case k.num < o.num:
		return -1
	case k.num > o.num:
		return 1
	}
	return strings.Compare(k.str, o.str)
}

// statsColumn reports columns whose order depends on sampled figures.
func statsColumn(col int) bool {
	switch col {
	case colCPU, colMem, colNet, colBlock, colPIDs:
		return true
	}
	return false
}

func (t *containersTab) sortKey() func(c *backend.Container) sortKey {
	// A figure only the engine gives sorts as unknown on a row that has
	// only the host's CPU figure so far, as it shows.
	engineOnly := func(s backend.Stats, v float64) float64 {
		if s.HostOnly {
			return -1
		}
		return v
	}
	st := func(c *backend.Container, f func(backend.Stats) float64) sortKey {
		if s, ok := t.stat(c); ok {
			return sortKey{num: f(s)}
		}
		return sortKey{num: -1}
	}
	switch t.sortCol {
	case colSec:
		return func(c *backend.Container) sortKey {
			if s, ok := t.worst[c.ID]; ok {
				return sortKey{num: float64(s) + 1}
			}
			return sortKey{}
		}
	case colImage:
		return func(c *backend.Container) sortKey { return sortKey{str: c.Image} }
	case colState:
		return func(c *backend.Container) sortKey { return sortKey{str: stateClass(*c) + stateText(*c)} }
	case colRestarts:
		return func(c *backend.Container) sortKey { return sortKey{num: float64(c.RestartCount)} }
	case colCPU:
		return func(c *backend.Container) sortKey {
			return st(c, func(s backend.Stats) float64 { return s.CPUPercent })
		}
	case colMem:
		return func(c *backend.Container) sortKey {
			return st(c, func(s backend.Stats) float64 { return engineOnly(s, float64(s.MemUsage)) })
		}
	case colNet:
		return func(c *backend.Container) sortKey {
			return st(c, func(s backend.Stats) float64 { return s.NetRxRate + s.NetTxRate })
		}
	case colBlock:
		return func(c *backend.Container) sortKey {
			return st(c, func(s backend.Stats) float64 { return s.BlkReadRate + s.BlkWritRate })
		}
	case colPIDs:
		return func(c *backend.Container) sortKey {
			return st(c, func(s backend.Stats) float64 { return engineOnly(s, float64(s.PIDs)) })
		}
	case colUptime:
		now := t.common.Now()
		return func(c *backend.Container) sortKey {
			if c.State != "running" || c.StartedAt.IsZero() {
				return sortKey{num: -1}
			}
			return sortKey{num: float64(now.Sub(c.StartedAt))}
		}
	case colPorts:
		return func(c *backend.Container) sortKey { return sortKey{str: portsText(c.Ports)} }
	case colProject:
		return func(c *backend.Container) sortKey { return sortKey{str: c.Project} }
	}
	return func(c *backend.Container) sortKey { return sortKey{str: c.Name} }
}

// watchIDs lists the containers whose stats the list needs: the running
// rows on screen plus the selected one. Sorting by a figure (CPU, memory,
// net, block, PIDs) needs every running row, or a hog below the fold would
// never rise to the top; that costs the engine more, and only while the
// operator sorts that way.
func (t *containersTab) watchIDs() []string {
	from, to := t.table.visibleRange(len(t.rows), max(t.height-1, 0))
	if statsColumn(t.sortCol) {
		from, to = 0, len(t.rows)
	}
	ids := make([]string, 0, to-from+1)
	for i := from; i < to; i++ {
		if c := t.rows[i].c; c != nil && c.State == "running" {
			ids = append(ids, c.ID)
		}
	}
	if c, ok := t.selected(); ok && c.State == "running" && !slices.Contains(ids, c.ID) {
		ids = append(ids, c.ID)
	}
	return ids
}

func (t *containersTab) View(width, height int) string {
	if len(t.rows) == 0 {
		msg := "No containers."
		switch {
		case t.snap.State == backend.ConnConnecting:
			msg = "Connecting to the engine…"
		case t.snap.State == backend.ConnDisconnected && t.snap.Updated.IsZero():
			msg = "Not connected to the engine yet; retrying.\n\n" + t.snap.Err
		case t.filter.raw != "":
			msg = fmt.Sprintf("No container matches %q. Press esc to clear the filter.", t.filter.raw)
		case !t.showAll:
			msg = "No running containers. Press a to show all."
		}
		return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, msg)
	}
	t.common.Trace.Once("ui: first rows drawn")
	up := t.visibleUptimes(height)
	if c := &t.cache; c.gen == t.gen && c.w == width && c.h == height && c.up == up && c.out != "" {
		return c.out
	}
	out := t.paint(width, height)
	t.cache = viewCache{gen: t.gen, w: width, h: height, up: up, out: out}
	return out
}

// needsSecondTicks: an uptime under a minute is shown in seconds.
func (t *containersTab) needsSecondTicks() bool {
	for _, up := range strings.Fields(t.visibleUptimes(t.height)) {
		if strings.HasSuffix(up, "s") {
			return true
		}
	}
	return false
}

// visibleUptimes joins the UP cells of the rows on screen.
func (t *containersTab) visibleUptimes(height int) string {
	from, to := t.table.visibleRange(len(t.rows), max(height-1, 0))
	var b strings.Builder
	for i := from; i < to; i++ {
		if c := t.rows[i].c; c != nil {
			s, _ := t.cell(c, colUptime)
			b.WriteString(s)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (t *containersTab) paint(width, height int) string {
	p := &t.common.Paints
	return t.table.renderPaint(t.common, width, height, len(t.rows), t.sortCol, t.sortDesc, func(r, col int) (string, paint) {
		rw := t.rows[r]
		if rw.c == nil {
			if col == colName {
				return "> " + rw.header, p.Title
			}
			return "", p.Title
		}
		return t.cell(rw.c, col)
	})
}

func (t *containersTab) cell(c *backend.Container, col int) (string, paint) {
	st := &t.common.Paints
	plain := st.Plain
	s, hasStats := t.stat(c)
	dash := func() (string, paint) { return "-", st.Dim }
	switch col {
	case colSec:
		sev, ok := t.worst[c.ID]
		if !ok {
			return "", plain
		}
		name := sev.String()
		short := map[string]string{"critical": "CRIT", "high": "HIGH", "medium": "MED", "low": "LOW", "info": "info"}[name]
		return short, st.Severity[name]
	case colName:
		return c.Name, plain
	case colImage:
		return c.Image, st.Dim
	case colState:
		switch stateClass(*c) {
		case "bad":
			return stateText(*c), st.Bad
		case "warn":
			return stateText(*c), st.Warn
		case "ok":
			return stateText(*c), st.OK
		}
		return stateText(*c), st.Dim
	case colRestarts:
		if !c.Inspected {
			return "", plain
		}
		if c.RestartCount > 0 {
			return strconv.Itoa(c.RestartCount), st.Warn
		}
		return "0", st.Dim
	case colCPU:
		if !hasStats {
			return dash()
		}
		if s.CPUPercent >= 0 {
			t.common.Trace.Once("ui: first CPU cell drawn")
		}
		return percent(s.CPUPercent), plain
	case colMem:
		if !hasStats || s.HostOnly {
			return dash()
		}
		if s.MemLimit > 0 && c.MemLimit > 0 {
			return bytesShort(float64(s.MemUsage)) + "/" + bytesShort(float64(s.MemLimit)), plain
		}
		return bytesShort(float64(s.MemUsage)), plain
	case colNet:
		if !hasStats {
			return dash()
		}
		return rate(s.NetRxRate) + "/" + rate(s.NetTxRate), plain
	case colBlock:
		if !hasStats {
			return dash()
		}
		return rate(s.BlkReadRate) + "/" + rate(s.BlkWritRate), plain
	case colPIDs:
		if !hasStats || s.HostOnly {
			return dash()
		}
		return strconv.FormatUint(s.PIDs, 10), plain
	case colUptime:
		if c.State != "running" || c.StartedAt.IsZero() {
			return dash()
		}
		return duration(t.common.Now().Sub(c.StartedAt)), plain
	case colPorts:
		return portsText(c.Ports), plain
	case colProject:
		return c.Project, st.Dim
	}
	return "", plain
}

// counts returns running and total containers for the status bar.
func counts(s engine.Snapshot) (running, total int) {
	for _, c := range s.Containers {
		if c.State == "running" {
			running++
		}
	}
	return running, len(s.Containers)
}
