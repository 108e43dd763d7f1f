package stats

// DefaultSeriesCap is the capacity of a zero Series: 180 points, three
// minutes of one sample a second, about the width of a wide terminal.
const DefaultSeriesCap = 180

// Series is a fixed-capacity ring of the latest values of one figure, for
// sparklines and graphs: pushing beyond the capacity drops the oldest value.
// The zero value is an empty series of DefaultSeriesCap points. A Series is
// not safe for concurrent use.
type Series struct {
	buf  []float64
	next int // index the next Push writes
	n    int // values held, <= len(buf)
	cap  int // capacity requested by NewSeries; 0 means DefaultSeriesCap
}

// NewSeries returns an empty series holding at most capacity values
// (DefaultSeriesCap when capacity <= 0). Its storage is allocated on the
// first Push.
func NewSeries(capacity int) *Series {
	if capacity <= 0 {
		capacity = DefaultSeriesCap
	}
	return &Series{cap: capacity}
}

// Cap returns the maximum number of values the series holds.
func (s *Series) Cap() int {
	if s.cap == 0 {
		return DefaultSeriesCap
	}
	return s.cap
}

// Len returns the number of values held.
func (s *Series) Len() int { return s.n }

// Push appends v, dropping the oldest value when the series is full.
func (s *Series) Push(v float64) {
	if s.buf == nil {
		s.buf = make([]float64, s.Cap())
	}
	s.buf[s.next] = v
	s.next++
	if s.next == len(s.buf) {
		s.next = 0
	}
	if s.n < len(s.buf) {
		s.n++
	}
}

// Last returns the newest value, and false when the series is empty.
func (s *Series) Last() (float64, bool) {
	if s.n == 0 {
		return 0, false
	}
	i := s.next - 1
	if i < 0 {
		i = len(s.buf) - 1
	}
	return s.buf[i], true
}

// Values returns the values held, oldest first, in a new slice.
func (s *Series) Values() []float64 {
	return s.AppendValues(make([]float64, 0, s.n))
}

// AppendValues appends the values held, oldest first, to dst and returns
// the extended slice: with a reused dst, rendering a graph allocates nothing.
func (s *Series) AppendValues(dst []float64) []float64 {
	if s.n == 0 {
		return dst
	}
	start := s.next - s.n
	if start < 0 {
		start += len(s.buf)
		dst = append(dst, s.buf[start:]...)
		return append(dst, s.buf[:s.next]...)
	}
	return append(dst, s.buf[start:s.next]...)
}

// Reset empties the series, keeping its storage.
func (s *Series) Reset() {
	s.next, s.n = 0, 0
}
