package execsh

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/muesli/cancelreader"
	"golang.org/x/term"
)

// ctrlC is what a raw terminal sends for ctrl+c.
const ctrlC = 0x03

// setupGuard holds a terminal stdin while the session starts (see the
// package doc): raw mode, so that no key raises a signal, and a watch for
// ctrl+c that keeps every other key for the shell. For any other stdin it
// does nothing.
type setupGuard struct {
	fd    int
	state *term.State // nil: nothing to restore
	cr    cancelreader.CancelReader
	done  chan struct{} // closed when the watch has stopped reading
	typed []byte        // written by the watch, read once it is done

	stopOnce    sync.Once
	restoreOnce sync.Once
	kept        []byte
}

// guardTerminal switches a terminal stdin to raw mode and starts watching
// it; interrupt is called (from the watch goroutine) on ctrl+c.
func guardTerminal(stdin io.Reader, interrupt func()) (*setupGuard, error) {
	g := &setupGuard{}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return g, nil
	}
	state, err := term.MakeRaw(int(f.Fd()))
	if err != nil {
		return g, fmt.Errorf("exec: raw terminal: %w", err)
	}
	g.fd, g.state = int(f.Fd()), state
	cr, err := cancelreader.NewReader(f)
	if err != nil {
		// No cancellable reader: a plain Read could not be stopped and would
		// steal the first key meant for the shell or the TUI. Stay raw
		// without watching; ctrl+c then does nothing, and the setup timeout
		// still bounds the wait.
		return g, nil
	}
	g.cr, g.done = cr, make(chan struct{})
	go g.watch(interrupt)
	return g, nil
}

func (g *setupGuard) watch(interrupt func()) {
	defer close(g.done)
	buf := make([]byte, 256)
	for {
		n, err := g.cr.Read(buf)
		if i := bytes.IndexByte(buf[:n], ctrlC); i >= 0 {
			g.typed = append(g.typed, buf[:i]...)
			interrupt()
			return
		}
		g.typed = append(g.typed, buf[:n]...)
		if err != nil {
			return
		}
	}
}

// stop ends the watch and returns the keys typed meanwhile (up to a ctrl+c,
// which is not passed on). Once it returns nothing of the guard reads stdin.
func (g *setupGuard) stop() []byte {
	g.stopOnce.Do(func() {
		if g.cr == nil {
			return
		}
		if !g.cr.Cancel() {
			// Never happens for a terminal on the platforms cancelreader
			// supports; if it does, the watch still owns g.typed.
			return
		}
		<-g.done
		g.cr.Close()
		g.kept = g.typed
	})
	return g.kept
}

// restore puts the terminal back in the mode bubbletea left it in.
func (g *setupGuard) restore() {
	g.restoreOnce.Do(func() {
		if g.state != nil {
			_ = term.Restore(g.fd, g.state)
		}
	})
}
