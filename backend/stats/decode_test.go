package stats

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
)

// Decode keeps what Compute reads: for every pair of recorded answers
// (cgroup v1 and v2, one-shot, stream=false, restarted, stopped), the
// figures from the slim decode are those from the full one.
func TestDecodeAgreesWithFullDecode(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	full := map[string]*container.StatsResponse{"": nil}
	slim := map[string]*container.StatsResponse{"": nil}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		full[name] = load(t, name)
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		slim[name], err = Decode(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for p := range full {
		for c := range full {
			if c == "" {
				continue
			}
			want, got := Compute(full[p], full[c]), Compute(slim[p], slim[c])
			if !reflect.DeepEqual(want, got) {
				t.Errorf("Compute(%q, %q):\n full %+v\n slim %+v", p, c, want, got)
			}
		}
	}
	if s := slim["oneshot2"]; s.ID == "" || s.Read.IsZero() || s.CPUStats.SystemUsage == 0 || len(s.Networks) == 0 {
		t.Errorf("slim decode lost identity or counters: %+v", s)
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "{", "not json", `{"read": 12}`} {
		if _, err := Decode(strings.NewReader(in)); err == nil {
			t.Errorf("Decode(%q) accepted it", in)
		}
	}
}

// The inactive file cache comes from total_inactive_file (cgroup v1, whole
// hierarchy) or inactive_file (cgroup v2): both survive the slim decode.
func TestDecodeKeepsInactiveFileCache(t *testing.T) {
	for _, tc := range []struct{ name, stats string }{
		{"cgroup v2", `{"inactive_file": 1000, "anon": 5}`},
		{"cgroup v1", `{"inactive_file": 10, "total_inactive_file": 3000, "cache": 9}`},
		{"neither", `{"cache": 7}`},
	} {
		in := `{"id":"x","read":"2026-11-28T04:30:19Z","memory_stats":{"usage":10000,"limit":20000,"stats":` + tc.stats + `}}`
		var full container.StatsResponse
		if err := json.Unmarshal([]byte(in), &full); err != nil {
			t.Fatal(err)
		}
		slim, err := Decode(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if w, g := MemUsageNoCache(full.MemoryStats), MemUsageNoCache(slim.MemoryStats); w != g {
			t.Errorf("%s: memory %d from the full decode, %d from the slim one", tc.name, w, g)
		}
	}
}

// BenchmarkDecode compares the slim decode with decoding the whole answer,
// per sample.
func BenchmarkDecode(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "oneshot2.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("slim", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(raw)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v container.StatsResponse
			if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
