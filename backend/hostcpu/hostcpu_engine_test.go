package hostcpu

import (
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockterm/dockterm/backend/stats"
	"github.com/dockterm/dockterm/internal/testengine"
)

// TestBaselineIsTheEngineCounters: what the reader finds on this host are
// the counters the engine itself reports, so a baseline can stand in for an
// engine sample:
//
//   - read just before a one-shot sample, a baseline is at most the
//     sample's values, and below them by no more than the time between
//     the two readings can account for (the container's CPU time on at
//     most every CPU; the host's time on every CPU, steal left out);
//   - a second later, the CPU% of a sample measured against the baseline
//     agrees with the one measured against that first engine sample, over
//     nearly the same second: a reader of other counters (or a system time
//     summed unlike dockerd's) would be off by a factor or by the host's
//     idle time, far outside the tolerance.
func TestBaselineIsTheEngineCounters(t *testing.T) {
	cli := testengine.Client(t)
	if h := cli.DaemonHost(); !strings.HasPrefix(h, "unix://") {
		t.Skipf("the test engine at %s may be on another host; the reader only works on the engine's own", h)
	}
	id := testengine.Run(t, testengine.RunOpts{Name: "burn", Args: []string{"-cpu", "0.5"}})
	testengine.WaitLogs(t, id, "fixture:")

	r := New()
	got := r.Read([]string{id})
	b, ok := got[id]
	if !ok {
		if where := cgroupDirOf(id); where != "" {
			t.Fatalf("no baseline for a container whose cgroup is at %s: layouts tried %v", where, layouts)
		}
		// Rootless, or this test runs in a container with the engine's
		// socket mounted but not its host's cgroups: the reader rightly
		// finds nothing, and dockterm falls back to engine samples.
		t.Skipf("container %.12s has no cgroup under /sys/fs/cgroup here: not the engine's host", id)
	}
	// The skip above trusts cgroupDirOf to see what the reader sees.
	if cgroupDirOf(id) == "" {
		t.Errorf("cgroupDirOf finds no directory for %.12s, which the reader read", id)
	}
	first := testengine.Stats(t, id)
	online := float64(first.CPUStats.OnlineCPUs)
	if b.Online != first.CPUStats.OnlineCPUs {
		t.Errorf("%d online CPUs read from /proc/stat, the engine reports %d", b.Online, first.CPUStats.OnlineCPUs)
	}
	gap := first.Read.Sub(b.At)
	t.Logf("baseline %+v, engine sample %v later: usage %d, system %d", b, gap, first.CPUStats.CPUUsage.TotalUsage, first.CPUStats.SystemUsage)
	if gap < 0 || gap > 5*time.Second {
		t.Fatalf("engine sample read %v after the baseline: clocks of different hosts?", gap)
	}
	// Slack for /proc/stat's ticks (10 ms on each CPU) and the readings'
	// order (the engine reads the host's time right after each container's).
	slack := float64(20*time.Millisecond) * online
	if u, s := first.CPUStats.CPUUsage.TotalUsage, first.CPUStats.SystemUsage; u < b.Usage || s+uint64(slack) < b.System {
		t.Fatalf("engine sample (usage %d, system %d) earlier than the baseline read before it (usage %d, system %d)", u, s, b.Usage, b.System)
	}
	if d := float64(first.CPUStats.CPUUsage.TotalUsage - b.Usage); d > float64(gap)*online+slack {
		t.Errorf("container CPU time grew by %v in %v between baseline and sample: not the same counter", time.Duration(d), gap)
	}
	if d := float64(first.CPUStats.SystemUsage) - float64(b.System); d > float64(gap)*online+slack {
		t.Errorf("host CPU time grew by %v in %v on %v CPUs: not dockerd's sum", time.Duration(d), gap, online)
	}

	// A fresh reading, just after the engine's first sample, keeps the
	// span to the second within the age a baseline is trusted for: a
	// one-shot call may wait up to a second for the engine's next pass.
	b = r.Read([]string{id})[id]
	time.Sleep(time.Second) // a sampling interval, not an assertion
	cur := testengine.Stats(t, id)
	again := r.Read([]string{id})[id] // right after the engine's second sample
	fromBase := stats.CPUSince(b, &cur)
	fromEngine := stats.Compute(&first, &cur).CPUPercent
	fromHost := stats.CPUBetween(b, again)
	t.Logf("CPU%%: against the baseline %.2f, against the engine's first sample %.2f, host readings alone %.2f", fromBase, fromEngine, fromHost)
	if fromBase < 0 || fromEngine < 0 || fromHost < 0 {
		t.Fatalf("CPU%% unknown: baseline %v, engine %v, host alone %v", fromBase, fromEngine, fromHost)
	}
	if d := math.Abs(fromHost - fromEngine); d > math.Max(2, 0.1*fromEngine) {
		t.Errorf("CPU%% %.2f from two host readings, %.2f from the engine's samples: %.2f points apart", fromHost, fromEngine, d)
	}
	if fromEngine < 3 {
		t.Fatalf("the fixture got %.1f%% of a core: the machine is too loaded for this check to discriminate", fromEngine)
	}
	if d := math.Abs(fromBase - fromEngine); d > math.Max(2, 0.1*fromEngine) {
		t.Errorf("CPU%% %.2f against the baseline, %.2f against the engine's sample: %.2f points apart", fromBase, fromEngine, d)
	}
}

// TestNoBaselineForAStoppedContainer: its cgroup is gone; the reader finds
// nothing rather than a stale or zero reading.
func TestNoBaselineForAStoppedContainer(t *testing.T) {
	cli := testengine.Client(t)
	if h := cli.DaemonHost(); !strings.HasPrefix(h, "unix://") {
		t.Skipf("the test engine at %s may be on another host", h)
	}
	id := testengine.Run(t, testengine.RunOpts{Name: "exit", Args: []string{"-exit", "0"}})
	testengine.WaitExit(t, id)
	if got := New().Read([]string{id}); len(got) != 0 {
		t.Errorf("baseline for an exited container: %v", got)
	}
}

// cgroupDirOf finds the cgroup directory named after container id within
// three levels of /sys/fs/cgroup (every layout the reader knows is within
// that depth), or "": it tells a reader that misses a layout from a test
// run where the engine's cgroups cannot be seen.
func cgroupDirOf(id string) string {
	const root = "/sys/fs/cgroup"
	found := ""
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if strings.Contains(d.Name(), id) {
			found = path
			return fs.SkipAll
		}
		if rel, _ := filepath.Rel(root, path); strings.Count(rel, string(filepath.Separator)) >= 2 {
			return fs.SkipDir
		}
		return nil
	})
	return found
}
