package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockterm/dockterm/internal/fsutil"
)

// ClientPaths locate the client files.
type ClientPaths struct {
	// DockerConfigDir is $DOCKER_CONFIG or ~/.docker.
	DockerConfigDir string
	// MachineStorage is $MACHINE_STORAGE_PATH or ~/.docker/machine.
	MachineStorage string
}

// DefaultClientPaths follows the docker CLI and docker-machine conventions.
func DefaultClientPaths(getenv func(string) string) ClientPaths {
	home, _ := os.UserHomeDir()
	p := ClientPaths{
		DockerConfigDir: getenv("DOCKER_CONFIG"),
		MachineStorage:  getenv("MACHINE_STORAGE_PATH"),
	}
	if p.DockerConfigDir == "" && home != "" {
		p.DockerConfigDir = filepath.Join(home, ".docker")
	}
	if p.MachineStorage == "" && home != "" {
		p.MachineStorage = filepath.Join(home, ".docker", "machine")
	}
	return p
}

// maxClientFile bounds what the loader reads from one file: these are small
// JSON documents, and a huge file is not one of them.
const maxClientFile = 4 << 20

// LoadClient reads contexts, config.json and the docker-machine store. A
// missing file or directory is not an error (most operators have no
// docker-machine store); unreadable or malformed files are reported in errs
// and skipped, so one bad file never hides the others.
func LoadClient(p ClientPaths, getenv func(string) string) (ClientInput, []error) {
	var in ClientInput
	var errs []error
	in.Env = ClientEnv{DockerHost: getenv("DOCKER_HOST"), DockerTLSVerify: getenv("DOCKER_TLS_VERIFY"), DockerTLS: getenv("DOCKER_TLS")}
	keys := map[string]KeyFile{}
	addKey := func(path string, kind ObjectKind, owner string, ca bool) {
		if _, seen := keys[path]; seen {
			return
		}
		st, err := os.Stat(path)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("stat %s: %w", path, err))
			}
			return
		}
		if !st.Mode().IsRegular() {
			return
		}
		keys[path] = KeyFile{Path: path, Mode: st.Mode(), Kind: kind, Owner: owner, MachineCA: ca}
	}

	if d := p.DockerConfigDir; d != "" {
		metas, _ := filepath.Glob(filepath.Join(d, "contexts", "meta", "*", "meta.json"))
		for _, m := range metas {
			data, err := fsutil.ReadLimited(m, maxClientFile)
			if err != nil {
				errs = append(errs, fmt.Errorf("read context %s: %w", m, err))
				continue
			}
			c, err := ParseContextMeta(data)
			if err != nil {
				errs = append(errs, fmt.Errorf("context %s: %w", m, err))
				continue
			}
			c.Path = m
			id := filepath.Base(filepath.Dir(m))
			tlsDir := filepath.Join(d, "contexts", "tls", id, "docker")
			for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
				if _, err := os.Stat(filepath.Join(tlsDir, f)); err == nil {
					c.HasTLS = true
				}
			}
			addKey(filepath.Join(tlsDir, "key.pem"), KindContext, c.Name, false)
			in.Contexts = append(in.Contexts, c)
		}
		cfgPath := filepath.Join(d, "config.json")
		if data, err := fsutil.ReadLimited(cfgPath, maxClientFile); err == nil {
			c, err := ParseDockerConfig(data)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", cfgPath, err))
			} else {
				c.Path = cfgPath
				in.Config = &c
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("read %s: %w", cfgPath, err))
		}
		addKey(filepath.Join(d, "key.pem"), KindClient, filepath.Join(d, "key.pem"), false)
	}

	if s := p.MachineStorage; s != "" {
		addKey(filepath.Join(s, "certs", "ca-key.pem"), KindMachine, "machine store CA", true)
		addKey(filepath.Join(s, "certs", "key.pem"), KindMachine, "machine store client key", false)
		cfgs, _ := filepath.Glob(filepath.Join(s, "machines", "*", "config.json"))
		for _, cfg := range cfgs {
			dir := filepath.Dir(cfg)
			data, err := fsutil.ReadLimited(cfg, maxClientFile)
			if err != nil {
				errs = append(errs, fmt.Errorf("read machine %s: %w", cfg, err))
				continue
			}
			m, err := ParseMachineConfig(data)
			if err != nil {
				errs = append(errs, fmt.Errorf("machine %s: %w", cfg, err))
				continue
			}
			m.Path = cfg
			if m.Name == "" {
				m.Name = filepath.Base(dir)
			}
			in.Machines = append(in.Machines, m)
			for _, k := range []string{"key.pem", "server-key.pem", "id_rsa", "id_ed25519", "id_ecdsa"} {
				addKey(filepath.Join(dir, k), KindMachine, m.Name, false)
			}
			for _, k := range m.KeyPaths {
				addKey(k, KindMachine, m.Name, strings.HasSuffix(k, "ca-key.pem"))
			}
		}
	}
	for _, k := range keys {
		in.Keys = append(in.Keys, k)
	}
	sortedKeyFiles(in.Keys)
	return in, errs
}

// ParseContextMeta reads a context's meta.json.
func ParseContextMeta(data []byte) (ContextMeta, error) {
	var raw struct {
		Name      string
		Endpoints map[string]struct {
			Host          string
			SkipTLSVerify bool
		}
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return ContextMeta{}, fmt.Errorf("parse context meta: %w", err)
	}
	ep := raw.Endpoints["docker"]
	return ContextMeta{Name: raw.Name, Host: ep.Host, SkipTLSVerify: ep.SkipTLSVerify}, nil
}

// ParseMachineConfig reads a docker-machine host config.json of any
// ConfigVersion (0-3; unknown fields of forks such as minikube are
// ignored).
func ParseMachineConfig(data []byte) (MachineConfig, error) {
	var raw struct {
		Name   string
		Driver struct {
			MachineName    string
			PrivateKeyPath string
		}
		HostOptions struct {
			EngineOptions *struct {
				InsecureRegistry []string
				TlsVerify        *bool
				ArbitraryFlags   []string
			}
			AuthOptions struct {
				CaPrivateKeyPath string
				PrivateKeyPath   string // v1 name of the CA key
				ClientKeyPath    string
				ServerKeyPath    string
			}
		}
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return MachineConfig{}, fmt.Errorf("parse machine config: %w", err)
	}
	m := MachineConfig{Name: raw.Name}
	if m.Name == "" {
		m.Name = raw.Driver.MachineName
	}
	if eo := raw.HostOptions.EngineOptions; eo != nil {
		m.InsecureRegistry = eo.InsecureRegistry
		m.TLSVerify = eo.TlsVerify
		m.ArbitraryFlags = eo.ArbitraryFlags
	}
	ao := raw.HostOptions.AuthOptions
	for _, k := range []string{ao.CaPrivateKeyPath, ao.PrivateKeyPath, ao.ClientKeyPath, ao.ServerKeyPath, raw.Driver.PrivateKeyPath} {
		if k != "" && !containsFold(m.KeyPaths, k) {
			m.KeyPaths = append(m.KeyPaths, k)
		}
	}
	return m, nil
}

// ParseDockerConfig reads ~/.docker/config.json, keeping only which
// credential fields exist, never their values.
func ParseDockerConfig(data []byte) (DockerConfig, error) {
	var raw struct {
		Auths map[string]struct {
			Auth          string `json:"auth"`
			Password      string `json:"password"`
			IdentityToken string `json:"identitytoken"`
		} `json:"auths"`
		CredsStore  string            `json:"credsStore"`
		CredHelpers map[string]string `json:"credHelpers"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return DockerConfig{}, fmt.Errorf("parse docker config: %w", err)
	}
	c := DockerConfig{CredsStore: raw.CredsStore, CredHelpers: raw.CredHelpers, Auths: map[string]AuthEntry{}}
	for reg, a := range raw.Auths {
		c.Auths[reg] = AuthEntry{
			HasAuth: a.Auth != "", AuthIsUserPass: a.Auth != "" && decodeAuth(a.Auth),
			HasPassword: a.Password != "", HasIdentityToken: a.IdentityToken != "",
		}
	}
	return c, nil
}
