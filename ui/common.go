// Package ui is dockterm's terminal interface: a root model with tabs, a
// status bar, a navigation stack shown as breadcrumbs and dialogs, plus one
// file per tab and per detail view. It never talks to an engine inside
// Update or View: engine calls run in tea.Cmds and come back as messages
// tagged with the engine they belong to.
package ui

import (
	"github.com/dockterm/dockterm/internal/trace"

	"context"

	tea "charm.land/bubbletea/v2"
	"time"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/keymap"
)

// Engine is what the UI needs from one engine. *engine.Engine implements it;
// tests use a fake.
type Engine interface {
	ID() backend.EngineID
	Snapshot() engine.Snapshot
	Changed() <-chan struct{}
	SetWatched(ids []string)
	Series(id string) engine.Series
	Events() []backend.Event
	// FollowAllEvents adds the exec and attach chatter to Events() until
	// stop is called (the events view, while open).
	FollowAllEvents() (stop func())
	ReportError(err error)

	Do(ctx context.Context, id string, a engine.Action) error
	Inspect(ctx context.Context, id string) (backend.ContainerDetail, error)
	Top(ctx context.Context, id string) (backend.TopResult, error)
	Diff(ctx context.Context, id string) ([]backend.Change, error)
	Logs(ctx context.Context, id string, o engine.LogOptions) (*engine.LogStream, error)
}

// ExecFunc builds the command that runs an interactive shell in a container;
// the UI hands it to tea.Exec, which suspends the TUI while it runs. main
// wires it to backend/execsh so that the backend need not import bubbletea.
type ExecFunc func(e Engine, containerID string) (tea.ExecCommand, error)

// Common is the context every component shares: size, styles, keys and the
// engine in focus. One value, owned by the root model, passed by pointer.
type Common struct {
	Width, Height int
	Styles        Styles
	Paints        Paints // Styles precomputed for hot tables
	Glyphs        Glyphs
	Keys          keymap.KeyMap
	ReadOnly      bool
	Engine        Engine
	Exec          ExecFunc // nil: exec unavailable
	Ctx           context.Context
	Now           func() time.Time
	Trace         *trace.Log // nil unless DOCKTERM_TRACE asks for a timeline
}
