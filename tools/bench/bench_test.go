package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestScreenDetection(t *testing.T) {
	tests := []struct {
		name       string
		screen     string
		list, cpus bool
	}{
		{name: "empty", screen: ""},
		{name: "header only", screen: "NAME   CPU %   MEM\n"},
		{name: "rows before a sample", screen: "NAME            CPU %\ndkt-bench-001   -\ndkt-bench-002   —\n", list: true},
		{name: "docker stats placeholder", screen: "CONTAINER ID   NAME            CPU %     MEM USAGE / LIMIT\n1234abcd       dkt-bench-001   --        -- / --\n", list: true},
		{name: "first figure", screen: "dkt-bench-001   0.3%   1.2MiB\n", list: true, cpus: true},
		{name: "two digits", screen: "dkt-bench-017 │ 12.0% │\n", list: true, cpus: true},
		{name: "docker stats row", screen: "1234abcd   dkt-bench-001   0.00%     1.5MiB / 7.7GiB   0.02%\n", list: true, cpus: true},
		{name: "percent on another row", screen: "dkt-bench-001   -\nother-ctr   5.0%\n", list: true},
		{name: "status bar percent", screen: "CPU 3.1% of engine\n"},
		{name: "integer percent is no sample", screen: "dkt-bench-001   100%\n", list: true},
		{name: "version numbers", screen: "dkt-bench-001   v1.2.3.4\n", list: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := listShown(tc.screen); got != tc.list {
				t.Errorf("listShown = %v, want %v", got, tc.list)
			}
			if got := cpuShown(tc.screen); got != tc.cpus {
				t.Errorf("cpuShown = %v, want %v", got, tc.cpus)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		comm    string
		ppid    int
		ticks   int64
		wantErr bool
	}{
		{
			name: "dockerd",
			in:   "2319 (dockerd) S 1 2319 2319 0 -1 4194560 86117 0 2 0 1520 731 0 0 20 0 14 0 3197 2010476544 23017 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0",
			comm: "dockerd", ppid: 1, ticks: 1520 + 731,
		},
		{
			name: "name with spaces and parens",
			in:   "77 (a (b) c) R 5 77 77 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 1 1 1",
			comm: "a (b) c", ppid: 5, ticks: 30,
		},
		{name: "truncated", in: "1 (init) S 0 1", wantErr: true},
		{name: "no name", in: "1 init S 0", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			comm, ppid, times, err := parseStat([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error for %q", tc.in)
				}
				return
			}
			if err != nil || comm != tc.comm || ppid != tc.ppid || times.ticks() != tc.ticks {
				t.Errorf("parseStat = %q %d %d %v, want %q %d %d", comm, ppid, times.ticks(), err, tc.comm, tc.ppid, tc.ticks)
			}
		})
	}
}

func TestParseVmHWM(t *testing.T) {
	got, err := parseVmHWM([]byte("Name:\tdockterm\nVmPeak:\t  900 kB\nVmHWM:\t   21504 kB\nVmRSS:\t 20000 kB\n"))
	if err != nil || got != 21504*1024 {
		t.Errorf("parseVmHWM = %d, %v; want %d", got, err, 21504*1024)
	}
	if _, err := parseVmHWM([]byte("Name:\tx\n")); err == nil {
		t.Errorf("no error without a VmHWM line")
	}
}

func TestEngineRole(t *testing.T) {
	for comm, want := range map[string]string{
		"dockerd": "dockerd", "containerd": "containerd", "containerd-shim": "shim",
		"docker-proxy": "", "runc": "", "containerd-foo": "",
	} {
		if got := engineRole(comm); got != want {
			t.Errorf("engineRole(%q) = %q, want %q", comm, got, want)
		}
	}
}

func TestCostBetween(t *testing.T) {
	snap := func(ps ...procInfo) engineSnapshot {
		s := engineSnapshot{}
		for _, p := range ps {
			s[p.pid] = p
		}
		return s
	}
	p := func(pid int, comm string, ticks int64) procInfo {
		return procInfo{pid: pid, comm: comm, times: procTimes{utime: ticks}}
	}
	a := snap(p(1, "dockerd", 100), p(2, "containerd", 50), p(3, "containerd-shim", 10), p(4, "containerd-shim", 10))
	b := snap(p(1, "dockerd", 350), p(2, "containerd", 60), p(3, "containerd-shim", 30),
		p(5, "containerd-shim", 500), // started inside the window: not ours
		p(4, "runc", 900))            // pid reused by another program
	c := costBetween(a, b)
	if c.dockerd != 2.5 || c.containerd != 0.1 || c.shims != 0.2 || c.shimCount != 1 {
		t.Errorf("costBetween = %+v", c)
	}
}

func TestCompare(t *testing.T) {
	mk := func(n int, runDaemons, baseDaemons float64) result {
		return result{n: n, window: time.Minute, baseWin: time.Minute,
			run: engineCost{dockerd: runDaemons}, base: engineCost{dockerd: baseDaemons}}
	}
	tests := []struct {
		name         string
		small, large result
		wantOK       bool
	}{
		{name: "flat", small: mk(30, 2.0, 1.0), large: mk(100, 2.2, 1.0), wantOK: true},
		{name: "grows with N", small: mk(30, 2.0, 1.0), large: mk(100, 5.0, 1.0), wantOK: false},
		{name: "small below noise floor", small: mk(30, 1.0, 1.0), large: mk(100, 1.1, 1.0), wantOK: true},
		{name: "small below noise floor, large not", small: mk(30, 1.0, 1.0), large: mk(100, 2.0, 1.0), wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := compare(tc.small, tc.large)
			ok := !strings.Contains(line, "OVER")
			if ok != tc.wantOK {
				t.Errorf("compare: %s; want ok=%v", line, tc.wantOK)
			}
		})
	}
}

func TestByArea(t *testing.T) {
	report := []byte(`# Samples: 500
#
    20.00%  [k] finish_task_switch.isra.0
    10.00%  [.] charm.land/lipgloss/v2.Style.Render
     5.00%  [.] github.com/charmbracelet/ultraviolet.(*RenderBuffer).SetCell
     4.00%  [.] runtime.scanobject
     3.00%  [.] runtime.futex
     2.00%  [.] encoding/json.(*decodeState).object
     1.00%  [.] github.com/dockterm/dockterm/ui.(*containersTab).cell
`)
	got := byArea(report)
	want := "kernel 20%, render 15%, runtime gc/alloc 4%, runtime sched/other 3%, json/docker client 2%, dockterm/ui 1%"
	if got != want {
		t.Errorf("byArea = %q\nwant      %q", got, want)
	}
}

func TestParseCtxSwitches(t *testing.T) {
	got := parseCtxSwitches([]byte("Name:\tx\nvoluntary_ctxt_switches:\t120\nnonvoluntary_ctxt_switches:\t7\n"))
	if got != 127 {
		t.Errorf("parseCtxSwitches = %d, want 127", got)
	}
}

// TestControlReplies feeds the control client's reader what tmux -C writes:
// replies between matching %begin/%end (or %error) lines, notifications in
// between, and a pane whose text looks like the protocol.
func TestControlReplies(t *testing.T) {
	stream := strings.Join([]string{
		"%begin 1795935491 267 0",
		"%end 1795935491 267 0",
		"%session-changed $0 t",
		"%output %0 hello\\015\\012",
		"%begin 1795935491 274 1",
		"dkt-bench-001   running",
		"%end 1795935491 999 1", // a pane line, not this block's end
		"",
		"%end 1795935491 274 1",
		"%output %0 more",
		"%begin 1795935491 275 1",
		"can't find pane: x",
		"%error 1795935491 275 1",
		"",
	}, "\n")
	c := newControlClient()
	c.read(strings.NewReader(stream))

	want := []reply{
		{body: ""},
		{body: "dkt-bench-001   running\n%end 1795935491 999 1\n"},
		{body: "can't find pane: x", err: errors.New("can't find pane: x")},
	}
	for i, w := range want {
		select {
		case got := <-c.replies:
			if got.body != w.body || (got.err == nil) != (w.err == nil) {
				t.Errorf("reply %d = %q (err %v), want %q (err %v)", i, got.body, got.err, w.body, w.err)
			}
		default:
			t.Fatalf("reply %d missing", i)
		}
	}
	select {
	case r := <-c.replies:
		t.Errorf("extra reply %q", r.body)
	default:
	}
	select {
	case <-c.output:
	default:
		t.Error("no output notification")
	}
	select {
	case <-c.done:
	default:
		t.Error("done not closed at the end of the stream")
	}
}
