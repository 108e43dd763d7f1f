package logview

import "charm.land/bubbles/v2/key"

// KeyMap is every key the log viewer reacts to. The app's keymap package
// builds one (rebinding as the user likes) and hands it over with
// WithKeyMap or SetKeyMap; DefaultKeyMap is what a bare component uses.
//
// Keys typed while the search input is open go to the input, except
// SearchConfirm and SearchCancel.
type KeyMap struct {
	Up           key.Binding
	Down         key.Binding
	PageUp       key.Binding
	PageDown     key.Binding
	HalfPageUp   key.Binding
	HalfPageDown key.Binding
	Left         key.Binding // unwrapped mode only
	Right        key.Binding // unwrapped mode only
	Top          key.Binding // oldest line; leaves follow mode
	Bottom       key.Binding // newest line; (re-)enters follow mode
	Follow       key.Binding // toggles follow mode

	ToggleTimestamps key.Binding
	ToggleWrap       key.Binding

	Search        key.Binding // opens the search input
	SearchConfirm key.Binding // runs the typed query
	SearchCancel  key.Binding // closes the input without searching
	NextMatch     key.Binding
	PrevMatch     key.Binding
	ClearSearch   key.Binding // drops the active search and its highlights
}

// DefaultKeyMap follows less(1) where less has an answer (F follows, g/G,
// b/f/space page, / n N search) and the arrows everywhere else.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "f", "space"), key.WithHelp("pgdn/f", "page down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Left:         key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left")),
		Right:        key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "oldest")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "newest + follow")),
		Follow:       key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "toggle follow")),

		ToggleTimestamps: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timestamps")),
		ToggleWrap:       key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),

		Search:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search (/re/ = regexp)")),
		SearchConfirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run search")),
		SearchCancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel search input")),
		NextMatch:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch:     key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		ClearSearch:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
	}
}

// ShortHelp is the one-line help (help.KeyMap).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Search, k.NextMatch, k.Bottom, k.ToggleWrap, k.ToggleTimestamps}
}

// FullHelp is the help screen, in columns (help.KeyMap).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfPageUp, k.HalfPageDown},
		{k.Top, k.Bottom, k.Follow, k.Left, k.Right},
		{k.Search, k.NextMatch, k.PrevMatch, k.ClearSearch},
		{k.ToggleWrap, k.ToggleTimestamps},
	}
}
