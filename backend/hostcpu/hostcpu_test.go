package hostcpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	idA = "0188f2de26229bb395a0baeb37709e17ce8007cc3e508cc79811a76c8394c4ea"
	idB = "5f2eb31a2a334f84509b24feb98b0c08bfc00e1b00795ee9f4e133faab91814d"
)

// A /proc/stat as Linux writes it: steal (8th) and guest fields must not
// count, as dockerd leaves them out of system_cpu_usage.
const procStat = `cpu  2877169 0 740845 7576333 12769 0 14967 144603 0 0
cpu0 1438000 0 370000 3788000 6000 0 7000 72000 0 0
cpu1 1439169 0 370845 3788333 6769 0 7967 72603 0 0
intr 1 2 3
ctxt 42
`

// procStatNs is the sum of the first seven fields, in ns at USER_HZ 100.
const procStatNs = (2877169 + 0 + 740845 + 7576333 + 12769 + 0 + 14967) * 1e7

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, path, content string
		want                uint64
	}{
		{"v1 cgroupfs", "cpuacct/docker/%s/cpuacct.usage", "1564588016\n", 1564588016},
		{"v1 cgroupfs, joint controller", "cpu,cpuacct/docker/%s/cpuacct.usage", "42\n", 42},
		{"v1 systemd", "cpuacct/system.slice/docker-%s.scope/cpuacct.usage", "7", 7},
		{"v1 systemd, joint controller", "cpu,cpuacct/system.slice/docker-%s.scope/cpuacct.usage", "8\n", 8},
		{"v2 systemd", "system.slice/docker-%s.scope/cpu.stat", "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n", 123456000},
		{"v2 cgroupfs", "docker/%s/cpu.stat", "user_usec 1\nusage_usec 5\n", 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			write(t, filepath.Join(root, "stat"), procStat)
			cg := filepath.Join(root, "cgroup")
			write(t, filepath.Join(cg, strings.ReplaceAll(tc.path, "%s", idA)), tc.content)
			r := NewAt(cg, filepath.Join(root, "stat"))
			before := time.Now()
			got := r.Read([]string{idA, idB})
			if len(got) != 1 {
				t.Fatalf("Read = %v, want a baseline for %s only", got, idA[:12])
			}
			b := got[idA]
			if b.Usage != tc.want || b.System != procStatNs || b.Online != 2 || b.At.Before(before) || b.At.After(time.Now()) {
				t.Errorf("baseline %+v, want usage %d, system %d, 2 CPUs, read just now", b, tc.want, uint64(procStatNs))
			}
			if r.layout == nil || r.layout.path != tc.path {
				t.Errorf("learnt layout %v, want %q", r.layout, tc.path)
			}
		})
	}
}

// TestReadRefusesWhatIsNotAnID: IDs come from the engine and become paths.
func TestReadRefusesWhatIsNotAnID(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "stat"), procStat)
	cg := filepath.Join(root, "cgroup")
	// A file a traversal would reach if the ID were trusted.
	write(t, filepath.Join(cg, "cpuacct/secret/cpuacct.usage"), "99\n")
	r := NewAt(cg, filepath.Join(root, "stat"))
	for _, id := range []string{
		"../secret",
		"../../cpuacct/secret/..",
		strings.Repeat("a", 63),
		strings.Repeat("A", 64), // the engine's IDs are lower-case hex
		strings.Repeat("a", 62) + "/.",
		"",
	} {
		if got := r.Read([]string{id}); len(got) != 0 {
			t.Errorf("Read(%q) = %v, want nothing", id, got)
		}
	}
}

// TestReadGivesUpOnAForeignEngine: an engine elsewhere has no cgroups here;
// after a few containers found nowhere the reader stops looking, so a
// remote engine costs no file system probes per new row.
func TestReadGivesUpOnAForeignEngine(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "stat"), procStat)
	cg := filepath.Join(root, "cgroup")
	r := NewAt(cg, filepath.Join(root, "stat"))
	ids := []string{strings.Repeat("1", 64), strings.Repeat("2", 64), strings.Repeat("3", 64)}
	if got := r.Read(ids); len(got) != 0 {
		t.Fatalf("Read = %v", got)
	}
	// Now the container appears: the reader has given up and does not look.
	write(t, filepath.Join(cg, "cpuacct/docker", idA, "cpuacct.usage"), "5\n")
	if got := r.Read([]string{idA}); len(got) != 0 {
		t.Errorf("Read after giving up = %v, want nothing", got)
	}

	// One found container is enough to keep looking for the others.
	r = NewAt(cg, filepath.Join(root, "stat"))
	if got := r.Read([]string{idA}); len(got) != 1 {
		t.Fatalf("Read = %v", got)
	}
	if got := r.Read(ids); len(got) != 0 {
		t.Fatalf("Read = %v", got)
	}
	write(t, filepath.Join(cg, "cpuacct/docker", idB, "cpuacct.usage"), "6\n")
	if got := r.Read([]string{idB}); got[idB].Usage != 6 {
		t.Errorf("Read = %v, want usage 6 for a container found in the learnt layout", got)
	}
}

func TestReadBadFiles(t *testing.T) {
	for _, tc := range []struct{ name, path, content, stat string }{
		{"usage not a number", "cpuacct/docker/%s/cpuacct.usage", "lots\n", procStat},
		{"v2 without usage_usec", "docker/%s/cpu.stat", "user_usec 1\n", procStat},
		{"v2 usage not a number", "docker/%s/cpu.stat", "usage_usec x\n", procStat},
		{"proc stat without a cpu line", "cpuacct/docker/%s/cpuacct.usage", "1\n", "intr 1 2\n"},
		{"proc stat cpu line too short", "cpuacct/docker/%s/cpuacct.usage", "1\n", "cpu 1 2 3\n"},
		{"proc stat not numbers", "cpuacct/docker/%s/cpuacct.usage", "1\n", "cpu 1 2 3 x 5 6 7 8\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			write(t, filepath.Join(root, "stat"), tc.stat)
			cg := filepath.Join(root, "cgroup")
			write(t, filepath.Join(cg, strings.ReplaceAll(tc.path, "%s", idA)), tc.content)
			if got := NewAt(cg, filepath.Join(root, "stat")).Read([]string{idA}); len(got) != 0 {
				t.Errorf("Read = %v, want nothing", got)
			}
		})
	}
	var nilReader *Reader
	if got := nilReader.Read([]string{idA}); got != nil {
		t.Errorf("nil reader: %v", got)
	}
}

func TestSystemUsage(t *testing.T) {
	for _, tc := range []struct {
		name       string
		content    string
		wantSystem uint64
		wantOnline uint32
		wantErr    bool
	}{
		{"two CPUs", procStat, procStatNs, 2, false},
		// CPU 2 offline: its line is missing, and so is it from the count.
		{"a CPU offline", "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\ncpu1 0 1 1 1 1 1 1 1 0 0\ncpu3 0 0 1 2 3 4 5 6 0 0\nintr 5\ncpu9 1 1 1 1 1 1 1 1 0 0\n", 28 * 1e7, 3, false},
		{"no cpu line", "intr 1\nctxt 2\n", 0, 0, true},
		{"a long intr line (a large host)", procStat[:strings.Index(procStat, "intr")] + "intr" + strings.Repeat(" 12345", 20000) + "\nctxt 42\n", procStatNs, 2, false},
		{"short cpu line", "cpu 1 2 3\n", 0, 0, true},
		{"not a number", "cpu 1 2 x 4 5 6 7 8\n", 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "stat")
			write(t, path, tc.content)
			system, online, err := SystemUsage(path)
			if (err != nil) != tc.wantErr || system != tc.wantSystem || online != tc.wantOnline {
				t.Errorf("SystemUsage = %d, %d, %v; want %d, %d, error %v", system, online, err, tc.wantSystem, tc.wantOnline, tc.wantErr)
			}
		})
	}
	if _, _, err := SystemUsage(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("no error for a missing file")
	}
}
