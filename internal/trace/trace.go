// Package trace writes a timeline of start-up and sampling milestones for
// `make bench` investigations (DOCKTERM_TRACE=file). It is a diagnostic, not
// a user-facing log: a nil *Log, the normal case, costs a nil check.
package trace

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Log stamps events with the time since the process started tracing.
type Log struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	once  map[string]bool
}

// New starts a timeline written to w.
func New(w io.Writer) *Log {
	return &Log{w: w, start: time.Now(), once: map[string]bool{}}
}

// Printf records one event.
func (l *Log) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%8.1fms %s\n", float64(time.Since(l.start).Microseconds())/1000, fmt.Sprintf(format, args...))
}

// Once records an event the first time its key is seen: "first list",
// "first CPU figure".
func (l *Log) Once(key string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	seen := l.once[key]
	l.once[key] = true
	l.mu.Unlock()
	if !seen {
		l.Printf("%s", key)
	}
}

// File is a terminal whose first writes are stamped on a timeline: when a
// frame actually leaves dockterm, as opposed to when it was drawn. It keeps
// the *os.File's Fd, so the program still sees a terminal.
type File struct {
	*os.File
	log  *Log
	mu   sync.Mutex
	left int
}

// Writes wraps f so that its first n writes are recorded on l.
func Writes(f *os.File, l *Log, n int) *File {
	return &File{File: f, log: l, left: n}
}

// WriteString stamps too: *os.File's own would bypass Write.
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

func (f *File) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.mu.Lock()
	trace := f.left > 0
	f.left--
	f.mu.Unlock()
	if trace {
		f.log.Printf("terminal: wrote %d bytes", n)
	}
	return n, err
}
