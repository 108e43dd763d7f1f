package endpoints

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// DockerConfigDir is the docker CLI's configuration directory: $DOCKER_CONFIG
// if set, else ~/.docker.
func DockerConfigDir(env Env) string {
	if d := env.Get("DOCKER_CONFIG"); d != "" {
		return d
	}
	return filepath.Join(env.Home, ".docker")
}

// ContextID is the directory name of a context in the context store: the hex
// SHA-256 of its name (docker/cli's digest.FromString(name).Encoded()).
func ContextID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

// contextMeta is contexts/meta/<id>/meta.json. encoding/json matches keys
// case-insensitively, as the CLI's reader does.
type contextMeta struct {
	Name     string
	Metadata struct {
		Description string
	}
	Endpoints map[string]json.RawMessage
}

type dockerEndpointMeta struct {
	Host          string
	SkipTLSVerify bool
}

// cliConfig is the part of config.json we need.
type cliConfig struct {
	CurrentContext string `json:"currentContext"`
}

// readCLIConfig returns currentContext from <configdir>/config.json. A
// missing file is no error.
func readCLIConfig(dir string) (string, error) {
	p := filepath.Join(dir, "config.json")
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var c cliConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return c.CurrentContext, nil
}

// contexts reads every context of the store under dir. One broken context
// is one error and never hides the others.
func contexts(dir string, env Env, sshc *sshConfigFile) ([]Endpoint, []error) {
	metaRoot := filepath.Join(dir, "contexts", "meta")
	var metaFiles []string
	err := filepath.WalkDir(metaRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == metaRoot {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() && d.Name() == "meta.json" {
			metaFiles = append(metaFiles, p)
		}
		return nil
	})
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("docker contexts in %s: %w", metaRoot, err))
	}
	var out []Endpoint
	for _, p := range metaFiles {
		ep, err := readContext(dir, p, env, sshc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, ep)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errs
}

func readContext(dir, metaPath string, env Env, sshc *sshConfigFile) (Endpoint, error) {
	fail := func(format string, a ...any) (Endpoint, error) {
		return Endpoint{}, fmt.Errorf("docker context %s: %s", metaPath, fmt.Sprintf(format, a...))
	}
	b, err := os.ReadFile(metaPath)
	if err != nil {
		return fail("%v", err)
	}
	var m contextMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return fail("invalid meta.json: %v", err)
	}
	if m.Name == "" {
		return fail("meta.json has no Name")
	}
	if m.Name == "default" {
		return fail(`a stored context may not be called "default" (that name is reserved for DOCKER_HOST)`)
	}
	raw, ok := m.Endpoints["docker"]
	if !ok {
		return fail("context %q has no docker endpoint", m.Name)
	}
	var de dockerEndpointMeta
	if err := json.Unmarshal(raw, &de); err != nil {
		return fail("context %q: docker endpoint: %v", m.Name, err)
	}
	if de.Host == "" {
		return fail("context %q: docker endpoint has no Host", m.Name)
	}
	ph, err := ParseHost(de.Host, env.Get("USER"))
	if err != nil {
		return fail("context %q: %v", m.Name, err)
	}
	ep := Endpoint{
		Name:        m.Name,
		Source:      SourceContext,
		Host:        ph.Host,
		Description: m.Metadata.Description,
		SSH:         ph.SSH,
		Origin:      metaPath,
	}
	if err := applySSHConfig(&ep, ph, sshc, env); err != nil {
		return fail("context %q: %v", m.Name, err)
	}
	id := ContextID(m.Name)
	if filepath.Base(filepath.Dir(metaPath)) != id {
		ep.Warnings = append(ep.Warnings, fmt.Sprintf("stored under %s, not under the SHA-256 of its name; its TLS files are looked up under %s",
			filepath.Base(filepath.Dir(metaPath)), id))
	}
	if ep.Scheme() == "tcp" {
		tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
		t := &TLSConfig{SkipVerify: de.SkipTLSVerify}
		if p := filepath.Join(tlsDir, "ca.pem"); fileExists(p) {
			t.CA = p
		}
		if p := filepath.Join(tlsDir, "cert.pem"); fileExists(p) {
			t.Cert = p
		}
		if p := filepath.Join(tlsDir, "key.pem"); fileExists(p) {
			t.Key = p
		}
		// The CLI applies TLS when the context has TLS material, skips
		// verification, or its host says https.
		if t.CA != "" || t.Cert != "" || t.Key != "" || t.SkipVerify || ph.TLS {
			ep.TLS = t
		}
		if (t.Cert == "") != (t.Key == "") {
			ep.Warnings = append(ep.Warnings, "context TLS bundle has a client certificate without its key (or the reverse)")
		}
	}
	return ep, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
