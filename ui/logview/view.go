package logview

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
)

// View renders exactly Width()×Height() cells: Height()-1 rows of log and a
// footer. Every row is padded to the width, rows are separated by "\n", and
// there is no trailing newline.
//
// Only lines with a row on screen are touched, so the cost of a frame does
// not depend on how many lines the buffer holds.
func (m Model) View() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((w + 32) * h)

	ch := m.contentHeight()
	errRow := m.inputOpen && m.inputErr != "" && ch > 0
	lineRows := ch
	if errRow {
		lineRows-- // the error overlays the last row while the input is open
	}
	lay := m.layout()
	rows := 0
	last, haveLast := uint64(0), false
	if lineRows > 0 {
		if m.lines.len() == 0 && m.dropped == 0 {
			m.writeNotice(&b, "(no log lines)")
			rows++
		} else {
			var sc scratch
			t := m.visibleTop()
			for seq, row := t.seq, t.row; rows < lineRows && seq < m.lines.next; seq, row = seq+1, 0 {
				rows += m.renderLine(&b, lay, seq, row, lineRows-rows, &sc)
				if !m.isMarker(seq) {
					last, haveLast = seq, true
				}
			}
		}
	}
	for ; rows < lineRows; rows++ {
		newRow(&b)
		spaces(&b, w)
	}
	if errRow {
		newRow(&b)
		b.WriteString(fit(m.styles.StatusError.Render(m.inputErr), w))
	}

	newRow(&b)
	if m.inputOpen {
		b.WriteString(fit(m.input.View(), w))
	} else {
		b.WriteString(m.styles.Status.Render(m.statusLine(last, haveLast)))
	}
	return b.String()
}

// lineLayout is how a row is split into columns.
type lineLayout struct {
	gutter int // stream marker column, separator included (0: hidden)
	ts     int // timestamp column, separator included (0: hidden)
	cw     int // text
}

// layout splits the width; on a very narrow view the timestamp and then the
// gutter give way so that at least one cell of text remains.
func (m *Model) layout() lineLayout {
	l := lineLayout{gutter: m.gutter}
	if m.timestamps {
		l.ts = m.timeWidth + 1
	}
	if m.width-l.gutter-l.ts < 1 {
		l.ts = 0
	}
	if m.width-l.gutter < 1 {
		l.gutter = 0
	}
	l.cw = max(1, m.width-l.gutter-l.ts)
	return l
}

// scratch is per-frame scratch space, reused across the lines of one frame.
type scratch struct {
	spans  []span
	ranges [][2]int
}

// renderLine writes at most maxRows rows of virtual line seq, starting at
// row fromRow, and returns how many it wrote.
func (m *Model) renderLine(b *strings.Builder, lay lineLayout, seq uint64, fromRow, maxRows int, sc *scratch) int {
	if m.isMarker(seq) {
		m.writeNotice(b, "[ "+groupThousands(m.dropped)+" older lines dropped ]")
		return 1
	}
	e := m.lines.at(seq)
	text := e.line.Text
	sc.spans = sc.spans[:0]
	if m.wrap {
		sc.spans = wrapSpans(text, e.ascii, lay.cw, fromRow, fromRow+maxRows, sc.spans)
	} else {
		sc.spans = append(sc.spans, window(text, e.ascii, m.xoff, lay.cw))
	}
	sc.ranges = sc.ranges[:0]
	if m.search.m != nil {
		sc.ranges = m.search.m.ranges(text, sc.ranges)
	}
	st := &m.styles
	textStyle := st.Text
	if e.line.Stream == backend.Stderr {
		textStyle = st.StderrText
	}
	matchStyle := st.Match
	if cur, ok := m.search.current(); ok && cur == seq {
		matchStyle = st.CurrentMatch
	}

	for i, sp := range sc.spans {
		newRow(b)
		if lay.gutter > 0 {
			if e.line.Stream == backend.Stderr {
				b.WriteString(st.StderrMarker.Render(st.StderrGlyph))
				spaces(b, lay.gutter-ansi.StringWidth(st.StderrGlyph))
			} else {
				b.WriteString(st.StdoutGlyph)
				spaces(b, lay.gutter-ansi.StringWidth(st.StdoutGlyph))
			}
		}
		if lay.ts > 0 {
			if i == 0 && fromRow == 0 && !e.line.Time.IsZero() {
				ts := e.line.Time.Format(m.timeFormat)
				b.WriteString(st.Timestamp.Render(fitPlain(ts, m.timeWidth)))
				b.WriteByte(' ')
			} else {
				spaces(b, lay.ts)
			}
		}
		writeSpan(b, text, sp, sc.ranges, textStyle, matchStyle, lay.cw)
	}
	return len(sc.spans)
}

// writeSpan writes the cells of one row of text, highlighting the parts of
// ranges that fall inside it, and pads the row to cw cells. Highlights are
// cut at row boundaries, so a match that wraps is marked on both rows.
func writeSpan(b *strings.Builder, text string, sp span, ranges [][2]int, normal, match lipgloss.Style, cw int) {
	if sp.lead+sp.width > cw {
		// A wide character in a one-cell column: nothing fits.
		spaces(b, cw)
		return
	}
	spaces(b, sp.lead)
	at := sp.start
	for _, r := range ranges {
		if r[1] <= at {
			continue
		}
		if r[0] >= sp.end {
			break
		}
		a, e := max(r[0], at), min(r[1], sp.end)
		styled(b, normal, text[at:a])
		styled(b, match, text[a:e])
		at = e
	}
	styled(b, normal, text[at:sp.end])
	spaces(b, cw-sp.lead-sp.width)
}

func styled(b *strings.Builder, st lipgloss.Style, s string) {
	if s == "" {
		return
	}
	b.WriteString(st.Render(s))
}

// writeNotice writes one row of viewer-made text (ASCII).
func (m *Model) writeNotice(b *strings.Builder, s string) {
	newRow(b)
	s = fitPlain(s, m.width)
	b.WriteString(m.styles.Notice.Render(s))
}

// statusLine is the footer's text, exactly m.width cells: title, since and
// the parent's note on the left; the viewer's state on the right. When space
// runs out the least useful fields go first, then the left side is cut.
func (m *Model) statusLine(last uint64, haveLast bool) string {
	st := &m.styles
	var left []string
	for _, s := range []string{m.title, labelled("since ", m.since), m.status} {
		if s != "" {
			left = append(left, s)
		}
	}

	type field struct {
		text string
		keep int // lower is more important; 0 is never dropped
	}
	var fields []field
	if m.search.active() {
		cur, n := m.Matches()
		switch {
		case n == 0:
			fields = append(fields, field{"no matches", 0})
		case cur == 0:
			fields = append(fields, field{"matches " + groupThousands(uint64(n)), 0})
		default:
			fields = append(fields, field{"match " + strconv.Itoa(cur) + "/" + groupThousands(uint64(n)), 0})
		}
	}
	if m.follow {
		fields = append(fields, field{"follow", 0})
	} else {
		f := "paused"
		if n := m.lines.next - m.pausedAt; n > 0 {
			f += " +" + groupThousands(n) + " new"
		}
		fields = append(fields, field{f, 0})
	}
	if m.wrap {
		fields = append(fields, field{"wrap", 3})
	} else {
		f := "nowrap"
		if m.xoff > 0 {
			f += " col " + strconv.Itoa(m.xoff+1)
		}
		fields = append(fields, field{f, 3})
	}
	if m.timestamps {
		fields = append(fields, field{"ts", 4})
	}
	total := uint64(m.lines.len())
	if total == 0 {
		fields = append(fields, field{"0 lines", 2})
	} else {
		at := uint64(0)
		if haveLast {
			at = last - m.lines.first + 1
		}
		fields = append(fields, field{"ln " + groupThousands(at) + "/" + groupThousands(total), 2})
	}
	if m.dropped > 0 {
		fields = append(fields, field{groupThousands(m.dropped) + " dropped", 1})
	}

	leftText := strings.Join(left, st.Sep)
	leftMin := 0
	if leftText != "" {
		leftMin = min(ansi.StringWidth(leftText), 10) + 1
	}
	avail := m.width - 2 // a margin cell at each end
	var right string
	for {
		parts := make([]string, 0, len(fields))
		worst := -1
		for i, f := range fields {
			parts = append(parts, f.text)
			if f.keep > 0 && (worst < 0 || f.keep > fields[worst].keep) {
				worst = i
			}
		}
		right = strings.Join(parts, st.Sep)
		if ansi.StringWidth(right)+leftMin <= avail || worst < 0 {
			break
		}
		fields = append(fields[:worst], fields[worst+1:]...)
	}

	rw := ansi.StringWidth(right)
	room := avail - rw
	if leftText != "" {
		room-- // at least one space between the sides
	}
	if lw := ansi.StringWidth(leftText); lw > room {
		if room > 0 {
			leftText = ansi.Truncate(leftText, room, st.Ellipsis)
		} else {
			leftText = ""
		}
	}
	gap := avail - ansi.StringWidth(leftText) - rw
	line := " " + leftText + strings.Repeat(" ", max(0, gap)) + right + " "
	return fit(line, m.width)
}

func labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + v
}

// newRow starts a row: rows after the first are preceded by a newline.
func newRow(b *strings.Builder) {
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
}

const blanks = "                                                                "

func spaces(b *strings.Builder, n int) {
	for n > len(blanks) {
		b.WriteString(blanks)
		n -= len(blanks)
	}
	if n > 0 {
		b.WriteString(blanks[:n])
	}
}

// fit truncates or pads s (which may contain styles) to exactly w cells.
func fit(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// fitPlain is fit for unstyled text.
func fitPlain(s string, w int) string { return fit(s, w) }
