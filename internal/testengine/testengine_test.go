package testengine

import (
	"context"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
)

func TestRunningContainerLabelsNameAndLogs(t *testing.T) {
	t.Parallel()
	id := Run(t, RunOpts{Name: "sleeper", Args: []string{"-log-burst", "2"}})

	c := Inspect(t, id)
	if !c.State.Running {
		t.Fatalf("container is not running: %s", describeState(c))
	}
	if got := c.Config.Labels[LabelTest]; got != "1" {
		t.Errorf("label %s = %q, want 1", LabelTest, got)
	}
	if got := c.Config.Labels[LabelTestName]; got != t.Name() {
		t.Errorf("label %s = %q, want %q", LabelTestName, got, t.Name())
	}
	if name := strings.TrimPrefix(c.Name, "/"); !strings.HasPrefix(name, NamePrefix+t.Name()+"-sleeper-") {
		t.Errorf("name %q does not start with %q", name, NamePrefix+t.Name()+"-sleeper-")
	}
	if c.Config.Image != FixtureImage {
		t.Errorf("image %q, want %q", c.Config.Image, FixtureImage)
	}

	stdout, stderr := WaitLogs(t, id, "fixture burst 2 stderr")
	if !strings.Contains(stdout, "fixture burst 1 stdout") || strings.Contains(stdout, "burst 2") {
		t.Errorf("stdout = %q, want burst line 1 only", stdout)
	}
	if !strings.Contains(stderr, "fixture burst 2 stderr") || strings.Contains(stderr, "burst 1") {
		t.Errorf("stderr = %q, want burst line 2 only", stderr)
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"-exit-after", "200ms", "-exit-code", "7"}, 7},
		{[]string{"-exit-after", "0s"}, 0},
		{[]string{"-exit-code", "3"}, 3},
		{[]string{"-no-such-flag"}, 2},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			id := Run(t, RunOpts{Args: tc.args})
			if got := WaitExit(t, id); got != tc.want {
				t.Errorf("exit code %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNoStartAndTTYLogs(t *testing.T) {
	t.Parallel()
	id := Run(t, RunOpts{NoStart: true})
	if st := Inspect(t, id).State.Status; st != container.StateCreated {
		t.Errorf("status %q, want created", st)
	}

	tty := Run(t, RunOpts{Config: &container.Config{Tty: true}, Args: []string{"-log-burst", "2", "-exit-after", "0s"}})
	WaitExit(t, tty)
	stdout, stderr := Logs(t, tty)
	if !strings.Contains(stdout, "burst 2 stderr") || stderr != "" {
		t.Errorf("TTY logs: stdout %q, stderr %q; want everything on stdout", stdout, stderr)
	}
}

func TestExec(t *testing.T) {
	t.Parallel()
	id := Run(t, RunOpts{Config: &container.Config{User: "nobody"}})
	tests := []struct {
		cmd      []string
		stdout   string
		exitCode int
	}{
		{[]string{"id", "-u"}, "65534\n", 0},
		{[]string{"sh", "-c", "echo hi >/tmp/x && cat /tmp/x"}, "hi\n", 0},
		{[]string{"/fixture", "health"}, "unhealthy", 1},
		{[]string{"sh", "-c", "exit 5"}, "", 5},
	}
	for _, tc := range tests {
		stdout, stderr, code := Exec(t, id, tc.cmd...)
		if !strings.HasPrefix(stdout, tc.stdout) || code != tc.exitCode {
			t.Errorf("exec %q = %q (stderr %q), code %d; want prefix %q, code %d",
				tc.cmd, stdout, stderr, code, tc.stdout, tc.exitCode)
		}
	}
}

// TestCleanupRemovesEverything runs the helpers in a subtest and checks that
// nothing the subtest created survives it.
func TestCleanupRemovesEverything(t *testing.T) {
	t.Parallel()
	cli := Client(t)
	var ctr, net, vol, extra string
	t.Run("create", func(t *testing.T) {
		net = Network(t, network.CreateOptions{})
		vol = Volume(t, volume.CreateOptions{})
		ctr = Run(t, RunOpts{
			HostConfig: &container.HostConfig{
				NetworkMode: container.NetworkMode(net),
				Mounts:      []mount.Mount{{Type: mount.TypeVolume, Source: vol, Target: "/data"}},
			},
		})
		// An object made by "code under test": labelled, but not by a helper.
		labels := map[string]string{LabelTest: "1", "dockterm.test.case": t.Name()}
		Cleanup(t, labels)
		created, err := cli.ContainerCreate(context.Background(),
			&container.Config{Image: Image(t), Labels: labels}, nil, nil, nil, "")
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		extra = created.ID
		if _, _, code := Exec(t, ctr, "sh", "-c", "echo data >/data/f"); code != 0 {
			t.Fatalf("cannot write to the volume")
		}
	})
	ctx := context.Background()
	for _, id := range []string{ctr, extra} {
		if _, err := cli.ContainerInspect(ctx, id); !cerrdefs.IsNotFound(err) {
			t.Errorf("container %s survived its test (err %v)", short(id), err)
		}
	}
	if _, err := cli.NetworkInspect(ctx, net, network.InspectOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("network %s survived its test (err %v)", net, err)
	}
	if _, err := cli.VolumeInspect(ctx, vol); !cerrdefs.IsNotFound(err) {
		t.Errorf("volume %s survived its test (err %v)", vol, err)
	}
}

func TestRemoveLabelledRefusesNoLabels(t *testing.T) {
	t.Parallel()
	if err := RemoveLabelled(context.Background(), Client(t), nil); err == nil {
		t.Fatal("RemoveLabelled with no labels did not refuse")
	}
}

func TestObjectName(t *testing.T) {
	tests := []struct{ part, wantPrefix string }{
		{"", NamePrefix + "TestObjectName-"},
		{"web/1", NamePrefix + "TestObjectName-web-1-"},
	}
	for _, tc := range tests {
		got := objectName(t, tc.part)
		if !strings.HasPrefix(got, tc.wantPrefix) || len(got) != len(tc.wantPrefix)+8 {
			t.Errorf("objectName(%q) = %q, want %q + 8 hex digits", tc.part, got, tc.wantPrefix)
		}
		if unsafeName.MatchString(got) {
			t.Errorf("objectName(%q) = %q has characters the engine refuses", tc.part, got)
		}
	}
}
