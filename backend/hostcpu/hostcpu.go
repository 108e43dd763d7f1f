// Package hostcpu reads a container's CPU counters straight from the kernel
// when dockterm runs on the engine's own host: the cgroup's CPU time and the
// host's CPU time summed from /proc/stat, the very counters dockerd puts in
// `cpu_stats.cpu_usage.total_usage` and `cpu_stats.system_cpu_usage`.
//
// Why: a CPU figure needs two samples, and dockerd's stats collector serves
// a container only once per pass, passes a second apart. Read as a
// container comes on screen and again half a second later, these counters
// give the row a CPU figure before the engine's first answer (at start-up,
// ~0.6 s instead of ~2.3 s for a full 120x40 screen), and the first
// reading stands in for the sample before that answer, which then brings
// the engine's own figure. Every later figure comes from the engine.
// Reading the counters costs the engine nothing.
//
// It only ever reads; a container whose cgroup is not found here (a remote
// engine, rootless docker, a custom --cgroup-parent, dockterm itself in a
// container) simply gets no reading, and the sampler takes the engine's two
// samples as it always did.
package hostcpu

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/dockterm/dockterm/backend/stats"
)

// Reader reads baselines for containers of the engine on this host. It
// learns which cgroup layout the host uses from the first container it
// finds, and gives up after a few containers found nowhere: it is then
// talking to an engine elsewhere. Safe for concurrent use.
type Reader struct {
	cgroupRoot string
	procStat   string

	mu     sync.Mutex
	layout *layout // the layout that matched; nil before the first match
	misses int     // containers found in no layout, before any match
}

// giveUpAfter is how many containers must be found in no layout, with none
// ever found, before the reader stops looking: the engine is not local.
const giveUpAfter = 3

// New returns a Reader of this host's /sys/fs/cgroup and /proc/stat.
func New() *Reader { return NewAt("/sys/fs/cgroup", "/proc/stat") }

// NewAt returns a Reader of the given cgroup mount and /proc/stat file
// (tests point them at fixtures).
func NewAt(cgroupRoot, procStat string) *Reader {
	return &Reader{cgroupRoot: cgroupRoot, procStat: procStat}
}

// layout is where one docker cgroup driver and cgroup version put a
// container's CPU time, relative to the cgroup mount.
type layout struct {
	path string // fmt pattern with the container ID
	v2   bool   // cpu.stat's usage_usec rather than cpuacct.usage's ns
}

// layouts are docker's defaults: the cgroupfs driver puts containers under
// docker/<id>, the systemd driver under system.slice/docker-<id>.scope;
// cgroup v1 hosts mount the CPU accounting controller as cpuacct or as the
// joint cpu,cpuacct.
var layouts = []layout{
	{path: "cpuacct/docker/%s/cpuacct.usage"},
	{path: "cpu,cpuacct/docker/%s/cpuacct.usage"},
	{path: "cpuacct/system.slice/docker-%s.scope/cpuacct.usage"},
	{path: "cpu,cpuacct/system.slice/docker-%s.scope/cpuacct.usage"},
	{path: "system.slice/docker-%s.scope/cpu.stat", v2: true},
	{path: "docker/%s/cpu.stat", v2: true},
}

// Read returns the CPU baselines of the containers it finds on this host,
// by ID. The host's time is read once, after all the containers': /proc/stat
// is formatted whole by the kernel at each open (its interrupt counters make
// it long), and a few microseconds between readings do not matter over the
// second a baseline is used for. An id must be a full 64-hex container ID:
// it becomes part of a path, and an engine (or a proxy in front of it) is
// not trusted with that.
func (r *Reader) Read(ids []string) map[string]stats.Baseline {
	if r == nil || len(ids) == 0 {
		return nil
	}
	usage := make(map[string]uint64, len(ids))
	for _, id := range ids {
		if u, ok := r.usage(id); ok {
			usage[id] = u
		}
	}
	if len(usage) == 0 {
		return nil
	}
	at := time.Now()
	system, online, err := SystemUsage(r.procStat)
	if err != nil {
		return nil
	}
	out := make(map[string]stats.Baseline, len(usage))
	for id, u := range usage {
		out[id] = stats.Baseline{At: at, Usage: u, System: system, Online: online}
	}
	return out
}

// usage reads one container's CPU time, learning the layout on the way.
func (r *Reader) usage(id string) (uint64, bool) {
	if !fullID(id) {
		return 0, false
	}
	r.mu.Lock()
	known, off := r.layout, r.layout == nil && r.misses >= giveUpAfter
	r.mu.Unlock()
	if off {
		return 0, false
	}
	try := layouts
	if known != nil {
		try = []layout{*known}
	}
	for i := range try {
		l := try[i]
		u, err := readUsage(filepath.Join(r.cgroupRoot, fmt.Sprintf(l.path, id)), l.v2)
		if err != nil {
			continue
		}
		if known == nil {
			r.mu.Lock()
			r.layout = &l
			r.mu.Unlock()
		}
		return u, true
	}
	if known == nil {
		r.mu.Lock()
		r.misses++
		r.mu.Unlock()
	}
	return 0, false
}

func fullID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// readUsage returns a cgroup's CPU time in nanoseconds.
func readUsage(path string, v2 bool) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if !v2 {
		return strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	}
	// cpu.stat: "usage_usec N" among other lines; docker reports it as
	// total_usage in nanoseconds (usage_usec * 1000).
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := bytes.Cut(sc.Bytes(), []byte(" "))
		if ok && string(k) == "usage_usec" {
			us, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: usage_usec: %w", path, err)
			}
			return us * 1000, nil
		}
	}
	return 0, fmt.Errorf("%s: no usage_usec", path)
}

// userHZ is the unit of /proc/stat's CPU times: USER_HZ, 100 on every
// Linux ABI (dockerd asks sysconf(_SC_CLK_TCK), which returns it).
const userHZ = 100

// SystemUsage returns the host's CPU time in nanoseconds exactly as dockerd
// computes system_cpu_usage: the first seven fields of /proc/stat's "cpu"
// line (user to softirq; steal and guest are left out), converted from
// USER_HZ ticks; and the online CPUs, as the "cpuN" lines that follow it
// (the count newer engines take from the same file, and older ones from
// sysconf, which counts the same CPUs).
func SystemUsage(procStat string) (system uint64, online uint32, err error) {
	f, err := os.Open(procStat)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	// The intr line after the cpu lines holds a counter per interrupt and
	// can outgrow the scanner's default 64 KiB on a large host; it must be
	// read through to find where the cpu lines end.
	sc.Buffer(make([]byte, 0, 4096), 4<<20)
	found := false
	for sc.Scan() {
		fields := bytes.Fields(sc.Bytes())
		if len(fields) == 0 || !bytes.HasPrefix(fields[0], []byte("cpu")) {
			if found {
				break // the cpu lines come together, first in the file
			}
			continue
		}
		if name := fields[0]; len(name) > 3 {
			if found && name[3] >= '0' && name[3] <= '9' {
				online++
			}
			continue
		}
		if len(fields) < 8 {
			return 0, 0, fmt.Errorf("%s: %d fields on the cpu line, want at least 8", procStat, len(fields))
		}
		var ticks uint64
		for _, f := range fields[1:8] {
			v, err := strconv.ParseUint(string(f), 10, 64)
			if err != nil {
				return 0, 0, fmt.Errorf("%s: cpu line: %w", procStat, err)
			}
			ticks += v
		}
		system, found = ticks*1e9/userHZ, true
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if !found {
		return 0, 0, fmt.Errorf("%s: no cpu line", procStat)
	}
	return system, online, nil
}
