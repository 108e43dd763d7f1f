// Package testengine gives tests a real Docker engine and the fixture image
// dockterm-fixture:test (see scripts/engine.sh and scripts/fixture-image.sh;
// `make test` runs both before `go test`).
//
// Every object a helper creates carries the label dockterm.test=1 plus
// dockterm.test.name=<t.Name()>, has a name starting with dkt-test-, and is
// removed in t.Cleanup even when the test fails. When no engine answers, or
// the image is missing, the helpers fail the test with a message saying what
// to run: a test that needs an engine never skips silently.
//
// The Wait* helpers poll with a generous deadline (a safety net against a
// hung test, not an assertion about speed).
package testengine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
)

const (
	// FixtureImage is the image built by scripts/fixture-image.sh; its
	// entrypoint is /fixture (see fixture/), and it has busybox for a shell.
	FixtureImage = "dockterm-fixture:test"
	// LabelTest marks everything tests create; `make clean-test` removes it all.
	LabelTest = "dockterm.test"
	// LabelTestName carries t.Name() of the test that created the object.
	LabelTestName = "dockterm.test.name"
	// NamePrefix starts the name of every container, network and volume
	// created by the helpers.
	NamePrefix = "dkt-test-"

	// fixtureLabel is set on the fixture image by scripts/fixture-image.sh.
	fixtureLabel = "dockterm.fixture"

	pingTimeout  = 15 * time.Second
	callTimeout  = 60 * time.Second  // one API call (create, start, remove...)
	waitTimeout  = 120 * time.Second // a Wait* helper, at most
	pollInterval = 100 * time.Millisecond
)

const hint = "start an engine and build the fixture image with `make test`, " +
	"or run `scripts/engine.sh && scripts/fixture-image.sh`"

// Client returns a Docker client configured from the environment
// (DOCKER_HOST etc.) with API version negotiation, after checking that the
// engine answers. It is closed in t.Cleanup.
func Client(t testing.TB) *client.Client {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatalf("testengine: docker client: %v", err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if _, err := cli.Ping(ctx); err != nil {
		t.Fatalf("testengine: no Docker engine answers at %s: %v\n\tThis test needs a real engine: %s.",
			cli.DaemonHost(), err, hint)
	}
	return cli
}

// Image returns FixtureImage after checking that the engine has it.
func Image(t testing.TB) string {
	t.Helper()
	checkImage(t, Client(t))
	return FixtureImage
}

func checkImage(t testing.TB, cli *client.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	img, err := cli.ImageInspect(ctx, FixtureImage)
	switch {
	case cerrdefs.IsNotFound(err):
		t.Fatalf("testengine: image %s is missing on %s: %s.", FixtureImage, cli.DaemonHost(), hint)
	case err != nil:
		t.Fatalf("testengine: inspect image %s: %v", FixtureImage, err)
	case img.Config == nil || img.Config.Labels[fixtureLabel] != "1":
		t.Fatalf("testengine: %s exists but was not built by scripts/fixture-image.sh (no %s label): "+
			"rebuild it with `scripts/fixture-image.sh --force`.", FixtureImage, fixtureLabel)
	}
}

// Labels returns the labels that mark objects created by test t.
func Labels(t testing.TB) map[string]string {
	return map[string]string{LabelTest: "1", LabelTestName: t.Name()}
}

// RunOpts describes a container for Run. Zero values are fine: Run(t,
// RunOpts{}) starts a fixture that sleeps until stopped.
type RunOpts struct {
	// Args are the fixture's flags (the container's Cmd), e.g.
	// []string{"-log-every", "100ms"}.
	Args []string
	// Name is an optional readable part of the container name; the name is
	// always NamePrefix + test name + Name + a random suffix.
	Name string
	// Labels are added to the container's labels (Labels(t) always are).
	Labels map[string]string
	// Config, HostConfig and NetworkingConfig are passed to the engine.
	// Config.Image defaults to FixtureImage, Config.Cmd to Args; Config is
	// copied, not modified.
	Config           *container.Config
	HostConfig       *container.HostConfig
	NetworkingConfig *network.NetworkingConfig
	// NoStart creates the container without starting it (for settings this
	// engine accepts at create time but cannot run, or to test "created").
	NoStart bool
}

// Run creates (and unless opts.NoStart, starts) a container and returns its
// ID. The container is force-removed with its anonymous volumes in t.Cleanup.
func Run(t testing.TB, opts RunOpts) string {
	t.Helper()
	cli := Client(t)
	checkImage(t, cli)

	cfg := container.Config{}
	if opts.Config != nil {
		cfg = *opts.Config
	}
	if cfg.Image == "" {
		cfg.Image = FixtureImage
	}
	if len(opts.Args) > 0 {
		if len(cfg.Cmd) > 0 {
			t.Fatalf("testengine: RunOpts has both Args and Config.Cmd")
		}
		cfg.Cmd = append([]string(nil), opts.Args...)
	}
	cfg.Labels = mergeLabels(cfg.Labels, opts.Labels, Labels(t))

	name := objectName(t, opts.Name)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	created, err := cli.ContainerCreate(ctx, &cfg, opts.HostConfig, opts.NetworkingConfig, nil, name)
	if err != nil {
		t.Fatalf("testengine: create container %s (args %q): %v", name, cfg.Cmd, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		err := cli.ContainerRemove(ctx, created.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("testengine: cleanup: remove container %s: %v", name, err)
		}
	})
	if !opts.NoStart {
		if err := cli.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
			t.Fatalf("testengine: start container %s (args %q): %v", name, cfg.Cmd, err)
		}
	}
	return created.ID
}

// Network creates a network named NamePrefix+test name (+ a random suffix)
// with the test labels, and removes it in t.Cleanup, disconnecting whatever
// is still attached. It returns the network's name; opts.Driver defaults to
// bridge.
func Network(t testing.TB, opts network.CreateOptions) string {
	t.Helper()
	cli := Client(t)
	name := objectName(t, "net")
	opts.Labels = mergeLabels(opts.Labels, Labels(t))
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	created, err := cli.NetworkCreate(ctx, name, opts)
	if err != nil {
		t.Fatalf("testengine: create network %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := removeNetwork(ctx, cli, created.ID); err != nil {
			t.Errorf("testengine: cleanup: %v", err)
		}
	})
	return name
}

// Volume creates a named volume (name NamePrefix+test name + a random
// suffix, unless opts.Name is set) with the test labels, and removes it in
// t.Cleanup together with any test container still using it. It returns the
// volume's name.
func Volume(t testing.TB, opts volume.CreateOptions) string {
	t.Helper()
	cli := Client(t)
	if opts.Name == "" {
		opts.Name = objectName(t, "vol")
	}
	opts.Labels = mergeLabels(opts.Labels, Labels(t))
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	vol, err := cli.VolumeCreate(ctx, opts)
	if err != nil {
		t.Fatalf("testengine: create volume %s: %v", opts.Name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := removeVolume(ctx, cli, vol.Name); err != nil {
			t.Errorf("testengine: cleanup: %v", err)
		}
	})
	return vol.Name
}

// Cleanup registers a t.Cleanup that removes every container, network and
// volume carrying all of labels (Labels(t) when labels is nil): for objects
// that the code under test creates, labelled by the test.
func Cleanup(t testing.TB, labels map[string]string) {
	t.Helper()
	if labels == nil {
		labels = Labels(t)
	}
	if len(labels) == 0 {
		t.Fatalf("testengine: Cleanup needs at least one label")
	}
	cli := Client(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := RemoveLabelled(ctx, cli, labels); err != nil {
			t.Errorf("testengine: cleanup: %v", err)
		}
	})
}

// RemoveLabelled removes every container (forced, with anonymous volumes),
// then every network, then every volume that carries all of labels. It goes
// on after an error and returns all errors joined.
func RemoveLabelled(ctx context.Context, cli *client.Client, labels map[string]string) error {
	if len(labels) == 0 {
		return errors.New("remove labelled: no labels given (refusing to remove everything)")
	}
	f := filters.NewArgs()
	for k, v := range labels {
		f.Add("label", k+"="+v)
	}
	var errs []error
	ctrs, err := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		errs = append(errs, fmt.Errorf("list containers: %w", err))
	}
	for _, c := range ctrs {
		err := cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("remove container %s: %w", c.ID[:12], err))
		}
	}
	nets, err := cli.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		errs = append(errs, fmt.Errorf("list networks: %w", err))
	}
	for _, n := range nets {
		if err := removeNetwork(ctx, cli, n.ID); err != nil {
			errs = append(errs, err)
		}
	}
	vols, err := cli.VolumeList(ctx, volume.ListOptions{Filters: f})
	if err != nil {
		errs = append(errs, fmt.Errorf("list volumes: %w", err))
	}
	for _, v := range vols.Volumes {
		if err := removeVolume(ctx, cli, v.Name); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeNetwork disconnects whatever is still attached, then removes the network.
func removeNetwork(ctx context.Context, cli *client.Client, id string) error {
	n, err := cli.NetworkInspect(ctx, id, network.InspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect network %s: %w", id, err)
	}
	for cid := range n.Containers {
		if err := cli.NetworkDisconnect(ctx, id, cid, true); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("disconnect %s from network %s: %w", cid, n.Name, err)
		}
	}
	if err := cli.NetworkRemove(ctx, id); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove network %s: %w", n.Name, err)
	}
	return nil
}

// removeVolume removes test containers still using the volume, then the volume.
func removeVolume(ctx context.Context, cli *client.Client, name string) error {
	users, err := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(
		filters.Arg("volume", name), filters.Arg("label", LabelTest+"=1"))})
	if err != nil {
		return fmt.Errorf("list users of volume %s: %w", name, err)
	}
	for _, c := range users {
		err := cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove container %s using volume %s: %w", c.ID[:12], name, err)
		}
	}
	if err := cli.VolumeRemove(ctx, name, true); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	return nil
}

// Inspect returns the container's inspect data.
func Inspect(t testing.TB, id string) container.InspectResponse {
	t.Helper()
	cli := Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	c, err := cli.ContainerInspect(ctx, id)
	if err != nil {
		t.Fatalf("testengine: inspect container %s: %v", short(id), err)
	}
	return c
}

// WaitFor polls the container's inspect data until cond holds and returns
// it. what describes the awaited state for the failure message.
func WaitFor(t testing.TB, id, what string, cond func(container.InspectResponse) bool) container.InspectResponse {
	t.Helper()
	cli := Client(t)
	ctx, cancel := waitContext(t)
	defer cancel()
	var last container.InspectResponse
	for {
		c, err := cli.ContainerInspect(ctx, id)
		if err == nil {
			last = c
			if cond(c) {
				return c
			}
		} else if ctx.Err() == nil {
			t.Fatalf("testengine: wait for container %s to be %s: %v", short(id), what, err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("testengine: container %s did not become %s; last state: %s",
				short(id), what, describeState(last))
		case <-time.After(pollInterval):
		}
	}
}

// WaitExit waits until the container is no longer running and returns its
// exit code.
func WaitExit(t testing.TB, id string) int {
	t.Helper()
	c := WaitFor(t, id, "exited", func(c container.InspectResponse) bool {
		return c.State != nil && !c.State.Running && !c.State.Restarting &&
			(c.State.Status == container.StateExited || c.State.Status == container.StateDead)
	})
	return c.State.ExitCode
}

// WaitHealth waits until the container's health status is status
// (container.Healthy, container.Unhealthy or container.Starting).
func WaitHealth(t testing.TB, id string, status container.HealthStatus) container.InspectResponse {
	t.Helper()
	return WaitFor(t, id, "health "+string(status), func(c container.InspectResponse) bool {
		return c.State != nil && c.State.Health != nil && c.State.Health.Status == status
	})
}

// Logs returns the container's stdout and stderr so far (for a TTY
// container, everything is in stdout).
func Logs(t testing.TB, id string) (stdout, stderr string) {
	t.Helper()
	cli := Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	out, errOut, err := logs(ctx, cli, id)
	if err != nil {
		t.Fatalf("testengine: logs of %s: %v", short(id), err)
	}
	return out, errOut
}

// WaitLogs waits until the container's stdout or stderr contains substr and
// returns both.
func WaitLogs(t testing.TB, id, substr string) (stdout, stderr string) {
	t.Helper()
	cli := Client(t)
	ctx, cancel := waitContext(t)
	defer cancel()
	for {
		out, errOut, err := logs(ctx, cli, id)
		if err == nil && (strings.Contains(out, substr) || strings.Contains(errOut, substr)) {
			return out, errOut
		}
		select {
		case <-ctx.Done():
			t.Fatalf("testengine: logs of %s never contained %q (last error %v); stdout: %q, stderr: %q",
				short(id), substr, err, clip(out), clip(errOut))
		case <-time.After(pollInterval):
		}
	}
}

func logs(ctx context.Context, cli *client.Client, id string) (stdout, stderr string, err error) {
	c, err := cli.ContainerInspect(ctx, id)
	if err != nil {
		return "", "", fmt.Errorf("inspect: %w", err)
	}
	rc, err := cli.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return "", "", fmt.Errorf("logs: %w", err)
	}
	defer rc.Close()
	var o, e bytes.Buffer
	if c.Config != nil && c.Config.Tty {
		_, err = io.Copy(&o, rc)
	} else {
		_, err = stdcopy.StdCopy(&o, &e, rc)
	}
	if err != nil {
		return "", "", fmt.Errorf("read logs: %w", err)
	}
	return o.String(), e.String(), nil
}

// waitContext bounds a Wait* helper by waitTimeout and by the test deadline.
func waitContext(t testing.TB) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(waitTimeout)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if td, ok := d.Deadline(); ok && td.Add(-5*time.Second).Before(deadline) {
			deadline = td.Add(-5 * time.Second)
		}
	}
	return context.WithDeadline(context.Background(), deadline)
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// objectName builds NamePrefix + test name + part + random suffix, within
// the characters the engine accepts for names.
func objectName(t testing.TB, part string) string {
	base := unsafeName.ReplaceAllString(t.Name(), "-")
	if len(base) > 40 {
		base = base[:40]
	}
	if part = unsafeName.ReplaceAllString(part, "-"); part != "" {
		base += "-" + part
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return NamePrefix + strings.Trim(base, "-.") + "-" + hex.EncodeToString(b[:])
}

func mergeLabels(sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range sets {
		maps.Copy(out, m)
	}
	return out
}

func describeState(c container.InspectResponse) string {
	if c.State == nil {
		return "unknown (never inspected)"
	}
	s := c.State
	desc := fmt.Sprintf("status=%s running=%v restarting=%v exit=%d oom=%v error=%q",
		s.Status, s.Running, s.Restarting, s.ExitCode, s.OOMKilled, s.Error)
	if s.Health != nil {
		desc += fmt.Sprintf(" health=%s failing=%d", s.Health.Status, s.Health.FailingStreak)
	}
	return desc
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:1000] + " ... " + s[len(s)-1000:]
	}
	return s
}

// Exec runs cmd inside the running container (as its default user) and
// returns its stdout, stderr and exit code.
func Exec(t testing.TB, id string, cmd ...string) (stdout, stderr string, exitCode int) {
	t.Helper()
	cli := Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	ex, err := cli.ContainerExecCreate(ctx, id, container.ExecOptions{
		Cmd: cmd, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		t.Fatalf("testengine: exec %q in %s: %v", cmd, short(id), err)
	}
	att, err := cli.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		t.Fatalf("testengine: attach to exec %q in %s: %v", cmd, short(id), err)
	}
	defer att.Close()
	var o, e bytes.Buffer
	if _, err := stdcopy.StdCopy(&o, &e, att.Reader); err != nil {
		t.Fatalf("testengine: read exec %q output: %v", cmd, err)
	}
	// The output ends when the process does, but the engine may record the
	// exit code a moment later.
	for {
		st, err := cli.ContainerExecInspect(ctx, ex.ID)
		if err != nil {
			t.Fatalf("testengine: inspect exec %q: %v", cmd, err)
		}
		if !st.Running {
			return o.String(), e.String(), st.ExitCode
		}
		select {
		case <-ctx.Done():
			t.Fatalf("testengine: exec %q in %s still running", cmd, short(id))
		case <-time.After(pollInterval / 10):
		}
	}
}

// Stats returns one one-shot stats sample of the container (API >= 1.41).
func Stats(t testing.TB, id string) container.StatsResponse {
	t.Helper()
	cli := Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	r, err := cli.ContainerStatsOneShot(ctx, id)
	if err != nil {
		t.Fatalf("testengine: stats of %s: %v", short(id), err)
	}
	defer r.Body.Close()
	var s container.StatsResponse
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		t.Fatalf("testengine: decode stats of %s: %v", short(id), err)
	}
	return s
}
