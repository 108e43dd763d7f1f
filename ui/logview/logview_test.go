package logview

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockterm/dockterm/backend"
)

func TestTopLineSurvivesAReplace(t *testing.T) {
	m := New()
	m.SetSize(40, 10)
	var lines []backend.LogLine
	for i := range 100 {
		lines = append(lines, backend.LogLine{Text: fmt.Sprintf("line %03d", i)})
	}
	m.Append(lines...)
	m.GotoTop()
	m.GotoLine(42, 0)
	if got, _ := m.TopLine(); got != 42 {
		t.Fatalf("TopLine = %d after GotoLine(42)", got)
	}
	at, row := m.TopLine()
	m.Reset()
	m.Append(lines...)
	m.GotoLine(at, row)
	if v := m.View(); !strings.Contains(v, "line 042") || strings.Contains(v, "line 000") {
		t.Errorf("replaced text did not keep the place:\n%s", v)
	}
	// Past the end: the last screenful, not an empty one.
	m.GotoLine(1000, 0)
	if v := m.View(); !strings.Contains(v, "line 099") {
		t.Errorf("GotoLine past the end lost the text:\n%s", v)
	}
}

func TestTopLineKeepsTheRowOfAWrappedLine(t *testing.T) {
	m := New()
	m.SetSize(20, 5)
	m.SetWrap(true)
	long := strings.Repeat("abcdefghij", 20) // many rows at width 20
	m.Append(backend.LogLine{Text: "first"}, backend.LogLine{Text: long + "END"}, backend.LogLine{Text: "last"})
	for range 20 {
		m.Append(backend.LogLine{Text: "tail"})
	}
	m.GotoLine(1, 3)
	line, row := m.TopLine()
	if line != 1 || row != 3 {
		t.Fatalf("TopLine = %d,%d after GotoLine(1,3)", line, row)
	}
}
