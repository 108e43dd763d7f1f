package trace

import (
	"strings"
	"testing"
)

func TestNilLogIsSilent(t *testing.T) {
	var l *Log
	l.Printf("x %d", 1) // must not panic
	l.Once("y")
}

func TestOnceWritesOnce(t *testing.T) {
	var b strings.Builder
	l := New(&b)
	l.Once("first list")
	l.Once("first list")
	l.Printf("batch of %d", 3)
	out := b.String()
	if strings.Count(out, "first list") != 1 || !strings.Contains(out, "batch of 3") {
		t.Fatalf("timeline:\n%s", out)
	}
	if !strings.HasSuffix(strings.SplitN(out, "\n", 2)[0], "ms first list") {
		t.Errorf("line lacks its stamp: %q", out)
	}
}
