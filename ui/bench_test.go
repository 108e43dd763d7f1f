package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/dockterm/dockterm/backend"
)

// benchApp is the bench's screen: a 120x40 containers tab over 100 running
// containers that all have figures.
func benchApp(b *testing.B) *App {
	f := newFakeEngine()
	cs := make([]backend.Container, 0, 100)
	st := map[string]backend.Stats{}
	for i := range 100 {
		id := fmt.Sprintf("%016x", i+1)
		cs = append(cs, backend.Container{ID: id, Name: fmt.Sprintf("dkt-bench-%03d", i), Image: "dockterm-fixture:test",
			State: "running", Status: "Up 2 minutes", StartedAt: fakeNow.Add(-time.Duration(60+i) * time.Second), Inspected: true,
			Labels: map[string]string{}})
		st[id] = backend.Stats{ID: id, CPUPercent: float64(i) / 7, MemUsage: int64(i+1) << 20, MemLimit: 8 << 30, NetRxRate: 100, NetTxRate: 50, PIDs: 4}
	}
	f.snap.Containers, f.snap.Stats = cs, st
	c := &Common{Engine: f}
	a := NewApp(c, Options{Now: func() time.Time { return fakeNow }})
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.Update(engineChangedMsg{engine: f.ID()})
	a.View()
	return a
}

// BenchmarkTickFrame is what the once-a-second tick costs while nothing
// else happens: its Update and the frame it leads to.
func BenchmarkTickFrame(b *testing.B) {
	a := benchApp(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Update(tickMsg{at: fakeNow.Add(time.Duration(i) * time.Millisecond)})
		_ = a.View()
	}
}

// BenchmarkStatsFrame is a sampling batch's redraw: new figures for the
// screen, then the frame.
func BenchmarkStatsFrame(b *testing.B) {
	a := benchApp(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Update(engineChangedMsg{engine: "local"})
		_ = a.View()
	}
}
