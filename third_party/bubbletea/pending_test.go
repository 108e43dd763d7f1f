package tea

import (
	"bytes"
	"testing"
)

// TestPendingOnlyWhenTheViewChanged: the dockterm patch's rate limit must
// not spend a frame on a kick that would draw nothing.
func TestPendingOnlyWhenTheViewChanged(t *testing.T) {
	var out bytes.Buffer
	r := newCursedRenderer(&out, []string{"TERM=xterm-256color"}, 20, 5)
	r.start()
	view := func(s string) View { v := NewView(s); v.AltScreen = true; return v }
	r.render(view("hello"))
	if !r.pending() {
		t.Fatal("the first frame is not pending")
	}
	if err := r.flush(false); err != nil {
		t.Fatal(err)
	}
	r.render(view("hello"))
	if r.pending() {
		t.Error("an unchanged view is pending")
	}
	r.render(view("hello, world"))
	if !r.pending() {
		t.Error("a changed view is not pending")
	}
	if err := r.flush(false); err != nil {
		t.Fatal(err)
	}
	inline := NewView("inline")
	r.render(inline)
	if !r.pending() {
		t.Error("an inline view must always count as pending")
	}
}
