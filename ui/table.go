package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/keymap"
)

// Column describes one table column. Fixed columns take Width cells; the
// remaining width is shared among Flex columns by weight, never below Min.
// When the terminal is too narrow, columns with the highest Drop value are
// hidden first.
type Column struct {
	Title string
	Width int
	Flex  int
	Min   int
	Right bool
	Drop  int // 0 = never hidden
}

// tableView renders only the visible window of rows, so its cost depends on
// the screen, not on how many containers an engine has. We use our own
// renderer rather than bubbles/table because we need per-cell styles
// (state, severity) and a virtualized window; bubbles/table styles whole
// rows and lipgloss/table lays out every row to size columns.
type tableView struct {
	cols     []Column
	selected int
	offset   int
}

// layout decides which columns show and their widths for a total width.
// widths is indexed like cols; vis lists the shown columns in order.
func layout(cols []Column, width int) (vis []int, widths []int) {
	widths = make([]int, len(cols))
	hidden := make([]bool, len(cols))
	for {
		fixed, flex, n := 0, 0, 0
		for i, c := range cols {
			if hidden[i] {
				continue
			}
			n++
			if c.Flex > 0 {
				fixed += c.Min
				flex += c.Flex
			} else {
				fixed += c.Width
			}
		}
		fixed += max(n-1, 0) // one space between columns
		drop, best := -1, 0
		if fixed > width {
			for i, c := range cols {
				if !hidden[i] && c.Drop > best {
					drop, best = i, c.Drop
				}
			}
		}
		if drop >= 0 {
			hidden[drop] = true
			continue
		}
		spare := max(width-fixed, 0)
		given, lastFlex := 0, -1
		for i, c := range cols {
			if hidden[i] {
				continue
			}
			vis = append(vis, i)
			if c.Flex > 0 {
				extra := spare * c.Flex / flex
				widths[i] = c.Min + extra
				given += extra
				lastFlex = i
			} else {
				widths[i] = c.Width
			}
		}
		if lastFlex >= 0 {
			widths[lastFlex] += spare - given
		}
		return vis, widths
	}
}

// fit pads or truncates s to exactly w cells.
func fit(s string, w int, right bool, ellipsis string) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, ellipsis)
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// clampOffset keeps the selection inside a window of height rows.
func (t *tableView) clampOffset(n, height int) {
	if n == 0 {
		t.selected, t.offset = 0, 0
		return
	}
	t.selected = min(max(t.selected, 0), n-1)
	if height <= 0 {
		return
	}
	if t.selected < t.offset {
		t.offset = t.selected
	}
	if t.selected >= t.offset+height {
		t.offset = t.selected - height + 1
	}
	t.offset = min(max(t.offset, 0), max(n-height, 0))
}

// visibleRange is the window [from, to) of rows shown.
func (t *tableView) visibleRange(n, height int) (int, int) {
	t.clampOffset(n, height)
	return t.offset, min(t.offset+height, n)
}

// paint is a style reduced, once, to the escape codes around its text.
// Rendering a lipgloss style per cell per frame dominated the cost of a
// frame (a reviewer profiled 55% of 2.5 ms in Style.Render at 100
// containers); wrapping text in precomputed codes costs a concatenation.
// Only for styles without padding, width or borders.
type paint struct{ pre, post string }

func paintOf(st lipgloss.Style) paint {
	r := st.Render("\x00")
	i := strings.IndexByte(r, 0)
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], post: r[i+1:]}
}

func (p paint) wrap(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// Paints are the cell styles of the hot tables, precomputed.
type Paints struct {
	Plain, Dim, OK, Warn, Bad, Title paint
	Severity                         map[string]paint
}

func newPaints(st Styles) Paints {
	p := Paints{Dim: paintOf(st.Dim), OK: paintOf(st.OK), Warn: paintOf(st.Warn), Bad: paintOf(st.Bad),
		Title: paintOf(st.Title), Severity: map[string]paint{}}
	for k, v := range st.Severity {
		p.Severity[k] = paintOf(v)
	}
	return p
}

// render draws the header and the visible rows. cell returns the text and
// style of a cell for an absolute row index.
func (t *tableView) render(c *Common, width, height, n int, sortCol int, sortDesc bool,
	cell func(row, col int) (string, lipgloss.Style)) string {
	return t.renderPaint(c, width, height, n, sortCol, sortDesc, func(row, col int) (string, paint) {
		text, st := cell(row, col)
		return text, paintOf(st)
	})
}

// renderPaint is render with precomputed paints: the hot path.
func (t *tableView) renderPaint(c *Common, width, height, n int, sortCol int, sortDesc bool,
	cell func(row, col int) (string, paint)) string {
	vis, widths := layout(t.cols, width)
	var b strings.Builder
	// header
	var hdr []string
	for _, ci := range vis {
		col := t.cols[ci]
		title := col.Title
		if ci == sortCol {
			if sortDesc {
				title += c.Glyphs.Down
			} else {
				title += c.Glyphs.Up
			}
		}
		hdr = append(hdr, fit(title, widths[ci], col.Right, c.Glyphs.Ellipsis))
	}
	b.WriteString(c.Styles.Header.Render(fit(strings.Join(hdr, " "), width, false, "")))
	rows := height - 1
	from, to := t.visibleRange(n, rows)
	for r := from; r < to; r++ {
		b.WriteByte('\n')
		var parts []string
		for _, ci := range vis {
			text, p := cell(r, ci)
			cellText := fit(text, widths[ci], t.cols[ci].Right, c.Glyphs.Ellipsis)
			if r != t.selected {
				cellText = p.wrap(cellText)
			}
			parts = append(parts, cellText)
		}
		line := strings.Join(parts, " ")
		line = fit(line, width, false, "")
		if r == t.selected {
			line = c.Styles.Selected.Render(line)
		}
		b.WriteString(line)
	}
	for r := to - from; r < rows; r++ {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", width))
	}
	return b.String()
}

// listNav applies the list movement keys shared by every table: up, down,
// page up/down, top, bottom. move moves the selection by a delta (skipping
// header rows as the table needs). It reports whether msg was such a key.
func listNav(l keymap.List, msg tea.KeyPressMsg, t *tableView, n, page int, move func(int)) bool {
	switch {
	case key.Matches(msg, l.Up):
		move(-1)
	case key.Matches(msg, l.Down):
		move(1)
	case key.Matches(msg, l.PageUp):
		move(-page)
	case key.Matches(msg, l.PageDown):
		move(page)
	case key.Matches(msg, l.Top):
		t.selected = 0
		move(0)
	case key.Matches(msg, l.Bottom):
		t.selected = n - 1
		move(0)
	default:
		return false
	}
	return true
}
