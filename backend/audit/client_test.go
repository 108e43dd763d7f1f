package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shared fixtures sit beside the repository (../shared/fixtures from
// its root); tests read them in place.
var fixtures = filepath.Join("..", "..", "..", "shared", "fixtures")

func fixture(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(fixtures, rel))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s missing (the repository expects ../shared/fixtures beside it): %v", rel, err)
	}
	return p
}

func TestParseMachineConfigFixtures(t *testing.T) {
	tests := []struct {
		file      string
		name      string
		insecure  []string
		tlsVerify string // "true", "false", "" (not recorded)
		caKey     string
	}{
		{"docker-machine/04-v1-format-docker-machine-fixture.config.json", "foobar", nil, "true", "/Users/catbug/.docker/machine/certs/ca-key.pem"},
		{"docker-machine/05-v0-format-docker-machine-fixture.config.json", "dev", nil, "false", "/Users/ljrittle/.docker/machine/certs/ca-key.pem"},
		{"docker-machine/06-v3-with-base64-RawDriver-docker-machine-fixture.config.json", "default", nil, "", ""},
		{"docker-machine/06b-v2-format-docker-machine-fixture.config.json", "default", nil, "", ""},
		{"docker-machine/07-minikube-libmachine-fork-v3.config.json", "p1", []string{"10.96.0.0/12"}, "false", "/Users/someuser/.minikube/certs/ca-key.pem"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(fixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseMachineConfig(data)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != tc.name {
				t.Errorf("name = %q, want %q", m.Name, tc.name)
			}
			if strings.Join(m.InsecureRegistry, ",") != strings.Join(tc.insecure, ",") {
				t.Errorf("insecure = %v, want %v", m.InsecureRegistry, tc.insecure)
			}
			tv := ""
			if m.TLSVerify != nil {
				tv = map[bool]string{true: "true", false: "false"}[*m.TLSVerify]
			}
			if tv != tc.tlsVerify {
				t.Errorf("TlsVerify = %q, want %q", tv, tc.tlsVerify)
			}
			if tc.caKey != "" && !containsFold(m.KeyPaths, tc.caKey) {
				t.Errorf("key paths %v lack %s", m.KeyPaths, tc.caKey)
			}
		})
	}
}

func TestParseContextFixture(t *testing.T) {
	data, err := os.ReadFile(fixture(t, "docker-context/meta.json.remote-ssh.example"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseContextMeta(data)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "remote" || c.Host != "ssh://someserver" || c.SkipTLSVerify {
		t.Errorf("context = %+v", c)
	}
	if fs := ClientFindings(ClientInput{Contexts: []ContextMeta{c}}); len(fs) != 0 {
		t.Errorf("an ssh context has findings: %s", summary(fs))
	}
}

func write(t *testing.T, path string, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask-proof
		t.Fatal(err)
	}
}

func link(t *testing.T, target, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// TestLoadClient builds a docker config dir and a docker-machine store
// whose machine configs are the shared fixtures (linked in place) and
// checks the loader and the rules together.
func TestLoadClient(t *testing.T) {
	root := t.TempDir()
	dockerDir := filepath.Join(root, "docker")
	store := filepath.Join(root, "machine")

	link(t, fixture(t, "docker-context/meta.json.remote-ssh.example"), filepath.Join(dockerDir, "contexts", "meta", "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a", "meta.json"))
	write(t, filepath.Join(dockerDir, "contexts", "meta", "aaaa", "meta.json"), `{"Name":"legacy","Endpoints":{"docker":{"Host":"tcp://10.0.0.5:2375","SkipTLSVerify":false}}}`, 0o644)
	write(t, filepath.Join(dockerDir, "contexts", "meta", "bbbb", "meta.json"), `{"Name":"tls-lax","Endpoints":{"docker":{"Host":"tcp://10.0.0.6:2376","SkipTLSVerify":true}}}`, 0o644)
	write(t, filepath.Join(dockerDir, "contexts", "tls", "bbbb", "docker", "key.pem"), "KEY", 0o644)
	write(t, filepath.Join(dockerDir, "contexts", "meta", "cccc", "meta.json"), `{not json`, 0o644)
	write(t, filepath.Join(dockerDir, "config.json"), `{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpodW50ZXIy"},"ghcr.io":{}}}`, 0o600)

	write(t, filepath.Join(store, "certs", "ca-key.pem"), "CA KEY", 0o644)
	write(t, filepath.Join(store, "certs", "key.pem"), "CLIENT KEY", 0o600)
	for name, fx := range map[string]string{
		"foobar":  "docker-machine/04-v1-format-docker-machine-fixture.config.json",
		"dev":     "docker-machine/05-v0-format-docker-machine-fixture.config.json",
		"default": "docker-machine/06-v3-with-base64-RawDriver-docker-machine-fixture.config.json",
		"p1":      "docker-machine/07-minikube-libmachine-fork-v3.config.json",
	} {
		link(t, fixture(t, fx), filepath.Join(store, "machines", name, "config.json"))
	}
	write(t, filepath.Join(store, "machines", "p1", "server-key.pem"), "K", 0o640)
	write(t, filepath.Join(store, "machines", "dev", "id_rsa"), "K", 0o600)

	env := map[string]string{"DOCKER_HOST": "tcp://10.0.0.7:2375"}
	in, errs := LoadClient(ClientPaths{DockerConfigDir: dockerDir, MachineStorage: store}, func(k string) string { return env[k] })
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "cccc") {
		t.Errorf("errs = %v, want one for the malformed context", errs)
	}
	if len(in.Contexts) != 3 || len(in.Machines) != 4 || in.Config == nil {
		t.Fatalf("loaded %d contexts, %d machines, config %v", len(in.Contexts), len(in.Machines), in.Config != nil)
	}

	fs := ClientFindings(in)
	type key struct{ id, obj string }
	got := map[key]Finding{}
	for _, f := range fs {
		got[key{f.ID, f.Object.Name}] = f
	}
	want := []struct {
		id, obj string
		sev     Severity
		ev      string
	}{
		{"DKT-CLI-01", "legacy", SevCritical, "tcp://10.0.0.5:2375"},
		{"DKT-CLI-01", "DOCKER_HOST (environment)", SevCritical, "tcp://10.0.0.7:2375"},
		{"DKT-CLI-02", "tls-lax", SevHigh, "SkipTLSVerify=true"},
		{"DKT-CLI-03", "machine store CA", SevCritical, "certs/ca-key.pem has mode 0644"},
		{"DKT-CLI-03", "p1", SevHigh, "server-key.pem has mode 0640"},
		{"DKT-CLI-03", "tls-lax", SevHigh, "key.pem has mode 0644"},
		{"DKT-CLI-04", filepath.Join(dockerDir, "config.json"), SevMedium, "https://index.docker.io/v1/"},
		{"DKT-CLI-05", "p1", SevHigh, "InsecureRegistry=[10.96.0.0/12]"},
		{"DKT-CLI-05", "dev", SevMedium, "TlsVerify=false"},
	}
	for _, w := range want {
		f, ok := got[key{w.id, w.obj}]
		if !ok {
			t.Errorf("missing %s on %s; got %s", w.id, w.obj, summary(fs))
			continue
		}
		if f.Severity != w.sev || !strings.Contains(f.Evidence, w.ev) {
			t.Errorf("%s on %s: %s %q, want %s containing %q", w.id, w.obj, f.Severity, f.Evidence, w.sev, w.ev)
		}
		delete(got, key{w.id, w.obj})
	}
	for k, f := range got {
		t.Errorf("unexpected %s on %s: %s", k.id, k.obj, f.Evidence)
	}
	if strings.Contains(summary(fs), "hunter2") || strings.Contains(summary(fs), "dXNlcjpodW50ZXIy") {
		t.Error("a credential reached a finding")
	}
}

func TestLoadClientMissingDirs(t *testing.T) {
	in, errs := LoadClient(ClientPaths{DockerConfigDir: filepath.Join(t.TempDir(), "nope"), MachineStorage: filepath.Join(t.TempDir(), "nope")}, func(string) string { return "" })
	if len(errs) != 0 || len(in.Contexts)+len(in.Machines)+len(in.Keys) != 0 || in.Config != nil {
		t.Errorf("missing directories: %+v, %v", in, errs)
	}
}

func TestDefaultClientPaths(t *testing.T) {
	env := map[string]string{"DOCKER_CONFIG": "/d", "MACHINE_STORAGE_PATH": "/m"}
	p := DefaultClientPaths(func(k string) string { return env[k] })
	if p.DockerConfigDir != "/d" || p.MachineStorage != "/m" {
		t.Errorf("paths = %+v", p)
	}
}
