package sparkline

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestRender(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		values []float64
		width  int
		max    float64
		want   string
	}{
		{"empty pads to width", nil, 4, 10, "    "},
		{"zero width", []float64{1, 2}, 0, 10, ""},
		{"negative width", []float64{1, 2}, -3, 10, ""},
		{"full ramp with fixed max", []float64{1, 2, 3, 4, 5, 6, 7, 8}, 8, 8, "▁▂▃▄▅▆▇█"},
		{"newest on the right, left padded", []float64{8, 4}, 5, 8, "   █▄"},
		{"only newest width values", []float64{8, 8, 8, 1, 8}, 2, 8, "▁█"},
		{"auto max when max is zero", []float64{1, 2, 4}, 3, 0, "▂▄█"},
		{"auto max when max is NaN", []float64{1, 2, 4}, 3, nan, "▂▄█"},
		{"auto max only over shown values", []float64{100, 2, 4}, 2, 0, "▄█"},
		{"above max clamps to top", []float64{50}, 1, 10, "█"},
		{"tiny positive shows lowest level", []float64{0.001}, 1, 100, "▁"},
		{"zero sits on the floor", []float64{0, 10}, 2, 10, "▁█"},
		{"all zero auto max", []float64{0, 0, 0}, 3, 0, "▁▁▁"},
		{"missing samples are blank", []float64{-1, nan, 5, math.Inf(1)}, 4, 10, "  ▄ "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.values, tt.width, tt.max)
			if got != tt.want {
				t.Errorf("Render(%v, %d, %v) = %q, want %q", tt.values, tt.width, tt.max, got, tt.want)
			}
			if tt.width > 0 {
				if w := ansi.StringWidth(got); w != tt.width {
					t.Errorf("width = %d, want %d", w, tt.width)
				}
			}
		})
	}
}

func TestRenderCharsetASCII(t *testing.T) {
	tests := []struct {
		values []float64
		max    float64
		want   string
	}{
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8}, 8, " .:-=+*#"},
		{[]float64{8, -1, 4}, 8, "# -"},
		{[]float64{9}, 8, "#"},
	}
	for _, tt := range tests {
		got := RenderCharset(ASCII, tt.values, len(tt.values), tt.max)
		if got != tt.want {
			t.Errorf("RenderCharset(ASCII, %v) = %q, want %q", tt.values, got, tt.want)
		}
		for _, r := range got {
			if r > 0x7e {
				t.Errorf("non-ASCII rune %q in %q", r, got)
			}
		}
	}
	// An empty charset falls back to blocks instead of panicking.
	if got := RenderCharset("", []float64{8}, 1, 8); got != "█" {
		t.Errorf("empty charset: got %q", got)
	}
}

func TestCharsetFor(t *testing.T) {
	tests := []struct {
		term string
		want Charset
	}{
		{"linux", ASCII},
		{"dumb", ASCII},
		{"xterm-256color", Blocks},
		{"screen", Blocks},
		{"", Blocks},
	}
	for _, tt := range tests {
		if got := CharsetFor(tt.term); got != tt.want {
			t.Errorf("CharsetFor(%q) = %q, want %q", tt.term, got, tt.want)
		}
	}
}

func TestGraph(t *testing.T) {
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", v) }
	sp := strings.Repeat
	tests := []struct {
		name   string
		title  string
		values []float64
		width  int
		format func(float64) string
		header string
		graph  string
	}{
		{
			name: "title and figures", title: "CPU", values: []float64{10, 50, 100, 25}, width: 36, format: pct,
			header: "CPU" + sp(" ", 7) + "cur 25%  min 10%  max 100%",
			graph:  sp(" ", 32) + "▁▄█▂",
		},
		{
			name: "default format, missing current", title: "mem", values: []float64{1, 2, -1}, width: 30,
			header: "mem" + sp(" ", 4) + "cur -  min 1.0  max 2.0",
			graph:  sp(" ", 27) + "▄█ ",
		},
		{
			name: "no samples yet", title: "net rx", values: nil, width: 28,
			header: "net rx" + sp(" ", 3) + "cur -  min -  max -",
			graph:  sp(" ", 28),
		},
		{
			name: "title gives way first", title: "a very long title", values: []float64{1}, width: 30,
			header: "a ve cur 1.0  min 1.0  max 1.0",
			graph:  sp(" ", 29) + "█",
		},
		{
			name: "figures only over shown values", title: "x", values: []float64{1000, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}, width: 26, format: pct,
			header: "x" + sp(" ", 3) + "cur 2%  min 1%  max 2%",
			graph:  sp("▄█", 13),
		},
		{
			name: "narrower than figures", title: "x", values: []float64{4}, width: 6, format: pct,
			header: "cur 4%",
			graph:  sp(" ", 5) + "█",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Graph(tt.title, tt.values, tt.width, tt.format)
			lines := strings.Split(got, "\n")
			if len(lines) != 2 {
				t.Fatalf("Graph returned %d lines: %q", len(lines), got)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != tt.width {
					t.Errorf("line %d width = %d, want %d: %q", i, w, tt.width, l)
				}
			}
			if lines[0] != tt.header {
				t.Errorf("header = %q, want %q", lines[0], tt.header)
			}
			if lines[1] != tt.graph {
				t.Errorf("graph = %q, want %q", lines[1], tt.graph)
			}
		})
	}
	if got := Graph("x", []float64{1}, 0, nil); got != "" {
		t.Errorf("zero width: got %q", got)
	}
}
