// Package sparkline draws one-line graphs of time series (CPU%, memory, I/O
// rates) for the stats views. It is pure string rendering: no styles, no
// state, no I/O, so a parent can colour the result however its theme says.
package sparkline

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Charset is the ramp of cells from the lowest to the highest level, one rune
// per level. It is a string type so that the presets below can be constants
// (no package-level mutable state).
type Charset string

const (
	// Blocks is the default ramp of Unicode lower-block elements.
	Blocks Charset = "▁▂▃▄▅▆▇█"
	// ASCII is the fallback for terminals whose fonts lack block elements
	// (the Linux console, TERM=dumb). Its lowest level is a space, so a zero
	// value and a missing sample look alike there; that is the price of
	// staying within ASCII.
	ASCII Charset = " .:-=+*#"
)

// CharsetFor picks the ramp for a TERM value: ASCII for the Linux console and
// dumb terminals, whose fonts commonly lack the block elements, Blocks
// otherwise. The caller passes os.Getenv("TERM"); reading the environment
// here would hide a dependency.
func CharsetFor(term string) Charset {
	switch term {
	case "linux", "dumb", "vt100", "vt220":
		return ASCII
	}
	return Blocks
}

// Render draws values with the Blocks ramp; see RenderCharset.
func Render(values []float64, width int, max float64) string {
	return RenderCharset(Blocks, values, width, max)
}

// RenderCharset draws the newest width values of the series, newest on the
// right, left-padded with spaces so the result is always exactly width cells.
// A value v maps to level ceil(v/max*levels)-1, clamped to the ramp, so any
// positive value shows at least the lowest level and v >= max shows the top.
// max <= 0 (or NaN) means "scale to the largest value shown". Negative and NaN
// values are missing samples (the backend reports -1 until two samples exist)
// and render as a space.
func RenderCharset(cs Charset, values []float64, width int, max float64) string {
	if width <= 0 {
		return ""
	}
	ramp := []rune(string(cs))
	if len(ramp) == 0 {
		ramp = []rune(string(Blocks))
	}
	// Only the newest width values are drawn.
	if len(values) > width {
		values = values[len(values)-width:]
	}
	if !(max > 0) { // also catches NaN
		max = 0
		for _, v := range values {
			if valid(v) && v > max {
				max = v
			}
		}
	}

	var b strings.Builder
	b.Grow(width * utf8.UTFMax)
	for range width - len(values) {
		b.WriteByte(' ')
	}
	for _, v := range values {
		b.WriteRune(level(ramp, v, max))
	}
	return b.String()
}

// level maps one value onto the ramp.
func level(ramp []rune, v, max float64) rune {
	if !valid(v) {
		return ' '
	}
	n := len(ramp)
	if max <= 0 || v <= 0 {
		// All-zero series (or an idle container) sit on the floor.
		return ramp[0]
	}
	i := int(math.Ceil(v/max*float64(n))) - 1
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	return ramp[i]
}

func valid(v float64) bool {
	return v >= 0 && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// Graph draws a labelled sparkline with the Blocks ramp; see GraphCharset.
func Graph(title string, values []float64, width int, format func(float64) string) string {
	return GraphCharset(Blocks, title, values, width, format)
}

// GraphCharset draws two lines of exactly width cells:
//
//	CPU %           cur 12.3  min 1.0  max 88.0
//	▁▁▂▃▅▇█▆▃▂▁▁▂▃▅▇█▆▃▂▁▁▂▃▅▇█▆▃▂▁▁▂▃▅▇█▆▃▂▁▁▂
//
// The figures are taken over the values that are drawn (the newest width
// values), so the scale and the numbers agree. format renders a value (nil
// means one decimal); missing samples are skipped, and "-" stands for a figure
// that does not exist yet. When the line is too narrow, the title gives way
// before the figures.
func GraphCharset(cs Charset, title string, values []float64, width int, format func(float64) string) string {
	if width <= 0 {
		return ""
	}
	if format == nil {
		format = func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	}
	shown := values
	if len(shown) > width {
		shown = shown[len(shown)-width:]
	}
	cur, lo, hi := "-", "-", "-"
	have := false
	var mn, mx float64
	for _, v := range shown {
		if !valid(v) {
			continue
		}
		if !have || v < mn {
			mn = v
		}
		if !have || v > mx {
			mx = v
		}
		have = true
	}
	if have {
		lo, hi = format(mn), format(mx)
	}
	// "Current" is the newest sample, and only if it is not missing: showing
	// an older value as current would lie about the present.
	if n := len(shown); n > 0 && valid(shown[n-1]) {
		cur = format(shown[n-1])
	}
	figures := "cur " + cur + "  min " + lo + "  max " + hi

	return header(title, figures, width) + "\n" + RenderCharset(cs, shown, width, mx)
}

// header lays out title on the left and figures on the right in width cells.
func header(title, figures string, width int) string {
	fw := ansi.StringWidth(figures)
	if fw >= width {
		return pad(ansi.Truncate(figures, width, ""), width)
	}
	room := width - fw - 1 // one space between title and figures at least
	t := title
	if ansi.StringWidth(t) > room {
		t = ansi.Truncate(t, room, "")
	}
	gap := width - ansi.StringWidth(t) - fw
	return t + strings.Repeat(" ", gap) + figures
}

func pad(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}
