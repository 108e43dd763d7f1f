package logview

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend/sanitize"
)

// MaxLineBytes bounds every stored line. A longer line is cut (at a rune
// boundary) before anything measures it, and gets a marker saying how much
// was cut, so a 200 KB JSON blob neither stalls a frame nor pins 200 KB per
// line in the buffer.
const MaxLineBytes = 16 << 10

// tabWidth is the tab stop distance used when expanding tabs.
const tabWidth = 8

// prepare bounds and normalises one line at Append time. It is linear in the
// (already bounded) line and allocates only when the line must change.
//
// The backend sanitizes log lines, so control characters should not arrive
// here; tabs may, and a terminal would move the cursor to the next tab stop
// where our cell counting says one cell. Tabs are expanded, and any other
// control character or invalid UTF-8 becomes '?', so the cell arithmetic
// below can never disagree with the terminal.
func prepare(s string) (text string, ascii bool) {
	cut := 0
	if len(s) > MaxLineBytes {
		s, cut = cutBytes(s)
	}
	ascii, clean := scan(s)
	if !clean {
		s = scrub(s)
		ascii, _ = scan(s)
		// Tab expansion can grow a line up to eightfold.
		if len(s) > MaxLineBytes {
			var more int
			s, more = cutBytes(s)
			cut += more
		}
	}
	if cut > 0 {
		// The concatenation copies, so the original (possibly huge) string
		// is not kept alive by a substring.
		s = s + " [line truncated: " + strconv.Itoa(cut) + " more bytes]"
	}
	return s, ascii
}

// cutBytes cuts s to at most MaxLineBytes at a rune boundary.
func cutBytes(s string) (string, int) {
	n := MaxLineBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], len(s) - n
}

// scan reports whether s is printable ASCII, and whether it is clean: valid
// UTF-8 without C0, DEL or C1 control characters.
func scan(s string) (ascii, clean bool) {
	ascii, clean = true, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			ascii = false
		case c < 0x20 || c == 0x7f:
			clean = false
		}
	}
	if !ascii && clean {
		if !utf8.ValidString(s) {
			return false, false
		}
		// C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
		for i := 0; i+1 < len(s); i++ {
			if s[i] == 0xc2 && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
				return false, false
			}
		}
		if strings.ContainsFunc(s, sanitize.PrependMark) {
			return false, false
		}
	}
	return ascii, clean
}

// scrub expands tabs and replaces control characters and invalid UTF-8.
func scrub(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	col := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t':
			n := tabWidth - col%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			col += n
			i += size
			continue
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, sanitize.PrependMark(r):
			b.WriteByte('?')
			col++
			i += size
			continue
		}
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
			col++
			i++
			continue
		}
		// Measure whole grapheme clusters so that tab stops after wide
		// characters land where the terminal puts them.
		cl, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		if strings.ContainsFunc(cl, isControl) || !utf8.ValidString(cl) {
			// Controls break grapheme clusters, so this should not
			// happen; if it does, give up on the cluster's first rune
			// rather than let anything unmeasured through.
			b.WriteByte('?')
			col++
			i += size
			continue
		}
		b.WriteString(cl)
		col += w
		i += len(cl)
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

// nextCluster is the byte length and cell width of the first grapheme
// cluster of s. Printable ASCII followed by ASCII is a one-cell cluster of
// its own (no grapheme rule joins two ASCII bytes other than CR LF, which
// prepare has removed), so mostly-ASCII lines skip the segmenter.
func nextCluster(s string) (n, w int) {
	if s[0] < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
		return 1, 1
	}
	cl, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	return len(cl), w
}

// span is the part of a line shown on one screen row.
type span struct {
	start, end int // byte range of the line
	lead       int // blank cells before the text (a wide cluster cut by the left edge)
	width      int // cells of line[start:end]
}

// rowCount is how many rows of cw cells s takes when wrapped (at least one).
func rowCount(s string, ascii bool, cw int) int {
	if cw < 1 {
		cw = 1
	}
	if ascii {
		return max(1, (len(s)+cw-1)/cw)
	}
	n := 0
	walkRows(s, cw, func(int, span) bool { n++; return true })
	return n
}

// wrapSpans appends the spans of rows [from, to) of s wrapped at cw cells.
func wrapSpans(s string, ascii bool, cw, from, to int, dst []span) []span {
	if cw < 1 {
		cw = 1
	}
	if ascii {
		for r := from; r < to; r++ {
			a := r * cw
			if a >= len(s) && !(r == 0 && len(s) == 0) {
				break
			}
			e := min(len(s), a+cw)
			dst = append(dst, span{start: a, end: e, width: e - a})
		}
		return dst
	}
	walkRows(s, cw, func(r int, sp span) bool {
		if r >= to {
			return false
		}
		if r >= from {
			dst = append(dst, sp)
		}
		return true
	})
	return dst
}

// walkRows calls yield for each row of s wrapped at cw cells. A grapheme
// cluster never splits: a wide character that does not fit moves to the next
// row, leaving a one-cell gap. An empty line is one empty row.
func walkRows(s string, cw int, yield func(row int, sp span) bool) {
	row, start, w := 0, 0, 0
	for i := 0; i < len(s); {
		n, cwid := nextCluster(s[i:])
		if w > 0 && w+cwid > cw {
			if !yield(row, span{start: start, end: i, width: w}) {
				return
			}
			row++
			start, w = i, 0
		}
		w += cwid
		i += n
	}
	yield(row, span{start: start, end: len(s), width: w})
}

// rowOfByte is the wrapped row (at cw cells) that holds byte offset off.
func rowOfByte(s string, ascii bool, cw, off int) int {
	if cw < 1 {
		cw = 1
	}
	if ascii {
		return off / cw
	}
	row := 0
	walkRows(s, cw, func(r int, sp span) bool {
		row = r
		return sp.end <= off
	})
	return row
}

// window is the span of cells [x, x+cw) of s, for unwrapped mode. A wide
// cluster cut by either edge is not drawn; its visible half is blank.
func window(s string, ascii bool, x, cw int) span {
	if ascii {
		a := min(x, len(s))
		e := min(x+cw, len(s))
		return span{start: a, end: e, width: e - a}
	}
	col, i := 0, 0
	for i < len(s) {
		n, cwid := nextCluster(s[i:])
		if col+cwid > x {
			break
		}
		col += cwid
		i += n
	}
	var sp span
	if i < len(s) && col < x {
		// A wide cluster straddles the left edge.
		n, cwid := nextCluster(s[i:])
		sp.lead = min(col+cwid-x, cw)
		i += n
	}
	sp.start = i
	w := sp.lead
	for i < len(s) {
		n, cwid := nextCluster(s[i:])
		if w+cwid > cw {
			break
		}
		w += cwid
		i += n
	}
	sp.end = i
	sp.width = w - sp.lead
	return sp
}

// cellWidth is the width of s in cells.
func cellWidth(s string, ascii bool) int {
	if ascii {
		return len(s)
	}
	w := 0
	for i := 0; i < len(s); {
		n, cw := nextCluster(s[i:])
		w += cw
		i += n
	}
	return w
}

// groupThousands formats n as 12,345,678.
func groupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3)
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
