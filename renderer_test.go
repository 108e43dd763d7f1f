package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// lockedBuffer is an io.Writer safe to read while the program writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type setView string

// viewModel shows a string; a setView message changes it, and any other
// string is written raw (queued output, like a terminal query).
type viewModel struct{ view string }

func (m *viewModel) Init() tea.Cmd { return nil }

func (m *viewModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case setView:
		m.view = string(msg)
	case string:
		return m, tea.Raw(msg)
	}
	return m, nil
}

func (m *viewModel) View() tea.View {
	v := tea.NewView(m.view)
	v.AltScreen = true
	return v
}

// TestQueuedOutputSpendsNoFrame guards the patched renderer's rate limit
// (third_party/bubbletea: frames from a token bucket of three, refilled at
// fps): output queued without a view change (terminal queries and modes at
// start, an OSC 52 copy) is written at once and spends no frame. At start
// such writes used the frames the first data needed, which then waited up
// to a frame period. At 1 fps, eight such writes spending frames would hold
// the next view back by over five seconds.
func TestQueuedOutputSpendsNoFrame(t *testing.T) {
	out := &lockedBuffer{}
	p := tea.NewProgram(&viewModel{view: "first view"}, tea.WithOutput(out), tea.WithInput(nil),
		tea.WithFPS(1), tea.WithWindowSize(40, 5), tea.WithoutSignalHandler(),
		tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	defer func() {
		p.Kill()
		<-done
	}()
	wait := func(what string, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !strings.Contains(out.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("%q not written within %v; output %q", what, within, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait("first view", 5*time.Second)
	// One write at a time, each its own flush; spending frames, the third
	// would wait a second for a token, and each one after it another.
	start := time.Now()
	for i := range 8 {
		raw := fmt.Sprintf("<raw %d>", i)
		p.Send(raw)
		wait(raw, 10*time.Second)
	}
	p.Send(setView("second view"))
	wait("second view", 10*time.Second)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("eight queued writes and a view took %v: the writes spent frames", took)
	}
}
