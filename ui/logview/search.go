package logview

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher finds a search query in a line.
type matcher interface {
	// match reports whether s contains a match; it must not allocate, since
	// it runs over the whole buffer.
	match(s string) bool
	// ranges appends the byte ranges [start, end) of the non-empty,
	// non-overlapping matches in s, in order. It runs only on visible lines.
	ranges(s string, dst [][2]int) [][2]int
}

// compileQuery turns what the operator typed into a matcher. A query wrapped
// in slashes (/err(or)?\b/) is a Go regexp, case-sensitive unless it says
// (?i); anything else is a case-insensitive substring.
func compileQuery(q string) (matcher, error) {
	// Typed queries are runes, but Search is also an API: never let invalid
	// UTF-8 reach the regexp parser.
	q = strings.ToValidUTF8(q, "\uFFFD")
	if len(q) >= 2 && q[0] == '/' && q[len(q)-1] == '/' {
		expr := q[1 : len(q)-1]
		if expr == "" {
			return nil, errors.New("empty regexp")
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		return reMatcher{re: re, pre: regexpPrefilter(expr)}, nil
	}
	if caselessBeyondASCII(q) {
		// ASCII letters fold bytewise; other runes (CJK, symbols, emoji)
		// have no case and compare exactly.
		return newFoldMatcher(q), nil
	}
	// Unicode case folding (É/é, Ж/ж) is more than lower-casing bytes; let
	// regexp do it, behind a prefilter.
	re, err := regexp.Compile("(?i)" + regexp.QuoteMeta(q))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return reMatcher{re: re, pre: literalPrefilter(q, true)}, nil
}

// caselessBeyondASCII reports whether every non-ASCII rune of q is its own
// only case variant.
func caselessBeyondASCII(q string) bool {
	for _, r := range q {
		if r >= utf8.RuneSelf && unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// prefilter is a cheap necessary condition for a line to match a regexp,
// checked before the regexp runs. Go's regexp skips ahead quickly only when
// the expression starts with a case-sensitive literal; /(?i)timeout/,
// /\d+ms$/ or a Unicode case-insensitive substring otherwise cost a full
// regexp run per line, some fifty times the substring search. Every
// condition set must hold.
type prefilter struct {
	exact    string       // the line contains this (case-sensitive)
	ascii    *foldMatcher // the line contains this, ASCII case-insensitively
	variants []string     // the line contains one of these
}

// literalPrefilter builds the conditions implied by a literal that every
// match contains, folded (case-insensitive) or not. It returns nil when it
// can derive nothing.
func literalPrefilter(lit string, fold bool) *prefilter {
	if lit == "" {
		return nil
	}
	if !fold {
		return &prefilter{exact: lit}
	}
	p := &prefilter{}
	// The longest ASCII run, split at k and s: under (?i) those also match
	// the Kelvin sign and the long s, which ASCII folding does not know.
	best, run := "", ""
	for _, r := range lit + "\uFFFF" { // the sentinel ends the last run
		if r < utf8.RuneSelf && !strings.ContainsRune("kKsS", r) {
			run += string(r)
			continue
		}
		if len(run) > len(best) {
			best = run
		}
		run = ""
	}
	if best != "" {
		f := newFoldMatcher(best)
		p.ascii = &f
	}
	// Every case variant of the first non-ASCII rune that has any.
	for _, r := range lit {
		if r >= utf8.RuneSelf && unicode.SimpleFold(r) != r {
			for v := r; ; {
				p.variants = append(p.variants, string(v))
				if v = unicode.SimpleFold(v); v == r {
					break
				}
			}
			break
		}
	}
	if p.ascii == nil && p.variants == nil {
		return nil
	}
	return p
}

// requiredLiteral finds a literal that every match of re contains: the
// longest among the parts of a concatenation that must match at least once.
// Alternations and optional parts give nothing.
func requiredLiteral(re *syntax.Regexp) (lit []rune, fold bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return re.Rune, re.Flags&syntax.FoldCase != 0
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiteral(re.Sub[0])
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if l, f := requiredLiteral(sub); len(l) > len(lit) {
				lit, fold = l, f
			}
		}
		return lit, fold
	}
	return nil, false
}

// regexpPrefilter derives a prefilter from a regexp's required literal.
func regexpPrefilter(expr string) *prefilter {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lit, fold := requiredLiteral(re)
	return literalPrefilter(string(lit), fold)
}

func (p *prefilter) ok(s string) bool {
	if p.exact != "" && !strings.Contains(s, p.exact) {
		return false
	}
	if p.ascii != nil && !p.ascii.match(s) {
		return false
	}
	if len(p.variants) == 0 {
		return true
	}
	for _, v := range p.variants {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// reMatcher is a regexp query, optionally behind a prefilter.
type reMatcher struct {
	re  *regexp.Regexp
	pre *prefilter
}

func (m reMatcher) match(s string) bool {
	if m.pre != nil && !m.pre.ok(s) {
		return false
	}
	return m.re.MatchString(s)
}

func (m reMatcher) ranges(s string, dst [][2]int) [][2]int {
	if m.pre != nil && !m.pre.ok(s) {
		return dst
	}
	for _, loc := range m.re.FindAllStringIndex(s, -1) {
		if loc[1] > loc[0] {
			dst = append(dst, [2]int{loc[0], loc[1]})
		}
	}
	return dst
}

// foldMatcher is a case-insensitive ASCII substring. It searches the line in
// place, without a lower-cased copy, so scanning the whole buffer allocates
// nothing. ASCII folding on UTF-8 bytes is safe: bytes of multi-byte runes
// are all >= 0x80 and never equal an ASCII query byte.
type foldMatcher struct {
	q      string // lower-cased query
	lo, up byte   // the two cases of the query's first byte
}

func newFoldMatcher(q string) foldMatcher {
	q = strings.ToLower(q)
	f := foldMatcher{q: q}
	if q != "" {
		f.lo, f.up = q[0], q[0]
		if 'a' <= f.lo && f.lo <= 'z' {
			f.up = f.lo - 'a' + 'A'
		}
	}
	return f
}

func (f foldMatcher) match(s string) bool { return f.index(s) >= 0 }

func (f foldMatcher) ranges(s string, dst [][2]int) [][2]int {
	n := len(f.q)
	if n == 0 {
		return dst
	}
	for off := 0; off+n <= len(s); {
		i := f.index(s[off:])
		if i < 0 {
			break
		}
		dst = append(dst, [2]int{off + i, off + i + n})
		off += i + n
	}
	return dst
}

// index is the byte offset of the first case-insensitive occurrence of the
// query in s, or -1. Candidates are found with strings.IndexByte (vectorised)
// for each case of the first byte; each case's next position is remembered,
// so neither is rescanned and the search stays linear.
func (f foldMatcher) index(s string) int {
	n := len(f.q)
	if n == 0 {
		return 0
	}
	limit := len(s) - n + 1 // candidates start before limit
	if limit <= 0 {
		return -1
	}
	const unknown = -2
	nextLo, nextUp := unknown, unknown
	if f.lo == f.up {
		nextUp = -1
	}
	for i := 0; i < limit; {
		if nextLo != -1 && nextLo < i {
			nextLo = indexFrom(s[:limit], f.lo, i)
		}
		if nextUp != -1 && nextUp < i {
			nextUp = indexFrom(s[:limit], f.up, i)
		}
		switch {
		case nextLo < 0 && nextUp < 0:
			return -1
		case nextLo < 0:
			i = nextUp
		case nextUp < 0:
			i = nextLo
		default:
			i = min(nextLo, nextUp)
		}
		if equalFoldASCII(s[i+1:i+n], f.q[1:]) {
			return i
		}
		i++
	}
	return -1
}

// indexFrom is strings.IndexByte from offset i, as an absolute offset.
func indexFrom(s string, c byte, i int) int {
	j := strings.IndexByte(s[i:], c)
	if j < 0 {
		return -1
	}
	return i + j
}

// equalFoldASCII compares s with the lower-case ASCII string lower.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// searchState is the active search: the query, its matcher and the sequence
// numbers of the matching lines. Matches are counted per line, as in less:
// n/N go from line to line, and all occurrences on visible lines are
// highlighted.
type searchState struct {
	query string
	m     matcher // nil: no active search
	// hits are the matching lines' sequence numbers in ascending order;
	// hits[:head] have been dropped from the ring and are compacted away
	// lazily, so trimming the front is amortised O(1) per dropped line.
	hits []uint64
	head int
	cur  int // index into hits of the current match, -1 for none
}

func (s *searchState) active() bool { return s.m != nil }

func (s *searchState) count() int { return len(s.hits) - s.head }

// current is the sequence number of the current match.
func (s *searchState) current() (uint64, bool) {
	if s.m == nil || s.cur < s.head || s.cur >= len(s.hits) {
		return 0, false
	}
	return s.hits[s.cur], true
}

func (s *searchState) clear() {
	*s = searchState{cur: -1}
}

// trim forgets hits on lines older than first.
func (s *searchState) trim(first uint64) {
	for s.head < len(s.hits) && s.hits[s.head] < first {
		s.head++
	}
	if s.cur != -1 && s.cur < s.head {
		// The current match fell off the buffer; the oldest remaining one
		// is the closest thing to it.
		s.cur = -1
		if s.head < len(s.hits) {
			s.cur = s.head
		}
	}
	if s.head > 1024 && s.head > len(s.hits)/2 {
		n := copy(s.hits, s.hits[s.head:])
		s.hits = s.hits[:n]
		if s.cur != -1 {
			s.cur -= s.head
		}
		s.head = 0
	}
}

// lastAtOrBefore is the index of the last hit with seq <= at, or -1.
func (s *searchState) lastAtOrBefore(at uint64) int {
	live := s.hits[s.head:]
	i := sort.Search(len(live), func(i int) bool { return live[i] > at })
	if i == 0 {
		return -1
	}
	return s.head + i - 1
}
