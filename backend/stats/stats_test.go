package stats

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend"
)

// The testdata samples were taken with curl from engine 20.10 (API 1.41,
// cgroup v1, 2 CPUs) against dockterm-fixture:test containers:
//
//	oneshot1, oneshot2  one-shot samples ~1 s apart of `-cpu 0.5 -mem 64`
//	                    with --memory 256m, after `dd` wrote 48 MiB to /tmp
//	                    (so total_inactive_file holds 48 MiB of page cache)
//	nostream            the same container, stream=false (precpu filled in)
//	net1, net2          one-shot samples of `-listen :8080 -cpu 0.25`, before
//	                    and after 200 HTTP requests from the host
//	stopped             that container stopped (a zeroed sample)
//	restarted           that container started again (counters reset)
func load(t testing.TB, name string) *container.StatsResponse {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var s container.StatsResponse
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return &s
}

func near(got, want float64) bool {
	if want == Unknown || got == Unknown {
		return got == want
	}
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

type want struct {
	cpu, memPct, rx, tx, rd, wr float64
	mem, limit                  int64
	pids                        uint64
}

func check(t *testing.T, g backend.Stats, w want) {
	t.Helper()
	if !near(g.CPUPercent, w.cpu) || !near(g.MemPercent, w.memPct) || g.MemUsage != w.mem ||
		g.MemLimit != w.limit || g.PIDs != w.pids || !near(g.NetRxRate, w.rx) || !near(g.NetTxRate, w.tx) ||
		!near(g.BlkReadRate, w.rd) || !near(g.BlkWritRate, w.wr) {
		t.Errorf("got  cpu %v mem %d/%d (%v%%) pids %d net %v/%v blk %v/%v\n"+
			"want cpu %v mem %d/%d (%v%%) pids %d net %v/%v blk %v/%v",
			g.CPUPercent, g.MemUsage, g.MemLimit, g.MemPercent, g.PIDs, g.NetRxRate, g.NetTxRate, g.BlkReadRate, g.BlkWritRate,
			w.cpu, w.mem, w.limit, w.memPct, w.pids, w.rx, w.tx, w.rd, w.wr)
	}
}

func TestComputeRealSamples(t *testing.T) {
	const mib256 = 268435456
	hostMem := int64(25276510208) // unlimited container: the engine reports host memory
	fixtureMem := int64(121520128 - 50331648)
	netDt := 3.807393795 // 00:05:17.733283684 - 00:05:13.925889889

	tests := []struct {
		name       string
		prev, cur  string
		want       want
		wantAtFrom string
	}{
		{
			name: "first sample", prev: "", cur: "oneshot1",
			want: want{cpu: Unknown, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown,
				mem: fixtureMem, limit: mib256, memPct: float64(fixtureMem) / mib256 * 100, pids: 7},
		},
		{
			// (1494194137-1223156685) / (2207490000000-2205360000000) * 2 CPUs * 100
			name: "one-shot pair", prev: "oneshot1", cur: "oneshot2",
			want: want{cpu: 271037452.0 / 2130000000.0 * 2 * 100,
				mem: fixtureMem, limit: mib256, memPct: float64(fixtureMem) / mib256 * 100, pids: 7},
		},
		{
			// stream=false carries precpu:
			// (1885075605-1699063562) / (2211490000000-2209480000000) * 2 * 100
			name: "stream=false alone", prev: "", cur: "nostream",
			want: want{cpu: 186012043.0 / 2010000000.0 * 2 * 100, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown,
				mem: 121536512 - 50331648, limit: mib256, memPct: float64(121536512-50331648) / mib256 * 100, pids: 7},
		},
		{
			// A previous sample wins over precpu: oneshot2 -> nostream.
			// (1885075605-1494194137) / (2211490000000-2207490000000) * 2 * 100
			name: "stream=false after one-shot", prev: "oneshot2", cur: "nostream",
			want: want{cpu: 390881468.0 / 4000000000.0 * 2 * 100, rx: 70 / 2.012332159,
				mem: 121536512 - 50331648, limit: mib256, memPct: float64(121536512-50331648) / mib256 * 100, pids: 7},
		},
		{
			// (1024044550-254514851) / (2242770000000-2235270000000) * 2 * 100
			name: "network traffic", prev: "net1", cur: "net2",
			want: want{cpu: 769529699.0 / 7500000000.0 * 2 * 100, rx: 96732 / netDt, tx: 80442 / netDt,
				mem: 2592768, limit: hostMem, memPct: 2592768 / float64(hostMem) * 100, pids: 7},
		},
		{
			name: "restarted between samples", prev: "net2", cur: "restarted",
			want: want{cpu: Unknown, rx: Unknown, tx: Unknown,
				mem: 1859584, limit: hostMem, memPct: 1859584 / float64(hostMem) * 100, pids: 7},
		},
		{
			name: "stopped", prev: "net2", cur: "stopped",
			want: want{cpu: Unknown, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown},
		},
		{
			name: "samples in the wrong order", prev: "oneshot2", cur: "oneshot1",
			want: want{cpu: Unknown, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown,
				mem: fixtureMem, limit: mib256, memPct: float64(fixtureMem) / mib256 * 100, pids: 7},
		},
		{
			name: "samples of different containers", prev: "net1", cur: "oneshot2",
			want: want{cpu: Unknown, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown,
				mem: fixtureMem, limit: mib256, memPct: float64(fixtureMem) / mib256 * 100, pids: 7},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prev *container.StatsResponse
			if tc.prev != "" {
				prev = load(t, tc.prev)
			}
			cur := load(t, tc.cur)
			got := Compute(prev, cur)
			check(t, got, tc.want)
			if got.ID != cur.ID || !got.At.Equal(cur.Read) {
				t.Errorf("ID/At = %s/%v, want %s/%v", got.ID, got.At, cur.ID, cur.Read)
			}
		})
	}
}

// sample builds a Linux sample for the synthetic cases.
func sample(read time.Time, total, system uint64) *container.StatsResponse {
	return &container.StatsResponse{
		ID:   "c1",
		Read: read,
		CPUStats: container.CPUStats{
			CPUUsage:    container.CPUUsage{TotalUsage: total},
			SystemUsage: system,
			OnlineCPUs:  4,
		},
	}
}

func TestComputeSynthetic(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(2 * time.Second)

	t.Run("cgroup v2", func(t *testing.T) {
		// Shaped like a cgroup v2 engine: no percpu_usage, memory.stat keys
		// without total_ prefix, lowercase blkio ops, several devices.
		prev := sample(t0, 1e9, 100e9)
		cur := sample(t1, 3e9, 108e9) // 2 s of 4 CPUs = 8e9 ns system time
		cur.MemoryStats = container.MemoryStats{
			Usage: 500 << 20, Limit: 1 << 30,
			Stats: map[string]uint64{"anon": 300 << 20, "file": 200 << 20, "inactive_file": 150 << 20, "active_file": 50 << 20},
		}
		prev.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
			{Major: 8, Minor: 0, Op: "read", Value: 1000}, {Major: 8, Minor: 0, Op: "write", Value: 2000},
			{Major: 8, Minor: 16, Op: "read", Value: 0}, {Major: 8, Minor: 16, Op: "write", Value: 0},
		}
		cur.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
			{Major: 8, Minor: 0, Op: "read", Value: 5000}, {Major: 8, Minor: 0, Op: "write", Value: 2000},
			{Major: 8, Minor: 0, Op: "discard", Value: 999999},
			{Major: 8, Minor: 16, Op: "read", Value: 4000}, {Major: 8, Minor: 16, Op: "write", Value: 10000},
		}
		prev.Networks = map[string]container.NetworkStats{"eth0": {RxBytes: 100, TxBytes: 100}}
		cur.Networks = map[string]container.NetworkStats{"eth0": {RxBytes: 2100, TxBytes: 300}}
		check(t, Compute(prev, cur), want{
			cpu: 2e9 / 8e9 * 4 * 100, // one full CPU busy
			mem: 350 << 20, limit: 1 << 30, memPct: 350.0 / 1024 * 100,
			rx: 1000, tx: 100, rd: 4000, wr: 5000,
		})
	})

	t.Run("cgroup v1 blkio ops", func(t *testing.T) {
		prev := sample(t0, 0, 100e9)
		cur := sample(t1, 0, 108e9)
		// Sync/Async/Total repeat Read+Write and must not count twice.
		cur.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
			{Op: "Read", Value: 4096}, {Op: "Write", Value: 8192}, {Op: "Sync", Value: 8192},
			{Op: "Async", Value: 4096}, {Op: "Discard", Value: 0}, {Op: "Total", Value: 12288},
		}
		check(t, Compute(prev, cur), want{cpu: 0, rx: 0, tx: 0, rd: 2048, wr: 4096})
	})

	t.Run("online cpus from percpu", func(t *testing.T) {
		prev := sample(t0, 1e9, 100e9)
		cur := sample(t1, 2e9, 108e9)
		cur.CPUStats.OnlineCPUs = 0
		cur.CPUStats.CPUUsage.PercpuUsage = []uint64{1, 1, 1, 1, 1, 1, 1, 1}
		// 1e9/8e9 of the machine, 8 CPUs counted: 100%.
		check(t, Compute(prev, cur), want{cpu: 100, rx: 0, tx: 0, rd: 0, wr: 0})
	})

	t.Run("no cpu count at all", func(t *testing.T) {
		prev := sample(t0, 1e9, 100e9)
		cur := sample(t1, 2e9, 108e9)
		cur.CPUStats.OnlineCPUs = 0
		check(t, Compute(prev, cur), want{cpu: Unknown, rx: 0, tx: 0, rd: 0, wr: 0})
	})

	t.Run("idle container", func(t *testing.T) {
		check(t, Compute(sample(t0, 5e9, 100e9), sample(t1, 5e9, 108e9)),
			want{cpu: 0, rx: 0, tx: 0, rd: 0, wr: 0})
	})

	t.Run("system counter did not move", func(t *testing.T) {
		check(t, Compute(sample(t0, 5e9, 100e9), sample(t1, 6e9, 100e9)),
			want{cpu: Unknown, rx: 0, tx: 0, rd: 0, wr: 0})
	})

	t.Run("same read time", func(t *testing.T) {
		check(t, Compute(sample(t0, 5e9, 100e9), sample(t0, 6e9, 108e9)),
			want{cpu: Unknown, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown})
	})

	t.Run("network attached and detached between samples", func(t *testing.T) {
		prev := sample(t0, 1e9, 100e9)
		cur := sample(t1, 1e9, 108e9)
		prev.Networks = map[string]container.NetworkStats{"eth0": {RxBytes: 1000}, "eth1": {RxBytes: 1 << 30}}
		cur.Networks = map[string]container.NetworkStats{"eth0": {RxBytes: 3000}, "eth2": {RxBytes: 1 << 20}}
		check(t, Compute(prev, cur), want{cpu: 0, rx: 1000, tx: 0, rd: 0, wr: 0})
		cur.Networks = map[string]container.NetworkStats{"eth2": {RxBytes: 1 << 20}}
		check(t, Compute(prev, cur), want{cpu: 0, rx: Unknown, tx: Unknown, rd: 0, wr: 0})
	})

	t.Run("block counters reset", func(t *testing.T) {
		prev := sample(t0, 1e9, 100e9)
		cur := sample(t1, 2e9, 108e9)
		prev.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{{Op: "Read", Value: 5000}, {Op: "Write", Value: 10}}
		cur.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{{Op: "Read", Value: 100}, {Op: "Write", Value: 30}}
		check(t, Compute(prev, cur), want{cpu: 1e9 / 8e9 * 4 * 100, rx: 0, tx: 0, rd: Unknown, wr: 10})
	})

	t.Run("windows", func(t *testing.T) {
		// Windows: CPU in 100 ns units, NumProcs, private working set,
		// storage_stats, no system_cpu_usage, no pids_stats.
		prev := &container.StatsResponse{ID: "w", Read: t0, NumProcs: 2,
			CPUStats:     container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 10_000_000}},
			StorageStats: container.StorageStats{ReadSizeBytes: 100, WriteSizeBytes: 100}}
		cur := &container.StatsResponse{ID: "w", Read: t1, PreRead: t0.Add(time.Second), NumProcs: 2,
			CPUStats:     container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 30_000_000}},
			PreCPUStats:  container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 25_000_000}},
			MemoryStats:  container.MemoryStats{PrivateWorkingSet: 64 << 20, Commit: 100 << 20},
			StorageStats: container.StorageStats{ReadSizeBytes: 300, WriteSizeBytes: 100}}
		// 20e6 units of 100 ns = 2 s of CPU over 2 s on 2 processors: 50%.
		check(t, Compute(prev, cur), want{cpu: 50, mem: 64 << 20, pids: 2, rx: 0, tx: 0, rd: 100, wr: 0})
		// Without prev, PreRead/PreCPUStats: 5e6 units = 0.5 s over 1 s on 2: 25%.
		check(t, Compute(nil, cur), want{cpu: 25, mem: 64 << 20, pids: 2, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown})
	})

	t.Run("nil", func(t *testing.T) {
		check(t, Compute(sample(t0, 1, 1), nil),
			want{cpu: Unknown, rx: Unknown, tx: Unknown, rd: Unknown, wr: Unknown})
	})
}

func TestMemUsageNoCache(t *testing.T) {
	tests := []struct {
		name string
		mem  container.MemoryStats
		want uint64
	}{
		{"cgroup v1", container.MemoryStats{Usage: 1000, Stats: map[string]uint64{"total_inactive_file": 300, "inactive_file": 100}}, 700},
		{"cgroup v2", container.MemoryStats{Usage: 1000, Stats: map[string]uint64{"inactive_file": 100}}, 900},
		// As the CLI: a total_inactive_file not below usage falls through to
		// inactive_file (cgroup v1 has both keys).
		{"v1 total too large", container.MemoryStats{Usage: 1000, Stats: map[string]uint64{"total_inactive_file": 1000, "inactive_file": 100}}, 900},
		{"v2 inactive too large", container.MemoryStats{Usage: 1000, Stats: map[string]uint64{"inactive_file": 2000}}, 1000},
		{"no stats", container.MemoryStats{Usage: 1000}, 1000},
		{"empty", container.MemoryStats{}, 0},
	}
	for _, tc := range tests {
		if got := MemUsageNoCache(tc.mem); got != tc.want {
			t.Errorf("%s: MemUsageNoCache = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestComputeDoesNotModifyInputs(t *testing.T) {
	prev, cur := load(t, "net1"), load(t, "net2")
	before, _ := json.Marshal([]*container.StatsResponse{prev, cur})
	_ = Compute(prev, cur)
	after, _ := json.Marshal([]*container.StatsResponse{prev, cur})
	if string(before) != string(after) {
		t.Error("Compute modified its arguments")
	}
}

func BenchmarkCompute(b *testing.B) {
	prev, cur := load(b, "net1"), load(b, "net2")
	b.ReportAllocs()
	for b.Loop() {
		_ = Compute(prev, cur)
	}
}

func TestCPUSince(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	sample := func(read time.Time, usage, system uint64, online uint32) *container.StatsResponse {
		return &container.StatsResponse{Read: read, CPUStats: container.CPUStats{
			CPUUsage: container.CPUUsage{TotalUsage: usage}, SystemUsage: system, OnlineCPUs: online,
		}}
	}
	base := Baseline{At: t0, Usage: 1e9, System: 100e9}
	for _, tc := range []struct {
		name string
		b    Baseline
		cur  *container.StatsResponse
		want float64
	}{
		// Half a core for a second on 2 CPUs: 0.5 s of 2 s of host time,
		// times 2 CPUs, is 50%.
		{"a second later", base, sample(t0.Add(time.Second), 1.5e9, 102e9, 2), 50},
		{"just long enough", base, sample(t0.Add(MinBaselineWindow), 1.25e9, 101e9, 2), 50},
		{"too soon: /proc/stat's ticks would dominate", base, sample(t0.Add(MinBaselineWindow-time.Millisecond), 1.25e9, 101e9, 2), Unknown},
		{"no baseline", Baseline{}, sample(t0.Add(time.Second), 1.5e9, 102e9, 2), Unknown},
		{"no sample", base, nil, Unknown},
		{"restarted in between: usage went back", base, sample(t0.Add(time.Second), 0.2e9, 102e9, 2), Unknown},
		{"more CPU time than the host had: other counters", base, sample(t0.Add(time.Second), 4e9, 102e9, 2), Unknown},
		{"host time did not move", base, sample(t0.Add(time.Second), 1.5e9, 100e9, 2), Unknown},
		{"a hypervisor stole over a third of the time", base, sample(t0.Add(time.Second), 1.5e9, 101.25e9, 2), 80},
		{"at the age limit", base, sample(t0.Add(MaxBaselineAge), 2.5e9, 106e9, 2), 50},
		{"too old: outlived a failed call", base, sample(t0.Add(MaxBaselineAge+time.Millisecond), 2.5e9, 106e9, 2), Unknown},
		{"host time ran twice the clock: another machine's counters", base, sample(t0.Add(time.Second), 1.5e9, 104e9, 2), Unknown},
		{"host time crawled: a container's view of /proc/stat (lxcfs)", base, sample(t0.Add(time.Second), 1.2e9, 100.6e9, 2), Unknown},
		{"online CPUs from the per-CPU list", base, func() *container.StatsResponse {
			s := sample(t0.Add(time.Second), 1.5e9, 102e9, 0)
			s.CPUStats.CPUUsage.PercpuUsage = []uint64{1, 2}
			return s
		}(), 50},
		{"stream=false carries its own earlier reading", base, func() *container.StatsResponse {
			s := sample(t0.Add(time.Second), 1.5e9, 102e9, 2)
			s.PreCPUStats = container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 1.4e9}, SystemUsage: 101e9}
			return s
		}(), Unknown},
		{"windows", base, func() *container.StatsResponse {
			s := sample(t0.Add(time.Second), 1.5e9, 0, 0)
			s.NumProcs = 3
			return s
		}(), Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CPUSince(tc.b, tc.cur); !near(got, tc.want) {
				t.Errorf("CPUSince = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCPUBetween: two readings of the host's counters make a CPU figure on
// their own, by the engine's formula; TestCPUSince covers the checks they
// share with an engine sample.
func TestCPUBetween(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	a := Baseline{At: t0, Usage: 1e9, System: 100e9, Online: 2}
	for _, tc := range []struct {
		name string
		a, b Baseline
		want float64
	}{
		{"a quarter core over half a second on 2 CPUs", a, Baseline{At: t0.Add(MinBaselineWindow), Usage: 1.125e9, System: 101e9, Online: 2}, 25},
		{"idle", a, Baseline{At: t0.Add(time.Second), Usage: 1e9, System: 102e9, Online: 2}, 0},
		{"four CPUs", Baseline{At: t0, Usage: 1e9, System: 100e9, Online: 4}, Baseline{At: t0.Add(time.Second), Usage: 3e9, System: 104e9, Online: 4}, 200},
		{"online CPUs unknown", a, Baseline{At: t0.Add(time.Second), Usage: 1.5e9, System: 102e9}, Unknown},
		{"first reading missing", Baseline{}, Baseline{At: t0.Add(time.Second), Usage: 1.5e9, System: 102e9, Online: 2}, Unknown},
		{"too close", a, Baseline{At: t0.Add(100 * time.Millisecond), Usage: 1.05e9, System: 100.2e9, Online: 2}, Unknown},
		{"in the wrong order", Baseline{At: t0.Add(time.Second), Usage: 1.5e9, System: 102e9, Online: 2}, a, Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CPUBetween(tc.a, tc.b); !near(got, tc.want) {
				t.Errorf("CPUBetween = %v, want %v", got, tc.want)
			}
		})
	}
}
