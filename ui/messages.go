package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/backend/sanitize"
)

// engineChangedMsg says the engine's snapshot changed; the root model takes
// a fresh snapshot (a memory copy, no I/O) and hands it to the views.
type engineChangedMsg struct {
	engine backend.EngineID
	at     time.Time
}

// snapshotMsg carries a snapshot to the views.
type snapshotMsg struct {
	engine backend.EngineID
	snap   engine.Snapshot
}

// openDetailMsg pushes a container detail view on the navigation stack.
type openDetailMsg struct {
	engine    backend.EngineID
	container backend.Container
	section   int
}

// flashMsg shows a short note in the status bar.
type flashMsg struct{ text string }

func flash(s string) tea.Cmd { return func() tea.Msg { return flashMsg{text: s} } }

// actionDoneMsg reports the result of an action.
type actionDoneMsg struct {
	engine backend.EngineID
	what   string
	err    error
}

// execDoneMsg reports the end of an interactive shell.
type execDoneMsg struct {
	name string
	err  error
}

// confirmMsg opens a confirmation dialog for a destructive action.
type confirmMsg struct {
	engine    backend.EngineID
	container backend.Container
	action    engine.Action
}

// tickMsg drives the few things that change with time alone (ages shown
// while disconnected, top refresh).
type tickMsg struct {
	at  time.Time
	gen int // the App's tick chain it belongs to
}

// waitChange blocks (in a Cmd, off the UI goroutine) until the engine
// reports a change, then waits a little longer so a burst of changes becomes
// one redraw: at most ~10 frames a second however busy the engine is.
//
// The pause follows the change, not precedes it, only when the previous
// frame was recent: after a quiet spell the first change shows at once (the
// list at start-up, a container dying).
func waitChange(e Engine, last time.Time) tea.Cmd {
	ch := e.Changed()
	id := e.ID()
	return func() tea.Msg {
		<-ch
		if wait := frameGap - time.Since(last); wait > 0 {
			time.Sleep(wait)
		}
		return engineChangedMsg{engine: id, at: time.Now()}
	}
}

// frameGap is the least time between two redraws caused by the engine. The
// sampler already tells a whole batch of figures at once, so this only
// bounds bursts (an event storm, a screen's first figures arriving one by
// one); kept short so a first CPU figure is not held back.
const frameGap = 100 * time.Millisecond

func runAction(cm *Common, ct backend.Container, a engine.Action) tea.Cmd {
	e := cm.Engine
	ctx := cm.Ctx
	return func() tea.Msg {
		err := e.Do(ctx, ct.ID, a)
		return actionDoneMsg{engine: e.ID(), what: fmt.Sprintf("%s %s", a, ct.Name), err: err}
	}
}

func confirm(cm *Common, ct backend.Container, a engine.Action) tea.Cmd {
	id := cm.Engine.ID()
	return func() tea.Msg { return confirmMsg{engine: id, container: ct, action: a} }
}

// errText renders an error for the screen. Errors can carry text from the
// engine (daemon messages), so they pass the sanitizer like everything else.
func errText(err error) string { return sanitize.String(err.Error()) }
