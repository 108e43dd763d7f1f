package endpoints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The dockterm config file is JSON, read with the standard library. YAML
// would need a dependency for a file that holds a short list; JSON keeps the
// module lean and the parser strict.
//
//	{
//	  "endpoints": [
//	    {"name": "prod-db", "host": "ssh://ops@10.0.0.5:2222", "identityFile": "~/.ssh/prod"},
//	    {"name": "build", "host": "tcp://build.internal:2376",
//	     "tls": {"certPath": "~/.docker/build"}},
//	    {"name": "lab", "host": "tcp://10.0.9.9:2376",
//	     "tls": {"ca": "ca.pem", "cert": "cert.pem", "key": "key.pem"}}
//	  ],
//	  "machineStores": ["/srv/docker-machine"]
//	}
//
// Relative paths are relative to the config file's directory; "~/" is the
// home directory. Keys other than "endpoints" and "machineStores" belong to
// other parts of dockterm and are ignored here; inside an endpoint an unknown
// key is an error, so that a typo ("skipverify") never silently changes
// security.

// ConfigPath is dockterm's config file: Env.ConfigFile, else
// $XDG_CONFIG_HOME/dockterm/config.json, else ~/.config/dockterm/config.json.
func ConfigPath(env Env) string {
	if env.ConfigFile != "" {
		return env.ConfigFile
	}
	base := env.Get("XDG_CONFIG_HOME")
	if base == "" {
		base = filepath.Join(env.Home, ".config")
	}
	return filepath.Join(base, "dockterm", "config.json")
}

type configFile struct {
	Endpoints     []json.RawMessage `json:"endpoints"`
	MachineStores []string          `json:"machineStores"`
}

type configEndpoint struct {
	Name                  string     `json:"name"`
	Host                  string     `json:"host"`
	Description           string     `json:"description"`
	TLS                   *configTLS `json:"tls"`
	IdentityFile          string     `json:"identityFile"`
	InsecureIgnoreHostKey bool       `json:"insecureIgnoreHostKey"`
}

type configTLS struct {
	CertPath   string `json:"certPath"` // a directory with ca.pem, cert.pem, key.pem
	CA         string `json:"ca"`
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	SkipVerify bool   `json:"skipVerify"`
}

// fileSettings is what the config file contributes.
type fileSettings struct {
	endpoints     []Endpoint
	machineStores []string
}

func loadConfig(env Env, sshc *sshConfigFile) (fileSettings, []error) {
	p := ConfigPath(env)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		for _, alt := range []string{"config.yaml", "config.yml"} {
			if y := filepath.Join(filepath.Dir(p), alt); fileExists(y) {
				return fileSettings{}, []error{fmt.Errorf("dockterm config %s: YAML is not supported; write the same settings as JSON in %s", y, p)}
			}
		}
		return fileSettings{}, nil
	}
	if err != nil {
		return fileSettings{}, []error{fmt.Errorf("dockterm config: %w", err)}
	}
	var cf configFile
	if err := json.Unmarshal(b, &cf); err != nil {
		return fileSettings{}, []error{fmt.Errorf("dockterm config %s: %w", p, err)}
	}
	dir := filepath.Dir(p)
	var out fileSettings
	var errs []error
	for _, s := range cf.MachineStores {
		out.machineStores = append(out.machineStores, expandPath(s, env.Home, dir))
	}
	seen := map[string]bool{}
	for i, raw := range cf.Endpoints {
		ep, err := parseConfigEndpoint(raw, env, dir, sshc)
		if err != nil {
			errs = append(errs, fmt.Errorf("dockterm config %s: endpoint %d: %w", p, i+1, err))
			continue
		}
		if seen[ep.Name] {
			errs = append(errs, fmt.Errorf("dockterm config %s: endpoint %d: name %q is used twice", p, i+1, ep.Name))
			continue
		}
		seen[ep.Name] = true
		ep.Origin = p
		out.endpoints = append(out.endpoints, ep)
	}
	return out, errs
}

func parseConfigEndpoint(raw json.RawMessage, env Env, dir string, sshc *sshConfigFile) (Endpoint, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c configEndpoint
	if err := dec.Decode(&c); err != nil {
		return Endpoint{}, err
	}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return Endpoint{}, errors.New(`"name" is required`)
	}
	if c.Host == "" {
		return Endpoint{}, fmt.Errorf("%q: \"host\" is required", c.Name)
	}
	ph, err := ParseHost(c.Host, env.Get("USER"))
	if err != nil {
		return Endpoint{}, fmt.Errorf("%q: %w", c.Name, err)
	}
	ep := Endpoint{Name: c.Name, Source: SourceConfig, Host: ph.Host, Description: c.Description, SSH: ph.SSH}
	scheme := ep.Scheme()
	if c.TLS != nil || ph.TLS {
		if scheme != "tcp" {
			return Endpoint{}, fmt.Errorf("%q: \"tls\" only applies to tcp:// hosts", c.Name)
		}
		t := &TLSConfig{}
		if c.TLS != nil {
			if c.TLS.CertPath != "" {
				d := expandPath(c.TLS.CertPath, env.Home, dir)
				t.CA, t.Cert, t.Key = filepath.Join(d, "ca.pem"), filepath.Join(d, "cert.pem"), filepath.Join(d, "key.pem")
			}
			if c.TLS.CA != "" {
				t.CA = expandPath(c.TLS.CA, env.Home, dir)
			}
			if c.TLS.Cert != "" {
				t.Cert = expandPath(c.TLS.Cert, env.Home, dir)
			}
			if c.TLS.Key != "" {
				t.Key = expandPath(c.TLS.Key, env.Home, dir)
			}
			t.SkipVerify = c.TLS.SkipVerify
			if (t.Cert == "") != (t.Key == "") {
				return Endpoint{}, fmt.Errorf("%q: \"tls\" needs both a client cert and its key, or neither", c.Name)
			}
		}
		ep.TLS = t
	}
	if c.IdentityFile != "" || c.InsecureIgnoreHostKey {
		if scheme != "ssh" {
			return Endpoint{}, fmt.Errorf("%q: \"identityFile\" and \"insecureIgnoreHostKey\" only apply to ssh:// hosts", c.Name)
		}
		if c.IdentityFile != "" {
			ep.SSH.IdentityFiles = []string{expandPath(c.IdentityFile, env.Home, dir)}
		}
		ep.SSH.InsecureIgnoreHostKey = c.InsecureIgnoreHostKey
	}
	if err := applySSHConfig(&ep, ph, sshc, env); err != nil {
		return Endpoint{}, fmt.Errorf("%q: %w", c.Name, err)
	}
	return ep, nil
}

// expandPath resolves "~/" against home and relative paths against dir.
func expandPath(p, home, dir string) string {
	switch {
	case p == "~":
		return home
	case strings.HasPrefix(p, "~/"):
		return filepath.Join(home, p[2:])
	case filepath.IsAbs(p):
		return filepath.Clean(p)
	default:
		return filepath.Join(dir, p)
	}
}
