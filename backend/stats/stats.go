// Package stats turns Docker stats samples into the figures `docker stats`
// shows: CPU% scaled by online CPUs, memory without the inactive file cache,
// network and block I/O, here as rates per second.
//
// The engine polls `one-shot` stats (API >= 1.41) for the containers on
// screen. A one-shot sample comes back at once but with an empty precpu
// section, so the CPU delta is taken client-side between two consecutive
// samples of the same container: Compute(prev, cur). A `stream=false`
// sample (older engines) carries its own precpu taken about a second
// earlier; Compute uses it when there is no previous sample.
//
// The formulas are those of the docker CLI, cli/command/container/
// stats_helpers.go (calculateCPUPercentUnix, calculateCPUPercentWindows,
// calculateMemUsageUnixNoCache, calculateMemPercentUnixNoCache,
// calculateBlockIO, calculateNetwork), so the numbers agree with what an
// operator sees in `docker stats`. Where the CLI prints 0 for "cannot
// tell" (a counter went backwards, no time passed), Compute says -1, and the
// UI shows a dash instead of a reassuring but false 0%.
package stats

import (
	"math"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend"
)

// Unknown is the value of a figure that cannot be computed from the samples
// at hand: the first sample of a container, a counter that went backwards
// (the container restarted between samples), samples not in time order.
const Unknown = -1

// Compute returns the figures of sample cur, with CPU% and rates measured
// against prev, the previous sample of the same container. prev may be nil;
// so may cur, which yields an empty Stats with every delta Unknown.
//
//   - CPUPercent: as `docker stats`: 100% is one CPU fully busy, so a
//     container can show up to online_cpus*100%. Unknown without a usable
//     previous sample (prev, or cur's own precpu section).
//   - MemUsage: usage minus the inactive file cache (total_inactive_file on
//     cgroup v1, inactive_file on cgroup v2), the page cache a container can
//     drop without pain; MemPercent is relative to MemLimit, 0 when the limit
//     is unknown.
//   - NetRxRate/NetTxRate: bytes per second summed over the interfaces
//     present in both samples; BlkReadRate/BlkWritRate: bytes per second
//     read and written, summed over devices. Unknown without prev.
//
// Compute does not modify its arguments.
func Compute(prev, cur *container.StatsResponse) backend.Stats {
	st := backend.Stats{
		CPUPercent:  Unknown,
		NetRxRate:   Unknown,
		NetTxRate:   Unknown,
		BlkReadRate: Unknown,
		BlkWritRate: Unknown,
	}
	if cur == nil {
		return st
	}
	st.ID = cur.ID
	st.At = cur.Read
	windows := isWindows(cur)

	if windows {
		// Windows reports the private working set and no limit.
		st.MemUsage = clampInt64(cur.MemoryStats.PrivateWorkingSet)
		st.PIDs = uint64(cur.NumProcs)
	} else {
		used := MemUsageNoCache(cur.MemoryStats)
		st.MemUsage = clampInt64(used)
		st.MemLimit = clampInt64(cur.MemoryStats.Limit)
		if cur.MemoryStats.Limit != 0 {
			st.MemPercent = float64(used) / float64(cur.MemoryStats.Limit) * 100
		}
		st.PIDs = cur.PidsStats.Current
	}

	if !usable(prev, cur) {
		prev = nil
	}
	switch {
	case windows && prev != nil:
		st.CPUPercent = cpuPercentWindows(prev.CPUStats, prev.Read, cur)
	case windows && !cur.PreRead.IsZero():
		st.CPUPercent = cpuPercentWindows(cur.PreCPUStats, cur.PreRead, cur)
	case prev != nil:
		st.CPUPercent = cpuPercentUnix(prev.CPUStats, cur.CPUStats)
	case cur.PreCPUStats.SystemUsage != 0:
		// stream=false: the engine took the previous reading itself.
		st.CPUPercent = cpuPercentUnix(cur.PreCPUStats, cur.CPUStats)
	}
	if prev == nil {
		return st
	}

	secs := cur.Read.Sub(prev.Read).Seconds()
	st.NetRxRate, st.NetTxRate = netRates(prev.Networks, cur.Networks, secs)
	pr, pw := blockIO(prev, windows)
	cr, cw := blockIO(cur, windows)
	st.BlkReadRate = rate(pr, cr, secs)
	st.BlkWritRate = rate(pw, cw, secs)
	return st
}

// usable reports whether prev can serve as the earlier sample of cur: same
// container, both actually read (a stopped container's sample has a zero
// read time), prev strictly earlier.
func usable(prev, cur *container.StatsResponse) bool {
	if prev == nil || prev.Read.IsZero() || cur.Read.IsZero() {
		return false
	}
	if prev.ID != "" && cur.ID != "" && prev.ID != cur.ID {
		return false
	}
	return cur.Read.After(prev.Read)
}

// isWindows tells a Windows sample by its process count, which Linux engines
// never fill in (they report pids_stats instead).
func isWindows(s *container.StatsResponse) bool {
	return s.NumProcs > 0 && s.CPUStats.SystemUsage == 0
}

// cpuPercentUnix is the CLI's calculateCPUPercentUnix:
//
//	(cpuDelta / systemDelta) * onlineCPUs * 100
//
// with onlineCPUs = online_cpus, or len(percpu_usage) when the engine does
// not report it (API < 1.27). system_cpu_usage is the host's total CPU time
// over all CPUs, so cpuDelta/systemDelta is the container's share of the
// whole machine; times onlineCPUs makes 100% one full CPU. Differences from
// the CLI: a counter that went backwards (restart) or a system delta that is
// not positive gives Unknown rather than 0, and so does an engine that
// reports neither online_cpus nor per-CPU usage (the CLI would print 0%).
func cpuPercentUnix(prev, cur container.CPUStats) float64 {
	if cur.CPUUsage.TotalUsage < prev.CPUUsage.TotalUsage || cur.SystemUsage <= prev.SystemUsage {
		return Unknown
	}
	online := float64(onlineCPUs(cur))
	if online == 0 {
		return Unknown
	}
	cpuDelta := float64(cur.CPUUsage.TotalUsage - prev.CPUUsage.TotalUsage)
	systemDelta := float64(cur.SystemUsage - prev.SystemUsage)
	return cpuDelta / systemDelta * online * 100
}

// cpuPercentWindows is the CLI's calculateCPUPercentWindows: CPU time used
// (in 100 ns units on Windows) over the 100 ns intervals that elapsed on all
// processors.
func cpuPercentWindows(prev container.CPUStats, prevRead time.Time, cur *container.StatsResponse) float64 {
	if cur.CPUStats.CPUUsage.TotalUsage < prev.CPUUsage.TotalUsage {
		return Unknown
	}
	intervals := float64(cur.Read.Sub(prevRead).Nanoseconds()) / 100 * float64(cur.NumProcs)
	if intervals <= 0 {
		return Unknown
	}
	used := float64(cur.CPUStats.CPUUsage.TotalUsage - prev.CPUUsage.TotalUsage)
	return used / intervals * 100
}

// MemUsageNoCache is the CLI's calculateMemUsageUnixNoCache: usage minus the
// inactive file cache, read from total_inactive_file on cgroup v1 (when
// present) or inactive_file on cgroup v2, and only when smaller than usage.
func MemUsageNoCache(mem container.MemoryStats) uint64 {
	if v, ok := mem.Stats["total_inactive_file"]; ok && v < mem.Usage {
		return mem.Usage - v
	}
	if v := mem.Stats["inactive_file"]; v < mem.Usage {
		return mem.Usage - v
	}
	return mem.Usage
}

// blockIO sums the bytes read and written, as the CLI's calculateBlockIO:
// io_service_bytes_recursive entries with op Read/Write (cgroup v1) or
// read/write (cgroup v2), over all devices; the Sync, Async, Discard and
// Total entries are left out. The CLI matches on the first letter only,
// which selects the same entries. Windows reports storage_stats instead.
func blockIO(s *container.StatsResponse, windows bool) (read, write uint64) {
	if windows {
		return s.StorageStats.ReadSizeBytes, s.StorageStats.WriteSizeBytes
	}
	for _, e := range s.BlkioStats.IoServiceBytesRecursive {
		switch {
		case strings.EqualFold(e.Op, "read"):
			read += e.Value
		case strings.EqualFold(e.Op, "write"):
			write += e.Value
		}
	}
	return read, write
}

// netRates sums receive and transmit deltas over the interfaces present in
// both samples, so connecting or disconnecting a network between samples
// does not look like a burst or a reset. A counter that went backwards means
// the interface was recreated (the container restarted): Unknown.
func netRates(prev, cur map[string]container.NetworkStats, secs float64) (rx, tx float64) {
	if len(cur) == 0 && len(prev) == 0 {
		return 0, 0 // no network (--network none or host): docker stats shows 0B / 0B
	}
	var drx, dtx uint64
	common := 0
	for name, c := range cur {
		p, ok := prev[name]
		if !ok {
			continue
		}
		if c.RxBytes < p.RxBytes || c.TxBytes < p.TxBytes {
			return Unknown, Unknown
		}
		common++
		drx += c.RxBytes - p.RxBytes
		dtx += c.TxBytes - p.TxBytes
	}
	if common == 0 {
		return Unknown, Unknown
	}
	return float64(drx) / secs, float64(dtx) / secs
}

// rate is (cur-prev)/secs, Unknown when the counter went backwards.
func rate(prev, cur uint64, secs float64) float64 {
	if cur < prev || secs <= 0 {
		return Unknown
	}
	return float64(cur-prev) / secs
}

func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// Baseline is a container's CPU reading taken outside the engine, on the
// engine's host, from the counters the engine reads itself (package
// hostcpu): it can stand in for the sample before a container's first
// engine answer.
type Baseline struct {
	At     time.Time // when it was read, on the engine's host clock
	Usage  uint64    // the container's CPU time, ns: cpu_usage.total_usage
	System uint64    // the host's CPU time, ns: system_cpu_usage
	Online uint32    // the host's online CPUs: online_cpus
}

// MinBaselineWindow is the shortest span between a baseline and a sample
// that CPUSince measures over. /proc/stat counts in hundredths of a second,
// so over half a second on two CPUs the host's time is known to about 2 %;
// the engine's own samples are a second apart.
const MinBaselineWindow = 500 * time.Millisecond

// MaxBaselineAge is the longest span a baseline is trusted over. A baseline
// is read for a call the engine answers within about a second; one older
// than this outlived a failed or delayed call, and the figure would be an
// average over seconds shown as if it were the current one.
const MaxBaselineAge = 3 * time.Second

// CPUSince returns the CPU% of sample cur measured against baseline b, by
// the same formula as Compute, or Unknown: a Windows sample, a sample that
// carries its own earlier reading (stream=false: Compute uses that), or a
// pair CPUBetween rejects.
func CPUSince(b Baseline, cur *container.StatsResponse) float64 {
	if cur == nil || isWindows(cur) || cur.PreCPUStats.SystemUsage != 0 {
		return Unknown
	}
	return CPUBetween(b, Baseline{At: cur.Read, Usage: cur.CPUStats.CPUUsage.TotalUsage, System: cur.CPUStats.SystemUsage, Online: onlineCPUs(cur.CPUStats)})
}

// onlineCPUs is the engine's online_cpus, or on engines that leave it out,
// the length of the per-CPU usage list (as the docker CLI does).
func onlineCPUs(c container.CPUStats) uint32 {
	if c.OnlineCPUs != 0 {
		return c.OnlineCPUs
	}
	return uint32(len(c.CPUUsage.PercpuUsage))
}

// CPUBetween returns a container's CPU% between two readings of its
// counters, by the same formula as Compute (b's online CPUs), or Unknown:
// readings less than MinBaselineWindow or more than MaxBaselineAge apart, or
// counters that cannot belong together: the container used more CPU time
// than the whole host had, or went backwards (restarted in between), or the
// host's time did not advance with the clock as the engine's host's does
// (a reading from another machine's counters, or from a /proc/stat that a
// container runtime such as lxcfs rewrites to show one container's share).
func CPUBetween(a, b Baseline) float64 {
	if a.At.IsZero() || b.At.IsZero() || b.Online == 0 {
		return Unknown
	}
	window := b.At.Sub(a.At)
	if window < MinBaselineWindow || window > MaxBaselineAge {
		return Unknown
	}
	if b.Usage < a.Usage || b.System <= a.System {
		return Unknown
	}
	online := float64(b.Online)
	cpuDelta := float64(b.Usage - a.Usage)
	sysDelta := float64(b.System - a.System)
	// The host's time includes the container's: a container cannot use
	// more than all of it. Allow for the two readings' few microseconds
	// apart and /proc/stat's coarse ticks.
	if cpuDelta > sysDelta*1.05 {
		return Unknown
	}
	// The host's time runs at the clock's pace on every online CPU, less
	// the time a hypervisor stole (which /proc/stat's first seven fields,
	// like the engine, leave out). Allow two ticks per CPU at each end and
	// up to half the time stolen.
	expected := float64(window.Nanoseconds()) * online
	slack := online * float64(20*time.Millisecond)
	if sysDelta > expected*1.1+slack || sysDelta < expected*0.5-slack {
		return Unknown
	}
	return cpuDelta / sysDelta * online * 100
}
