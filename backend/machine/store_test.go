package machine

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixtures is ../shared/fixtures relative to the repository root. The
// fixtures are read in place, never copied into the repository.
const fixtures = "../../../shared/fixtures/docker-machine"

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// newStore lays out a store in a temp dir: machines/<name>/config.json with
// the given bytes (a store needs that layout; the bytes come from the
// shared fixtures or from the test).
func newStore(t *testing.T, configs map[string][]byte) Store {
	t.Helper()
	dir := t.TempDir()
	for name, data := range configs {
		md := filepath.Join(dir, "machines", name)
		if err := os.MkdirAll(md, 0o700); err != nil {
			t.Fatal(err)
		}
		if data != nil {
			if err := os.WriteFile(filepath.Join(md, "config.json"), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return Store{Dir: dir}
}

func TestLoadEveryConfigVersion(t *testing.T) {
	type want struct {
		fileVersion int
		migrated    bool
		driverName  string
		ip          string
		url         string // "" = URL must fail
		sshUser     string
		sshPort     int
		sshHost     string
		sshKey      string // "<store>" is replaced by the temp store
		driverStore string
		auth        AuthOptions
		engine      *EngineOptions // nil = config has none
		swarmHost   string
		driverJSON  string // compact; "" = not checked
	}
	tests := []struct {
		fixture string
		machine string
		want    want
	}{
		{
			fixture: "05-v0-format-docker-machine-fixture.config.json", machine: "dev",
			want: want{
				fileVersion: 0, migrated: true, driverName: "virtualbox",
				ip: "192.168.99.100", url: "tcp://192.168.99.100:2376",
				sshUser: "docker", sshPort: 53507, sshHost: "127.0.0.1",
				sshKey:      "/Users/ljrittle/.docker/machine/machines/dev/id_rsa",
				driverStore: "/Users/ljrittle/.docker/machine",
				// V0->V1 rebuilds the options from the flat top-level fields
				// only; this file has none but StorePath, as in libmachine.
				auth: AuthOptions{
					CertDir:   "/Users/ljrittle/.docker/machine/certs",
					StorePath: "/Users/ljrittle/.docker/machine",
				},
				engine: &EngineOptions{TLSVerify: true, InstallURL: "https://get.docker.com"},
			},
		},
		{
			fixture: "04-v1-format-docker-machine-fixture.config.json", machine: "foobar",
			want: want{
				fileVersion: 1, migrated: true, driverName: "virtualbox",
				ip: "192.168.99.100", url: "tcp://192.168.99.100:2376",
				sshUser: "docker", sshPort: 64477, sshHost: "127.0.0.1",
				sshKey:      "/Users/catbug/.docker/machine/machines/foobar/id_rsa",
				driverStore: "/Users/catbug/.docker/machine",
				auth: AuthOptions{
					CertDir:          "/Users/catbug/.docker/machine/certs",
					CaCertPath:       "/Users/catbug/.docker/machine/certs/ca.pem",
					CaPrivateKeyPath: "/Users/catbug/.docker/machine/certs/ca-key.pem",
					ServerCertPath:   "/Users/catbug/.docker/machine/machines/foobar/server.pem",
					ServerKeyPath:    "/Users/catbug/.docker/machine/machines/foobar/server-key.pem",
					ClientKeyPath:    "/Users/catbug/.docker/machine/certs/key.pem",
					ClientCertPath:   "/Users/catbug/.docker/machine/certs/cert.pem",
					StorePath:        "/Users/catbug/.docker/machine",
				},
				engine: &EngineOptions{
					ArbitraryFlags: []string{}, Env: []string{}, InsecureRegistry: []string{},
					Labels: []string{}, RegistryMirror: []string{},
					TLSVerify: true, InstallURL: "https://get.docker.com",
				},
				swarmHost: "tcp://0.0.0.0:3376",
			},
		},
		{
			fixture: "06b-v2-format-docker-machine-fixture.config.json", machine: "default",
			want: want{
				fileVersion: 2, migrated: true, driverName: "virtualbox",
				sshUser: "root", sshPort: 22, sshHost: "127.0.0.1",
				sshKey:      "/Users/nathanleclaire/.docker/machine/machines/default/id_rsa",
				driverStore: "/Users/nathanleclaire/.docker/machine",
				// v2 -> v3 leaves the options alone (libmachine's own test).
				auth: AuthOptions{StorePath: "/Users/nathanleclaire/.docker/machine/machines/default"},
				// libmachine's migrate_test expects exactly these bytes.
				driverJSON: `{"MachineName":"default","StorePath":"/Users/nathanleclaire/.docker/machine"}`,
			},
		},
		{
			fixture: "06-v3-with-base64-RawDriver-docker-machine-fixture.config.json", machine: "default",
			want: want{
				fileVersion: 3, migrated: false, driverName: "virtualbox",
				sshUser: "root", sshPort: 22, sshHost: "127.0.0.1",
				// No StorePath in the driver: the store it was read from.
				sshKey: "<store>/machines/default/id_rsa",
				auth:   AuthOptions{StorePath: "/Users/nathanleclaire/.docker/machine/machines/default"},
				// The obsolete RawDriver (which holds an IP) is ignored.
				driverJSON: `{"MachineName":"default"}`,
			},
		},
		{
			fixture: "07-minikube-libmachine-fork-v3.config.json", machine: "p1",
			want: want{
				fileVersion: 3, migrated: false, driverName: "virtualbox",
				ip: "192.168.64.50", url: "tcp://192.168.64.50:2376",
				sshUser: "docker", sshPort: 22, sshHost: "127.0.0.1",
				sshKey:      "/Users/someuser/.minikube/machines/p1/id_rsa",
				driverStore: "/Users/someuser/.minikube",
				auth: AuthOptions{
					CertDir:          "/Users/someuser/.minikube",
					CaCertPath:       "/Users/someuser/.minikube/certs/ca.pem",
					CaPrivateKeyPath: "/Users/someuser/.minikube/certs/ca-key.pem",
					ServerCertPath:   "/Users/someuser/.minikube/machines/server.pem",
					ServerKeyPath:    "/Users/someuser/.minikube/machines/server-key.pem",
					ClientKeyPath:    "/Users/someuser/.minikube/certs/key.pem",
					ClientCertPath:   "/Users/someuser/.minikube/certs/cert.pem",
					StorePath:        "/Users/someuser/.minikube",
				},
				engine:    &EngineOptions{InsecureRegistry: []string{"10.96.0.0/12"}},
				swarmHost: "tcp://0.0.0.0:3376",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			s := newStore(t, map[string][]byte{tc.machine: fixture(t, tc.fixture)})
			h, err := s.Load(tc.machine)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			w := tc.want
			if h.Name != tc.machine || h.Dir != filepath.Join(s.Dir, "machines", tc.machine) || h.StoreDir != s.Dir {
				t.Errorf("name/dir = %q %q %q", h.Name, h.Dir, h.StoreDir)
			}
			if h.FileVersion != w.fileVersion || h.Migrated != w.migrated {
				t.Errorf("version = %d migrated=%v, want %d %v", h.FileVersion, h.Migrated, w.fileVersion, w.migrated)
			}
			if h.DriverName != w.driverName {
				t.Errorf("DriverName = %q, want %q", h.DriverName, w.driverName)
			}
			ip, ipErr := h.IP()
			if (w.ip == "") != (ipErr != nil) || ip != w.ip {
				t.Errorf("IP() = %q, %v; want %q", ip, ipErr, w.ip)
			}
			u, urlErr := h.URL()
			if (w.url == "") != (urlErr != nil) || u != w.url {
				t.Errorf("URL() = %q, %v; want %q", u, urlErr, w.url)
			}
			if h.SSHUser() != w.sshUser || h.SSHPort() != w.sshPort {
				t.Errorf("ssh = %s:%d, want %s:%d", h.SSHUser(), h.SSHPort(), w.sshUser, w.sshPort)
			}
			if got, _ := h.SSHHostname(); got != w.sshHost {
				t.Errorf("SSHHostname = %q, want %q", got, w.sshHost)
			}
			if want := strings.ReplaceAll(w.sshKey, "<store>", s.Dir); h.SSHKeyPath() != want {
				t.Errorf("SSHKeyPath = %q, want %q", h.SSHKeyPath(), want)
			}
			if h.Driver.StorePath != w.driverStore {
				t.Errorf("Driver.StorePath = %q, want %q", h.Driver.StorePath, w.driverStore)
			}
			if got := h.AuthOptions(); !reflect.DeepEqual(got, w.auth) {
				t.Errorf("AuthOptions =\n%+v\nwant\n%+v", got, w.auth)
			}
			var engine *EngineOptions
			if h.HostOptions != nil {
				engine = h.HostOptions.EngineOptions
			}
			if !reflect.DeepEqual(engine, w.engine) {
				t.Errorf("EngineOptions = %+v, want %+v", engine, w.engine)
			}
			if h.SwarmOptions().Host != w.swarmHost {
				t.Errorf("swarm host = %q, want %q", h.SwarmOptions().Host, w.swarmHost)
			}
			if w.driverJSON != "" {
				var b bytes.Buffer
				if err := json.Compact(&b, h.DriverJSON()); err != nil {
					t.Fatal(err)
				}
				if b.String() != w.driverJSON {
					t.Errorf("driver JSON = %s, want %s", b.String(), w.driverJSON)
				}
			}
			if c := h.CertPaths(); c.CA != filepath.Join(h.Dir, "ca.pem") || c.Cert != filepath.Join(h.Dir, "cert.pem") || c.Key != filepath.Join(h.Dir, "key.pem") {
				t.Errorf("CertPaths = %+v", c)
			}
		})
	}
}

func TestForkDriverFieldsAreKept(t *testing.T) {
	s := newStore(t, map[string][]byte{"p1": fixture(t, "07-minikube-libmachine-fork-v3.config.json")})
	h, err := s.Load("p1")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"UUID":      `"5e6787b6-aecb-11e9-81cf-8c8590c3b8b4"`,
		"NFSShares": `[]`,
		"CPU":       `2`,
	} {
		got, ok := h.Driver.Field(key)
		if !ok || string(got) != want {
			t.Errorf("Field(%s) = %s, %v; want %s", key, got, ok, want)
		}
	}
	if len(h.Warnings) != 0 {
		t.Errorf("warnings: %v", h.Warnings)
	}
	// Order of the driver JSON is kept (inspect prints it in that order).
	if h.Driver.Fields[0].Key != "IPAddress" || h.Driver.Fields[len(h.Driver.Fields)-1].Key != "Vmlinuz" {
		t.Errorf("driver field order lost: first %s last %s", h.Driver.Fields[0].Key, h.Driver.Fields[len(h.Driver.Fields)-1].Key)
	}
}

// Configs that no fixture shows: other drivers and damaged files.
func TestLoadSyntheticConfigs(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		url      string // "" = error
		ip       string
		sshHost  string // "" = error
		sshKey   string
		warnings int
	}{
		{
			name:   "generic with engine port and no key",
			config: `{"ConfigVersion":3,"Driver":{"IPAddress":"10.1.2.3","SSHUser":"ops","SSHPort":2222,"SSHKeyPath":"","StorePath":"/s","EnginePort":2377,"SSHKey":""},"DriverName":"generic","Name":"g"}`,
			url:    "tcp://10.1.2.3:2377", ip: "10.1.2.3", sshHost: "10.1.2.3", sshKey: "",
		},
		{
			name:   "none driver",
			config: `{"ConfigVersion":3,"Driver":{"IPAddress":"10.0.0.5:2376","MachineName":"n","StorePath":"/s","URL":"tcp://10.0.0.5:2376"},"DriverName":"none","Name":"n"}`,
			url:    "tcp://10.0.0.5:2376", ip: "10.0.0.5:2376", sshHost: "", sshKey: "/s/machines/n/id_rsa",
		},
		{
			name:   "IPv6 cloud machine",
			config: `{"ConfigVersion":3,"Driver":{"IPAddress":"2001:db8::7","MachineName":"v6","SSHUser":"ubuntu","StorePath":"/s","AccessKey":"AKIA","SecretKey":"s3cr3t"},"DriverName":"amazonec2","Name":"v6"}`,
			url:    "tcp://[2001:db8::7]:2376", ip: "2001:db8::7", sshHost: "2001:db8::7", sshKey: "/s/machines/v6/id_rsa",
		},
		{
			name:   "half-created machine",
			config: `{"ConfigVersion":3,"Driver":{"IPAddress":"","MachineName":"half","SSHPort":0,"SSHKeyPath":"","StorePath":"/s"},"DriverName":"digitalocean","Name":"half"}`,
			sshKey: "/s/machines/half/id_rsa",
		},
		{
			name:   "fork with a mistyped shared field",
			config: `{"ConfigVersion":3,"Driver":{"IPAddress":"10.9.9.9","SSHPort":"22","MachineName":"odd","StorePath":"/s"},"DriverName":"kvm2","Name":"odd"}`,
			url:    "tcp://10.9.9.9:2376", ip: "10.9.9.9", sshHost: "10.9.9.9", sshKey: "/s/machines/odd/id_rsa", warnings: 1,
		},
		{
			name:     "no DriverName, no Driver",
			config:   `{"ConfigVersion":3,"Name":"bare"}`,
			warnings: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, map[string][]byte{"m": []byte(tc.config)})
			h, err := s.Load("m")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if u, err := h.URL(); u != tc.url || (tc.url == "") != (err != nil) {
				t.Errorf("URL = %q, %v; want %q", u, err, tc.url)
			}
			if ip, err := h.IP(); ip != tc.ip || (tc.ip == "") != (err != nil) {
				t.Errorf("IP = %q, %v; want %q", ip, err, tc.ip)
			}
			if sh, err := h.SSHHostname(); sh != tc.sshHost || (tc.sshHost == "") != (err != nil) {
				t.Errorf("SSHHostname = %q, %v; want %q", sh, err, tc.sshHost)
			}
			if tc.sshHost != "" || tc.sshKey != "" {
				if got := h.SSHKeyPath(); got != tc.sshKey {
					t.Errorf("SSHKeyPath = %q, want %q", got, tc.sshKey)
				}
			}
			if len(h.Warnings) != tc.warnings {
				t.Errorf("warnings = %v, want %d", h.Warnings, tc.warnings)
			}
		})
	}
}

func TestBrokenMachinesNeverStopTheOthers(t *testing.T) {
	s := newStore(t, map[string][]byte{
		"good":     fixture(t, "07-minikube-libmachine-fork-v3.config.json"),
		"broken":   []byte(`{"ConfigVersion": 3, "Driver": {`),
		"empty":    []byte(""),
		"future":   []byte(`{"ConfigVersion": 4, "Driver": {}, "DriverName": "virtualbox", "Name": "future"}`),
		"noconfig": nil,
		"old":      fixture(t, "04-v1-format-docker-machine-fixture.config.json"),
	})
	// Not machines: a dot directory and a plain file.
	if err := os.MkdirAll(filepath.Join(s.MachinesDir(), ".trash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.MachinesDir(), "README"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	hosts, errs := s.LoadAll()
	var names []string
	for _, h := range hosts {
		names = append(names, h.Name)
	}
	if want := []string{"good", "old"}; !reflect.DeepEqual(names, want) {
		t.Errorf("loaded %v, want %v", names, want)
	}
	wantErr := map[string]string{
		"broken":   "not valid JSON",
		"empty":    "empty",
		"future":   "from the future",
		"noconfig": "no config.json",
	}
	if len(errs) != len(wantErr) {
		t.Fatalf("errors = %v", errs)
	}
	for _, err := range errs {
		var le *LoadError
		if !errors.As(err, &le) {
			t.Fatalf("%v is not a *LoadError", err)
		}
		frag, ok := wantErr[le.Name]
		if !ok || !strings.Contains(err.Error(), frag) || !strings.Contains(err.Error(), le.Name) {
			t.Errorf("error for %q = %v, want it to say %q", le.Name, err, frag)
		}
	}
	for _, err := range errs {
		var le *LoadError
		if errors.As(err, &le) && le.Name == "future" && !errors.Is(err, ErrConfigFromFuture) {
			t.Errorf("future error does not wrap ErrConfigFromFuture: %v", err)
		}
	}
}

func TestLoadMissingAndInvalidNames(t *testing.T) {
	s := newStore(t, nil)
	for _, name := range []string{"nope", "", "../etc", ".hidden"} {
		if _, err := s.Load(name); err == nil {
			t.Errorf("Load(%q) succeeded", name)
		}
	}
	if _, err := s.Load("nope"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Load(nope) = %v, want ErrNotExist", err)
	}
	// A store that does not exist at all is empty, not an error.
	hosts, errs := Store{Dir: filepath.Join(t.TempDir(), "none")}.LoadAll()
	if len(hosts) != 0 || len(errs) != 0 {
		t.Errorf("missing store: %v %v", hosts, errs)
	}
}

// Reading must never write: docker-machine rewrites migrated files and
// leaves config.json.bak; we must not.
func TestLoadNeverWritesBack(t *testing.T) {
	files := map[string]string{
		"dev":    "05-v0-format-docker-machine-fixture.config.json",
		"foobar": "04-v1-format-docker-machine-fixture.config.json",
		"two":    "06b-v2-format-docker-machine-fixture.config.json",
	}
	configs := map[string][]byte{}
	for m, f := range files {
		configs[m] = fixture(t, f)
	}
	s := newStore(t, configs)
	before := snapshot(t, s.Dir)
	hosts, errs := s.LoadAll()
	if len(errs) != 0 || len(hosts) != 3 {
		t.Fatalf("LoadAll: %d hosts, %v", len(hosts), errs)
	}
	for _, h := range hosts {
		if !h.Migrated {
			t.Errorf("%s not marked migrated", h.Name)
		}
	}
	if after := snapshot(t, s.Dir); !reflect.DeepEqual(before, after) {
		t.Errorf("store changed by a read:\nbefore %v\nafter  %v", before, after)
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestResolveTLSAndKeyFallbacks(t *testing.T) {
	s := newStore(t, map[string][]byte{"foobar": fixture(t, "04-v1-format-docker-machine-fixture.config.json")})
	h, err := s.Load("foobar")
	if err != nil {
		t.Fatal(err)
	}
	// Nothing on disk: a clear error naming what was tried.
	if _, _, err := h.ResolveTLS(); err == nil || !strings.Contains(err.Error(), "machine directory") {
		t.Errorf("ResolveTLS with no files = %v", err)
	}
	// The store's certs/ directory (the AuthOptions paths point at another
	// host's /Users/catbug and do not exist here).
	write := func(dir string, names ...string) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("pem"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(s.CertsDir(), "ca.pem", "cert.pem", "key.pem")
	files, from, err := h.ResolveTLS()
	if err != nil || from != "store certs directory" || files.CA != filepath.Join(s.CertsDir(), "ca.pem") {
		t.Errorf("ResolveTLS = %+v %q %v", files, from, err)
	}
	// The machine directory copies win once they exist.
	write(h.Dir, "ca.pem", "cert.pem", "key.pem")
	files, from, err = h.ResolveTLS()
	if err != nil || from != "machine directory" || files != h.CertPaths() {
		t.Errorf("ResolveTLS = %+v %q %v", files, from, err)
	}
	// SSH key: the recorded path does not exist here, the machine dir one does.
	if got := h.ResolveSSHKey(); got != h.SSHKeyPath() {
		t.Errorf("ResolveSSHKey without files = %q", got)
	}
	write(h.Dir, "id_rsa")
	if got := h.ResolveSSHKey(); got != filepath.Join(h.Dir, "id_rsa") {
		t.Errorf("ResolveSSHKey = %q", got)
	}
}

func TestStoreDir(t *testing.T) {
	tests := []struct{ env, home, want string }{
		{"", "/home/op", "/home/op/.docker/machine"},
		{"/srv/machines", "/home/op", "/srv/machines"},
	}
	for _, tc := range tests {
		if got := StoreDir(tc.env, tc.home); got != tc.want {
			t.Errorf("StoreDir(%q, %q) = %q, want %q", tc.env, tc.home, got, tc.want)
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	s := newStore(t, map[string][]byte{"node10": nil, "Node2": nil, "node1": nil, "alpha": nil, "node02": nil})
	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alpha", "node1", "Node2", "node02", "node10"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
}
