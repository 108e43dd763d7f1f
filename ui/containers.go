package ui

import (
	"fmt"
	"slices"
	"sort"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/engine"
)

// Column indexes of the containers table.
const (
	colName = iota
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
		colPorts:    {Title: "PORTS", Flex: 2, Min: 10, Drop: 9},
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
	watched  []string
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
	t.filter = f
	t.rebuild()
	return nil
}

func (t *containersTab) SetSize(w, h int) {
	t.width, t.height = w, h
	t.syncWatched()
}

// selected returns the container under the cursor.
func (t *containersTab) selected() (backend.Container, bool) {
	if t.table.selected < 0 || t.table.selected >= len(t.rows) || t.rows[t.table.selected].c == nil {
		return backend.Container{}, false
	}
	return *t.rows[t.table.selected].c, true
}

func (t *containersTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case snapshotMsg:
		if msg.engine != t.common.Engine.ID() {
			return nil
		}
		t.snap = msg.snap
		t.rebuild()
	case tea.KeyPressMsg:
		return t.handleKey(msg)
	}
	return nil
}

func (t *containersTab) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := t.common.Keys
	l, c := k.List, k.Containers
	pageRows := max(t.height-2, 1)
	switch {
	case key.Matches(msg, l.Up):
		t.move(-1)
	case key.Matches(msg, l.Down):
		t.move(1)
	case key.Matches(msg, l.PageUp):
		t.move(-pageRows)
	case key.Matches(msg, l.PageDown):
		t.move(pageRows)
	case key.Matches(msg, l.Top):
		t.table.selected = 0
		t.move(0)
	case key.Matches(msg, l.Bottom):
		t.table.selected = len(t.rows) - 1
		t.move(0)
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
			return flash("exec in " + ct.Name + ": " + err.Error())
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
	case colRestarts, colCPU, colMem, colNet, colBlock, colPIDs, colUptime:
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
	t.syncWatched()
}

// rebuild derives the rows from the snapshot, filter, sort and grouping,
// keeping the cursor on the same container.
func (t *containersTab) rebuild() {
	var keepID string
	if c, ok := t.selected(); ok {
		keepID = c.ID
	}
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
	less := t.lessFunc()
	sort.SliceStable(list, func(i, j int) bool {
		if t.group && list[i].Project != list[j].Project {
			return projectKey(list[i]) < projectKey(list[j])
		}
		if t.sortDesc {
			return less(list[j], list[i])
		}
		return less(list[i], list[j])
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
	t.table.selected = 0
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

// lessFunc orders by the sort column; ties fall back to the name so the
// order is stable between refreshes.
func (t *containersTab) lessFunc() func(a, b *backend.Container) bool {
	num := func(f func(*backend.Container) float64) func(a, b *backend.Container) bool {
		return func(a, b *backend.Container) bool {
			x, y := f(a), f(b)
			if x != y {
				return x < y
			}
			return a.Name < b.Name
		}
	}
	str := func(f func(*backend.Container) string) func(a, b *backend.Container) bool {
		return func(a, b *backend.Container) bool {
			x, y := f(a), f(b)
			if x != y {
				return x < y
			}
			return a.Name < b.Name
		}
	}
	st := func(c *backend.Container, f func(backend.Stats) float64) float64 {
		if s, ok := t.stat(c); ok {
			return f(s)
		}
		return -1
	}
	switch t.sortCol {
	case colImage:
		return str(func(c *backend.Container) string { return c.Image })
	case colState:
		return str(func(c *backend.Container) string { return stateClass(*c) + stateText(*c) })
	case colRestarts:
		return num(func(c *backend.Container) float64 { return float64(c.RestartCount) })
	case colCPU:
		return num(func(c *backend.Container) float64 {
			return st(c, func(s backend.Stats) float64 { return s.CPUPercent })
		})
	case colMem:
		return num(func(c *backend.Container) float64 {
			return st(c, func(s backend.Stats) float64 { return float64(s.MemUsage) })
		})
	case colNet:
		return num(func(c *backend.Container) float64 {
			return st(c, func(s backend.Stats) float64 { return s.NetRxRate + s.NetTxRate })
		})
	case colBlock:
		return num(func(c *backend.Container) float64 {
			return st(c, func(s backend.Stats) float64 { return s.BlkReadRate + s.BlkWritRate })
		})
	case colPIDs:
		return num(func(c *backend.Container) float64 {
			return st(c, func(s backend.Stats) float64 { return float64(s.PIDs) })
		})
	case colUptime:
		return num(func(c *backend.Container) float64 {
			if c.State != "running" || c.StartedAt.IsZero() {
				return -1
			}
			return float64(t.common.Now().Sub(c.StartedAt))
		})
	case colPorts:
		return str(func(c *backend.Container) string { return portsText(c.Ports) })
	case colProject:
		return str(func(c *backend.Container) string { return c.Project })
	}
	return str(func(c *backend.Container) string { return c.Name })
}

// syncWatched tells the engine which containers are on screen (plus the
// selected one) so only those are sampled. It does no I/O.
func (t *containersTab) syncWatched() {
	if t.common.Engine == nil {
		return
	}
	from, to := t.table.visibleRange(len(t.rows), max(t.height-1, 0))
	ids := make([]string, 0, to-from+1)
	for i := from; i < to; i++ {
		if c := t.rows[i].c; c != nil && c.State == "running" {
			ids = append(ids, c.ID)
		}
	}
	if c, ok := t.selected(); ok && c.State == "running" && !slices.Contains(ids, c.ID) {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if slices.Equal(ids, t.watched) {
		return
	}
	t.watched = ids
	t.common.Engine.SetWatched(ids)
}

func (t *containersTab) View(width, height int) string {
	if len(t.rows) == 0 {
		msg := "No containers."
		switch {
		case t.snap.State == backend.ConnConnecting:
			msg = "Connecting to the engine…"
		case t.filter.raw != "":
			msg = fmt.Sprintf("No container matches %q. Press esc to clear the filter.", t.filter.raw)
		case !t.showAll:
			msg = "No running containers. Press a to show all."
		}
		return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, msg)
	}
	st := t.common.Styles
	return t.table.render(t.common, width, height, len(t.rows), t.sortCol, t.sortDesc, func(r, col int) (string, lipgloss.Style) {
		rw := t.rows[r]
		if rw.c == nil {
			if col == colName {
				return "▸ " + rw.header, st.Title
			}
			return "", st.Title
		}
		return t.cell(rw.c, col)
	})
}

func (t *containersTab) cell(c *backend.Container, col int) (string, lipgloss.Style) {
	st := t.common.Styles
	plain := lipgloss.NewStyle()
	s, hasStats := t.stat(c)
	dash := func() (string, lipgloss.Style) { return "-", st.Dim }
	switch col {
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
			return fmt.Sprint(c.RestartCount), st.Warn
		}
		return "0", st.Dim
	case colCPU:
		if !hasStats {
			return dash()
		}
		return percent(s.CPUPercent), plain
	case colMem:
		if !hasStats {
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
		if !hasStats {
			return dash()
		}
		return fmt.Sprint(s.PIDs), plain
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
