package logview

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockterm/dockterm/backend"
)

// texts returns the stored lines, oldest first.
func texts(m Model) []string {
	var out []string
	for seq := m.lines.first; seq < m.lines.next; seq++ {
		out = append(out, m.lines.at(seq).line.Text)
	}
	return out
}

func TestRingBounds(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		batches []int // sizes of successive Append calls
		wantLen int
		dropped uint64
	}{
		{"under capacity", 5, []int{3}, 3, 0},
		{"exactly full", 5, []int{5}, 5, 0},
		{"one at a time past capacity", 5, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 5, 7},
		{"batch larger than the ring", 5, []int{2, 13}, 5, 10},
		{"batch equal to the ring after lines", 5, []int{3, 5}, 5, 3},
		{"mixed batches", 7, []int{4, 4, 4, 1, 9, 2}, 7, 17},
		{"capacity one", 1, []int{3, 1}, 1, 3},
		{"capacity below one is one", 0, []int{2}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(WithMaxLines(tt.max))
			total := 0
			for _, n := range tt.batches {
				batch := make([]backend.LogLine, n)
				for i := range batch {
					batch[i].Text = fmt.Sprintf("l%d", total)
					total++
				}
				m.Append(batch...)
				if m.Len() > m.MaxLines() {
					t.Fatalf("Len %d exceeds MaxLines %d", m.Len(), m.MaxLines())
				}
			}
			if m.Len() != tt.wantLen || m.Dropped() != tt.dropped {
				t.Fatalf("Len=%d Dropped=%d, want %d and %d", m.Len(), m.Dropped(), tt.wantLen, tt.dropped)
			}
			// The newest lines are kept, in order.
			var want []string
			for i := total - tt.wantLen; i < total; i++ {
				want = append(want, fmt.Sprintf("l%d", i))
			}
			if got := texts(m); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("stored %v, want %v", got, want)
			}
		})
	}
}

func TestDroppedMarker(t *testing.T) {
	m := New(WithMaxLines(50))
	m.SetSize(60, 6)
	m.Append(numbered(1234)...)
	m = press(t, m, "g")
	if got := firstRow(m); got != "[ 1,184 older lines dropped ]" {
		t.Errorf("top row = %q, want the dropped marker", got)
	}
	if got := strings.TrimPrefix(strings.TrimSpace(rows(m)[1]), "▌ "); got != "line 1184" {
		t.Errorf("row after the marker = %q", got)
	}
	if f := footer(m); !strings.Contains(f, "1,184 dropped") {
		t.Errorf("footer %q lacks the dropped count", f)
	}
	// Scrolling below the marker and appending more keeps the view on the
	// same line until that line itself is dropped.
	m = press(t, m, "down", "down")
	if got := firstRow(m); got != "line 1185" {
		t.Fatalf("after down down: %q", got)
	}
	m.Append(numbered(1240)[1234:]...)
	if got := firstRow(m); got != "[ 1,190 older lines dropped ]" {
		t.Errorf("after dropping the line on top: first row %q, want the marker", got)
	}
	if got := strings.TrimSpace(rows(m)[1]); got != "line 1190" {
		t.Errorf("after dropping the line on top: second row %q, want the oldest kept line", got)
	}
}

func TestResetAndSetMaxLines(t *testing.T) {
	m := newNumbered(100)
	if err := m.Search("line 00"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "g")
	m.SetMaxLines(30)
	if m.Len() != 30 || m.Dropped() != 70 || m.MaxLines() != 30 {
		t.Fatalf("after SetMaxLines(30): Len=%d Dropped=%d Max=%d", m.Len(), m.Dropped(), m.MaxLines())
	}
	if got := texts(m)[0]; got != "line 070" {
		t.Errorf("oldest kept = %q", got)
	}
	if _, n := m.Matches(); n != 0 {
		t.Errorf("matches on dropped lines survived: %d", n)
	}
	// Growing again keeps everything and appends work across the growth.
	m.SetMaxLines(40)
	m.Append(numbered(115)[100:]...)
	if m.Len() != 40 || texts(m)[0] != "line 075" || texts(m)[39] != "line 114" {
		t.Errorf("after growth and append: Len=%d first=%q last=%q", m.Len(), texts(m)[0], texts(m)[m.Len()-1])
	}

	m.Reset()
	if m.Len() != 0 || m.Dropped() != 0 || !m.Following() {
		t.Errorf("after Reset: Len=%d Dropped=%d follow=%v", m.Len(), m.Dropped(), m.Following())
	}
	if got := firstRow(m); got != "(no log lines)" {
		t.Errorf("empty view shows %q", got)
	}
	// The search survives a reset and applies to new lines.
	m.Append(numbered(3)...)
	if _, n := m.Matches(); n != 3 || m.SearchQuery() != "line 00" {
		t.Errorf("search after reset: query %q, %d matches", m.SearchQuery(), n)
	}
}

func TestSearchFollowsTheBuffer(t *testing.T) {
	m := New(WithMaxLines(10))
	m.SetSize(40, 6)
	if err := m.Search("ERR"); err != nil {
		t.Fatal(err)
	}
	lines := make([]backend.LogLine, 0, 40)
	for i := range 40 {
		text := fmt.Sprintf("ok %d", i)
		if i%4 == 0 {
			text = fmt.Sprintf("err %d", i)
		}
		lines = append(lines, backend.LogLine{Text: text})
	}
	// One at a time, so matches are added and trimmed incrementally.
	for _, l := range lines {
		m.Append(l)
		_, n := m.Matches()
		want := 0
		for seq := m.lines.first; seq < m.lines.next; seq++ {
			if strings.HasPrefix(m.lines.at(seq).line.Text, "err") {
				want++
			}
		}
		if n != want {
			t.Fatalf("after %q: %d matches, want %d", l.Text, n, want)
		}
	}
	m = press(t, m, "n")
	if cur, n := m.Matches(); n == 0 || cur != n {
		t.Errorf("n selects %d/%d, want the newest", cur, n)
	}
	// The current match is dropped: the oldest remaining becomes current.
	m.Append(lines[:3]...) // "err 0" and two ok lines
	m.Append(lines[1:8]...)
	if cur, n := m.Matches(); cur == 0 || cur > n {
		t.Errorf("after the current match was dropped: %d/%d", cur, n)
	}
}

func TestSearchHitsCompaction(t *testing.T) {
	// Enough drops to trigger compaction of the hits slice several times.
	m := New(WithMaxLines(100))
	m.SetSize(40, 10)
	if err := m.Search("x"); err != nil {
		t.Fatal(err)
	}
	for i := range 5000 {
		m.Append(backend.LogLine{Text: fmt.Sprintf("x%d", i)})
	}
	if _, n := m.Matches(); n != 100 {
		t.Fatalf("%d matches, want 100", n)
	}
	if len(m.search.hits) > 2200 {
		t.Errorf("hits slice holds %d entries for 100 live matches: not compacted", len(m.search.hits))
	}
	m = press(t, m, "N")
	seq, ok := m.search.current()
	if !ok || m.lines.at(seq).line.Text != "x4999" {
		t.Errorf("current match after compaction is wrong")
	}
}
