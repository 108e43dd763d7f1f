// Package keymap holds every key binding of dockterm in one place. The help
// screen is generated from it, and read-only mode is decided here, at binding
// time: a mutating action that is not bound cannot be triggered by any key
// and does not appear in the help.
package keymap

import "charm.land/bubbles/v2/key"

// Global keys work everywhere except while typing into an input.
type Global struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Command   key.Binding
	Filter    key.Binding
	Back      key.Binding
	NextTab   key.Binding
	PrevTab   key.Binding
	Tab1      key.Binding
	Tab2      key.Binding
	Tab3      key.Binding
	Tab4      key.Binding
	Tab5      key.Binding
	Events    key.Binding
}

// List keys move and sort in any table.
type List struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Open     key.Binding
	SortNext key.Binding
	SortPrev key.Binding
	SortRev  key.Binding
}

// Containers keys act on the selected container. Mutating bindings are
// disabled (unbound) in read-only mode.
type Containers struct {
	All      key.Binding
	Group    key.Binding
	Logs     key.Binding
	Inspect  key.Binding
	Top      key.Binding
	Diff     key.Binding
	Stats    key.Binding
	CopyID   key.Binding
	CopyName key.Binding
	Exec     key.Binding
	Start    key.Binding
	Stop     key.Binding
	Restart  key.Binding
	Kill     key.Binding
	Pause    key.Binding
	Remove   key.Binding
}

// Detail keys switch sections of the container detail view.
type Detail struct {
	NextSection key.Binding
	PrevSection key.Binding
	Reveal      key.Binding
	Since       key.Binding
	Search      key.Binding
}

// Security keys act in the security tab. Accepting writes dockterm's own
// config file, not the engine, so it stays bound in read-only mode.
type Security struct {
	Accept   key.Binding
	Hardened key.Binding
}

// Confirm keys answer a confirmation dialog.
type Confirm struct {
	Yes     key.Binding
	No      key.Binding
	Volumes key.Binding
}

// KeyMap is every binding of the application.
type KeyMap struct {
	ReadOnly   bool
	Global     Global
	List       List
	Containers Containers
	Detail     Detail
	Security   Security
	Confirm    Confirm
}

// Mutating lists the bindings that change an engine; read-only mode disables
// exactly these.
func (k *KeyMap) Mutating() []*key.Binding {
	c := &k.Containers
	return []*key.Binding{&c.Exec, &c.Start, &c.Stop, &c.Restart, &c.Kill, &c.Pause, &c.Remove}
}

// New returns the default bindings. With readOnly, mutating actions are left
// unbound.
func New(readOnly bool) KeyMap {
	k := KeyMap{
		ReadOnly: readOnly,
		Global: Global{
			Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
			ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
			Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Command:   key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command: :c :n :q …")),
			Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
			Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			NextTab:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
			PrevTab:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev tab")),
			Tab1:      key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "containers")),
			Tab2:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "networks")),
			Tab3:      key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "volumes")),
			Tab4:      key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "machines")),
			Tab5:      key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "security")),
			Events:    key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "events")),
		},
		List: List{
			Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
			PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
			Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
			Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
			Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
			SortNext: key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "sort: next column")),
			SortPrev: key.NewBinding(key.WithKeys("<"), key.WithHelp("<", "sort: prev column")),
			SortRev:  key.NewBinding(key.WithKeys("="), key.WithHelp("=", "reverse sort")),
		},
		Containers: Containers{
			All:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all/running")),
			Group:    key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "group by project")),
			Logs:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "logs")),
			Inspect:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "inspect")),
			Top:      key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "top")),
			Diff:     key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "diff")),
			Stats:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "stats graphs")),
			CopyID:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy ID")),
			CopyName: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy name")),
			Exec:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "exec shell")),
			Start:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "start")),
			Stop:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "stop")),
			Restart:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
			Kill:     key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "kill")),
			Pause:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause/unpause")),
			Remove:   key.NewBinding(key.WithKeys("ctrl+d", "delete"), key.WithHelp("ctrl+d", "remove")),
		},
		Detail: Detail{
			NextSection: key.NewBinding(key.WithKeys("tab", "]"), key.WithHelp("tab/]", "next section")),
			PrevSection: key.NewBinding(key.WithKeys("shift+tab", "["), key.WithHelp("S-tab/[", "prev section")),
			Reveal:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reveal secrets")),
			Since:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "logs since")),
			Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		},
		Security: Security{
			Accept:   key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "accept finding")),
			Hardened: key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "hardened command")),
		},
		Confirm: Confirm{
			Yes:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
			No:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
			Volumes: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "also anon. volumes")),
		},
	}
	if readOnly {
		for _, b := range k.Mutating() {
			// Unbind, not just hide: key.Matches never matches a disabled
			// binding, and help skips it.
			b.SetEnabled(false)
			b.SetKeys()
		}
	}
	return k
}

// Group is one column of the help screen.
type Group struct {
	Title    string
	Bindings []key.Binding
}

// Help lists the enabled bindings by group for the `?` screen.
func (k KeyMap) Help() []Group {
	g := k.Global
	l := k.List
	c := k.Containers
	d := k.Detail
	groups := []Group{
		{"General", []key.Binding{g.Help, g.Command, g.Filter, g.Back, g.NextTab, g.Tab1, g.Tab2, g.Tab3, g.Tab4, g.Tab5, g.Events, g.Quit}},
		{"Lists", []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom, l.Open, l.SortNext, l.SortPrev, l.SortRev, c.All, c.Group}},
		{"Container", []key.Binding{c.Logs, c.Inspect, c.Top, c.Diff, c.Stats, c.CopyID, c.CopyName, c.Exec, c.Start, c.Stop, c.Restart, c.Kill, c.Pause, c.Remove}},
		{"Detail", []key.Binding{d.NextSection, d.PrevSection, d.Reveal, d.Since, d.Search}},
		{"Security", []key.Binding{k.Security.Accept, k.Security.Hardened}},
	}
	for i := range groups {
		var enabled []key.Binding
		for _, b := range groups[i].Bindings {
			if b.Enabled() {
				enabled = append(enabled, b)
			}
		}
		groups[i].Bindings = enabled
	}
	return groups
}
