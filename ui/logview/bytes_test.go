package logview

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockterm/dockterm/backend"
)

// longLines returns n distinct lines of exactly size bytes that all share
// one backing string of size+n bytes, so a test of megabytes of log keeps
// only kilobytes in memory.
func longLines(n, size int) []backend.LogLine {
	var b strings.Builder
	x := uint32(2463534242)
	for range size + n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte('a' + byte(x%26))
	}
	s := b.String()
	out := make([]backend.LogLine, n)
	for i := range out {
		out[i].Text = s[i : i+size]
	}
	return out
}

// storedBytes sums the text actually stored, independently of the ring's
// own count.
func storedBytes(m Model) int {
	n := 0
	for _, s := range texts(m) {
		n += len(s)
	}
	return n
}

// TestByteBudgetLongLines is the case the line count alone missed: lines of
// MaxLineBytes each. 5,000 of them are 80 MiB; a 16 MiB budget keeps the
// newest 1,024 and reports the other 3,976 as dropped.
func TestByteBudgetLongLines(t *testing.T) {
	const n, budget = 5000, 16 << 20
	lines := longLines(n, MaxLineBytes)
	keep := budget / MaxLineBytes
	for _, oneByOne := range []bool{false, true} {
		t.Run(fmt.Sprintf("one-by-one=%v", oneByOne), func(t *testing.T) {
			m := New(WithMaxBytes(budget))
			m.SetSize(80, 10)
			if oneByOne {
				for _, l := range lines {
					m.Append(l)
				}
			} else {
				m.Append(lines...)
			}
			if got := storedBytes(m); got > budget || got != m.Bytes() {
				t.Fatalf("stored %d bytes (Bytes() says %d), budget %d", got, m.Bytes(), budget)
			}
			if m.Len() != keep || m.Dropped() != uint64(n-keep) {
				t.Fatalf("Len=%d Dropped=%d, want %d and %d", m.Len(), m.Dropped(), keep, n-keep)
			}
			got := texts(m)
			for i, l := range lines[n-keep:] {
				if got[i] != l.Text {
					t.Fatalf("stored line %d is not appended line %d: the newest lines must be kept in order", i, n-keep+i)
				}
			}
			m = press(t, m, "g")
			if row := firstRow(m); row != "[ 3,976 older lines dropped ]" {
				t.Errorf("top row = %q, want the dropped marker", row)
			}
			if f := footer(m); !strings.Contains(f, "3,976 dropped") {
				t.Errorf("footer %q lacks the dropped count", f)
			}
		})
	}
}

// TestByteBudget checks both budgets together on short lines: whatever the
// batching, the ring keeps the longest run of newest lines that fits both,
// and every line not kept is counted as dropped.
func TestByteBudget(t *testing.T) {
	tests := []struct {
		name     string
		maxLines int
		maxBytes int
		sizes    []int // byte length of each line, appended in order
		batches  []int // sizes of successive Append calls; nil means one by one
		wantLen  int
	}{
		{"under both", 10, 100, []int{10, 10, 10}, nil, 3},
		{"exactly the byte budget", 10, 30, []int{10, 10, 10}, nil, 3},
		{"one byte over", 10, 30, []int{10, 10, 11}, nil, 2},
		{"bytes bind before lines", 10, 25, []int{5, 5, 5, 5, 5, 5, 5, 5}, nil, 5},
		{"lines bind before bytes", 3, 1000, []int{5, 5, 5, 5, 5}, nil, 3},
		{"a long line evicts many short ones", 10, 40, []int{5, 5, 5, 5, 5, 5, 5, 30}, nil, 3},
		{"a line over the budget is kept alone", 10, 20, []int{5, 5, 50}, nil, 1},
		{"short lines after an oversize one", 10, 20, []int{50, 5}, nil, 1},
		{"batch larger than the line ring", 4, 1000, []int{5, 5, 5, 5, 5, 5, 5, 5, 5}, []int{2, 7}, 4},
		{"batch over the byte budget", 100, 30, []int{10, 10, 10, 10, 10, 10, 10}, []int{1, 6}, 3},
		{"mixed batches and sizes", 6, 50, []int{1, 20, 3, 40, 2, 2, 9, 30, 1, 1, 1, 5, 5}, []int{3, 1, 5, 4}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := make([]backend.LogLine, len(tt.sizes))
			for i, n := range tt.sizes {
				lines[i].Text = fmt.Sprintf("%-*d", n, i)[:n]
			}
			m := New(WithMaxLines(tt.maxLines), WithMaxBytes(tt.maxBytes))
			batches := tt.batches
			if batches == nil {
				batches = make([]int, len(lines))
				for i := range batches {
					batches[i] = 1
				}
			}
			at := 0
			for _, b := range batches {
				m.Append(lines[at : at+b]...)
				at += b
				if m.Len() > 1 && storedBytes(m) > tt.maxBytes {
					t.Fatalf("after %d lines: %d bytes stored over a %d budget", at, storedBytes(m), tt.maxBytes)
				}
			}
			if m.Len() != tt.wantLen || m.Dropped() != uint64(len(lines)-tt.wantLen) {
				t.Fatalf("Len=%d Dropped=%d, want %d and %d", m.Len(), m.Dropped(), tt.wantLen, len(lines)-tt.wantLen)
			}
			if m.Bytes() != storedBytes(m) {
				t.Errorf("Bytes()=%d, stored %d", m.Bytes(), storedBytes(m))
			}
			var want []string
			for _, l := range lines[len(lines)-tt.wantLen:] {
				want = append(want, l.Text)
			}
			if got := texts(m); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("stored %q, want %q", got, want)
			}
		})
	}
}

func TestSetMaxBytes(t *testing.T) {
	m := newNumbered(100) // "line 000".."line 099", 8 bytes each
	if m.MaxBytes() != DefaultMaxBytes {
		t.Fatalf("MaxBytes()=%d, want the default %d", m.MaxBytes(), DefaultMaxBytes)
	}
	if err := m.Search("line 0"); err != nil {
		t.Fatal(err)
	}
	m.SetMaxBytes(8 * 30)
	if m.Len() != 30 || m.Dropped() != 70 || m.Bytes() != 8*30 {
		t.Fatalf("after SetMaxBytes(240): Len=%d Dropped=%d Bytes=%d", m.Len(), m.Dropped(), m.Bytes())
	}
	if got := texts(m)[0]; got != "line 070" {
		t.Errorf("oldest kept = %q", got)
	}
	if _, n := m.Matches(); n != 30 {
		t.Errorf("%d matches after the shrink, want the 30 kept lines", n)
	}
	// Appends after the shrink stay within the new budget, and the line
	// capacity still applies on its own.
	m.Append(numbered(110)[100:]...)
	if m.Len() != 30 || texts(m)[0] != "line 080" || m.Dropped() != 80 {
		t.Errorf("after append: Len=%d first=%q Dropped=%d", m.Len(), texts(m)[0], m.Dropped())
	}
	m.SetMaxLines(10)
	if m.Len() != 10 || m.MaxBytes() != 8*30 || texts(m)[0] != "line 100" {
		t.Errorf("after SetMaxLines(10): Len=%d MaxBytes=%d first=%q", m.Len(), m.MaxBytes(), texts(m)[0])
	}
	m.Reset()
	if m.Bytes() != 0 {
		t.Errorf("Bytes()=%d after Reset", m.Bytes())
	}
}
