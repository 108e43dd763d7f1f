package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/dockterm/dockterm/backend"
)

// eventsView shows the engine's recent events, newest first, refreshed once
// a second while open, filterable with `/`.
// needsSecondTicks: the feed reloads on the clock.
func (v *eventsView) needsSecondTicks() bool { return true }

type eventsView struct {
	common *Common
	stop   func() // ends FollowAllEvents
	events []backend.Event
	filter string
	input  textinput.Model
	typing bool
	table  tableView
	width  int
	height int
}

func newEventsView(c *Common) *eventsView {
	in := textinput.New()
	in.Prompt = "/"
	v := &eventsView{common: c, input: in, table: tableView{cols: []Column{
		{Title: "TIME", Width: 8},
		{Title: "TYPE", Width: 9},
		{Title: "ACTION", Width: 16},
		{Title: "NAME", Flex: 2, Min: 12},
		{Title: "DETAIL", Flex: 3, Min: 10, Drop: 1},
	}}}
	// The engine's main stream leaves exec and attach events out (a
	// healthcheck emits three a run); this view is where they matter.
	v.stop = c.Engine.FollowAllEvents()
	v.reload()
	return v
}

func (v *eventsView) Init() tea.Cmd   { return nil }
func (v *eventsView) Crumb() string   { return "events" }
func (v *eventsView) Close()          { v.stop() }
func (v *eventsView) Capturing() bool { return v.typing }
func (v *eventsView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.input.SetWidth(max(w-4, 10))
}

func (v *eventsView) reload() {
	all := v.common.Engine.Events()
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.After(all[j].Time) })
	v.events = v.events[:0]
	low := strings.ToLower(v.filter)
	for _, e := range all {
		if low != "" && !strings.Contains(strings.ToLower(e.Type+" "+e.Action+" "+e.Name+" "+e.ID+" "+detailOf(e)), low) {
			continue
		}
		v.events = append(v.events, e)
	}
}

func (v *eventsView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tickMsg:
		v.reload()
	case tea.KeyPressMsg:
		if v.typing {
			switch msg.String() {
			case "enter", "esc":
				v.typing = false
				if msg.String() == "esc" {
					v.input.SetValue(v.filter)
				}
				v.input.Blur()
				return nil
			}
			var cmd tea.Cmd
			v.input, cmd = v.input.Update(msg)
			v.filter = v.input.Value()
			v.reload()
			return cmd
		}
		l := v.common.Keys.List
		switch {
		case key.Matches(msg, v.common.Keys.Detail.Search):
			v.typing = true
			v.input.SetValue(v.filter)
			return v.input.Focus()
		case key.Matches(msg, l.Up):
			v.table.selected--
		case key.Matches(msg, l.Down):
			v.table.selected++
		case key.Matches(msg, l.PageUp):
			v.table.selected -= max(v.height-3, 1)
		case key.Matches(msg, l.PageDown):
			v.table.selected += max(v.height-3, 1)
		case key.Matches(msg, l.Top):
			v.table.selected = 0
		case key.Matches(msg, l.Bottom):
			v.table.selected = len(v.events) - 1
		}
	}
	return nil
}

func detailOf(e backend.Event) string {
	keys := make([]string, 0, len(e.Attrs))
	for k := range e.Attrs {
		if k == "name" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+e.Attrs[k])
	}
	return strings.Join(parts, " ")
}

func (v *eventsView) View(w, h int) string {
	st := v.common.Styles
	head := st.Title.Render("Engine events") + st.Dim.Render(fmt.Sprintf("  %d shown, newest first, / to filter", len(v.events)))
	if v.typing {
		head = v.input.View()
	} else if v.filter != "" {
		head += st.Dim.Render("  filter: ") + v.filter
	}
	if len(v.events) == 0 {
		return head + "\n" + lipgloss.Place(w, h-1, lipgloss.Center, lipgloss.Center, "No events yet: they appear as the engine reports them.")
	}
	body := v.table.render(v.common, w, h-1, len(v.events), -1, false, func(r, col int) (string, lipgloss.Style) {
		e := v.events[r]
		plain := lipgloss.NewStyle()
		switch col {
		case 0:
			return e.Time.Local().Format("15:04:05"), st.Dim
		case 1:
			return e.Type, st.Dim
		case 2:
			s := plain
			if strings.Contains(e.Action, "die") || strings.Contains(e.Action, "oom") || strings.Contains(e.Action, "kill") || strings.Contains(e.Action, "unhealthy") {
				s = st.Bad
			}
			return e.Action, s
		case 3:
			if e.Name != "" {
				return e.Name, plain
			}
			return shortID(e.ID), plain
		default:
			return detailOf(e), st.Dim
		}
	})
	return head + "\n" + body
}
