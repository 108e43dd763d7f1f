package endpoints

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fixtures are read in place from ../shared/fixtures (relative to the
// repository root), never copied into the repository.
const (
	contextFixtures = "../../../shared/fixtures/docker-context"
	machineFixtures = "../../../shared/fixtures/docker-machine"
)

func readFixture(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// testEnv is a hermetic home directory: nothing of the real machine leaks in.
type testEnv struct {
	t   *testing.T
	env Env
}

func newTestEnv(t *testing.T) *testEnv {
	home := t.TempDir()
	return &testEnv{t: t, env: Env{
		Home:        home,
		Vars:        map[string]string{"USER": "op"},
		LocalSocket: filepath.Join(home, "no-engine-here.sock"),
	}}
}

func (te *testEnv) write(path string, data []byte) string {
	te.t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(te.env.Home, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		te.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		te.t.Fatal(err)
	}
	return path
}

// context stores meta.json bytes the way the CLI does, under the SHA-256 of
// the context name.
func (te *testEnv) context(name string, meta []byte) {
	te.write(filepath.Join(".docker", "contexts", "meta", ContextID(name), "meta.json"), meta)
}

// listen creates a real unix socket (in a short directory: socket paths are
// limited to about 100 bytes) and makes it the local socket.
func (te *testEnv) listen() string {
	te.t.Helper()
	dir, err := os.MkdirTemp("", "dtsock")
	if err != nil {
		te.t.Fatal(err)
	}
	te.t.Cleanup(func() { os.RemoveAll(dir) })
	p := filepath.Join(dir, "docker.sock")
	l, err := net.Listen("unix", p)
	if err != nil {
		te.t.Fatal(err)
	}
	te.t.Cleanup(func() { l.Close() })
	te.env.LocalSocket = p
	return p
}

func byName(eps []Endpoint) map[string]Endpoint {
	m := map[string]Endpoint{}
	for _, e := range eps {
		m[e.Name] = e
	}
	return m
}

func currentNames(eps []Endpoint) []string {
	var out []string
	for _, e := range eps {
		if e.Current {
			out = append(out, e.Name)
		}
	}
	return out
}

func errText(errs []error) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "\n")
}

func TestDiscoverNothing(t *testing.T) {
	te := newTestEnv(t)
	eps, errs := Discover(te.env)
	if len(eps) != 0 || len(errs) != 0 {
		t.Errorf("empty home: %+v %v", eps, errs)
	}
}

func TestContextIDMatchesTheCLIStore(t *testing.T) {
	// The fixture comes from docker/cli's store, folder b71199eb… for "remote".
	if id := ContextID("remote"); !strings.HasPrefix(id, "b71199eb") || len(id) != 64 {
		t.Errorf("ContextID(remote) = %s", id)
	}
}

// goldenContext turns the first element of `docker context inspect` output
// (the golden fixture) into a meta.json: inspect prints the stored metadata
// plus TLSMaterial and Storage, which the reader must ignore.
func goldenContext(t *testing.T) []byte {
	var list []json.RawMessage
	if err := json.Unmarshal(readFixture(t, contextFixtures, "context-inspect.golden.example"), &list); err != nil || len(list) == 0 {
		t.Fatalf("golden: %v", err)
	}
	return list[0]
}

func TestDiscoverContexts(t *testing.T) {
	te := newTestEnv(t)
	te.context("remote", readFixture(t, contextFixtures, "meta.json.remote-ssh.example"))
	te.context("current", goldenContext(t))
	te.context("tlsctx", []byte(`{"Name":"tlsctx","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://10.0.0.7:2376","SkipTLSVerify":false}}}`))
	tlsDir := filepath.Join(".docker", "contexts", "tls", ContextID("tlsctx"), "docker")
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		te.write(filepath.Join(tlsDir, f), []byte("pem"))
	}
	te.context("lax", []byte(`{"name":"lax","endpoints":{"docker":{"host":"tcp://10.0.0.8:2376","skipTLSVerify":true}}}`))
	te.context("broken", []byte(`{"Name":"broken","Endpoints":{`))
	te.context("nodocker", []byte(`{"Name":"nodocker","Endpoints":{"kubernetes":{"Host":"https://k"}}}`))

	eps, errs := Discover(te.env)
	got := byName(eps)
	if len(errs) != 2 || !strings.Contains(errText(errs), "invalid meta.json") || !strings.Contains(errText(errs), `"nodocker" has no docker endpoint`) {
		t.Errorf("errors:\n%s", errText(errs))
	}

	remote := got["remote"]
	if remote.Source != SourceContext || remote.Host != "ssh://op@someserver:22/var/run/docker.sock" ||
		remote.Description != "my remote cluster" || remote.TLS != nil ||
		remote.SSH == nil || remote.SSH.User != "op" || remote.SSH.Host != "someserver" || remote.SSH.Port != 22 {
		t.Errorf("remote = %+v ssh=%+v", remote, remote.SSH)
	}

	current := got["current"]
	if current.Host != "tcp://someswarmserver.example.com:443" || current.Description != "description of current" ||
		current.TLS == nil || current.TLS.CA != "" || current.TLS.SkipVerify {
		t.Errorf("current = %+v tls=%+v", current, current.TLS)
	}
	// The golden's context was written under the right id: no warning.
	if len(current.Warnings) != 0 {
		t.Errorf("current warnings: %v", current.Warnings)
	}

	tc := got["tlsctx"]
	abs := filepath.Join(te.env.Home, tlsDir)
	want := &TLSConfig{CA: filepath.Join(abs, "ca.pem"), Cert: filepath.Join(abs, "cert.pem"), Key: filepath.Join(abs, "key.pem")}
	if !reflect.DeepEqual(tc.TLS, want) || len(tc.Insecure()) != 0 {
		t.Errorf("tlsctx TLS = %+v insecure=%v", tc.TLS, tc.Insecure())
	}
	if lax := got["lax"]; lax.TLS == nil || !lax.TLS.SkipVerify || len(lax.Insecure()) != 1 {
		t.Errorf("lax = %+v", lax)
	}
}

func TestDiscoverCurrentPrecedence(t *testing.T) {
	tests := []struct {
		name           string
		vars           map[string]string
		currentContext string
		hosts          []string
		want           []string
		wantErr        string
	}{
		{name: "default context is the local socket", want: []string{"local"}},
		{name: "currentContext", currentContext: "remote", want: []string{"remote"}},
		{name: "currentContext default", currentContext: "default", want: []string{"local"}},
		{name: "DOCKER_CONTEXT beats currentContext", vars: map[string]string{"DOCKER_CONTEXT": "current"}, currentContext: "remote", want: []string{"current"}},
		{name: "DOCKER_HOST beats DOCKER_CONTEXT", vars: map[string]string{"DOCKER_HOST": "tcp://10.9.8.7:2376", "DOCKER_CONTEXT": "remote"}, want: []string{"env"}},
		{name: "-H beats DOCKER_HOST", vars: map[string]string{"DOCKER_HOST": "tcp://10.9.8.7:2376"}, hosts: []string{"tcp://10.1.1.1:2376"}, want: []string{"tcp://10.1.1.1:2376"}},
		{name: "missing DOCKER_CONTEXT", vars: map[string]string{"DOCKER_CONTEXT": "nope"}, wantErr: `"nope" (from DOCKER_CONTEXT) not found`},
		{name: "missing currentContext", currentContext: "gone", wantErr: `"gone" (from currentContext`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.listen()
			te.context("remote", readFixture(t, contextFixtures, "meta.json.remote-ssh.example"))
			te.context("current", goldenContext(t))
			if tc.currentContext != "" {
				te.write(filepath.Join(".docker", "config.json"), []byte(`{"auths":{},"currentContext":"`+tc.currentContext+`"}`))
			}
			for k, v := range tc.vars {
				te.env.Vars[k] = v
			}
			te.env.Hosts = tc.hosts
			eps, errs := Discover(te.env)
			if tc.wantErr != "" {
				if !strings.Contains(errText(errs), tc.wantErr) {
					t.Errorf("errors %q, want %q", errText(errs), tc.wantErr)
				}
			} else if len(errs) != 0 {
				t.Errorf("errors: %s", errText(errs))
			}
			if got := currentNames(eps); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("current = %v, want %v", got, tc.want)
			}
			// Exactly one endpoint carries the "default" context name.
			n := 0
			for _, e := range eps {
				for _, a := range e.Also {
					if a == (Ref{Name: "default", Source: SourceContext}) {
						n++
					}
				}
			}
			if n != 1 {
				t.Errorf("%d endpoints are the default context", n)
			}
		})
	}
}

func TestDiscoverEnv(t *testing.T) {
	tests := []struct {
		name     string
		vars     map[string]string
		files    []string // written into certs/
		host     string
		tls      *TLSConfig // "<certs>" and "<docker>" replaced
		insecure int
		warn     string
		errs     string
	}{
		{
			name:  "TLS verified with DOCKER_CERT_PATH",
			vars:  map[string]string{"DOCKER_HOST": "tcp://1.2.3.4:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "<certs>"},
			files: []string{"ca.pem", "cert.pem", "key.pem"},
			host:  "tcp://1.2.3.4:2376", tls: &TLSConfig{CA: "<certs>/ca.pem", Cert: "<certs>/cert.pem", Key: "<certs>/key.pem"},
		},
		{
			name:  "DOCKER_TLS_VERIFY=0 still verifies (any non-empty value)",
			vars:  map[string]string{"DOCKER_HOST": "tcp://1.2.3.4:2376", "DOCKER_TLS_VERIFY": "0", "DOCKER_CERT_PATH": "<certs>"},
			files: []string{"ca.pem", "cert.pem", "key.pem"},
			host:  "tcp://1.2.3.4:2376", tls: &TLSConfig{CA: "<certs>/ca.pem", Cert: "<certs>/cert.pem", Key: "<certs>/key.pem"},
		},
		{
			name:  "DOCKER_TLS alone encrypts without verifying",
			vars:  map[string]string{"DOCKER_HOST": "tcp://1.2.3.4:2376", "DOCKER_TLS": "1", "DOCKER_CERT_PATH": "<certs>"},
			files: []string{"cert.pem", "key.pem"},
			host:  "tcp://1.2.3.4:2376", tls: &TLSConfig{Cert: "<certs>/cert.pem", Key: "<certs>/key.pem", SkipVerify: true}, insecure: 1,
		},
		{
			name: "plain TCP, bare host gets 2375",
			vars: map[string]string{"DOCKER_HOST": "10.0.0.3"},
			host: "tcp://10.0.0.3:2375", insecure: 1,
		},
		{
			name:  "cert path defaults to DOCKER_CONFIG; missing files are dropped",
			vars:  map[string]string{"DOCKER_HOST": "tcp://1.2.3.4:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CONFIG": "<certs>"},
			files: []string{"ca.pem"},
			host:  "tcp://1.2.3.4:2376", tls: &TLSConfig{CA: "<certs>/ca.pem"},
		},
		{
			name: "DOCKER_TLS_VERIFY without DOCKER_HOST means tcp://localhost:2376",
			vars: map[string]string{"DOCKER_TLS_VERIFY": "1"},
			host: "tcp://localhost:2376", tls: &TLSConfig{}, warn: "without DOCKER_HOST",
		},
		{
			name: "ssh DOCKER_HOST",
			vars: map[string]string{"DOCKER_HOST": "ssh://deploy@10.0.0.4", "DOCKER_TLS_VERIFY": "1"},
			host: "ssh://deploy@10.0.0.4:22/var/run/docker.sock",
		},
		{
			name: "bad DOCKER_HOST is an error of its own",
			vars: map[string]string{"DOCKER_HOST": "gopher://x"},
			errs: "DOCKER_HOST",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.listen()
			certs := filepath.Join(te.env.Home, "certs")
			for _, f := range tc.files {
				te.write(filepath.Join(certs, f), []byte("pem"))
			}
			for k, v := range tc.vars {
				te.env.Vars[k] = strings.ReplaceAll(v, "<certs>", certs)
			}
			eps, errs := Discover(te.env)
			if tc.errs != "" {
				if !strings.Contains(errText(errs), tc.errs) {
					t.Errorf("errors %q, want %q", errText(errs), tc.errs)
				}
				if _, ok := byName(eps)["local"]; !ok {
					t.Errorf("a bad DOCKER_HOST hid the local socket")
				}
				return
			}
			if len(errs) != 0 {
				t.Fatalf("errors: %s", errText(errs))
			}
			ep, ok := byName(eps)["env"]
			if !ok {
				t.Fatalf("no env endpoint in %+v", eps)
			}
			if ep.Host != tc.host || !ep.Current {
				t.Errorf("env = %q current=%v, want %q", ep.Host, ep.Current, tc.host)
			}
			var want *TLSConfig
			if tc.tls != nil {
				w := *tc.tls
				for _, p := range []*string{&w.CA, &w.Cert, &w.Key} {
					*p = strings.ReplaceAll(*p, "<certs>", certs)
				}
				want = &w
			}
			if !reflect.DeepEqual(ep.TLS, want) {
				t.Errorf("TLS = %+v, want %+v", ep.TLS, want)
			}
			if len(ep.Insecure()) != tc.insecure {
				t.Errorf("Insecure = %v, want %d", ep.Insecure(), tc.insecure)
			}
			if tc.warn != "" && !strings.Contains(strings.Join(ep.Warnings, "\n"), tc.warn) {
				t.Errorf("warnings %v, want %q", ep.Warnings, tc.warn)
			}
			// The local socket is still listed, no longer current.
			if local := byName(eps)["local"]; local.Current || local.Host == "" {
				t.Errorf("local = %+v", local)
			}
		})
	}
}

func TestDiscoverDeduplicates(t *testing.T) {
	t.Run("DOCKER_HOST is the local socket", func(t *testing.T) {
		te := newTestEnv(t)
		sock := te.listen()
		// Through a symlinked directory, as /var/run -> /run.
		link := filepath.Join(te.env.Home, "run")
		if err := os.Symlink(filepath.Dir(sock), link); err != nil {
			t.Fatal(err)
		}
		te.env.Vars["DOCKER_HOST"] = "unix://" + filepath.Join(link, "docker.sock")
		eps, errs := Discover(te.env)
		if len(errs) != 0 || len(eps) != 1 {
			t.Fatalf("got %+v %v", eps, errs)
		}
		e := eps[0]
		wantAlso := []Ref{{"env", SourceEnv}, {"default", SourceContext}}
		if e.Name != "local" || !e.Current || !reflect.DeepEqual(e.Also, wantAlso) {
			t.Errorf("merged = %+v", e)
		}
	})
	t.Run("docker-machine env of a machine", func(t *testing.T) {
		te := newTestEnv(t)
		store := filepath.Join(te.env.Home, ".docker", "machine")
		te.write(filepath.Join(store, "machines", "foobar", "config.json"), readFixture(t, machineFixtures, "04-v1-format-docker-machine-fixture.config.json"))
		mdir := filepath.Join(store, "machines", "foobar")
		for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
			te.write(filepath.Join(mdir, f), []byte("pem"))
		}
		// What `eval $(docker-machine env foobar)` exports.
		for k, v := range map[string]string{"DOCKER_TLS_VERIFY": "1", "DOCKER_HOST": "tcp://192.168.99.100:2376",
			"DOCKER_CERT_PATH": mdir, "DOCKER_MACHINE_NAME": "foobar"} {
			te.env.Vars[k] = v
		}
		eps, errs := Discover(te.env)
		if len(errs) != 0 || len(eps) != 1 {
			t.Fatalf("got %+v %v", eps, errs)
		}
		e := eps[0]
		if e.Name != "foobar" || e.Source != SourceMachine || !e.Current || e.TLS == nil || e.TLS.CA != filepath.Join(mdir, "ca.pem") {
			t.Errorf("merged = %+v tls=%+v", e, e.TLS)
		}
		if !reflect.DeepEqual(e.Also, []Ref{{"env", SourceEnv}, {"default", SourceContext}}) {
			t.Errorf("Also = %v", e.Also)
		}
	})
	t.Run("same name, different engines", func(t *testing.T) {
		te := newTestEnv(t)
		te.context("dev", []byte(`{"Name":"dev","Endpoints":{"docker":{"Host":"tcp://10.0.0.1:2375"}}}`))
		te.write(filepath.Join(".config", "dockterm", "config.json"), []byte(`{"endpoints":[{"name":"dev","host":"tcp://10.0.0.2:2375"}]}`))
		eps, errs := Discover(te.env)
		if len(errs) != 0 {
			t.Fatal(errText(errs))
		}
		got := byName(eps)
		if got["dev"].Source != SourceConfig || got["dev (context)"].Host != "tcp://10.0.0.1:2375" || len(eps) != 2 {
			t.Errorf("names: %+v", eps)
		}
	})
}

func TestDiscoverMachines(t *testing.T) {
	te := newTestEnv(t)
	store := filepath.Join(te.env.Home, "machines-store")
	te.env.Vars["MACHINE_STORAGE_PATH"] = store
	put := func(store, name, fixture string) string {
		return te.write(filepath.Join(store, "machines", name, "config.json"), readFixture(t, machineFixtures, fixture))
	}
	put(store, "foobar", "04-v1-format-docker-machine-fixture.config.json")
	put(store, "p1", "07-minikube-libmachine-fork-v3.config.json")
	put(store, "default", "06b-v2-format-docker-machine-fixture.config.json") // no IP yet
	te.write(filepath.Join(store, "machines", "broken", "config.json"), []byte("{not json"))
	// A second store, listed in the dockterm config.
	second := filepath.Join(te.env.Home, "other-store")
	put(second, "dev", "05-v0-format-docker-machine-fixture.config.json")
	te.write(filepath.Join(".config", "dockterm", "config.json"), []byte(`{"machineStores":["~/other-store"]}`))

	eps, errs := Discover(te.env)
	got := byName(eps)
	if len(eps) != 2 {
		t.Errorf("endpoints: %+v", eps)
	}
	et := errText(errs)
	if len(errs) != 2 || !strings.Contains(et, `"default"`) || !strings.Contains(et, "no engine URL") || !strings.Contains(et, `"broken"`) {
		t.Errorf("errors:\n%s", et)
	}

	foobar := got["foobar"]
	mdir := filepath.Join(store, "machines", "foobar")
	if foobar.Source != SourceMachine || foobar.Host != "tcp://192.168.99.100:2376" || foobar.Current {
		t.Errorf("foobar = %+v", foobar)
	}
	wantTLS := &TLSConfig{CA: filepath.Join(mdir, "ca.pem"), Cert: filepath.Join(mdir, "cert.pem"), Key: filepath.Join(mdir, "key.pem")}
	if !reflect.DeepEqual(foobar.TLS, wantTLS) {
		t.Errorf("foobar TLS = %+v", foobar.TLS)
	}
	wantSSH := &SSHConfig{User: "docker", Host: "127.0.0.1", Port: 64477, Socket: DefaultSocket,
		IdentityFiles: []string{"/Users/catbug/.docker/machine/machines/foobar/id_rsa"}}
	if !reflect.DeepEqual(foobar.SSH, wantSSH) {
		t.Errorf("foobar SSH = %+v", foobar.SSH)
	}
	w := strings.Join(foobar.Warnings, "\n")
	for _, frag := range []string{"ConfigVersion 1", "IP taken from config.json", "no complete set of ca.pem"} {
		if !strings.Contains(w, frag) {
			t.Errorf("foobar warnings lack %q:\n%s", frag, w)
		}
	}
	// dev and foobar share an IP (both fixtures are 192.168.99.100): the
	// same engine URL, so they merge, and the first store's name wins.
	if _, ok := got["dev"]; ok {
		t.Errorf("dev and foobar should be one engine: %+v", eps)
	}
	if !reflect.DeepEqual(foobar.Also, []Ref{{"dev", SourceMachine}}) {
		t.Errorf("foobar.Also = %v", foobar.Also)
	}
	if p1 := got["p1"]; p1.Host != "tcp://192.168.64.50:2376" || p1.SSH == nil || p1.SSH.IdentityFiles[0] != "/Users/someuser/.minikube/machines/p1/id_rsa" {
		t.Errorf("p1 = %+v", p1)
	}

	// Once the machine dir holds its certificates, no TLS warning.
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		te.write(filepath.Join(mdir, f), []byte("pem"))
	}
	eps, _ = Discover(te.env)
	if w := strings.Join(byName(eps)["foobar"].Warnings, "\n"); strings.Contains(w, "ca.pem") {
		t.Errorf("warnings after certs exist: %s", w)
	}
}

func TestDiscoverConfigFile(t *testing.T) {
	te := newTestEnv(t)
	te.listen()
	te.env.Vars["XDG_CONFIG_HOME"] = filepath.Join(te.env.Home, "xdg")
	cfgDir := filepath.Join(te.env.Home, "xdg", "dockterm")
	te.write(filepath.Join(cfgDir, "config.json"), []byte(`{
  "theme": {"accent": "blue"},
  "endpoints": [
    {"name": "prod-db", "host": "ssh://ops@10.0.0.5:2222", "identityFile": "~/.ssh/prod", "description": "db hosts"},
    {"name": "build", "host": "tcp://build.internal:2376", "tls": {"certPath": "certs/build"}},
    {"name": "lab", "host": "tcp://10.0.9.9:2376", "tls": {"ca": "/etc/lab/ca.pem", "skipVerify": true}},
    {"name": "typo", "host": "tcp://10.0.9.10:2376", "skipverify": true},
    {"name": "nohost"},
    {"name": "sshtls", "host": "ssh://a@b", "tls": {}},
    {"name": "halfcert", "host": "tcp://h:2376", "tls": {"cert": "c.pem"}},
    {"name": "prod-db", "host": "tcp://10.0.0.99:2375"},
    {"name": "yolo", "host": "ssh://root@10.0.0.6", "insecureIgnoreHostKey": true}
  ]
}`))
	eps, errs := Discover(te.env)
	got := byName(eps)
	et := errText(errs)
	for _, frag := range []string{`endpoint 4: json: unknown field "skipverify"`, `endpoint 5: "nohost": "host" is required`,
		`endpoint 6: "sshtls": "tls" only applies`, `endpoint 7: "halfcert"`, `endpoint 8: name "prod-db" is used twice`} {
		if !strings.Contains(et, frag) {
			t.Errorf("errors lack %q:\n%s", frag, et)
		}
	}
	if len(errs) != 5 {
		t.Errorf("%d errors:\n%s", len(errs), et)
	}
	db := got["prod-db"]
	if db.Source != SourceConfig || db.Host != "ssh://ops@10.0.0.5:2222/var/run/docker.sock" || db.Description != "db hosts" ||
		!reflect.DeepEqual(db.SSH.IdentityFiles, []string{filepath.Join(te.env.Home, ".ssh", "prod")}) || db.Current {
		t.Errorf("prod-db = %+v ssh=%+v", db, db.SSH)
	}
	cd := filepath.Join(cfgDir, "certs", "build")
	if b := got["build"]; !reflect.DeepEqual(b.TLS, &TLSConfig{CA: filepath.Join(cd, "ca.pem"), Cert: filepath.Join(cd, "cert.pem"), Key: filepath.Join(cd, "key.pem")}) {
		t.Errorf("build TLS = %+v", b.TLS)
	}
	if lab := got["lab"]; lab.TLS == nil || lab.TLS.CA != "/etc/lab/ca.pem" || !lab.TLS.SkipVerify || len(lab.Insecure()) != 1 {
		t.Errorf("lab = %+v", lab)
	}
	if y := got["yolo"]; y.SSH == nil || !y.SSH.InsecureIgnoreHostKey || len(y.Insecure()) != 1 {
		t.Errorf("yolo = %+v", y)
	}
	if !got["local"].Current {
		t.Errorf("config endpoints must not change which one is current")
	}
}

func TestDiscoverConfigFileProblems(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		data  string
		want  string
		local bool
	}{
		{name: "YAML only", file: "config.yaml", data: "endpoints: []\n", want: "YAML is not supported"},
		{name: "broken JSON", file: "config.json", data: `{"endpoints": [`, want: "dockterm config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.listen()
			te.write(filepath.Join(".config", "dockterm", tc.file), []byte(tc.data))
			eps, errs := Discover(te.env)
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("errors = %v, want %q", errs, tc.want)
			}
			if _, ok := byName(eps)["local"]; !ok {
				t.Errorf("a bad config file hid the local socket")
			}
		})
	}
}

func TestDiscoverFlags(t *testing.T) {
	te := newTestEnv(t)
	te.listen()
	te.env.Hosts = []string{"ssh://me@10.0.0.1:2222", "bad://x", "tcp://10.0.0.2:2376"}
	eps, errs := Discover(te.env)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "command-line host") {
		t.Errorf("errors = %v", errs)
	}
	got := byName(eps)
	s := got["ssh://me@10.0.0.1:2222"]
	if s.Source != SourceFlag || !s.Current || s.SSH == nil || s.SSH.User != "me" || s.SSH.Port != 2222 {
		t.Errorf("ssh flag = %+v", s)
	}
	if got["tcp://10.0.0.2:2376"].Current || got["local"].Current {
		t.Errorf("only the first -H is current: %v", currentNames(eps))
	}
}

func TestConfigPath(t *testing.T) {
	tests := []struct {
		env  Env
		want string
	}{
		{Env{Home: "/h"}, "/h/.config/dockterm/config.json"},
		{Env{Home: "/h", Vars: map[string]string{"XDG_CONFIG_HOME": "/x"}}, "/x/dockterm/config.json"},
		{Env{Home: "/h", ConfigFile: "/etc/dockterm.json", Vars: map[string]string{"XDG_CONFIG_HOME": "/x"}}, "/etc/dockterm.json"},
	}
	for _, tc := range tests {
		if got := ConfigPath(tc.env); got != tc.want {
			t.Errorf("ConfigPath(%+v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}
