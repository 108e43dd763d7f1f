package endpoints

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockterm/dockterm/backend/machine"
)

// Discover finds every endpoint. Each source fails on its own: its errors are
// returned and the other sources still contribute. Discover reads files and
// stats sockets; it never dials.
func Discover(env Env) ([]Endpoint, []error) {
	var all []Endpoint
	var errs []error

	sshc, err := readSSHConfig(SSHConfigPath(env), env.Home)
	if err != nil {
		errs = append(errs, err) // what was read before the error still applies
	}

	settings, cfgErrs := loadConfig(env, sshc)
	errs = append(errs, cfgErrs...)

	all = append(all, localSockets(env)...)

	envEP, hasEnv, err := fromEnv(env, sshc)
	if err != nil {
		errs = append(errs, err)
	}
	if hasEnv {
		all = append(all, envEP)
	}

	cfgDir := DockerConfigDir(env)
	ctxs, ctxErrs := contexts(cfgDir, env, sshc)
	all = append(all, ctxs...)
	errs = append(errs, ctxErrs...)
	currentContext, err := readCLIConfig(cfgDir)
	if err != nil {
		errs = append(errs, fmt.Errorf("docker CLI config: %w", err))
	}

	stores := append([]string{machine.StoreDir(env.Get("MACHINE_STORAGE_PATH"), env.Home)}, settings.machineStores...)
	ms, mErrs := machines(stores, env)
	all = append(all, ms...)
	errs = append(errs, mErrs...)

	all = append(all, settings.endpoints...)

	for _, h := range env.Hosts {
		ph, err := ParseHost(h, env.Get("USER"))
		if err != nil {
			errs = append(errs, fmt.Errorf("command-line host: %w", err))
			continue
		}
		ep := Endpoint{Name: strings.TrimSpace(h), Source: SourceFlag, Host: ph.Host, SSH: ph.SSH,
			TLS: tlsIf(ph.TLS), Origin: "command line"}
		if err := applySSHConfig(&ep, ph, sshc, env); err != nil {
			errs = append(errs, fmt.Errorf("command-line host %s: %w", h, err))
			continue
		}
		all = append(all, ep)
	}

	if err := markCurrent(all, env, hasEnv, currentContext); err != nil {
		errs = append(errs, err)
	}
	merged := dedupe(all)
	uniqueNames(merged)
	return merged, errs
}

func tlsIf(on bool) *TLSConfig {
	if on {
		return &TLSConfig{}
	}
	return nil
}

// localSockets returns the local engine socket and a rootless one under
// $XDG_RUNTIME_DIR, when they exist. No socket is no error: a bastion often
// has no engine of its own.
func localSockets(env Env) []Endpoint {
	var out []Endpoint
	if isSocket(env.localSocket()) {
		out = append(out, Endpoint{Name: "local", Source: SourceLocal, Host: "unix://" + env.localSocket(),
			Description: "local engine socket", Origin: env.localSocket()})
	}
	if rt := env.Get("XDG_RUNTIME_DIR"); rt != "" {
		if p := filepath.Join(rt, "docker.sock"); isSocket(p) {
			out = append(out, Endpoint{Name: "rootless", Source: SourceLocal, Host: "unix://" + p,
				Description: "rootless engine socket", Origin: p})
		}
	}
	return out
}

func isSocket(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&os.ModeSocket != 0
}

// fromEnv builds the docker CLI's "default" context when the environment
// defines it: DOCKER_HOST, with TLS from DOCKER_TLS_VERIFY / DOCKER_TLS /
// DOCKER_CERT_PATH exactly as the CLI reads them (any non-empty
// DOCKER_TLS_VERIFY, even "0", turns verification on; a missing file is
// dropped). DOCKER_TLS_VERIFY without DOCKER_HOST makes the CLI talk to
// tcp://localhost:2376, so that is an endpoint too.
func fromEnv(env Env, sshc *sshConfigFile) (Endpoint, bool, error) {
	host := env.Get("DOCKER_HOST")
	verify := env.Get("DOCKER_TLS_VERIFY") != ""
	tlsOn := verify || env.Get("DOCKER_TLS") != ""
	var warnings []string
	if host == "" {
		if !tlsOn {
			return Endpoint{}, false, nil
		}
		host = defaultTLSTCPHost
		warnings = append(warnings, "DOCKER_TLS_VERIFY or DOCKER_TLS is set without DOCKER_HOST: the docker CLI then uses "+defaultTLSTCPHost)
	}
	ph, err := ParseHost(host, env.Get("USER"))
	if err != nil {
		return Endpoint{}, false, fmt.Errorf("DOCKER_HOST: %w", err)
	}
	ep := Endpoint{
		Name:        "env",
		Source:      SourceEnv,
		Host:        ph.Host,
		Description: "DOCKER_HOST",
		SSH:         ph.SSH,
		Origin:      "DOCKER_HOST",
		Warnings:    warnings,
	}
	if err := applySSHConfig(&ep, ph, sshc, env); err != nil {
		return Endpoint{}, false, fmt.Errorf("DOCKER_HOST: %w", err)
	}
	if m := env.Get("DOCKER_MACHINE_NAME"); m != "" {
		ep.Description = "DOCKER_HOST (docker-machine env " + m + ")"
	}
	if (tlsOn || ph.TLS) && ep.Scheme() == "tcp" {
		certDir := env.Get("DOCKER_CERT_PATH")
		if certDir == "" {
			certDir = DockerConfigDir(env)
		}
		t := &TLSConfig{SkipVerify: !verify && !ph.TLS}
		if p := filepath.Join(certDir, "ca.pem"); fileExists(p) {
			t.CA = p
		}
		if p := filepath.Join(certDir, "cert.pem"); fileExists(p) {
			t.Cert = p
		}
		if p := filepath.Join(certDir, "key.pem"); fileExists(p) {
			t.Key = p
		}
		if verify && t.CA == "" {
			ep.Warnings = append(ep.Warnings, "DOCKER_TLS_VERIFY is set but "+certDir+"/ca.pem is missing: the server is checked against the system roots")
		}
		ep.TLS = t
	}
	return ep, true, nil
}

// markCurrent applies the CLI's precedence: -H, then DOCKER_HOST, then
// DOCKER_CONTEXT, then config.json currentContext, then the default context
// (the local socket). The endpoint that is the "default" context also gets
// that name in Also.
func markCurrent(all []Endpoint, env Env, hasEnv bool, currentContext string) error {
	find := func(src Source, name string) int {
		for i := range all {
			if all[i].Source == src && (name == "" || all[i].Name == name) {
				return i
			}
		}
		return -1
	}
	defaultIdx := find(SourceEnv, "")
	if !hasEnv {
		defaultIdx = find(SourceLocal, "local")
	}
	if defaultIdx >= 0 {
		all[defaultIdx].Also = append(all[defaultIdx].Also, Ref{Name: "default", Source: SourceContext})
	}

	if len(env.Hosts) > 0 {
		if i := find(SourceFlag, ""); i >= 0 {
			all[i].Current = true
		}
		return nil
	}
	if hasEnv {
		all[defaultIdx].Current = true
		return nil
	}
	name, from := env.Get("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	if name == "" {
		name, from = currentContext, "currentContext in "+filepath.Join(DockerConfigDir(env), "config.json")
	}
	if name != "" && name != "default" {
		if i := find(SourceContext, name); i >= 0 {
			all[i].Current = true
			return nil
		}
		return fmt.Errorf("docker context %q (from %s) not found: the docker CLI would fail; run `docker context ls`", name, from)
	}
	if defaultIdx >= 0 {
		all[defaultIdx].Current = true
	}
	return nil
}

// rank orders sources for naming a merged endpoint: the name the operator
// chose for dockterm first, then CLI contexts, machines, flags, and the
// generic local/env names last.
var rank = map[Source]int{
	SourceConfig: 0, SourceContext: 1, SourceMachine: 2, SourceFlag: 3, SourceLocal: 4, SourceEnv: 5,
}

// engineKey identifies an engine by how it is reached, so that the same
// engine found twice is shown once.
func engineKey(e Endpoint) string {
	switch e.Scheme() {
	case "unix":
		p := strings.TrimPrefix(e.Host, "unix://")
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r // /var/run is a symlink to /run on most systems
		}
		return "unix://" + p
	case "ssh":
		if e.SSH != nil {
			return "ssh://" + e.SSH.User + "@" + strings.ToLower(e.SSH.Addr()) + e.SSH.Socket
		}
	}
	return strings.ToLower(e.Host)
}

// dedupe merges endpoints that reach the same engine. The merged endpoint
// sits where its first member was, is named after its best-ranked member,
// and lists the others in Also.
func dedupe(all []Endpoint) []Endpoint {
	var keys []string
	groups := map[string][]int{}
	for i, e := range all {
		k := engineKey(e)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	out := make([]Endpoint, 0, len(keys))
	for _, k := range keys {
		members := groups[k]
		best := members[0]
		for _, i := range members[1:] {
			if rank[all[i].Source] < rank[all[best].Source] {
				best = i
			}
		}
		ep := all[best]
		ep.Also = append([]Ref(nil), ep.Also...)
		ep.Warnings = append([]string(nil), ep.Warnings...)
		for _, i := range members {
			if i == best {
				continue
			}
			m := all[i]
			ep.Current = ep.Current || m.Current
			ep.Also = append(ep.Also, Ref{Name: m.Name, Source: m.Source})
			ep.Also = append(ep.Also, m.Also...)
			if ep.TLS == nil && m.TLS != nil {
				ep.TLS = m.TLS
			}
			if ep.SSH == nil && m.SSH != nil {
				ep.SSH = m.SSH
			}
			// The members' warnings describe their own configuration,
			// which is not the one used: keep only the primary's.
		}
		out = append(out, ep)
	}
	return out
}

// uniqueNames renames endpoints whose names collide (a context and a machine
// both called "dev" but on different engines): the better-ranked source keeps
// the name, the other becomes "dev (machine)".
func uniqueNames(eps []Endpoint) {
	order := make([]int, len(eps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[eps[order[a]].Source] < rank[eps[order[b]].Source] })
	seen := map[string]bool{}
	for _, i := range order {
		name := eps[i].Name
		if seen[name] {
			name = fmt.Sprintf("%s (%s)", eps[i].Name, eps[i].Source)
			for n := 2; seen[name]; n++ {
				name = fmt.Sprintf("%s (%s %d)", eps[i].Name, eps[i].Source, n)
			}
			eps[i].Name = name
		}
		seen[name] = true
	}
}
