package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// profiler is a `perf record` attached to the program under test (-perf).
type profiler struct {
	cmd  *exec.Cmd
	data string
	dir  string
	name string
}

func startPerf(dir, name string, pid int) (*profiler, error) {
	if _, err := exec.LookPath("perf"); err != nil {
		return nil, fmt.Errorf("-perf: %w (apt-get install linux-perf)", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("-perf: %w", err)
	}
	p := &profiler{data: filepath.Join(dir, name+".perf.data"), dir: dir, name: name}
	p.cmd = exec.Command("perf", "record", "-q", "-F", "499", "-g", "-p", fmt.Sprint(pid), "-o", p.data)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("-perf: %w", err)
	}
	return p, nil
}

// stop ends the recording (SIGINT, as perf expects) and writes a flat
// top-symbols report next to the data; it returns where both are.
func (p *profiler) stop() string {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	out, err := exec.Command("perf", "report", "-i", p.data, "--stdio", "--no-children", "--sort", "sym", "-g", "none").Output()
	if err != nil {
		return fmt.Sprintf("%s (perf report failed: %v)", p.data, err)
	}
	report := filepath.Join(p.dir, p.name+".perf.txt")
	_ = os.WriteFile(report, out, 0o644)
	return fmt.Sprintf("%s; by area: %s", report, byArea(out))
}

// perfLineRE matches a flat perf report line: "  12.34%  [.] symbol".
var perfLineRE = regexp.MustCompile(`^\s*([0-9.]+)%\s+\[(.)\]\s+(.+)$`)

// byArea sums a flat perf report into the areas someone tuning the
// program acts on: rendering, JSON, the Go runtime, the kernel...
func byArea(report []byte) string {
	sums := map[string]float64{}
	for _, line := range strings.Split(string(report), "\n") {
		m := perfLineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pct, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			continue
		}
		sums[perfArea(m[2] == "k", strings.TrimSpace(m[3]))] += pct
	}
	type kv struct {
		k string
		v float64
	}
	var all []kv
	for k, v := range sums {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	var parts []string
	for _, e := range all {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}

func perfArea(kernel bool, sym string) string {
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(sym, s) {
				return true
			}
		}
		return false
	}
	switch {
	case kernel:
		return "kernel"
	case has("lipgloss", "ultraviolet", "uax29", "displaywidth", "x/ansi", "runewidth", "uniseg", "colorprofile", "bubbles/"):
		return "render"
	case has("bubbletea"):
		return "bubbletea"
	case has("dockterm/ui"):
		return "dockterm/ui"
	case has("dockterm/backend"):
		return "dockterm/backend"
	case has("encoding/json", "docker/docker"):
		return "json/docker client"
	case has("net/http", "net.", "internal/poll", "syscall.", "crypto/"):
		return "net/http"
	case strings.HasPrefix(sym, "runtime.gc"), has("runtime.scanobject", "runtime.mallocgc", "runtime.(*mheap)", "runtime.(*mspan)", "runtime.mark", "runtime.sweep", "runtime.greyobject", "runtime.findObject", "runtime.heapBits"):
		return "runtime gc/alloc"
	case strings.HasPrefix(sym, "runtime."):
		return "runtime sched/other"
	}
	return "other"
}
