package audit

import (
	"reflect"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
)

func TestLeafChanges(t *testing.T) {
	got := leafChanges(changes("C /etc", "A /etc/x", "C /var", "C /root", "C /root/.ssh", "A /root/.ssh/authorized_keys", "D /bin/ls"))
	want := []Change{{"D", "/bin/ls"}, {"A", "/etc/x"}, {"A", "/root/.ssh/authorized_keys"}, {"C", "/var"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("leafChanges = %v, want %v", got, want)
	}
}

func TestBuildBaseline(t *testing.T) {
	a := changes("C /run", "A /run/nginx.pid", "A /var/cache/nginx/client_temp", "C /etc/passwd")
	b := changes("C /run", "A /run/nginx.pid", "A /var/cache/nginx/client_temp", "A /usr/bin/xmrig")
	tests := []struct {
		name   string
		diffs  [][]container.FilesystemChange
		stored *Baseline
		want   map[string]string
	}{
		{"shared churn of two containers", [][]container.FilesystemChange{a, b}, nil,
			map[string]string{"/run/nginx.pid": "A", "/var/cache/nginx/client_temp": "A"}},
		{"one container learns nothing (it could baseline its own compromise)", [][]container.FilesystemChange{a}, nil,
			map[string]string{}},
		{"stored paths are merged", [][]container.FilesystemChange{a}, &Baseline{Paths: map[string]string{"/etc/passwd": "C"}},
			map[string]string{"/etc/passwd": "C"}},
		{"kinds merge", [][]container.FilesystemChange{a, b}, &Baseline{Paths: map[string]string{"/run/nginx.pid": "C"}},
			map[string]string{"/run/nginx.pid": "AC", "/var/cache/nginx/client_temp": "A"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := BuildBaseline("img", tc.diffs, tc.stored)
			if !reflect.DeepEqual(got.Paths, tc.want) {
				t.Errorf("paths = %v, want %v", got.Paths, tc.want)
			}
		})
	}
}

func TestDriftBaselineSuppressesExpectedChurn(t *testing.T) {
	obj := Object{Kind: KindContainer, Name: "c"}
	diff := changes("C /etc/passwd", "A /usr/local/bin/evil")
	b := &Baseline{Paths: map[string]string{"/etc/passwd": "C"}}
	fs := DriftFindings(obj, diff, nil, b)
	if len(fs) != 1 || fs[0].ID != "DKT-DRIFT-05" {
		t.Fatalf("want only DKT-DRIFT-05, got %s", summary(fs))
	}
	if !strings.Contains(fs[0].Evidence, "1 expected paths of the image baseline ignored") {
		t.Errorf("evidence does not say churn was ignored: %s", fs[0].Evidence)
	}
	// The same change with another kind is not expected.
	fs = DriftFindings(obj, changes("D /etc/passwd"), nil, b)
	if len(fs) != 0 {
		t.Errorf("D /etc/passwd is not a DKT-DRIFT-02 kind, got %s", summary(fs))
	}
}

// Three replicas of one image: the churn all share is learned, the drift
// of one replica still alarms.
func TestEvaluateLearnsBaselinePerImage(t *testing.T) {
	w := cleanWorld()
	w.diff("C /etc/passwd", "A /run/app.pid")
	r2 := cleanContainer(w.img)
	r2.Inspect.ID, r2.Inspect.Name = "r2", "/web-2"
	r2.Diff = changes("C /etc/passwd", "A /run/app.pid")
	r3 := cleanContainer(w.img)
	r3.Inspect.ID, r3.Inspect.Name = "r3", "/web-3"
	r3.Diff = changes("C /etc/passwd", "A /run/app.pid", "A /usr/bin/socat")
	w.e.Containers = append(w.e.Containers, r2, r3)
	r := Evaluate(w.e, Options{})
	var drift []Finding
	for _, f := range r.Findings {
		if strings.HasPrefix(f.ID, "DKT-DRIFT") {
			drift = append(drift, f)
		}
	}
	if len(drift) != 2 {
		t.Fatalf("want DKT-DRIFT-05 and -12 on web-3 only, got %s", summary(drift))
	}
	for _, f := range drift {
		if f.Object.Name != "web-3" || !containsAny(f.Details, "A /usr/bin/socat") {
			t.Errorf("unexpected drift finding %s on %s: %v", f.ID, f.Object, f.Details)
		}
	}
	if b := r.Baselines[testImageID]; b.Learned != 3 || b.Paths["/etc/passwd"] != "C" {
		t.Errorf("baseline = %+v", b)
	}
}

func TestDriftDetailsAreBounded(t *testing.T) {
	var entries []string
	for i := 0; i < 200; i++ {
		entries = append(entries, "A /usr/bin/tool"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	fs := DriftFindings(Object{Kind: KindContainer}, changes(entries...), nil, nil)
	for _, f := range fs {
		if len(f.Details) > maxDriftDetails+1 {
			t.Errorf("%s lists %d details", f.ID, len(f.Details))
		}
	}
}

func TestTempCandidates(t *testing.T) {
	got := TempCandidates(changes("A /tmp/a", "A /tmp/hsperfdata_root", "C /tmp", "A /etc/x", "A /dev/shm/b", "A /var/tmp/c"), 2)
	want := []string{"/dev/shm/b", "/tmp/a"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TempCandidates = %v, want %v", got, want)
	}
}
