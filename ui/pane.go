package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/ui/logview"
)

// pane is a scrollable, searchable text area built on the log viewer. The
// log section streams into one; inspect, env, mounts, network and diff reuse
// another, so every section gets the same search (/, n, N) and scrolling.
type pane struct {
	m     logview.Model
	isLog bool
}

func newPane(c *Common, isLog bool) *pane {
	st := logview.DefaultStyles()
	if c.Glyphs.Ellipsis != "…" || c.Styles.Dim.GetForeground() == nil {
		st = logview.PlainStyles()
	}
	m := logview.New(logview.WithStyles(st))
	if !isLog {
		m.SetFollow(false)
		m.SetTimestamps(false)
	}
	return &pane{m: m, isLog: isLog}
}

func (p *pane) SetSize(w, h int)                { p.m.SetSize(w, h) }
func (p *pane) Reset()                          { p.m.Reset() }
func (p *pane) Append(lines ...backend.LogLine) { p.m.Append(lines...) }
func (p *pane) SetStatus(s string)              { p.m.SetSince(s) }
func (p *pane) Capturing() bool                 { return p.m.InputActive() }
func (p *pane) HasSearch() bool                 { return p.m.SearchQuery() != "" }
func (p *pane) View() string                    { return p.m.View() }

// SetLines replaces the text of a document pane, keeping the reader where
// they were (a refresh, revealing secrets); Top goes back to the start for a
// new document.
func (p *pane) SetLines(lines []string) {
	line, row := 0, 0
	if p.m.Len() > 0 {
		line, row = p.m.TopLine()
	}
	p.m.Reset()
	ll := make([]backend.LogLine, len(lines))
	for i, l := range lines {
		ll[i] = backend.LogLine{Text: l}
	}
	p.m.Append(ll...)
	p.m.SetFollow(false)
	p.m.GotoLine(line, row)
}

// Top shows the first line.
func (p *pane) Top() { p.m.GotoTop() }

func (p *pane) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	p.m, cmd = p.m.Update(msg)
	return cmd
}
