package logview

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
)

func TestMatchers(t *testing.T) {
	tests := []struct {
		query string
		line  string
		want  [][2]int // nil: no match
	}{
		{"error", "ERROR: disk full, Error again", [][2]int{{0, 5}, {18, 23}}},
		{"Error", "no problem here", nil},
		{"aa", "aaaa", [][2]int{{0, 2}, {2, 4}}}, // non-overlapping
		{"a", "", nil},
		{"x", "x", [][2]int{{0, 1}}},
		{"timeout", "upstream TIMEOUT after 3s", [][2]int{{9, 16}}},
		{"5xx", "status 5XX", [][2]int{{7, 10}}},
		{"[id=", "req [ID=7]", [][2]int{{4, 8}}}, // not a regexp
		{"é", "CAFÉ café", [][2]int{{3, 5}, {9, 11}}},
		{"école", "ÉCOLE", [][2]int{{0, 6}}},
		{"日本", "ログ日本語日本", [][2]int{{6, 12}, {15, 21}}},
		{"ok", "日本ok語OK", [][2]int{{6, 8}, {11, 13}}},
		{"ошибка", "Ошибка: ОШИБКА", [][2]int{{0, 12}, {14, 26}}},
		{"ÉK", "e\u212a é\u212a", [][2]int{{5, 10}}}, // Kelvin sign folds to k under (?i)
		{"naïve", "NAÏVE", [][2]int{{0, 6}}},
		{"/err(or)?/", "err error ERR", [][2]int{{0, 3}, {4, 9}}}, // regexps are case-sensitive
		{"/(?i)err/", "err ERR", [][2]int{{0, 3}, {4, 7}}},
		{"/a*/", "bab", [][2]int{{1, 2}}}, // empty matches are not highlighted
		{"/", "a/b", [][2]int{{1, 2}}},    // a lone slash is a substring
	}
	for _, tt := range tests {
		m, err := compileQuery(tt.query)
		if err != nil {
			t.Fatalf("compileQuery(%q): %v", tt.query, err)
		}
		got := m.ranges(tt.line, nil)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) && !(len(got) == 0 && tt.want == nil) {
			t.Errorf("%q in %q: ranges %v, want %v", tt.query, tt.line, got, tt.want)
		}
		if matched := m.match(tt.line); matched != (tt.want != nil) && !strings.HasPrefix(tt.query, "/a*") {
			t.Errorf("%q in %q: match = %v", tt.query, tt.line, matched)
		}
	}
	for _, bad := range []string{"//", "/[/", "/a(/"} {
		if _, err := compileQuery(bad); err == nil {
			t.Errorf("compileQuery(%q) accepted a bad regexp", bad)
		}
	}
}

// TestFoldMatcherAgainstReference compares the allocation-free matcher with
// the obvious implementation on many generated haystacks.
func TestFoldMatcherAgainstReference(t *testing.T) {
	queries := []string{"a", "ab", "Ab", "aB", "aaa", "ba", "b", "1a", "a1", "zz"}
	alphabet := "aAbB1 日z"
	runes := []rune(alphabet)
	var hay []string
	// Every string of length <= 4 over the alphabet.
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		hay = append(hay, prefix)
		if n == 0 {
			return
		}
		for _, r := range runes {
			gen(prefix+string(r), n-1)
		}
	}
	gen("", 4)
	for _, q := range queries {
		f := newFoldMatcher(q)
		lq := strings.ToLower(q)
		for _, h := range hay {
			want := strings.Index(strings.ToLower(h), lq)
			if got := f.index(h); got != want {
				t.Fatalf("index(%q, %q) = %d, want %d", h, q, got, want)
			}
		}
	}
}

// TestPrefilterAgreesWithRegexp checks that the prefilter in front of
// Unicode case-insensitive queries never rejects a line the regexp accepts.
func TestPrefilterAgreesWithRegexp(t *testing.T) {
	queries := []string{"é", "École", "ÉK", "sÉ", "ошибка", "Straße", "ǅ", "Σίσυφος", "ÅNGSTRÖM", "ﬀ"}
	hays := []string{
		"école", "ÉCOLE", "EcOlE", "ÉK", "é\u212a", "ſÉ", "SÉ", "ОШИБКА", "ошибкА", "STRASSE", "straße", "ǆ", "ǅ", "Ǆ",
		"ΣΊΣΥΦΟΣ", "σίσυφος", "\u212bngström", "ångström", "ﬀ", "FF", "", "plain ascii line",
	}
	exprs := []string{
		`(?i)timeout`, `(?i)oomkilled`, `(?i)ÉK`, `\d+ms$`, `err(or)?`, `(error|warn)`, `a{0,3}b`,
		`(?i)(ab)+c`, `x(?i:É)y`, `ſ`, `(?i)s`, `[a-c]+`, `(?i)ошибка \d`, `^$`,
	}
	hays = append(hays, "TIMEOUT", "OOM\u212aILLED", "oomkilled", "12ms", "12ms ", "error", "warn", "b", "AbABc", "xÉy", "xéy", "abc")
	type pair struct {
		q   string
		ref *regexp.Regexp
	}
	var pairs []pair
	for _, q := range queries {
		pairs = append(pairs, pair{q, regexp.MustCompile("(?i)" + regexp.QuoteMeta(q))})
	}
	for _, e := range exprs {
		pairs = append(pairs, pair{"/" + e + "/", regexp.MustCompile(e)})
	}
	for _, p := range pairs {
		q, ref := p.q, p.ref
		m, err := compileQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hays {
			for _, line := range []string{h, "x " + h + " y"} {
				if got, want := m.match(line), ref.MatchString(line); got != want {
					t.Errorf("query %q, line %q: match %v, regexp says %v", q, line, got, want)
				}
			}
		}
	}
}

func TestRequiredLiteral(t *testing.T) {
	tests := []struct {
		expr string
		lit  string
		fold bool
	}{
		{`timeout`, "timeout", false},
		{`(?i)timeout`, "timeout", true},
		{`upstream \w+ after \d+s`, "upstream ", false}, // the longest required piece
		{`\d+ms$`, "ms", false},
		{`(err|warn)`, "", false},
		{`a?bcd`, "bcd", false},
		{`(?:xyz)+`, "xyz", false},
		{`(?:xyz)*`, "", false},
		{`(?:xyz){2,}`, "xyz", false},
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lit, fold := requiredLiteral(re)
		same := string(lit) == tt.lit || (fold && strings.EqualFold(string(lit), tt.lit)) // folded literals come back upper-cased
		if !same || (tt.lit != "" && fold != tt.fold) {
			t.Errorf("requiredLiteral(%q) = %q, fold %v; want %q, %v", tt.expr, string(lit), fold, tt.lit, tt.fold)
		}
	}
}

// wrappedFixture is a 30x12 viewer (11 rows of 28 cells of text) with two
// long lines that wrap: one where "needle" straddles a wrap boundary, one
// where it sits 20 rows deep; short filler lines around them.
func wrappedFixture(t *testing.T) Model {
	t.Helper()
	m := New(WithStyles(PlainStyles()))
	m.SetSize(30, 12)
	var lines []backend.LogLine
	add := func(s string) { lines = append(lines, backend.LogLine{Text: s}) }
	for i := range 30 {
		add(fmt.Sprintf("filler %02d", i))
	}
	// 28 cells per row: "nee" ends row 0, "dle" starts row 1.
	add(strings.Repeat("x", 25) + "needle" + strings.Repeat("y", 40))
	for i := 30; i < 60; i++ {
		add(fmt.Sprintf("filler %02d", i))
	}
	add(strings.Repeat("z", 28*20+5) + "NEEDLE" + strings.Repeat("z", 50))
	for i := 60; i < 90; i++ {
		add(fmt.Sprintf("filler %02d", i))
	}
	m.Append(lines...)
	if err := m.Search("needle"); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSearchAcrossWrappedLines(t *testing.T) {
	m := wrappedFixture(t)
	st := PlainStyles()
	cur := strings.TrimSuffix(st.CurrentMatch.Render("X"), "X\x1b[m")
	if cur == "" || !strings.HasPrefix(st.CurrentMatch.Render("X"), cur+"X") {
		t.Fatalf("cannot derive the current-match SGR from %q", st.CurrentMatch.Render("X"))
	}

	// Enter selects the newest match: the one 20 rows deep in the second
	// long line. The view must show the row holding it, not the line's top.
	if c, n := m.Matches(); c != 2 || n != 2 {
		t.Fatalf("matches %d/%d, want 2/2", c, n)
	}
	if m.Following() {
		t.Error("jumping to an off-screen match did not leave follow mode")
	}
	v := m.View()
	checkFrame(t, v, 30, 12)
	if !strings.Contains(v, cur+"NEEDLE") {
		t.Fatalf("the current match is not highlighted on screen:\n%s", ansi.Strip(v))
	}

	// n wraps around to the first match, which straddles a wrap boundary:
	// both halves are on screen and both are highlighted.
	m = press(t, m, "n")
	if c, _ := m.Matches(); c != 1 {
		t.Fatalf("after n: match %d, want 1", c)
	}
	v = m.View()
	checkFrame(t, v, 30, 12)
	rs := strings.Split(v, "\n")
	found := false
	for i := 0; i+1 < len(rs); i++ {
		if strings.Contains(rs[i], cur+"nee") && strings.Contains(rs[i+1], cur+"dle") {
			found = true
			if !strings.HasSuffix(ansi.Strip(rs[i]), "xxxnee") || !strings.HasPrefix(ansi.Strip(rs[i+1]), "  dleyyy") {
				t.Errorf("wrapped rows = %q / %q", ansi.Strip(rs[i]), ansi.Strip(rs[i+1]))
			}
		}
	}
	if !found {
		t.Errorf("the match across the wrap is not highlighted on both rows:\n%q", v)
	}
	if f := footer(m); !strings.Contains(f, "match 1/2") {
		t.Errorf("footer = %q", f)
	}

	// N goes back (wrapping to the last match); n again returns.
	m = press(t, m, "N")
	if c, _ := m.Matches(); c != 2 || !strings.Contains(m.View(), cur+"NEEDLE") {
		t.Errorf("N: match %d, highlighted on screen: %v", c, strings.Contains(m.View(), cur+"NEEDLE"))
	}

	// Without wrapping, the view scrolls sideways to the match.
	m = press(t, m, "w", "n", "N")
	v = m.View()
	checkFrame(t, v, 30, 12)
	if !strings.Contains(v, cur+"NEEDLE") {
		t.Errorf("unwrapped: current match not on screen (xoff %d):\n%s", m.XOffset(), ansi.Strip(v))
	}
	if m.XOffset() == 0 {
		t.Error("unwrapped: the view did not scroll sideways to a match at column 565")
	}
}

func TestSearchHighlightsOnlyVisibleMatches(t *testing.T) {
	m := New(WithStyles(PlainStyles()))
	m.SetSize(40, 6)
	m.Append(backend.LogLine{Text: "GET /a 200"}, backend.LogLine{Text: "GET /b 500"}, backend.LogLine{Text: "get /c 200"})
	if err := m.Search("get"); err != nil {
		t.Fatal(err)
	}
	st := PlainStyles()
	v := m.View()
	// Two ordinary highlights and the current one (the newest line).
	if n := strings.Count(v, st.Match.Render("GET")); n != 2 {
		t.Errorf("%d ordinary highlights, want 2:\n%q", n, v)
	}
	if !strings.Contains(v, st.CurrentMatch.Render("get")) {
		t.Errorf("current match not highlighted:\n%q", v)
	}
	if m.Following() != true {
		t.Error("a match already on screen moved the view out of follow mode")
	}
}

func TestSearchNoMatches(t *testing.T) {
	m := newNumbered(20)
	if err := m.Search("nothing like this"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "n", "N")
	if c, n := m.Matches(); c != 0 || n != 0 {
		t.Errorf("matches %d/%d", c, n)
	}
	if f := footer(m); !strings.Contains(f, "no matches") {
		t.Errorf("footer = %q", f)
	}
	if !m.Following() {
		t.Error("a search without matches moved the view")
	}
}
