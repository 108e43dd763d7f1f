package engine

import (
	"context"
	"testing"
	"time"

	"github.com/dockterm/dockterm/internal/testengine"
)

// BenchmarkLogs100k opens the log of a container that printed 100,000 lines
// and reports how long the first screenful and the whole log take to arrive
// (the "all" preset; the default tail 500 is a fraction of this).
func BenchmarkLogs100k(b *testing.B) {
	cli := testengine.Client(b)
	id := testengine.Run(b, testengine.RunOpts{Name: "logs100k", Args: []string{"-log-burst", "100000"}})
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, _ := testengine.Logs(b, id)
		if len(st) > 0 && countLines(st) >= 50000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := New("bench", "bench", cli, Options{})
	var first, all time.Duration
	var n int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		s, err := e.Logs(ctx, id, LogOptions{Tail: -1})
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for batch := range s.C {
			if n == 0 {
				first += time.Since(start)
			}
			n += len(batch)
		}
		all += time.Since(start)
		s.Close()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms/first-batch")
	b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "ms/all-lines")
	b.ReportMetric(float64(n), "lines")
}

func countLines(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
