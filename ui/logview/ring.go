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

// ring holds the newest lines within two budgets: at most max lines, and at
// most maxBytes bytes of text (a line may hold up to MaxLineBytes, so the
// line count alone would let 50,000 long lines pin most of a gigabyte). The
// newest line is always kept, even alone over the byte budget, so the
// operator never sees an empty view of a non-empty log.
//
// Every line gets a sequence number that never changes while it is stored
// (the first line after a reset is 0), so the scroll position and the search
// results can refer to lines by number and stay valid while older lines fall
// off the front.
//
// buf is a circular buffer of len(buf) slots, of which the len() lines from
// start on are used. It grows (doubling) only when every slot is used and it
// holds fewer than max, so a short log, or a log of long lines that the byte
// budget keeps short, never pays for the whole line capacity.
type ring struct {
	buf      []entry
	max      int
	maxBytes int
	bytes    int    // total len(Text) of the stored lines
	start    int    // index in buf of the oldest line
	first    uint64 // sequence number of the oldest stored line
	next     uint64 // sequence number the next appended line will get
}

func newRing(capacity, maxBytes int) ring {
	return ring{max: max(1, capacity), maxBytes: max(1, maxBytes)}
}

func (r *ring) len() int { return int(r.next - r.first) }

// slot maps sequence number seq, which must lie in [first, next] (next
// being the slot the next line goes to), to its index in buf.
func (r *ring) slot(seq uint64) int {
	i := r.start + int(seq-r.first)
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	return i
}

// at returns the stored line with sequence number seq, which must lie in
// [first, next).
func (r *ring) at(seq uint64) *entry { return &r.buf[r.slot(seq)] }

// push stores e and returns how many of the oldest lines it dropped to stay
// within both budgets. Each line is dropped at most once, so a push costs
// amortized O(1).
func (r *ring) push(e entry) (dropped int) {
	n := r.len()
	switch {
	case n < len(r.buf):
		r.buf[r.slot(r.next)] = e
	case n < r.max:
		r.grow()
		r.buf[n] = e
	default:
		// Full at the line capacity: the new line takes the oldest one's
		// slot, which is also the slot after the newest.
		r.dropOldest()
		r.buf[r.slot(r.next)] = e
		dropped = 1
	}
	r.next++
	r.bytes += len(e.line.Text)
	for r.bytes > r.maxBytes && r.len() > 1 {
		r.dropOldest()
		dropped++
	}
	return dropped
}

// grow doubles the slots (append grows large slices by only 1.25x, which
// would copy a filling 50k ring about twenty times), never past max, and
// unwraps the stored lines to the front.
func (r *ring) grow() {
	n := r.len()
	nb := make([]entry, min(r.max, max(2*len(r.buf), 256)))
	if n > 0 {
		k := copy(nb, r.buf[r.start:])
		copy(nb[k:], r.buf[:r.start])
	}
	r.buf, r.start = nb, 0
}

// dropOldest drops the oldest stored line, clearing its slot so its text can
// be collected.
func (r *ring) dropOldest() {
	e := &r.buf[r.start]
	r.bytes -= len(e.line.Text)
	*e = entry{}
	r.start++
	if r.start == len(r.buf) {
		r.start = 0
	}
	r.first++
}

// dropAll drops every stored line and then n more that were never stored (a
// batch larger than the ring only keeps its tail), keeping the numbering. It
// returns how many lines were dropped.
func (r *ring) dropAll(n int) int {
	d := r.len() + n
	clear(r.buf)
	r.start, r.bytes = 0, 0
	r.next += uint64(n)
	r.first = r.next
	return d
}

// reset empties the ring and restarts the numbering. The backing array is
// kept for reuse but cleared, so the old strings can be collected.
func (r *ring) reset() {
	clear(r.buf)
	r.start, r.bytes, r.first, r.next = 0, 0, 0, 0
}

// resize changes the line and byte budgets, keeping the newest lines that
// fit both (and always the newest line); it returns how many lines were
// dropped.
func (r *ring) resize(capacity, maxBytes int) int {
	capacity, maxBytes = max(1, capacity), max(1, maxBytes)
	n := r.len()
	keep, bytes := 0, 0
	for keep < min(n, capacity) {
		l := len(r.at(r.next - uint64(keep) - 1).line.Text)
		if keep > 0 && bytes+l > maxBytes {
			break
		}
		keep++
		bytes += l
	}
	nb := make([]entry, min(capacity, max(keep, 1024)))
	for i, seq := 0, r.next-uint64(keep); seq < r.next; i, seq = i+1, seq+1 {
		nb[i] = *r.at(seq)
	}
	r.buf, r.max, r.maxBytes, r.start, r.bytes = nb, capacity, maxBytes, 0, bytes
	r.first = r.next - uint64(keep)
	return n - keep
}
