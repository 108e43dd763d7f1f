package logview

import (
	"strings"
	"testing"

	"github.com/dockterm/dockterm/backend"
)

// The benchmarks use a buffer of 100,000 lines (WithMaxLines(100_000)), twice
// the default, so that "a 100k-line log" is really all in memory.
const benchLines = 100_000

func benchModel(b *testing.B, w, h int) Model {
	b.Helper()
	m := New(WithMaxLines(benchLines))
	m.SetSize(w, h)
	m.SetTitle("api-7f9c")
	m.Append(realistic(benchLines)...)
	return m
}

// BenchmarkAppend100k appends 100,000 lines to an empty viewer, as one batch
// and one line per call (how a stream trickles in).
func BenchmarkAppend100k(b *testing.B) {
	lines := realistic(benchLines)
	b.Run("batch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := New(WithMaxLines(benchLines))
			m.Append(lines...)
		}
	})
	b.Run("one-by-one", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := New(WithMaxLines(benchLines))
			for _, l := range lines {
				m.Append(l)
			}
		}
	})
	b.Run("into-full-default-ring", func(b *testing.B) {
		// 100k lines through the default 50k ring: half of them evict.
		b.ReportAllocs()
		for b.Loop() {
			m := New()
			m.Append(lines...)
		}
	})
	b.Run("with-active-search", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := New(WithMaxLines(benchLines))
			_ = m.Search("timeout")
			m.Append(lines...)
		}
	})
}

// BenchmarkAppendLongLines appends 5,000 lines of MaxLineBytes (80 MiB of
// text) through the default 32 MiB byte budget, which keeps 2,048 of them:
// eviction by bytes must stay as cheap as eviction by count.
func BenchmarkAppendLongLines(b *testing.B) {
	lines := longLines(5000, MaxLineBytes)
	b.ReportAllocs()
	b.SetBytes(int64(len(lines) * MaxLineBytes))
	for b.Loop() {
		m := New()
		for _, l := range lines {
			m.Append(l)
		}
	}
}

// BenchmarkView100k renders one frame with 100,000 lines in the buffer.
func BenchmarkView100k(b *testing.B) {
	cases := []struct {
		name string
		w, h int
		keys []string
		q    string
	}{
		{"follow/80x24", 80, 24, nil, ""},
		{"follow/160x50", 160, 50, nil, ""},
		{"middle/80x24", 80, 24, []string{"g"}, ""},
		{"middle/160x50", 160, 50, []string{"g"}, ""},
		{"middle-nowrap-ts/160x50", 160, 50, []string{"g", "w", "t", "right"}, ""},
		{"middle-search/160x50", 160, 50, []string{"g"}, "request"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			m := benchModel(b, c.w, c.h)
			for _, k := range c.keys {
				m, _ = m.Update(keyMsg(k))
			}
			if c.name[:6] == "middle" {
				// Scroll to the middle of the buffer.
				for range benchLines / 2 / max(1, c.h-1) {
					m, _ = m.Update(keyMsg("pgdown"))
				}
			}
			if c.q != "" {
				_ = m.Search(c.q)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkViewHostile renders a screen of 200 KB lines (cut to 16 KiB when
// appended): wide runes, the worst case for the width work (every cell a
// grapheme-cluster walk), and ASCII with a single accent, which makes the
// whole line non-ASCII.
func BenchmarkViewHostile(b *testing.B) {
	for _, c := range []struct{ name, line string }{
		{"wide", strings.Repeat("日本語🙂e\u0301", 200<<10/16)},
		{"ascii-one-accent", "é" + strings.Repeat(`{"k":"v","n":12345},`, 200<<10/20)},
	} {
		m := New()
		m.SetSize(160, 50)
		for range 60 {
			m.Append(backend.LogLine{Text: c.line})
		}
		for _, wrap := range []bool{true, false} {
			name := c.name + "/wrap"
			if !wrap {
				name = c.name + "/nowrap-scrolled"
			}
			b.Run(name, func(b *testing.B) {
				m := m
				m.SetWrap(wrap)
				if !wrap {
					m.xoff = 5000
				}
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkSearch100k runs a search over 100,000 lines.
func BenchmarkSearch100k(b *testing.B) {
	for _, q := range []struct{ name, q string }{
		{"substring", "timeout"},
		{"substring-rare", "worker 15:"},
		{"regexp", `/timeout after \d+s/`},
		{"regexp-no-literal", `/\d+ms$/`},
		{"regexp-case-insensitive", `/(?i)timeout/`},
		{"unicode-fold", "ÉRROR"},
	} {
		b.Run(q.name, func(b *testing.B) {
			m := benchModel(b, 160, 50)
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Search(q.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
