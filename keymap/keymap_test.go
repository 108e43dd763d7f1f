package keymap

import (
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

func TestReadOnlyUnbindsEveryMutation(t *testing.T) {
	rw := New(false)
	ro := New(true)
	if len(rw.Mutating()) == 0 {
		t.Fatal("no mutating bindings listed")
	}
	for i, b := range ro.Mutating() {
		if b.Enabled() || len(b.Keys()) != 0 {
			t.Errorf("mutating binding %d (%v) still bound in read-only mode", i, rw.Mutating()[i].Keys())
		}
		for _, k := range rw.Mutating()[i].Keys() {
			msg := tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
			if key.Matches(msg, *b) {
				t.Errorf("key %q still matches in read-only mode", k)
			}
		}
	}
	for _, g := range ro.Help() {
		for _, b := range g.Bindings {
			for _, m := range rw.Mutating() {
				if b.Help() == m.Help() {
					t.Errorf("help lists %q in read-only mode", b.Help().Desc)
				}
			}
		}
	}
}

// TestNoDuplicateKeysInAContext guards against one key doing two things in
// the same place.
func TestNoDuplicateKeysInAContext(t *testing.T) {
	k := New(false)
	contexts := map[string][]key.Binding{
		"list": {k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Top, k.List.Bottom, k.List.Open,
			k.List.SortNext, k.List.SortPrev, k.List.SortRev, k.Containers.All, k.Containers.Group, k.Containers.Logs,
			k.Containers.Inspect, k.Containers.Top, k.Containers.Diff, k.Containers.Stats, k.Containers.CopyID,
			k.Containers.CopyName, k.Containers.Exec, k.Containers.Start, k.Containers.Stop, k.Containers.Restart,
			k.Containers.Kill, k.Containers.Pause, k.Containers.Remove,
			k.Global.Quit, k.Global.Help, k.Global.Command, k.Global.Filter, k.Global.Back, k.Global.NextTab,
			k.Global.PrevTab, k.Global.Tab1, k.Global.Tab2, k.Global.Tab3, k.Global.Tab4, k.Global.Tab5, k.Global.Events},
	}
	for name, bs := range contexts {
		seen := map[string]string{}
		for _, b := range bs {
			for _, key := range b.Keys() {
				if prev, ok := seen[key]; ok {
					t.Errorf("%s: key %q bound to %q and %q", name, key, prev, b.Help().Desc)
				}
				seen[key] = b.Help().Desc
			}
		}
	}
}
