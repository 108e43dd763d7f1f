package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are inputs a container controls, with what String must make of
// them. Line agrees on every case without TAB or CR (checked below).
var hostile = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"plain", "web-1", "web-1"},
	{"unicode kept", "日本語 👩‍👩‍👧 café ✓", "日本語 👩‍👩‍👧 café ✓"},
	{"sgr color", "\x1b[31mred\x1b[0m", "red"},
	{"sgr many params", "\x1b[38;2;255;0;0;1;4mx\x1b[m", "x"},
	{"clear screen and home", "\x1b[2J\x1b[Hgotcha", "gotcha"},
	{"cursor move", "a\x1b[10;10Hb", "ab"},
	{"private mode alt screen", "\x1b[?1049hx\x1b[?1049l", "x"},
	{"csi with intermediate", "\x1b[1 qx", "x"},
	{"osc title bel", "\x1b]0;pwned\x07title", "title"},
	{"osc title st", "\x1b]2;pwned\x1b\\after", "after"},
	{"osc 52 clipboard", "\x1b]52;c;ZWNobyBwd25lZA==\x07x", "x"},
	{"osc 8 hyperlink", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
	{"osc payload with utf8 and junk", "\x1b]0;日本\xff\x7f\x07x", "x"},
	{"dcs sixel", "\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\ok", "ok"},
	{"dcs decrqss", "\x1bP$qm\x1b\\ok", "ok"},
	{"apc kitty graphics", "\x1b_Gf=100,a=T;iVBORw0KGgo=\x1b\\ok", "ok"},
	{"pm", "\x1b^private\x1b\\ok", "ok"},
	{"sos", "\x1bXstart of string\x1b\\ok", "ok"},
	{"esc charset", "\x1b(0lqk\x1b(B", "lqk"},
	{"esc save restore reset", "\x1b7a\x1b8b\x1bcc", "abc"},
	{"esc index", "a\x1bDb\x1bMc", "abc"},
	{"unterminated csi", "ok\x1b[31", "ok"},
	{"unterminated osc swallows rest", "ok\x1b]0;title and more", "ok"},
	{"lone esc at end", "ok\x1b", "ok"},
	{"esc esc", "\x1b\x1b[31mx", "x"},
	{"can aborts csi", "\x1b[31\x18x", "x"},
	{"sub aborts osc", "\x1b]0;t\x1ax", "x"},
	{"control inside csi", "\x1b[3\n1mx", "x"},
	{"esc then non-ascii", "\x1bé", "é"},
	{"csi then non-ascii", "\x1b[3日", "日"},
	{"csi then invalid byte", "\x1b[3\xffm", "\uFFFDm"},
	{"c1 csi", "a\u009b31mb", "ab"},
	{"c1 csi clear", "\u009b2J\u009bHx", "x"},
	{"c1 osc st", "\u009d0;title\u009cafter", "after"},
	{"c1 osc bel", "\u009d0;t\x07x", "x"},
	{"c1 dcs", "\u0090q#0\u009cok", "ok"},
	{"c1 apc pm sos", "\u009fa\u009cb\u009ec\u009cd\u0098e\u009cf", "bdf"},
	{"c1 other dropped", "a\u0080b\u0084c\u0099d", "abcd"},
	{"c1 nel is a break", "a\u0085b", "a b"},
	{"c1 st outside string", "a\u009cb", "ab"},
	{"esc st inside csi ends nothing harmful", "\x1b[\x1b\\x", "x"},
	{"raw 8-bit csi byte", "a\x9b2Jb", "a\uFFFD2Jb"},
	{"invalid utf8", "a\xffb", "a\uFFFDb"},
	{"truncated rune", "a\xe2\x82", "a\uFFFD\uFFFD"},
	{"surrogate half", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
	{"overlong slash", "\xc0\xaf", "\uFFFD\uFFFD"},
	{"bel bs nul", "a\x07b\x08c\x00d", "abcd"},
	{"del", "a\x7fb", "ab"},
	{"newline", "a\nb", "a b"},
	{"crlf", "a\r\nb", "a  b"},
	{"tab", "a\tb", "a b"},
	{"vt ff", "a\vb\fc", "a b c"},
	{"bidi override", "invoice\u202Efdp.exe", "invoicefdp.exe"},
	{"bidi embeddings", "\u202Aa\u202Bb\u202Cc\u202Dd", "abcd"},
	{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
	{"bidi marks", "a\u200Eb\u200Fc\u061Cd", "abcd"},
	{"zwj kept", "👨\u200D💻", "👨\u200D💻"},
	{"line separators", "a\u2028b\u2029c", "a b c"},
	{"replacement char kept", "\uFFFD", "\uFFFD"},
}

func TestString(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			if got := String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLineAgreesWithStringWithoutTabOrCR(t *testing.T) {
	for _, tc := range hostile {
		if strings.ContainsAny(tc.in, "\t\r") {
			continue
		}
		if got := Line(tc.in); got != tc.want {
			t.Errorf("%s: Line(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"tab at start", "\tx", "        x"},
		{"tab mid", "ab\tc", "ab      c"},
		{"tab at stop", "abcdefgh\tx", "abcdefgh        x"},
		{"two tabs", "a\tb\tc", "a       b       c"},
		{"tab after wide chars", "日本\tx", "日本    x"},
		{"tab after emoji", "👍\tx", "👍      x"},
		{"tab after stripped sequence", "\x1b[1mab\x1b[0m\tc", "ab      c"},
		{"progress bar", "10%\r55%\r100%", "100%"},
		{"crlf", "done\r", "done"},
		{"clear line redraws", "progress 1\r\x1b[2Kprogress 2\r\x1b[2K", "progress 2"},
		{"spaces clear the line", "abc\r   ", "abc"},
		{"only spaces", "   ", "   "},
		{"cr then spaces only", "\r   ", "   "},
		{"shorter redraw wins whole", "abcdef\r  x", "  x"},
		{"leading cr", "\rabc", "abc"},
		{"many cr", "\r\r\ra\r\r", "a"},
		{"tab column resets at cr", "xyz\tb\rc\td", "c       d"},
		{"cr inside csi is not a break", "a\x1b[\r1mb", "ab"},
		{"color log", "\x1b[32mINFO\x1b[0m\tstarted", "INFO    started"},
		{"bidi in log", "user=\u202Enimda", "user=nimda"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.in); got != tc.want {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLineMax(t *testing.T) {
	long := strings.Repeat("a", 200<<10)
	got, cut := LineMax(long, 0)
	if !cut || len(got) > DefaultLineMax {
		t.Fatalf("LineMax(200 KiB, 0): len %d cut %v, want <= %d and cut", len(got), cut, DefaultLineMax)
	}
	const marker = "…[truncated "
	i := strings.LastIndex(got, marker)
	if i < 0 || !strings.HasSuffix(got, " bytes]") {
		t.Fatalf("no marker at the end of %q", got[len(got)-40:])
	}
	// N counts exactly what is missing from the sanitized line.
	n := got[i+len(marker) : len(got)-len(" bytes]")]
	if want := len(long) - i; n != itoa(want) {
		t.Errorf("marker says %s bytes, %d were cut", n, want)
	}

	if got, cut := LineMax("short \x1b[31mline", 100); cut || got != "short line" {
		t.Errorf("LineMax(short) = %q, %v", got, cut)
	}
	if got, cut := LineMax(strings.Repeat("a", 100), 100); cut || len(got) != 100 {
		t.Errorf("LineMax(exactly max) = len %d, %v", len(got), cut)
	}
	// The cap applies to the sanitized text, not the raw input.
	if got, cut := LineMax(strings.Repeat("\x1b[0m", 100)+"ok", 10); cut || got != "ok" {
		t.Errorf("LineMax(mostly escapes) = %q, %v", got, cut)
	}
	// Multi-byte runes are never split, whatever the cap.
	wide := strings.Repeat("日", 1000)
	for max := 1; max < 60; max++ {
		got, cut := LineMax(wide, max)
		if !cut || len(got) > max || !utf8.ValidString(got) {
			t.Fatalf("LineMax(wide, %d) = %q (len %d), %v", max, got, len(got), cut)
		}
	}
	// Too small for the marker: cut without it.
	if got, _ := LineMax(long, 5); got != "aaaaa" {
		t.Errorf("LineMax(long, 5) = %q", got)
	}
	// Idempotent: a capped line fits its own cap.
	once, _ := LineMax(long, 1000)
	if twice, cut := LineMax(once, 1000); cut || twice != once {
		t.Errorf("LineMax not idempotent: %q", twice)
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a\nb\n", "a\nb\n"},
		{"a\n\x1b[31mb\x1b[0m\r\nc\td", "a\nb\nc       d"},
		{"{\n  \"Name\": \"/x\u202E\"\n}", "{\n  \"Name\": \"/x\"\n}"},
		{"\n\n", "\n\n"},
	}
	for _, tc := range tests {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUnsafe(t *testing.T) {
	for _, r := range []rune{0, 0x07, 0x1b, '\n', '\t', 0x7f, 0x80, 0x9b, 0x9f, 0x202e, 0x2066, 0x200f, 0x2028} {
		if !Unsafe(r) {
			t.Errorf("Unsafe(%U) = false", r)
		}
	}
	for _, r := range []rune{' ', 'a', '~', 0xa0, 'é', '日', 0x200d, 0xfffd, 0x1f600} {
		if Unsafe(r) {
			t.Errorf("Unsafe(%U) = true", r)
		}
	}
	// Unsafe and String agree: an unsafe rune never survives String.
	for r := rune(0); r < 0x3000; r++ {
		s := string(r)
		if Unsafe(r) && strings.ContainsRune(String(s), r) {
			t.Errorf("unsafe %U survives String", r)
		}
		if !Unsafe(r) && r != 0x1b && String(s) != s {
			t.Errorf("safe %U changed by String: %q", r, String(s))
		}
	}
}

// TestCleanInputIsNotCopied pins the fast path: a string with nothing to
// remove comes back as it is, without allocating.
func TestCleanInputIsNotCopied(t *testing.T) {
	for _, s := range []string{
		"nginx:1.27-alpine",
		"2024-05-01T12:00:00Z INFO listening on :8080",
		"日本語 👩‍👩‍👧 café",
	} {
		for name, f := range map[string]func(string) string{"String": String, "Line": Line, "Text": Text} {
			if a := testing.AllocsPerRun(100, func() { _ = f(s) }); a != 0 {
				t.Errorf("%s(%q): %v allocations, want 0", name, s, a)
			}
		}
	}
}

// checkInvariants asserts what every sanitized string must satisfy.
func checkInvariants(t *testing.T, fn string, in, out string, bound int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: invalid UTF-8", fn, in, out)
	}
	for i := 0; i < len(out); i++ {
		if out[i] < 0x20 || out[i] == 0x7f {
			t.Fatalf("%s(%q) = %q: control byte %#x at %d", fn, in, out, out[i], i)
		}
	}
	for _, r := range out {
		if Unsafe(r) {
			t.Fatalf("%s(%q) = %q: unsafe rune %U", fn, in, out, r)
		}
	}
	if len(out) > bound*len(in) {
		t.Fatalf("%s(%q): output %d bytes > %d*%d", fn, in, len(out), bound, len(in))
	}
}

// reference is String written the naive way, valid only for inputs without
// sequence introducers (ESC, CAN, SUB and the C1 introducers), where no state
// machine is needed. The fuzzer compares the two.
func reference(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b || r == 0x18 || r == 0x1a || r == 0x90 || r == 0x98 || r == 0x9b || r == 0x9d || r == 0x9e || r == 0x9f:
			return "", false
		case r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case Unsafe(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

var seeds = []string{
	"", "plain", "\x1b[31mred\x1b[0m", "\x1b]0;t\x07x", "\x1b]8;;u\x1b\\l\x1b]8;;\x1b\\",
	"\u009b2J\u009d0;t\u009cx", "a\xffb\xe2\x82", "a\tb\rc\r\n", "10%\r55%\r100%",
	"日本\t👩‍👩‍👧\u202Ex\u2066y", "\x1bP q\x1b\\\x1b_G\x1b\\", "\x1b[\x18\x1b]\x1a\x1b(",
}

func FuzzString(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := String(in)
		checkInvariants(t, "String", in, out, 3)
		if again := String(out); again != out {
			t.Fatalf("not idempotent: String(%q) = %q, String of that = %q", in, out, again)
		}
		if want, ok := reference(in); ok && out != want {
			t.Fatalf("String(%q) = %q, reference says %q", in, out, want)
		}
	})
}

func FuzzLine(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, 64)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		out := Line(in)
		checkInvariants(t, "Line", in, out, tabWidth)
		if again := Line(out); again != out {
			t.Fatalf("not idempotent: Line(%q) = %q, Line of that = %q", in, out, again)
		}
		if strings.ContainsAny(in, "\t\r") {
			if strings.Contains(out, "\t") {
				t.Fatalf("Line(%q) = %q kept a TAB", in, out)
			}
		} else if s := String(in); out != s {
			t.Fatalf("without TAB/CR Line(%q) = %q but String = %q", in, out, s)
		}
		max = max%4096 + 1
		if max < 1 {
			max += 4096
		}
		capped, cut := LineMax(in, max)
		checkInvariants(t, "LineMax", in, capped, tabWidth)
		if len(capped) > max || cut != (len(out) > max) || (!cut && capped != out) {
			t.Fatalf("LineMax(%q, %d) = %q, %v; Line = %q", in, max, capped, cut, out)
		}
		if cut && !strings.HasPrefix(out, strings.SplitN(capped, "…[truncated ", 2)[0]) {
			t.Fatalf("LineMax(%q, %d) = %q is not a prefix of %q", in, max, capped, out)
		}
	})
}

// TestFirstUnsafeEveryPosition covers the word-at-a-time scan: a bad byte is
// found wherever it sits relative to the 8-byte words.
func TestFirstUnsafeEveryPosition(t *testing.T) {
	base := strings.Repeat("x", 21)
	for _, bad := range []string{"\x00", "\x1f", "\x7f", "\xff", "\u009b", "\u202e", "\x1b"} {
		for pos := 0; pos <= len(base); pos++ {
			s := base[:pos] + bad + base[pos:]
			if got := firstUnsafe(s); got != pos {
				t.Errorf("firstUnsafe(%q) = %d, want %d", s, got, pos)
			}
		}
	}
	for _, good := range []string{" ", "~", "é", "日"} {
		for pos := 0; pos <= len(base); pos++ {
			s := base[:pos] + good + base[pos:]
			if got := firstUnsafe(s); got != len(s) {
				t.Errorf("firstUnsafe(%q) = %d, want %d", s, got, len(s))
			}
		}
	}
}

// TestPrependMarksDropped: a prepended concatenation mark joins the next
// character into a grapheme whose width libraries disagree on (found by
// FuzzView); it is dropped like the bidi controls.
func TestPrependMarksDropped(t *testing.T) {
	for _, r := range []rune{0x0600, 0x0605, 0x06dd, 0x070f, 0x0890, 0x08e2, 0x110bd} {
		in := "a" + string(r) + " b"
		if got := String(in); got != "a b" {
			t.Errorf("String(%q) = %q", in, got)
		}
		if got := Line(in); got != "a b" {
			t.Errorf("Line(%q) = %q", in, got)
		}
	}
	if got := String("\u0627\u0644"); got != "\u0627\u0644" {
		t.Errorf("plain Arabic letters must stay: %q", got)
	}
}
