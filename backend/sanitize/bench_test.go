package sanitize

import (
	"strings"
	"testing"
)

// mixedLog builds about 1 MB of log text the way containers really write it:
// mostly plain lines, some colored, some tabbed, progress redraws, Unicode,
// and a little hostile junk.
func mixedLog() []string {
	kinds := []string{
		"2024-05-01T12:00:00.123Z INFO  http: GET /api/v1/items?page=2 200 1.2ms remote=10.0.0.7:51234",
		"\x1b[32mINFO\x1b[0m[0042] \x1b[1mstarted worker\x1b[0m pool=\x1b[36mdefault\x1b[0m size=8",
		"name\tstatus\tuptime\tcpu",
		"Downloading  12.3MB/100MB\r\x1b[2KDownloading  45.6MB/100MB\r\x1b[2KDownloading 100.0MB/100MB",
		"utilisateur connecté: José — 日本語のログ 👍",
		"\x1b]0;pwned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07evil \u202Etxt.exe\u202C \xff\xfe done",
	}
	var lines []string
	size := 0
	for i := 0; size < 1<<20; i++ {
		// Plain lines dominate, as in real logs.
		k := kinds[0]
		if i%4 != 0 {
			k = kinds[i%len(kinds)]
		}
		lines = append(lines, k)
		size += len(k) + 1
	}
	return lines
}

func BenchmarkString1MBMixed(b *testing.B) {
	s := strings.Join(mixedLog(), "\n")
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = String(s)
	}
}

func BenchmarkLine1MBMixed(b *testing.B) {
	lines := mixedLog()
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			_ = Line(l)
		}
	}
}

func BenchmarkString1MBPlainASCII(b *testing.B) {
	s := strings.Repeat("2024-05-01T12:00:00Z INFO listening on :8080 ", (1<<20)/45)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = String(s)
	}
}

func BenchmarkLinePlainShort(b *testing.B) {
	s := "2024-05-01T12:00:00.123Z INFO  http: GET /api/v1/items?page=2 200 1.2ms"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Line(s)
	}
}

func BenchmarkLineMax200KB(b *testing.B) {
	s := strings.Repeat("\x1b[33mwarn\x1b[0m progress 42% ", (200<<10)/30)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = LineMax(s, 0)
	}
}
