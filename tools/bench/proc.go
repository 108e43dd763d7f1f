package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clkTck is USER_HZ, the unit of the times in /proc/<pid>/stat. Linux fixes
// it at 100 for user space on every architecture (the kernel's HZ may
// differ; /proc converts), and reading it via sysconf would need cgo.
const clkTck = 100

// procTimes is the CPU time of one process, in clock ticks.
type procTimes struct {
	utime, stime int64
}

func (p procTimes) ticks() int64 { return p.utime + p.stime }

// parseStat parses the content of /proc/<pid>/stat. The command name is the
// second field, in parentheses, and may itself hold spaces and parentheses,
// so the fields are counted from the last ')'.
func parseStat(b []byte) (comm string, ppid int, t procTimes, err error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return "", 0, t, fmt.Errorf("stat: no command name")
	}
	comm = string(b[open+1 : end])
	// After ")": state(3) ppid(4) ... utime(14) stime(15).
	fields := strings.Fields(string(b[end+1:]))
	if len(fields) < 13 {
		return "", 0, t, fmt.Errorf("stat: %d fields after the name", len(fields))
	}
	ppid, err = strconv.Atoi(fields[1])
	if err != nil {
		return "", 0, t, fmt.Errorf("stat ppid: %w", err)
	}
	if t.utime, err = strconv.ParseInt(fields[11], 10, 64); err != nil {
		return "", 0, t, fmt.Errorf("stat utime: %w", err)
	}
	if t.stime, err = strconv.ParseInt(fields[12], 10, 64); err != nil {
		return "", 0, t, fmt.Errorf("stat stime: %w", err)
	}
	return comm, ppid, t, nil
}

type procInfo struct {
	pid   int
	ppid  int
	comm  string
	times procTimes
}

// allProcs reads every process's stat. Processes that vanish while the
// directory is read are skipped.
func allProcs() ([]procInfo, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("read /proc: %w", err)
	}
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		comm, ppid, t, err := parseStat(b)
		if err != nil {
			continue
		}
		out = append(out, procInfo{pid: pid, ppid: ppid, comm: comm, times: t})
	}
	return out, nil
}

// engineRole classifies a process as part of the engine. comm is cut at 15
// characters, so both containerd-shim and containerd-shim-runc-v2 read
// "containerd-shim".
func engineRole(comm string) string {
	switch {
	case comm == "dockerd":
		return "dockerd"
	case comm == "containerd":
		return "containerd"
	case strings.HasPrefix(comm, "containerd-shim"):
		return "shim"
	}
	return ""
}

// engineSnapshot is the CPU time of every engine process at one instant.
type engineSnapshot map[int]procInfo

func takeEngineSnapshot() (engineSnapshot, error) {
	procs, err := allProcs()
	if err != nil {
		return nil, err
	}
	s := engineSnapshot{}
	for _, p := range procs {
		if engineRole(p.comm) != "" {
			s[p.pid] = p
		}
	}
	return s, nil
}

// engineCost is CPU seconds spent by each part of the engine in a window.
type engineCost struct {
	dockerd, containerd, shims float64
	shimCount                  int
}

func (c engineCost) daemons() float64 { return c.dockerd + c.containerd }

func (c engineCost) add(o engineCost) engineCost {
	return engineCost{
		dockerd:    c.dockerd + o.dockerd,
		containerd: c.containerd + o.containerd,
		shims:      c.shims + o.shims,
		shimCount:  max(c.shimCount, o.shimCount),
	}
}

// costBetween is the CPU spent between two snapshots by the processes alive
// in both. A process that started or ended inside the window (another
// user's container, typically) is left out rather than counted whole: the
// bench itself creates none during a window.
func costBetween(a, b engineSnapshot) engineCost {
	var c engineCost
	for pid, end := range b {
		start, ok := a[pid]
		if !ok || start.comm != end.comm {
			continue
		}
		sec := float64(end.times.ticks()-start.times.ticks()) / clkTck
		switch engineRole(end.comm) {
		case "dockerd":
			c.dockerd += sec
		case "containerd":
			c.containerd += sec
		case "shim":
			c.shims += sec
			c.shimCount++
		}
	}
	return c
}

// treeTicks is the CPU time of pid and its live descendants.
func treeTicks(root int) (int64, error) {
	procs, err := allProcs()
	if err != nil {
		return 0, err
	}
	children := map[int][]procInfo{}
	var rootInfo *procInfo
	for i := range procs {
		children[procs[i].ppid] = append(children[procs[i].ppid], procs[i])
		if procs[i].pid == root {
			rootInfo = &procs[i]
		}
	}
	if rootInfo == nil {
		return 0, fmt.Errorf("process %d is gone", root)
	}
	total := int64(0)
	stack := []procInfo{*rootInfo}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += p.times.ticks()
		stack = append(stack, children[p.pid]...)
	}
	return total, nil
}

// peakRSS returns VmHWM (peak resident set) of pid in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read status of %d: %w", pid, err)
	}
	return parseVmHWM(b)
}

func parseVmHWM(status []byte) (int64, error) {
	for _, line := range strings.Split(string(status), "\n") {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("VmHWM: unexpected %q", line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmHWM: %w", err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("no VmHWM line")
}

// ctxSwitches is the number of context switches (voluntary and not) of all
// threads of pid: a process that wakes up often (a frame ticker, polling)
// shows here before it shows in CPU.
func ctxSwitches(pid int) (int64, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("threads of %d: %w", pid, err)
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		if err != nil {
			continue // the thread ended meanwhile
		}
		total += parseCtxSwitches(b)
	}
	return total, nil
}

func parseCtxSwitches(status []byte) int64 {
	var n int64
	for _, line := range strings.Split(string(status), "\n") {
		for _, key := range []string{"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"} {
			if rest, ok := strings.CutPrefix(line, key); ok {
				v, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
				if err == nil {
					n += v
				}
			}
		}
	}
	return n
}
