package logview

import (
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles decide how the viewer looks. Every state is also told by a
// character or a word (the stderr marker, the status words), so PlainStyles
// loses no information on a terminal without colour.
//
// Styles must not change the width of what they render (no padding, borders
// or margins): the viewer counts cells itself so that it never has to
// measure styled strings.
type Styles struct {
	Text         lipgloss.Style // stdout text
	StderrText   lipgloss.Style // stderr text
	StderrMarker lipgloss.Style // the gutter marker of stderr lines
	Timestamp    lipgloss.Style
	Match        lipgloss.Style // search matches in visible lines
	CurrentMatch lipgloss.Style // matches on the line n/N jumped to
	Notice       lipgloss.Style // "N older lines dropped", "(no log lines)"
	Status       lipgloss.Style // the footer line as a whole
	StatusError  lipgloss.Style // why a query cannot run, above the open input

	// StderrGlyph marks stderr lines in the gutter; StdoutGlyph (usually a
	// space) marks stdout lines. The gutter is as wide as the wider one plus
	// a space.
	StderrGlyph string
	StdoutGlyph string
	// Ellipsis ends a truncated title in the footer.
	Ellipsis string
	// Sep separates the footer's fields.
	Sep string

	// Input styles the search input. Its cursor should not blink: a
	// blinking cursor redraws the screen twice a second, and an idle
	// dockterm sends nothing to the terminal.
	Input textinput.Styles
}

// DefaultStyles suits a colour terminal.
func DefaultStyles() Styles {
	red := lipgloss.Color("#ff5f5f")
	grey := lipgloss.Color("#8a8a8a")
	return Styles{
		Text:         lipgloss.NewStyle(),
		StderrText:   lipgloss.NewStyle(),
		StderrMarker: lipgloss.NewStyle().Foreground(red),
		Timestamp:    lipgloss.NewStyle().Foreground(grey),
		Match:        lipgloss.NewStyle().Foreground(lipgloss.Color("#000000")).Background(lipgloss.Color("#d7af00")),
		CurrentMatch: lipgloss.NewStyle().Foreground(lipgloss.Color("#000000")).Background(lipgloss.Color("#ff8700")).Bold(true),
		Notice:       lipgloss.NewStyle().Foreground(grey).Italic(true),
		Status:       lipgloss.NewStyle().Reverse(true),
		StatusError:  lipgloss.NewStyle().Foreground(red).Bold(true),
		StderrGlyph:  "▌",
		StdoutGlyph:  " ",
		Ellipsis:     "…",
		Sep:          " · ",
		Input:        inputStyles(false),
	}
}

// PlainStyles is for NO_COLOR and dumb or Linux consoles: no colour, only
// reverse video, bold and underline, and ASCII glyphs.
func PlainStyles() Styles {
	s := lipgloss.NewStyle()
	return Styles{
		Text:         s,
		StderrText:   s,
		StderrMarker: s.Bold(true),
		Timestamp:    s,
		Match:        s.Reverse(true),
		CurrentMatch: s.Reverse(true).Bold(true), // underline would style cell by cell
		Notice:       s,
		Status:       s.Reverse(true),
		StatusError:  s.Bold(true),
		StderrGlyph:  "E",
		StdoutGlyph:  " ",
		Ellipsis:     "...",
		Sep:          " | ",
		Input:        inputStyles(true),
	}
}

func inputStyles(plain bool) textinput.Styles {
	st := textinput.DefaultDarkStyles()
	if plain {
		s := lipgloss.NewStyle()
		st.Focused = textinput.StyleState{Text: s, Placeholder: s, Suggestion: s, Prompt: s.Bold(true)}
		st.Blurred = st.Focused
		st.Cursor.Color = lipgloss.NoColor{}
	}
	st.Cursor.Blink = false
	return st
}
