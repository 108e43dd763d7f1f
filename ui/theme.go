package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles is the one place colours and emphasis are decided. Colours are
// downsampled by the renderer to what the terminal supports (and dropped
// under NO_COLOR), so every state is also told by text, never by colour alone.
type Styles struct {
	TabActive   lipgloss.Style
	TabInactive lipgloss.Style
	TabBar      lipgloss.Style
	Crumbs      lipgloss.Style
	Header      lipgloss.Style
	Selected    lipgloss.Style
	Dim         lipgloss.Style
	Status      lipgloss.Style
	StatusKey   lipgloss.Style
	RO          lipgloss.Style
	Error       lipgloss.Style
	Warn        lipgloss.Style
	OK          lipgloss.Style
	Bad         lipgloss.Style
	Title       lipgloss.Style
	Dialog      lipgloss.Style
	Match       lipgloss.Style
	Severity    map[string]lipgloss.Style
}

// Glyphs are the characters that differ between capable terminals and
// TERM=linux/dumb consoles.
type Glyphs struct {
	Sep      string
	Up, Down string
	Spark    []rune
	Ellipsis string
}

// DefaultStyles suits a colour terminal.
func DefaultStyles() Styles {
	red := lipgloss.Color("#ff5f5f")
	yellow := lipgloss.Color("#ffd75f")
	green := lipgloss.Color("#87d787")
	blue := lipgloss.Color("#5fafff")
	grey := lipgloss.Color("#8a8a8a")
	return Styles{
		TabActive: lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#ffffff")).Background(lipgloss.Color("#005f87")).Padding(0, 1),
		// Bars carry their own background on every cell: terminals and
		// multiplexers that erase with the current background otherwise
		// smear the active tab's colour to the end of the line.
		TabInactive: lipgloss.NewStyle().Padding(0, 1).Foreground(lipgloss.Color("#bcbcbc")).Background(lipgloss.Color("#303030")),
		TabBar:      lipgloss.NewStyle().Foreground(lipgloss.Color("#bcbcbc")).Background(lipgloss.Color("#303030")),
		Crumbs:      lipgloss.NewStyle().Foreground(blue),
		Header:      lipgloss.NewStyle().Bold(true).Foreground(blue),
		Selected:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#ffffff")).Background(lipgloss.Color("#3a4a5f")),
		Dim:         lipgloss.NewStyle().Foreground(grey),
		Status:      lipgloss.NewStyle(),
		StatusKey:   lipgloss.NewStyle().Bold(true),
		RO:          lipgloss.NewStyle().Bold(true).Reverse(true),
		Error:       lipgloss.NewStyle().Foreground(red).Bold(true),
		Warn:        lipgloss.NewStyle().Foreground(yellow),
		OK:          lipgloss.NewStyle().Foreground(green),
		Bad:         lipgloss.NewStyle().Foreground(red),
		Title:       lipgloss.NewStyle().Bold(true),
		Dialog:      lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1),
		Match:       lipgloss.NewStyle().Reverse(true),
		Severity: map[string]lipgloss.Style{
			"critical": lipgloss.NewStyle().Foreground(red).Bold(true),
			"high":     lipgloss.NewStyle().Foreground(red),
			"medium":   lipgloss.NewStyle().Foreground(yellow),
			"low":      lipgloss.NewStyle().Foreground(blue),
			"info":     lipgloss.NewStyle().Foreground(grey),
		},
	}
}

// PlainStyles uses only bold and reverse video: for NO_COLOR and consoles.
func PlainStyles() Styles {
	s := lipgloss.NewStyle()
	return Styles{
		TabActive:   s.Bold(true).Reverse(true).Padding(0, 1),
		TabInactive: s.Padding(0, 1),
		TabBar:      s, Crumbs: s, Dim: s, Status: s, Warn: s, OK: s, Bad: s,
		Header:    s.Bold(true),
		Selected:  s.Reverse(true),
		StatusKey: s.Bold(true),
		RO:        s.Reverse(true),
		Error:     s.Bold(true),
		Title:     s.Bold(true),
		Dialog:    s.Border(lipgloss.ASCIIBorder()).Padding(0, 1),
		Match:     s.Reverse(true),
		Severity:  map[string]lipgloss.Style{"critical": s.Bold(true), "high": s.Bold(true), "medium": s, "low": s, "info": s},
	}
}

// DefaultGlyphs suits a UTF-8 terminal.
func DefaultGlyphs() Glyphs {
	return Glyphs{Sep: " │ ", Up: "▲", Down: "▼", Spark: []rune("▁▂▃▄▅▆▇█"), Ellipsis: "…"}
}

// ASCIIGlyphs suits TERM=linux and dumb terminals.
func ASCIIGlyphs() Glyphs {
	return Glyphs{Sep: " | ", Up: "^", Down: "v", Spark: []rune(" .:-=+*#"), Ellipsis: "~"}
}
