// Package sanitize makes strings that an engine or a container controls safe
// to print on the operator's terminal.
//
// A container picks its own name, labels, command, environment and every byte
// of its log output. Printed raw, any of them could move the cursor, clear the
// screen, retitle the window, write to the clipboard (OSC 52), smuggle a
// hyperlink (OSC 8), or visually reverse text with bidi overrides. Everything
// such a string produces after this package is printable: valid UTF-8 without
// C0 controls, DEL, C1 controls or bidi formatting characters.
//
// Why not ansi.Strip (github.com/charmbracelet/x/ansi)? It is built to remove
// styling from our own output, not to neutralise hostile input: it keeps C0
// controls (BEL, CR, LF, BS...), passes C1 controls that arrive UTF-8 encoded
// (U+009B is CSI on terminals that honour C1), copies invalid UTF-8 through,
// knows nothing of bidi overrides and always allocates. The state machine here
// follows the DEC/ECMA-48 parser of vt100.net (P. Williams), reduced to what
// deciding "drop or keep" needs, and returns its input unchanged (no
// allocation) in the common case of a string with nothing to remove.
package sanitize

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// DefaultLineMax is the byte cap LineMax applies when given maxBytes <= 0:
// large enough for any honest log line, small enough that a 200 KB line
// cannot stall width computation and rendering.
const DefaultLineMax = 16 << 10

// tabWidth is the distance between tab stops, as on a terminal.
const tabWidth = 8

// String sanitizes a single-line field: names, labels, images, commands,
// environment values, event attributes.
//
//   - complete escape sequences (ESC, CSI, OSC, DCS, SOS, PM, APC, in their
//     7-bit and UTF-8 encoded C1 forms) are dropped whole, including their
//     parameters and string terminators (BEL, ESC \, U+009C); an unterminated
//     sequence swallows the rest of the string, as it would on a terminal;
//   - TAB, LF, VT, FF, CR, NEL, U+2028 and U+2029 become one space each, so
//     words on either side stay apart;
//   - other C0 controls, DEL and C1 controls are removed;
//   - bidi embeddings, overrides, isolates and marks (U+202A–U+202E,
//     U+2066–U+2069, U+200E, U+200F, U+061C) are removed;
//   - each invalid UTF-8 byte becomes U+FFFD.
//
// Printable Unicode (wide characters, emoji, ZWJ sequences) is kept. The
// result is never longer than 3*len(s) and String(String(s)) == String(s).
func String(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return s
	}
	m := machine{line: false}
	m.buf = make([]byte, 0, len(s)+8)
	m.buf = append(m.buf, s[:i]...)
	m.run(s[i:])
	return string(m.buf)
}

// Line sanitizes one log line (without its trailing LF) like String, with two
// differences that serve an operator reading logs:
//
//   - TAB expands to spaces up to the next tab stop (every 8 columns, wide
//     characters counted as 2), so columnar output stays aligned;
//   - CR splits the line into segments, and Line keeps the last segment that
//     has something other than spaces in it. Progress bars redraw themselves
//     with CR ("10%\r55%\r100%"), often clearing with CSI K or spaces first;
//     a terminal would show the final redraw, and that is what the operator
//     wants to read, not hundreds of stale frames glued together. A trailing
//     CR (CRLF line endings) leaves an empty last segment, so the text before
//     it is kept. Unlike a terminal, Line does not overlay a shorter redraw on
//     the tail of a longer one: that merge is rarely meaningful and would make
//     the visible text depend on character widths.
//
// Stray LF, VT and FF become spaces. The result is never longer than
// 8*len(s) (a TAB can become 8 spaces) and Line(Line(s)) == Line(s).
func Line(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return s
	}
	m := machine{line: true}
	m.buf = make([]byte, 0, len(s)+8)
	m.buf = append(m.buf, s[:i]...)
	m.run(s[i:])
	return m.lineResult()
}

// LineMax is Line with a cap: when the sanitized line is longer than maxBytes
// it is cut on a rune boundary and ends with a visible marker
// "…[truncated N bytes]", N counting the bytes of sanitized text that are
// not shown. The result is never longer than maxBytes; maxBytes <= 0
// means DefaultLineMax. The bool reports whether anything was cut.
// The truncated result is a fresh string, so it does not pin the memory of a
// huge original line in a log buffer.
func LineMax(s string, maxBytes int) (string, bool) {
	if maxBytes <= 0 {
		maxBytes = DefaultLineMax
	}
	out := Line(s)
	if len(out) <= maxBytes {
		return out, false
	}
	const pre, post = "…[truncated ", " bytes]"
	// The number printed is at most len(out), so its width bounds the marker.
	room := maxBytes - (len(pre) + len(strconv.Itoa(len(out))) + len(post))
	withMarker := room >= 0
	cut := maxBytes
	if withMarker {
		cut = room
	}
	for cut > 0 && !utf8.RuneStart(out[cut]) {
		cut--
	}
	var b strings.Builder
	b.Grow(maxBytes)
	b.WriteString(out[:cut])
	if withMarker {
		b.WriteString(pre)
		b.WriteString(strconv.Itoa(len(out) - cut))
		b.WriteString(post)
	}
	return b.String(), true
}

// Text sanitizes multi-line text (an inspect document, a healthcheck's
// output): every LF-separated line goes through Line and the LFs are kept.
// Text returns s itself when nothing had to change.
func Text(s string) string {
	var b *strings.Builder
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		line := s[start:end]
		clean := Line(line)
		if b == nil && clean != line {
			b = &strings.Builder{}
			b.Grow(len(s))
			b.WriteString(s[:start])
		}
		if b != nil {
			b.WriteString(clean)
			if end < len(s) {
				b.WriteByte('\n')
			}
		}
		start = end + 1
	}
	if b == nil {
		return s
	}
	return b.String()
}

// Unsafe reports whether r must never reach a terminal as it is: C0 and C1
// controls, DEL, bidi formatting characters, line and paragraph separators.
// U+FFFD is printable and not unsafe. Encoders that can escape rather than
// drop (JSON strings, for instance) use it to decide what to escape.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f:
		return true
	case r < 0x80:
		return false
	case r <= 0x9f:
		return true
	}
	return dropRune(r) || spaceRune(r)
}

// firstUnsafe returns the index of the first byte from which s needs work, or
// len(s) when s can be returned as it is. Plain printable ASCII takes the
// tight loop; anything else is decoded rune by rune.
func firstUnsafe(s string) int {
	i := 0
	// Eight bytes at a time while they are all printable ASCII (SWAR, see
	// "Bit Twiddling Hacks": haszero/hasless): any byte >= 0x80, < 0x20 or
	// == 0x7f sends us to the byte loop below.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		del := x ^ (0x7f * ones)
		if (x|((x-0x20*ones)&^x)|((del-ones)&^del))&highs != 0 {
			break
		}
	}
	for i < len(s) {
		b := s[i]
		if b >= 0x20 && b < 0x7f {
			i++
			continue
		}
		if b < 0x80 {
			return i // C0 control or DEL
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r <= 0x9f || dropRune(r) || spaceRune(r) {
			return i
		}
		i += size
	}
	return i
}

// dropRune reports the bidi formatting characters: embeddings and overrides
// (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI, FSI, PDI) and the marks
// (LRM, RLM, ALM). The first two groups let text display in a different order
// than it is stored ("Trojan Source", CVE-2021-42574); the marks are invisible
// and carry nothing an operator needs.
func dropRune(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c || PrependMark(r)
}

// PrependMark reports the prepended concatenation marks (Unicode grapheme
// class Prepend among the format characters: U+0600..U+0605, U+06DD,
// U+070F, U+0890..U+0891, U+08E2, U+110BD, U+110CD). They join the
// following character into one grapheme whose width terminals and width
// libraries disagree on, so a line holding one would misalign the screen
// by a cell; a log line loses nothing readable without them.
func PrependMark(r rune) bool {
	switch {
	case r >= 0x0600 && r <= 0x0605, r == 0x06dd, r == 0x070f, r == 0x0890, r == 0x0891, r == 0x08e2,
		r == 0x110bd, r == 0x110cd:
		return true
	}
	return false
}

// spaceRune reports the Unicode line and paragraph separators, which some
// renderers break lines on; they become a space like LF.
func spaceRune(r rune) bool { return r == 0x2028 || r == 0x2029 }

type state uint8

const (
	ground   state = iota
	escape         // after ESC
	escInter       // ESC and intermediate bytes, waiting for the final byte
	csi            // control sequence: parameters, intermediates, final byte
	str            // OSC/DCS/SOS/PM/APC body, up to BEL or ST
)

// machine is one sanitizing pass. buf holds the output; in line mode
// buf[:segStart] is the last CR-segment with ink and buf[segStart:] the
// segment being written. tabMark/tabCol remember the display column at
// buf[tabMark], so tab expansion measures each byte once.
type machine struct {
	buf      []byte
	line     bool
	st       state
	segStart int
	tabMark  int
	tabCol   int
}

func (m *machine) run(s string) {
	i := 0
	for i < len(s) {
		b := s[i]
		if b >= 0x80 {
			i += m.nonASCII(s[i:])
			continue
		}
		i++
		// Transitions valid in every state: ESC starts a new sequence (and
		// so ends any string: ESC \ is ST), CAN and SUB cancel.
		switch b {
		case 0x1b:
			m.st = escape
			continue
		case 0x18, 0x1a:
			m.st = ground
			continue
		}
		switch m.st {
		case ground:
			if b >= 0x20 && b < 0x7f {
				// Copy the whole run of printable ASCII at once.
				j := i
				for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
					j++
				}
				m.buf = append(m.buf, s[i-1:j]...)
				i = j
				continue
			}
			m.control(b)
		case escape:
			switch {
			case b == '[':
				m.st = csi
			case b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_':
				m.st = str // OSC, DCS, SOS, PM, APC
			case b >= 0x20 && b <= 0x2f:
				m.st = escInter // e.g. ESC ( B designates a charset
			case b >= 0x30 && b <= 0x7e:
				m.st = ground // two-byte sequence (ESC 7, ESC c, ESC \ ...) done
			}
			// C0 controls inside a sequence are executed by a terminal
			// without ending it; here they are dropped. DEL is ignored.
		case escInter:
			if b >= 0x30 && b <= 0x7e {
				m.st = ground
			}
		case csi:
			if b >= 0x40 && b <= 0x7e {
				m.st = ground
			}
		case str:
			if b == 0x07 { // BEL ends an OSC (xterm); accepted for all strings
				m.st = ground
			}
		}
	}
}

// nonASCII handles the rune starting at s[0] (s[0] >= 0x80) and returns its
// length in bytes.
func (m *machine) nonASCII(s string) int {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		switch m.st {
		case str:
			// Part of a string's payload: dropped with it.
		default:
			m.st = ground
			m.buf = append(m.buf, "\uFFFD"...)
		}
		return size
	}
	if r <= 0x9f {
		// C1 controls act in every state, like their 7-bit ESC forms.
		switch r {
		case 0x9b:
			m.st = csi
		case 0x90, 0x98, 0x9d, 0x9e, 0x9f:
			m.st = str // DCS, SOS, OSC, PM, APC
		case 0x85: // NEL: a line break, shown as a space like LF
			m.st = ground
			m.buf = append(m.buf, ' ')
		default: // ST (0x9c) and the rest end any sequence
			m.st = ground
		}
		return size
	}
	switch m.st {
	case str:
		return size // payload
	case escape, escInter, csi:
		// No sequence contains non-ASCII; a terminal would abandon it, and
		// printing the text keeps a broken sequence from hiding it.
		m.st = ground
	}
	switch {
	case dropRune(r):
	case spaceRune(r):
		m.buf = append(m.buf, ' ')
	default:
		m.buf = append(m.buf, s[:size]...)
	}
	return size
}

// control handles a C0 control or DEL in the ground state.
func (m *machine) control(b byte) {
	switch b {
	case '\t':
		if m.line {
			m.tab()
			return
		}
		m.buf = append(m.buf, ' ')
	case '\r':
		if m.line {
			m.carriageReturn()
			return
		}
		m.buf = append(m.buf, ' ')
	case '\n', '\v', '\f':
		m.buf = append(m.buf, ' ')
	}
	// Everything else (NUL, BEL, BS, SO/SI, DEL...) is dropped: none of it
	// prints, and each can change the terminal's state.
}

func (m *machine) tab() {
	m.tabCol += width(m.buf[m.tabMark:])
	n := tabWidth - m.tabCol%tabWidth
	m.buf = append(m.buf, "        "[:n]...)
	m.tabCol += n
	m.tabMark = len(m.buf)
}

// carriageReturn ends the current segment: if it has ink it replaces the
// previously kept one (moved to the front of buf), otherwise it is discarded.
func (m *machine) carriageReturn() {
	if hasInk(m.buf[m.segStart:]) {
		n := copy(m.buf, m.buf[m.segStart:])
		m.buf = m.buf[:n]
	} else {
		m.buf = m.buf[:m.segStart]
	}
	m.segStart = len(m.buf)
	m.tabMark = m.segStart
	m.tabCol = 0
}

func (m *machine) lineResult() string {
	cur := m.buf[m.segStart:]
	switch {
	case hasInk(cur) || m.segStart == 0:
		return string(cur)
	default:
		return string(m.buf[:m.segStart])
	}
}

func hasInk(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return true
		}
	}
	return false
}

// width is the display width of already sanitized bytes, measured the way
// lipgloss measures (grapheme clusters, wide characters count 2).
func width(b []byte) int {
	for _, c := range b {
		if c >= 0x80 {
			return ansi.StringWidth(string(b))
		}
	}
	return len(b)
}
