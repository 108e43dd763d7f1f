package audit

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Client-side checks: the operator's own docker CLI contexts, docker-machine
// store and ~/.docker/config.json. The rules here are pure functions over
// parsed data (ClientInput); clientload.go reads the files.

// ClientInput is what the client rules read.
type ClientInput struct {
	Contexts []ContextMeta
	Machines []MachineConfig
	Keys     []KeyFile
	Config   *DockerConfig
	// Env is DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_TLS as set for
	// dockterm (an empty DockerHost means unset).
	Env ClientEnv
}

// ClientEnv is the docker client environment.
type ClientEnv struct {
	DockerHost      string
	DockerTLSVerify string
	DockerTLS       string
}

// ContextMeta is one docker CLI context (contexts/meta/<id>/meta.json).
type ContextMeta struct {
	Name          string
	Path          string // meta.json
	Host          string // Endpoints.docker.Host
	SkipTLSVerify bool
	// HasTLS: contexts/tls/<id>/docker holds TLS material (ca/cert/key).
	HasTLS bool
}

// MachineConfig is the part of a docker-machine host config the rules read.
type MachineConfig struct {
	Name             string
	Path             string // config.json
	InsecureRegistry []string
	TLSVerify        *bool // nil: not recorded
	ArbitraryFlags   []string
	// KeyPaths are the private keys the config points at (CA key, client
	// and server keys), for the loader to stat.
	KeyPaths []string
}

// KeyFile is a private key file and its permission bits.
type KeyFile struct {
	Path string
	Mode os.FileMode
	// Kind/Owner say which object it belongs to (a machine, a context, the
	// client); MachineCA marks docker-machine's certs/ca-key.pem.
	Kind      ObjectKind
	Owner     string
	MachineCA bool
}

// DockerConfig is ~/.docker/config.json as far as credentials go.
type DockerConfig struct {
	Path        string
	Auths       map[string]AuthEntry
	CredsStore  string
	CredHelpers map[string]string
}

// AuthEntry is one auths{} entry: which credential fields are present.
// Values are never kept.
type AuthEntry struct {
	HasAuth          bool // "auth": base64(user:password)
	AuthIsUserPass   bool // it decodes to user:password
	HasPassword      bool // legacy "password" field
	HasIdentityToken bool
}

// ClientFindings runs the client-side rules.
func ClientFindings(in ClientInput) []Finding {
	var out []Finding
	for _, c := range in.Contexts {
		out = append(out, contextFindings(c)...)
	}
	out = append(out, envFindings(in.Env)...)
	for _, m := range in.Machines {
		out = append(out, machineFindings(m)...)
	}
	for _, k := range in.Keys {
		out = append(out, keyFindings(k)...)
	}
	if in.Config != nil {
		out = append(out, credentialFindings(*in.Config)...)
	}
	for i := range out {
		out[i] = out[i].sanitized()
	}
	SortFindings(out)
	return out
}

// DKT-CLI-01 / DKT-CLI-02 for a context. docker/cli uses TLS for a tcp://
// endpoint when the context has TLS material or skips verification.
func contextFindings(c ContextMeta) []Finding {
	obj := Object{Kind: KindContext, Name: c.Name, ID: c.Path}
	host := strings.ToLower(c.Host)
	switch {
	case strings.HasPrefix(host, "http://"),
		strings.HasPrefix(host, "tcp://") && !c.HasTLS && !c.SkipTLSVerify:
		return one(newFinding("DKT-CLI-01", obj, SevCritical, fmt.Sprintf("Endpoints.docker.Host=%s without TLS material (contexts/tls)", c.Host)))
	case (strings.HasPrefix(host, "tcp://") || strings.HasPrefix(host, "https://")) && c.SkipTLSVerify:
		return one(newFinding("DKT-CLI-02", obj, SevHigh, fmt.Sprintf("Endpoints.docker.SkipTLSVerify=true for %s", c.Host)))
	}
	return nil
}

// DKT-CLI-01 / DKT-CLI-02 for DOCKER_HOST.
func envFindings(env ClientEnv) []Finding {
	host := strings.ToLower(env.DockerHost)
	if !strings.HasPrefix(host, "tcp://") && !strings.HasPrefix(host, "http://") {
		return nil
	}
	obj := Object{Kind: KindContext, Name: "DOCKER_HOST (environment)"}
	switch {
	case env.DockerTLSVerify != "" && env.DockerTLSVerify != "0" && !strings.HasPrefix(host, "http://"):
		return nil
	case env.DockerTLS != "" && env.DockerTLS != "0" && !strings.HasPrefix(host, "http://"):
		return one(newFinding("DKT-CLI-02", obj, SevHigh, "DOCKER_HOST="+env.DockerHost+" with DOCKER_TLS but without DOCKER_TLS_VERIFY"))
	}
	return one(newFinding("DKT-CLI-01", obj, SevCritical, "DOCKER_HOST="+env.DockerHost+" without DOCKER_TLS_VERIFY"))
}

// riskyEngineFlag recognises docker-machine --engine-opt values that undo a
// CIS section 2 recommendation.
func riskyEngineFlag(f string) bool {
	f = strings.ToLower(strings.TrimLeft(f, "-"))
	for _, p := range []string{"insecure-registry", "tls=false", "tlsverify=false", "icc=true", "iptables=false",
		"experimental", "log-level=debug", "debug", "api-cors-header", "selinux-enabled=false", "userland-proxy=true"} {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return strings.HasPrefix(f, "h=tcp://") && !strings.Contains(f, ":2376")
}

// DKT-CLI-05: provisioning-time engine options of a docker-machine host.
func machineFindings(m MachineConfig) []Finding {
	obj := Object{Kind: KindMachine, Name: m.Name, ID: m.Path}
	sev := SevInfo
	var details []string
	if len(m.InsecureRegistry) > 0 {
		details = append(details, "HostOptions.EngineOptions.InsecureRegistry=["+strings.Join(m.InsecureRegistry, " ")+"] (the daemon was started with --insecure-registry, CIS-2.5)")
		sev = SevHigh
	}
	if m.TLSVerify != nil && !*m.TLSVerify {
		// docker-machine's provisioners pass --tlsverify regardless, but
		// `docker-machine env` and tools that template DOCKER_TLS_VERIFY
		// from this field connect without verifying the engine.
		details = append(details, "HostOptions.EngineOptions.TlsVerify=false (clients configured from it skip TLS verification)")
		sev = maxSev(sev, SevMedium)
	}
	for _, f := range m.ArbitraryFlags {
		if riskyEngineFlag(f) {
			details = append(details, "HostOptions.EngineOptions.ArbitraryFlags: --"+strings.TrimLeft(f, "-"))
			sev = maxSev(sev, SevMedium)
		}
	}
	if len(details) == 0 {
		return nil
	}
	f := newFinding("DKT-CLI-05", obj, sev, joinLimit(details, 2), details...)
	return one(f)
}

// DKT-CLI-03: any group or other permission bit on a private key.
func keyFindings(k KeyFile) []Finding {
	if k.Mode.Perm()&0o077 == 0 {
		return nil
	}
	obj := Object{Kind: k.Kind, Name: k.Owner, ID: k.Path}
	sev := SevHigh
	ev := fmt.Sprintf("%s has mode %04o (readable beyond its owner)", k.Path, k.Mode.Perm())
	if k.MachineCA {
		sev = SevCritical
		ev += "; docker-machine's CA key can sign client certificates for every machine"
	}
	f := newFinding("DKT-CLI-03", obj, sev, ev)
	f.Remediation = "chmod 600 " + k.Path + "; chmod 700 " + filepath.Dir(k.Path)
	return one(f)
}

// DKT-CLI-04
func credentialFindings(c DockerConfig) []Finding {
	obj := Object{Kind: KindClient, Name: c.Path}
	var plain, stale []string
	for _, reg := range sortedKeys(c.Auths) {
		a := c.Auths[reg]
		if !a.HasAuth && !a.HasPassword && !a.HasIdentityToken {
			continue // an empty entry: the credentials live in a helper
		}
		if c.CredsStore != "" || c.CredHelpers[reg] != "" {
			stale = append(stale, reg)
		} else {
			plain = append(plain, reg)
		}
	}
	switch {
	case len(plain) > 0:
		return one(newFinding("DKT-CLI-04", obj, SevMedium,
			fmt.Sprintf("auths{%s} holds credentials in the file and no credsStore/credHelpers is configured", joinLimit(plain, 3)), plain...))
	case len(stale) > 0:
		return one(newFinding("DKT-CLI-04", obj, SevLow,
			fmt.Sprintf("auths{%s} still holds credentials in the file although a credential helper is configured (stale entries)", joinLimit(stale, 3)), stale...))
	}
	return nil
}

// decodeAuth reports whether an auths{}.auth value decodes to user:password.
func decodeAuth(v string) bool {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimSpace(v))
	}
	return err == nil && strings.Contains(string(b), ":")
}

func sortedKeyFiles(ks []KeyFile) {
	sort.Slice(ks, func(i, j int) bool { return ks[i].Path < ks[j].Path })
}
