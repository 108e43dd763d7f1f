package logview

import "github.com/dockterm/dockterm/backend"

// entry is one stored line plus what Append learnt about it cheaply.
type entry struct {
	line backend.LogLine
	// ascii reports that Text is printable ASCII only, so one byte is one
	// cell and widths, wraps and horizontal cuts are arithmetic instead of
	// a grapheme walk.
	ascii bool
}

// ring holds the newest max lines. Every line gets a sequence number that
// never changes while it is stored (the first line after a reset is 0), so
// the scroll position and the search results can refer to lines by number
// and stay valid while older lines fall off the front.
//
// The backing slice grows by append until it holds max lines, so a short log
// never pays for the whole capacity; after that it is overwritten in place.
type ring struct {
	buf   []entry
	max   int
	start int    // index in buf of the oldest line
	first uint64 // sequence number of the oldest stored line
	next  uint64 // sequence number the next appended line will get
}

func newRing(capacity int) ring {
	return ring{max: max(1, capacity)}
}

func (r *ring) len() int { return int(r.next - r.first) }

// at returns the stored line with sequence number seq, which must lie in
// [first, next).
func (r *ring) at(seq uint64) *entry {
	i := r.start + int(seq-r.first)
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	return &r.buf[i]
}

// push stores e and reports whether the oldest line was dropped to make room.
func (r *ring) push(e entry) (dropped bool) {
	r.next++
	if len(r.buf) < r.max {
		// Still growing: start is 0 and the ring has not wrapped yet.
		if len(r.buf) == cap(r.buf) {
			// Double (append grows large slices by only 1.25x, which
			// copies a filling 50k ring about twenty times), but never
			// past the capacity.
			nb := make([]entry, len(r.buf), min(r.max, max(2*cap(r.buf), 256)))
			copy(nb, r.buf)
			r.buf = nb
		}
		r.buf = append(r.buf, e)
		return false
	}
	r.buf[r.start] = e
	r.start++
	if r.start == len(r.buf) {
		r.start = 0
	}
	r.first++
	return true
}

// dropAll drops every stored line and then n more that were never stored (a
// batch larger than the ring only keeps its tail), keeping the numbering. It
// returns how many lines were dropped.
func (r *ring) dropAll(n int) int {
	d := r.len() + n
	clear(r.buf)
	r.buf = r.buf[:0]
	r.start = 0
	r.next += uint64(n)
	r.first = r.next
	return d
}

// reset empties the ring and restarts the numbering. The backing array is
// kept for reuse but cleared, so the old strings can be collected.
func (r *ring) reset() {
	clear(r.buf)
	r.buf = r.buf[:0]
	r.start, r.first, r.next = 0, 0, 0
}

// resize changes the capacity, keeping the newest lines; it returns how many
// lines were dropped.
func (r *ring) resize(capacity int) int {
	capacity = max(1, capacity)
	n := r.len()
	keep := min(n, capacity)
	nb := make([]entry, 0, min(capacity, max(keep, 1024)))
	for seq := r.next - uint64(keep); seq < r.next; seq++ {
		nb = append(nb, *r.at(seq))
	}
	r.buf, r.max, r.start = nb, capacity, 0
	r.first = r.next - uint64(keep)
	return n - keep
}
