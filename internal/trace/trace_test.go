package trace

import (
	"os"
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

func TestWritesStampsTheFirstOnly(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "term")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	w := Writes(f, New(&b), 2)
	for _, s := range []string{"abc", "de", "fgh"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if w.Fd() != f.Fd() {
		t.Error("the wrapper hides the terminal's descriptor")
	}
	out := b.String()
	if !strings.Contains(out, "wrote 3 bytes") || !strings.Contains(out, "wrote 2 bytes") || strings.Count(out, "wrote") != 2 {
		t.Errorf("timeline:\n%s", out)
	}
	if got, _ := os.ReadFile(f.Name()); string(got) != "abcdefgh" {
		t.Errorf("file holds %q", got)
	}
}
