// Package logview is the container log viewer: a bounded, virtualized,
// searchable view of log lines that an operator reads during an incident.
//
// It is a self-contained bubbletea component that does no I/O and starts no
// goroutines: the parent streams logs (in tea.Cmds) and feeds the lines in
// with Append, routes key messages to Update while the view has focus, and
// places the string returned by View. Any tea.Cmd it returns is pure UI (the
// search input's cursor).
//
// Lines live in a ring of at most MaxLines (50,000 by default) holding at
// most MaxBytes of text (32 MiB by default); the oldest are dropped and
// counted, and a marker row says so. Only the rows on screen
// are ever measured, wrapped or styled, so a frame costs the same with ten
// lines or a full buffer, and each line is bounded to MaxLineBytes when it is
// appended.
//
// The Model is a value, like other bubbles: copies share the line storage, so
// the parent keeps only the latest copy (m.logs, cmd = m.logs.Update(msg)).
package logview

import (
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
)

// DefaultMaxLines is the ring capacity unless WithMaxLines says otherwise.
const DefaultMaxLines = 50_000

// DefaultMaxBytes bounds the text the ring holds unless WithMaxBytes says
// otherwise. Lines may be up to MaxLineBytes long, so without it a full ring
// of long lines would pin about 800 MB; 32 MiB is still 50,000 lines of
// 670 bytes, more than most logs average.
const DefaultMaxBytes = 32 << 20

// DefaultTimeFormat is how timestamps show when toggled on: short, because
// during an incident the operator compares times of day, not dates; the
// parent can ask for more with WithTimeFormat.
const DefaultTimeFormat = "15:04:05.000"

// wheelRows is how far one mouse wheel notch scrolls.
const wheelRows = 3

// Model is the log viewer. Create it with New.
type Model struct {
	keys   KeyMap
	styles Styles

	timeFormat string
	timeWidth  int // cells of a formatted timestamp
	gutter     int // cells of the stream marker column, separator included

	width, height int
	title, since  string
	status        string

	lines   ring
	dropped uint64 // lines dropped since the last Reset

	follow     bool
	wrap       bool
	timestamps bool
	top        pos // first visible row when not following
	xoff       int // horizontal scroll in cells, unwrapped mode
	pausedAt   uint64

	input     textinput.Model
	inputOpen bool
	inputErr  string
	search    searchState
}

// pos is a row of the view: row of the (wrapped) line with sequence number
// seq. Positions refer to lines by number, so appending or dropping other
// lines never moves what the operator is reading.
type pos struct {
	seq uint64
	row int
}

func (p pos) before(q pos) bool {
	return p.seq < q.seq || (p.seq == q.seq && p.row < q.row)
}

// Option configures New.
type Option func(*Model)

// WithMaxLines sets the ring capacity (at least 1).
func WithMaxLines(n int) Option { return func(m *Model) { m.lines.max = max(1, n) } }

// WithMaxBytes sets the most bytes of text the ring holds (at least 1; the
// newest line is kept even when it alone is larger).
func WithMaxBytes(n int) Option { return func(m *Model) { m.lines.maxBytes = max(1, n) } }

// WithKeyMap sets the key bindings.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// WithStyles sets the styles, e.g. PlainStyles() under NO_COLOR.
func WithStyles(s Styles) Option { return func(m *Model) { m.styles = s } }

// WithTimeFormat sets the time.Format layout of timestamps. Times are
// formatted in their own location; convert them (e.g. with Local) before
// Append to show another zone.
func WithTimeFormat(layout string) Option { return func(m *Model) { m.timeFormat = layout } }

// New returns an empty viewer in follow mode with wrapping on and timestamps
// off. It has no size until SetSize.
func New(opts ...Option) Model {
	m := Model{
		keys:       DefaultKeyMap(),
		styles:     DefaultStyles(),
		timeFormat: DefaultTimeFormat,
		lines:      newRing(DefaultMaxLines, DefaultMaxBytes),
		follow:     true,
		wrap:       true,
		search:     searchState{cur: -1},
	}
	for _, o := range opts {
		o(&m)
	}
	m.input = textinput.New()
	m.input.Prompt = "/"
	m.input.CharLimit = 512
	// ctrl+v would read the system clipboard in a Cmd: I/O this component
	// promises not to do. Bracketed paste (tea.PasteMsg) still works.
	m.input.KeyMap.Paste.SetEnabled(false)
	m.applyStyles()
	m.setTimeFormat(m.timeFormat)
	return m
}

// SetKeyMap replaces the key bindings.
func (m *Model) SetKeyMap(k KeyMap) { m.keys = k }

// KeyMap returns the key bindings, for the app's help.
func (m Model) KeyMap() KeyMap { return m.keys }

// SetStyles replaces the styles.
func (m *Model) SetStyles(s Styles) {
	m.styles = s
	m.applyStyles()
}

func (m *Model) applyStyles() {
	m.input.SetStyles(m.styles.Input)
	m.gutter = max(ansi.StringWidth(m.styles.StderrGlyph), ansi.StringWidth(m.styles.StdoutGlyph)) + 1
}

// SetTimeFormat sets the time.Format layout of timestamps.
func (m *Model) SetTimeFormat(layout string) { m.setTimeFormat(layout) }

func (m *Model) setTimeFormat(layout string) {
	if layout == "" {
		layout = DefaultTimeFormat
	}
	m.timeFormat = layout
	// The reference time has two-digit fields everywhere, so its width is
	// the widest a layout like "Jan _2 15:04:05" gets.
	m.timeWidth = ansi.StringWidth(time.Date(2006, 12, 22, 22, 44, 55, 999999999, time.UTC).Format(layout))
}

// SetMaxLines changes the ring capacity, keeping the newest lines.
func (m *Model) SetMaxLines(n int) {
	m.dropped += uint64(m.lines.resize(n, m.lines.maxBytes))
	m.search.trim(m.lines.first)
}

// MaxLines is the ring capacity.
func (m Model) MaxLines() int { return m.lines.max }

// SetMaxBytes changes the byte budget of the ring (at least 1), keeping the
// newest lines that fit.
func (m *Model) SetMaxBytes(n int) {
	m.dropped += uint64(m.lines.resize(m.lines.max, n))
	m.search.trim(m.lines.first)
}

// MaxBytes is the byte budget of the ring.
func (m Model) MaxBytes() int { return m.lines.maxBytes }

// Bytes is how many bytes of text the buffer holds.
func (m Model) Bytes() int { return m.lines.bytes }

// SetSize sets the size of the whole component, footer included.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(0, width), max(0, height)
	m.input.SetWidth(max(1, m.width-ansi.StringWidth(m.input.Prompt)-1))
}

// Width and Height are the size set with SetSize.
func (m Model) Width() int  { return m.width }
func (m Model) Height() int { return m.height }

// SetTitle sets what the footer shows first, e.g. the container name.
func (m *Model) SetTitle(title string) { m.title = title }

// SetSince sets the label of the "since" preset the parent streams from
// (e.g. "15m" or "all"); the footer shows "since <label>". Choosing presets
// is the parent's business.
func (m *Model) SetSince(label string) { m.since = label }

// SetStatus sets a short note from the parent for the footer, e.g.
// "container exited (137)" or "reconnecting".
func (m *Model) SetStatus(s string) { m.status = s }

// Append adds lines at the end (they are sanitized by the backend). Lines
// beyond the capacity, or beyond the byte budget, push the oldest out. Cost
// is linear in the new lines, never in the buffer.
func (m *Model) Append(lines ...backend.LogLine) {
	if len(lines) == 0 {
		return
	}
	if over := len(lines) - m.lines.max; over >= 0 {
		// Everything stored now and the head of this batch would be
		// pushed out by the batch's tail anyway.
		m.dropped += uint64(m.lines.dropAll(over))
		lines = lines[over:]
	}
	for _, l := range lines {
		text, ascii := prepare(l.Text)
		l.Text = text
		m.dropped += uint64(m.lines.push(entry{line: l, ascii: ascii}))
		if m.search.m != nil && m.search.m.match(text) {
			m.search.hits = append(m.search.hits, m.lines.next-1)
		}
	}
	m.search.trim(m.lines.first)
}

// Reset empties the buffer (a new container or a new "since" preset) and
// returns to follow mode. The search query stays active and applies to the
// lines appended next.
func (m *Model) Reset() {
	m.lines.reset()
	m.dropped = 0
	m.follow = true
	m.top = pos{}
	m.xoff = 0
	m.pausedAt = 0
	m.search.hits = m.search.hits[:0]
	m.search.head = 0
	m.search.cur = -1
}

// Len is how many lines the buffer holds.
func (m Model) Len() int { return m.lines.len() }

// Dropped is how many lines were dropped since the last Reset.
func (m Model) Dropped() uint64 { return m.dropped }

// Following reports follow mode (the view sticks to the newest line).
func (m Model) Following() bool { return m.follow }

// SetFollow enters or leaves follow mode.
func (m *Model) SetFollow(on bool) {
	if on {
		m.follow = true
		return
	}
	if m.follow {
		m.top = m.bottomTop()
		m.leaveFollow()
	}
}

// GotoTop shows the oldest line and leaves follow mode (what the Top key
// does), e.g. for a document shown in the viewer.
func (m *Model) GotoTop() {
	if m.follow {
		m.leaveFollow()
	}
	m.top = pos{seq: m.lo()}
}

// TopLine is where the screen starts: the line (0 = oldest kept) and the
// row inside it when wrapped, for a caller that replaces the text and wants
// to stay where the reader was.
func (m *Model) TopLine() (line, row int) {
	p := m.top
	if m.follow {
		p = m.bottomTop()
	}
	return int(p.seq - m.lo()), p.row
}

// GotoLine shows the given line (0 = oldest kept) and row inside it on top,
// as far as the text allows, and leaves follow mode.
func (m *Model) GotoLine(line, row int) {
	if m.follow {
		m.leaveFollow()
	}
	m.top = m.clamp(pos{seq: m.lo() + uint64(max(line, 0)), row: max(row, 0)})
}

// GotoBottom shows the newest line and enters follow mode (the Bottom key).
func (m *Model) GotoBottom() { m.follow = true }

// Wrap reports whether long lines wrap (otherwise they scroll horizontally).
func (m Model) Wrap() bool { return m.wrap }

// SetWrap turns wrapping on or off.
func (m *Model) SetWrap(on bool) {
	m.wrap = on
	m.xoff = 0
	m.top.row = 0
}

// Timestamps reports whether timestamps are shown.
func (m Model) Timestamps() bool { return m.timestamps }

// SetTimestamps shows or hides timestamps.
func (m *Model) SetTimestamps(on bool) { m.timestamps = on }

// XOffset is the horizontal scroll in cells (unwrapped mode).
func (m Model) XOffset() int { return m.xoff }

// InputActive reports that the search input is open: every key belongs to
// the viewer then (the app keeps only its force-quit), and the app must not
// treat 'q' or '?' as its own.
func (m Model) InputActive() bool { return m.inputOpen }

// SearchQuery is the active query ("" when none).
func (m Model) SearchQuery() string { return m.search.query }

// SearchError is why the last query typed could not run ("" when it could).
func (m Model) SearchError() string { return m.inputErr }

// Matches reports the current match (1-based, 0 when none is selected) and
// the number of matching lines.
func (m Model) Matches() (current, total int) {
	if !m.search.active() {
		return 0, 0
	}
	if _, ok := m.search.current(); ok {
		current = m.search.cur - m.search.head + 1
	}
	return current, m.search.count()
}

// Handles reports whether Update would act on the key in the current state,
// so the parent can give its own meaning to the rest. Esc, for instance,
// belongs to the viewer only while a search is open or active; otherwise the
// app may use it to go back.
func (m Model) Handles(msg tea.KeyPressMsg) bool {
	if m.inputOpen {
		return true
	}
	k := m.keys
	if key.Matches(msg, k.ClearSearch) {
		return m.search.active()
	}
	if key.Matches(msg, k.NextMatch, k.PrevMatch) {
		return m.search.active()
	}
	if key.Matches(msg, k.Left, k.Right) {
		return !m.wrap
	}
	return key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.HalfPageUp, k.HalfPageDown,
		k.Top, k.Bottom, k.Follow, k.ToggleTimestamps, k.ToggleWrap, k.Search)
}

// Update handles key presses, pastes into the search input and the mouse
// wheel. Other messages are ignored, except that the open search input gets
// them (its cursor).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.inputOpen {
			return m.updateInput(msg)
		}
		return m.updateKey(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.scrollUp(wheelRows)
		case tea.MouseWheelDown:
			m.scrollDown(wheelRows)
		}
		return m, nil
	}
	if m.inputOpen {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m Model) updateKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	k := m.keys
	ch := m.contentHeight()
	switch {
	case key.Matches(msg, k.Up):
		m.scrollUp(1)
	case key.Matches(msg, k.Down):
		m.scrollDown(1)
	case key.Matches(msg, k.PageUp):
		m.scrollUp(max(1, ch))
	case key.Matches(msg, k.PageDown):
		m.scrollDown(max(1, ch))
	case key.Matches(msg, k.HalfPageUp):
		m.scrollUp(max(1, ch/2))
	case key.Matches(msg, k.HalfPageDown):
		m.scrollDown(max(1, ch/2))
	case key.Matches(msg, k.Top):
		m.GotoTop()
	case key.Matches(msg, k.Bottom):
		m.GotoBottom()
	case key.Matches(msg, k.Follow):
		m.SetFollow(!m.follow)
	case key.Matches(msg, k.Left):
		if !m.wrap {
			m.xoff = max(0, m.xoff-m.hstep())
		}
	case key.Matches(msg, k.Right):
		if !m.wrap {
			m.xoff = max(m.xoff, min(m.xoff+m.hstep(), m.visibleMaxWidth()-m.contentWidth()))
		}
	case key.Matches(msg, k.ToggleWrap):
		m.SetWrap(!m.wrap)
	case key.Matches(msg, k.ToggleTimestamps):
		m.timestamps = !m.timestamps
	case key.Matches(msg, k.Search):
		m.inputOpen = true
		m.inputErr = ""
		m.input.Reset()
		cmd = m.input.Focus() // nil unless Styles.Input asks for a blinking cursor
	case key.Matches(msg, k.NextMatch):
		m.stepMatch(+1)
	case key.Matches(msg, k.PrevMatch):
		m.stepMatch(-1)
	case key.Matches(msg, k.ClearSearch):
		m.search.clear()
	}
	return m, cmd
}

func (m Model) updateInput(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.SearchCancel):
		m.closeInput()
		return m, nil
	case key.Matches(msg, m.keys.SearchConfirm):
		q := m.input.Value()
		if q == "" {
			m.search.clear()
			m.closeInput()
			return m, nil
		}
		if err := m.Search(q); err != nil {
			m.inputErr = err.Error()
			return m, nil // keep the input open so the query can be fixed
		}
		m.closeInput()
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.inputErr = ""
	return m, cmd
}

func (m *Model) closeInput() {
	m.inputOpen = false
	m.inputErr = ""
	m.input.Blur()
}

// Search runs query over the buffer (as if typed after '/'), selects the
// match nearest above the bottom of the view (in follow mode: the newest)
// and scrolls it into view. An empty query clears the search.
func (m *Model) Search(query string) error {
	if query == "" {
		m.search.clear()
		return nil
	}
	mt, err := compileQuery(query)
	if err != nil {
		return err
	}
	hits := m.search.hits[:0]
	for seq := m.lines.first; seq < m.lines.next; seq++ {
		if mt.match(m.lines.at(seq).line.Text) {
			hits = append(hits, seq)
		}
	}
	m.search = searchState{query: query, m: mt, hits: hits, cur: -1}
	m.selectNearestMatch()
	return nil
}

// ClearSearch drops the active search.
func (m *Model) ClearSearch() { m.search.clear() }

// selectNearestMatch makes the last match at or above the bottom of the view
// current (the first one below when there is none) and shows it.
func (m *Model) selectNearestMatch() {
	if m.search.count() == 0 {
		return
	}
	i := m.search.lastAtOrBefore(m.bottomSeq())
	if i < 0 {
		i = m.search.head
	}
	m.search.cur = i
	m.showMatch()
}

// stepMatch moves to the next (+1) or previous (-1) matching line, wrapping
// around the ends of the buffer like less.
func (m *Model) stepMatch(dir int) {
	s := &m.search
	if !s.active() || s.count() == 0 {
		return
	}
	if _, ok := s.current(); !ok {
		m.selectNearestMatch()
		return
	}
	s.cur += dir
	if s.cur >= len(s.hits) {
		s.cur = s.head
	}
	if s.cur < s.head {
		s.cur = len(s.hits) - 1
	}
	m.showMatch()
}

// showMatch scrolls so that the first occurrence on the current match line
// is on screen. A match already visible does not move the view; otherwise
// the view leaves follow mode and puts the match a third of the way down.
func (m *Model) showMatch() {
	seq, ok := m.search.current()
	if !ok {
		return
	}
	e := m.lines.at(seq)
	text := e.line.Text
	var buf [4][2]int
	rs := m.search.m.ranges(text, buf[:0])
	row, col := 0, 0
	if len(rs) > 0 {
		if m.wrap {
			row = rowOfByte(text, e.ascii, m.contentWidth(), rs[0][0])
		} else {
			col = cellWidth(text[:rs[0][0]], e.ascii)
			end := col + cellWidth(text[rs[0][0]:rs[0][1]], e.ascii)
			if cw := m.contentWidth(); col < m.xoff || end > m.xoff+cw {
				m.xoff = max(0, col-cw/3)
			}
		}
	}
	target := pos{seq: seq, row: row}
	if m.rowVisible(target) {
		return
	}
	if m.follow {
		m.leaveFollow()
	}
	m.top = target
	m.top = m.moveUp(m.top, m.contentHeight()/3)
	m.top = m.clamp(m.top)
}

// rowVisible reports whether p is on screen.
func (m *Model) rowVisible(p pos) bool {
	t := m.visibleTop()
	if p.before(t) {
		return false
	}
	left := m.contentHeight()
	for q := t; left > 0 && q.seq < m.lines.next; q = (pos{seq: q.seq + 1}) {
		n := m.rowsOf(q.seq) - q.row
		if q.seq == p.seq {
			return p.row-q.row < left
		}
		left -= n
	}
	return false
}

// --- scrolling -------------------------------------------------------------

func (m *Model) leaveFollow() {
	m.follow = false
	m.pausedAt = m.lines.next
}

func (m *Model) scrollUp(n int) {
	from := m.visibleTop()
	p := m.moveUp(from, n)
	if p == from {
		return // nothing above: stay in follow mode if following
	}
	if m.follow {
		m.leaveFollow()
	}
	m.top = p
}

func (m *Model) scrollDown(n int) {
	if m.follow {
		return
	}
	p := m.clamp(m.top)
	bt := m.bottomTop()
	for n > 0 && p.before(bt) {
		r := m.rowsOf(p.seq)
		if p.row+1 < r {
			d := min(n, r-1-p.row)
			p.row += d
			n -= d
			continue
		}
		p = pos{seq: p.seq + 1}
		n--
	}
	m.top = m.clamp(p)
}

// moveUp is p moved up n rows, stopping at the first row.
func (m *Model) moveUp(p pos, n int) pos {
	lo := m.lo()
	for n > 0 {
		if p.row > 0 {
			d := min(n, p.row)
			p.row -= d
			n -= d
			continue
		}
		if p.seq <= lo {
			break
		}
		p.seq--
		p.row = m.rowsOf(p.seq) - 1
		n--
	}
	return p
}

// hstep is how far left/right scroll: half the text width, as in less.
func (m *Model) hstep() int { return max(1, m.contentWidth()/2) }

// visibleMaxWidth is the width of the widest line on screen.
func (m *Model) visibleMaxWidth() int {
	w := 0
	m.eachVisibleLine(func(seq uint64) {
		if seq >= m.lines.first {
			e := m.lines.at(seq)
			w = max(w, cellWidth(e.line.Text, e.ascii))
		}
	})
	return w
}

// eachVisibleLine calls f for each line with a row on screen.
func (m *Model) eachVisibleLine(f func(seq uint64)) {
	t := m.visibleTop()
	left := m.contentHeight()
	for seq, row := t.seq, t.row; left > 0 && seq < m.lines.next; seq, row = seq+1, 0 {
		f(seq)
		left -= m.rowsOf(seq) - row
	}
}

// lo is the first virtual line: the "lines dropped" marker when lines were
// dropped, else the oldest line.
func (m *Model) lo() uint64 {
	if m.dropped > 0 && m.lines.first > 0 {
		return m.lines.first - 1
	}
	return m.lines.first
}

func (m *Model) isMarker(seq uint64) bool { return seq < m.lines.first }

// rowsOf is the number of screen rows of virtual line seq.
func (m *Model) rowsOf(seq uint64) int {
	if !m.wrap || m.isMarker(seq) {
		return 1
	}
	e := m.lines.at(seq)
	return rowCount(e.line.Text, e.ascii, m.contentWidth())
}

// bottomTop is the top position that shows the newest row at the bottom
// (or the first row, when everything fits).
func (m *Model) bottomTop() pos {
	lo := m.lo()
	left := m.contentHeight()
	for seq := m.lines.next; seq > lo; {
		seq--
		r := m.rowsOf(seq)
		if r >= left {
			return pos{seq: seq, row: r - left}
		}
		left -= r
	}
	return pos{seq: lo}
}

// clamp brings p within the buffer and no lower than bottomTop.
func (m *Model) clamp(p pos) pos {
	if p.seq < m.lo() {
		return pos{seq: m.lo()}
	}
	if p.seq >= m.lines.next {
		return m.bottomTop()
	}
	if r := m.rowsOf(p.seq); p.row >= r {
		p.row = r - 1
	}
	if bt := m.bottomTop(); bt.before(p) {
		return bt
	}
	return p
}

// visibleTop is the first row on screen.
func (m *Model) visibleTop() pos {
	if m.follow {
		return m.bottomTop()
	}
	return m.clamp(m.top)
}

// bottomSeq is the newest line with a row on screen (the oldest line when
// the buffer is empty).
func (m *Model) bottomSeq() uint64 {
	if m.follow && m.lines.len() > 0 {
		return m.lines.next - 1
	}
	last := m.lines.first
	m.eachVisibleLine(func(seq uint64) { last = seq })
	return last
}

// contentHeight is the number of rows for lines (all but the footer).
func (m *Model) contentHeight() int { return max(0, m.height-1) }

// contentWidth is the number of cells for the text of a line; scrolling
// and rendering must agree on it, so both take it from layout.
func (m *Model) contentWidth() int { return m.layout().cw }
