package e2e

import (
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/internal/testengine"
)

// TestNewRiskyContainerAppearsInSecurityTab starts the console first, then
// a container that mounts the engine socket, and expects the finding to show
// up in the Security tab from events, without any key to refresh.
func TestNewRiskyContainerAppearsInSecurityTab(t *testing.T) {
	bin := buildBinary(t)
	p := startPane(t, 160, 45, append(dockerHostEnv(), "TERM=xterm-256color", "XDG_CONFIG_HOME="+t.TempDir()), bin)
	// The status bar, not the table header: a fresh engine has no
	// containers yet and the list then shows "No containers." instead.
	p.waitText("running │")
	p.keys("5")
	p.waitText("score")

	id := testengine.Run(t, testengine.RunOpts{Name: "sock",
		HostConfig: &container.HostConfig{Binds: []string{"/var/run/docker.sock:/var/run/docker.sock:ro"}}})
	name := strings.TrimPrefix(testengine.Inspect(t, id).Name, "/")
	p.keys("/")
	p.literal(name)
	p.keys("Enter")
	s := p.waitText("CIS-5.32")
	if !strings.Contains(s, "socket") {
		t.Errorf("finding title missing:\n%s", s)
	}
	// The detail explains evidence and remediation. Wait for a heading only
	// the detail has: the list's EVIDENCE column already shows the socket
	// path, so waiting for it raced with the detail being drawn.
	p.keys("Enter")
	s = p.waitText("Hardened run command")
	for _, want := range []string{"/var/run/docker.sock", "evidence", "why", "fix"} {
		if !strings.Contains(s, want) {
			t.Errorf("finding detail lacks %q:\n%s", want, s)
		}
	}
}
