package logview

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
)

func TestPrepare(t *testing.T) {
	tests := []struct {
		name      string
		in, want  string
		wantASCII bool
	}{
		{"plain ascii", "hello world", "hello world", true},
		{"empty", "", "", true},
		{"tab to next stop", "a\tb", "a       b", true},
		{"tabs after text", "abcdefgh\tx\ty", "abcdefgh        x       y", true},
		{"tab after a wide rune", "日\tx", "日      x", false},
		{"C0 and DEL", "a\x07b\x1b[31mc\x7f", "a?b?[31mc?", true},
		{"carriage return", "progress\r50%", "progress?50%", true},
		{"C1 control", "a\u009bb", "a?b", true},
		{"invalid utf-8", "a\xffb", "a?b", true},
		{"cjk and emoji kept", "日本語 🙂 e\u0301", "日本語 🙂 e\u0301", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ascii := prepare(tt.in)
			if got != tt.want || ascii != tt.wantASCII {
				t.Errorf("prepare(%q) = %q, ascii=%v; want %q, %v", tt.in, got, ascii, tt.want, tt.wantASCII)
			}
		})
	}
}

func TestPrepareHugeLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"200 KB ascii", strings.Repeat("x", 200<<10)},
		{"200 KB of 3-byte runes", strings.Repeat("語", 200<<10/3)},
		{"200 KB of tabs", strings.Repeat("\t", 200<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := prepare(tt.in)
			if !utf8.ValidString(got) {
				t.Fatal("cut in the middle of a rune")
			}
			m := regexp.MustCompile(` \[line truncated: (\d+) more bytes\]$`).FindStringSubmatch(got)
			if m == nil {
				t.Fatalf("no truncation marker at the end of %q...", got[len(got)-60:])
			}
			body := strings.TrimSuffix(got, m[0])
			if len(body) > MaxLineBytes {
				t.Errorf("kept %d bytes, more than MaxLineBytes", len(body))
			}
		})
	}
}

// TestLongLines feeds a 200 KB line (sanitized but hostile) and checks that
// the view keeps its geometry in both modes and can reach the line's end.
func TestLongLines(t *testing.T) {
	huge := strings.Repeat("0123456789", 20<<10) // 200 KB
	m := New()
	m.SetSize(80, 24)
	m.Append(backend.LogLine{Text: "before"}, backend.LogLine{Text: huge, Stream: backend.Stderr}, backend.LogLine{Text: "after"})
	stored := m.lines.at(1).line.Text
	if len(stored) > MaxLineBytes+64 || !strings.Contains(stored, "line truncated") {
		t.Fatalf("stored line is %d bytes", len(stored))
	}
	checkFrame(t, m.View(), 80, 24)
	if r := rows(m); strings.TrimSpace(r[22]) != "after" {
		t.Errorf("the tail is not at the bottom in follow mode: %q", r[22])
	}
	m = press(t, m, "g")
	checkFrame(t, m.View(), 80, 24)
	m = press(t, m, "w")
	for range 500 { // 16 KiB at 39 cells a step is 421 steps
		m = press(t, m, "right")
	}
	checkFrame(t, m.View(), 80, 24)
	if r := rows(m); !strings.Contains(r[1], "more bytes]") {
		t.Errorf("horizontal scroll did not reach the end of the long line: %q", r[1])
	}
}

// TestWideRunes checks that wide characters, emoji and combining marks keep
// every row exactly as wide as the view, in wrap mode and at every
// horizontal offset, including offsets that cut a wide character in half.
func TestWideRunes(t *testing.T) {
	lines := []backend.LogLine{
		{Text: "日本語のログ行です。コンテナが再起動しました。メモリ不足の可能性があります。"},
		{Text: "emoji 🙂🚀🔥 family 👨‍👩‍👧‍👦 flag 🇩🇪 keycap 1️⃣ done", Stream: backend.Stderr},
		{Text: "combining: e\u0301te\u0301 cafe\u0301 n\u0303 a\u0308\u0308"},
		{Text: "mixed ascii 한국어 텍스트 and 中文字符 interleaved ＦＵＬＬＷＩＤＴＨ"},
	}
	for _, w := range []int{7, 11, 20, 33, 80} {
		m := New()
		m.SetSize(w, 30)
		m.Append(lines...)
		checkFrame(t, m.View(), w, 30)
		m = press(t, m, "t")
		checkFrame(t, m.View(), w, 30)
		m = press(t, m, "t", "w")
		for x := range 80 {
			m.xoff = x
			checkFrame(t, m.View(), w, 30)
		}
	}
	// The text survives wrapping: the rows of a wrapped CJK line, joined,
	// are the line.
	m := New()
	m.SetSize(15, 30)
	m.Append(lines[0])
	var got strings.Builder
	for _, r := range rows(m)[:29] {
		got.WriteString(strings.TrimSpace(r))
	}
	if got.String() != lines[0].Text {
		t.Errorf("wrapped CJK rows joined = %q", got.String())
	}
}

func TestWindowCutsWideRunes(t *testing.T) {
	s := "a日b" // cells: a=0, 日=1-2, b=3
	tests := []struct {
		x, cw int
		want  string
		lead  int
	}{
		{0, 4, "a日b", 0},
		{0, 2, "a", 0}, // 日 would cross the right edge
		{1, 2, "日", 0}, // exactly fits
		{2, 2, "b", 1}, // left half of 日 is cut: one blank cell
		{3, 2, "b", 0},
		{9, 2, "", 0},
	}
	for _, tt := range tests {
		sp := window(s, false, tt.x, tt.cw)
		if got := s[sp.start:sp.end]; got != tt.want || sp.lead != tt.lead {
			t.Errorf("window(x=%d, cw=%d) = %q lead %d, want %q lead %d", tt.x, tt.cw, got, sp.lead, tt.want, tt.lead)
		}
		if sp.lead+sp.width > tt.cw {
			t.Errorf("window(x=%d, cw=%d) is %d cells", tt.x, tt.cw, sp.lead+sp.width)
		}
	}
}

func TestWrapSpans(t *testing.T) {
	tests := []struct {
		s    string
		cw   int
		want []string
	}{
		{"", 5, []string{""}},
		{"abcdefghij", 5, []string{"abcde", "fghij"}},
		{"abcdefghijk", 5, []string{"abcde", "fghij", "k"}},
		{"ab日本語", 4, []string{"ab日", "本語"}},
		{"a日本", 2, []string{"a", "日", "本"}}, // 日 does not fit after a
		{"👨‍👩‍👧‍👦x", 2, []string{"👨‍👩‍👧‍👦", "x"}},
	}
	for _, tt := range tests {
		ascii, _ := scan(tt.s)
		spans := wrapSpans(tt.s, ascii, tt.cw, 0, 1000, nil)
		var got []string
		for _, sp := range spans {
			got = append(got, tt.s[sp.start:sp.end])
			if w := ansi.StringWidth(tt.s[sp.start:sp.end]); w != sp.width || w > tt.cw {
				t.Errorf("%q: span %q has width %d, recorded %d, limit %d", tt.s, tt.s[sp.start:sp.end], w, sp.width, tt.cw)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.s, tt.cw, got, tt.want)
		}
		if n := rowCount(tt.s, ascii, tt.cw); n != len(tt.want) {
			t.Errorf("rowCount(%q, %d) = %d, want %d", tt.s, tt.cw, n, len(tt.want))
		}
		// A sub-range gives the same rows.
		if len(tt.want) > 1 {
			sub := wrapSpans(tt.s, ascii, tt.cw, 1, 2, nil)
			if len(sub) != 1 || tt.s[sub[0].start:sub[0].end] != tt.want[1] {
				t.Errorf("wrap(%q) row 1 alone = %v", tt.s, sub)
			}
		}
		for i, sp := range spans {
			if sp.end > sp.start {
				if r := rowOfByte(tt.s, ascii, tt.cw, sp.start); r != i {
					t.Errorf("rowOfByte(%q, %d) = %d, want %d", tt.s, sp.start, r, i)
				}
			}
		}
	}
}

func TestGroupThousands(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 1234567: "1,234,567"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzView checks the frame invariant (exact geometry) for arbitrary line
// text, sizes and modes.
func FuzzView(f *testing.F) {
	f.Add("hello world", uint8(80), uint8(24), uint8(0), "o")
	f.Add("日本語🙂e\u0301\ttab", uint8(9), uint8(5), uint8(3), "語")
	f.Add(strings.Repeat("ab", 300), uint8(1), uint8(3), uint8(7), "/b+a/")
	f.Add("\x1b[2J\x07\xff", uint8(4), uint8(2), uint8(1), "")
	f.Fuzz(func(t *testing.T, text string, w, h, mode uint8, query string) {
		m := New()
		m.SetSize(int(w%200), int(h%60))
		m.Append(backend.LogLine{Text: text}, backend.LogLine{Text: text + text, Stream: backend.Stderr}, backend.LogLine{Text: "tail"})
		m.SetTimestamps(mode&1 != 0)
		m.SetWrap(mode&2 == 0)
		_ = m.Search(query)
		if mode&4 != 0 {
			m = press(t, m, "g", "right", "right")
		}
		v := m.View()
		if m.Width() == 0 || m.Height() == 0 {
			if v != "" {
				t.Fatalf("zero-size view is %q", v)
			}
			return
		}
		checkFrame(t, v, m.Width(), m.Height())
	})
}
