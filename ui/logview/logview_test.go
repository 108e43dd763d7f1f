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
	m.GotoLine(42)
	if got := m.TopLine(); got != 42 {
		t.Fatalf("TopLine = %d after GotoLine(42)", got)
	}
	at := m.TopLine()
	m.Reset()
	m.Append(lines...)
	m.GotoLine(at)
	if v := m.View(); !strings.Contains(v, "line 042") || strings.Contains(v, "line 000") {
		t.Errorf("replaced text did not keep the place:\n%s", v)
	}
	// Past the end: the last screenful, not an empty one.
	m.GotoLine(1000)
	if v := m.View(); !strings.Contains(v, "line 099") {
		t.Errorf("GotoLine past the end lost the text:\n%s", v)
	}
}
