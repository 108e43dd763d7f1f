package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/sanitize"
)

// MaxLineBytes caps how much of one log line is kept. A container that
// prints a 200 KB line gets its first MaxLineBytes shown with a marker; the
// rest is counted, not stored, so a hostile line can neither exhaust memory
// nor stall the renderer.
const MaxLineBytes = 16 << 10

// LogOptions choose what a log stream shows.
type LogOptions struct {
	Tail   int           // lines of history first (0 = none, -1 = all)
	Since  time.Duration // only lines newer than now-Since (0 = no bound)
	Follow bool
}

// LogStream delivers batches of sanitized lines until the container's log
// ends or Close is called.
type LogStream struct {
	C      <-chan []backend.LogLine
	cancel context.CancelFunc
	mu     sync.Mutex
	err    error
}

// Close stops the stream.
func (s *LogStream) Close() { s.cancel() }

// Err is the reason the stream ended (nil for a clean end or Close).
func (s *LogStream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Logs opens the container's log: the tail first, then (with Follow) new
// lines as they come, batched so a fast logger causes one message per
// network read, not one per line.
func (e *Engine) Logs(ctx context.Context, id string, o LogOptions) (*LogStream, error) {
	cli, err := e.Client()
	if err != nil {
		return nil, fmt.Errorf("logs %s: %w", shortID(id), err)
	}
	cctx, cancel := context.WithCancel(ctx)
	ictx, icancel := e.call(cctx)
	j, err := cli.ContainerInspect(ictx, id)
	icancel()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("logs %s: %w", shortID(id), err)
	}
	tty := j.Config != nil && j.Config.Tty
	opts := container.LogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true, Follow: o.Follow}
	switch {
	case o.Tail < 0:
		opts.Tail = "all"
	default:
		opts.Tail = fmt.Sprint(o.Tail)
	}
	if o.Since > 0 {
		opts.Since = fmt.Sprint(time.Now().Add(-o.Since).Unix())
	}
	rc, err := cli.ContainerLogs(cctx, id, opts)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("logs %s: %w", shortID(id), err)
	}
	ch := make(chan []backend.LogLine, 16)
	s := &LogStream{C: ch, cancel: cancel}
	go func() {
		defer close(ch)
		defer rc.Close()
		b := newBatcher(cctx, ch)
		var err error
		if tty {
			err = readRaw(rc, b)
		} else {
			err = readMultiplexed(rc, b)
		}
		b.flush()
		if err != nil && cctx.Err() == nil && !errors.Is(err, io.EOF) {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
		}
	}()
	return s, nil
}

// batcher groups lines: a batch goes out when 2000 lines are waiting or
// when the reader has nothing more buffered (the next read may block).
type batcher struct {
	ctx context.Context
	ch  chan<- []backend.LogLine
	buf []backend.LogLine
}

func newBatcher(ctx context.Context, ch chan<- []backend.LogLine) *batcher {
	return &batcher{ctx: ctx, ch: ch}
}

func (b *batcher) add(l backend.LogLine) {
	b.buf = append(b.buf, l)
	if len(b.buf) >= 2000 {
		b.flush()
	}
}

func (b *batcher) flush() {
	if len(b.buf) == 0 {
		return
	}
	select {
	case b.ch <- b.buf:
	case <-b.ctx.Done():
	}
	b.buf = nil
}

// lineAssembler turns a byte stream of one stream kind into lines, keeping
// at most MaxLineBytes of each.
type lineAssembler struct {
	stream  backend.Stream
	cur     []byte
	dropped int
	out     *batcher
}

func (a *lineAssembler) write(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		room := MaxLineBytes - len(a.cur)
		if room > 0 {
			n := min(room, len(chunk))
			a.cur = append(a.cur, chunk[:n]...)
			a.dropped += len(chunk) - n
		} else {
			a.dropped += len(chunk)
		}
		if i < 0 {
			return
		}
		a.emit()
		p = p[i+1:]
	}
}

func (a *lineAssembler) emit() {
	ts, text := splitTimestamp(a.cur)
	line := sanitize.Line(string(text))
	if a.dropped > 0 {
		line += fmt.Sprintf(" …[%d bytes truncated]", a.dropped)
	}
	a.out.add(backend.LogLine{Time: ts, Stream: a.stream, Text: line})
	a.cur = a.cur[:0]
	a.dropped = 0
}

func (a *lineAssembler) finish() {
	if len(a.cur) > 0 || a.dropped > 0 {
		a.emit()
	}
}

// splitTimestamp removes the RFC 3339 timestamp the engine puts in front of
// each line when asked for timestamps.
func splitTimestamp(b []byte) (time.Time, []byte) {
	sp := bytes.IndexByte(b, ' ')
	if sp < 20 || sp > 40 {
		return time.Time{}, b
	}
	t, err := time.Parse(time.RFC3339Nano, string(b[:sp]))
	if err != nil {
		return time.Time{}, b
	}
	return t, b[sp+1:]
}

func readRaw(r io.Reader, b *batcher) error {
	a := &lineAssembler{stream: backend.Stdout, out: b}
	br := bufio.NewReaderSize(r, 64<<10)
	buf := make([]byte, 32<<10)
	for {
		n, err := br.Read(buf)
		a.write(buf[:n])
		if br.Buffered() == 0 {
			b.flush() // the next read may block: show what we have
		}
		if err != nil {
			a.finish()
			return err
		}
	}
}

// readMultiplexed reads the engine's stdcopy framing (8-byte header: stream
// byte, three zero bytes, big-endian payload size) and keeps the order of
// stdout and stderr lines as the engine sent them, which stdcopy.StdCopy into
// two writers would lose.
func readMultiplexed(r io.Reader, b *batcher) error {
	br := bufio.NewReaderSize(r, 64<<10)
	out := &lineAssembler{stream: backend.Stdout, out: b}
	errw := &lineAssembler{stream: backend.Stderr, out: b}
	var hdr [8]byte
	buf := make([]byte, 32<<10)
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			out.finish()
			errw.finish()
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("log stream: truncated frame header")
			}
			return err
		}
		size := int(binary.BigEndian.Uint32(hdr[4:]))
		a := out
		switch hdr[0] {
		case 0, 1:
		case 2:
			a = errw
		case 3: // systemerr: the engine reports an error in-band
			msg := make([]byte, min(size, 4096))
			io.ReadFull(br, msg)
			io.CopyN(io.Discard, br, int64(size-len(msg)))
			return fmt.Errorf("engine: %s", sanitize.String(string(msg)))
		default:
			return fmt.Errorf("log stream: bad frame type %d", hdr[0])
		}
		for size > 0 {
			n := min(size, len(buf))
			if _, err := io.ReadFull(br, buf[:n]); err != nil {
				a.finish()
				return err
			}
			a.write(buf[:n])
			size -= n
		}
		if br.Buffered() == 0 {
			b.flush() // the next read may block: show what we have
		}
	}
}
