// Package endpoints finds every Docker engine an operator can reach: the
// local socket, DOCKER_HOST, docker CLI contexts, docker-machine hosts,
// dockterm's own config file and hosts given on the command line.
//
// Discovery only reads files; it never dials. It never reads the process
// environment either: everything comes in through Env, so that tests are
// hermetic and main decides what the process sees (FromOS).
package endpoints

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Source says where an endpoint was found.
type Source string

const (
	SourceLocal   Source = "local"   // the local engine socket (the CLI's "default" context)
	SourceEnv     Source = "env"     // DOCKER_HOST and friends
	SourceContext Source = "context" // a docker CLI context
	SourceMachine Source = "machine" // a docker-machine host
	SourceConfig  Source = "config"  // dockterm's config file
	SourceFlag    Source = "flag"    // a host given on dockterm's command line
)

// DefaultSocket is the engine socket on Linux hosts.
const DefaultSocket = "/var/run/docker.sock"

// Endpoint is one engine and how to reach it.
type Endpoint struct {
	// Name is unique among the endpoints Discover returns.
	Name   string
	Source Source
	// Host is the normalized docker host URL: unix:///path,
	// tcp://host:port, ssh://user@host:port/socket or npipe://...
	Host        string
	Description string
	// TLS is nil for no TLS. It only applies to tcp:// hosts.
	TLS *TLSConfig
	// SSH is set for ssh:// hosts. docker-machine hosts carry it too, as
	// the second way in (see ViaSSH), while Host stays their TLS URL.
	SSH *SSHConfig
	// Current marks the endpoint the docker CLI would use now (DOCKER_HOST,
	// then DOCKER_CONTEXT, then currentContext, then the default context).
	Current bool
	// Also lists the other names under which the same engine was found
	// (the "default" context is the local socket, DOCKER_HOST is a machine).
	Also []Ref
	// Origin is the file or variable the endpoint came from.
	Origin string
	// Warnings are things the operator should know that do not stop a dial.
	Warnings []string
}

// Ref names an endpoint by name and source.
type Ref struct {
	Name   string
	Source Source
}

func (r Ref) String() string { return string(r.Source) + " " + r.Name }

// TLSConfig is client TLS material, as paths.
type TLSConfig struct {
	CA   string // CA bundle; "" = the system roots
	Cert string // client certificate; "" = none
	Key  string // client key; "" = none
	// SkipVerify turns server certificate verification off. Only ever set
	// because the endpoint's own configuration asks for it.
	SkipVerify bool
}

// SSHConfig says how to reach an engine socket over SSH.
type SSHConfig struct {
	User   string
	Host   string // hostname or IP, without port
	Port   int
	Socket string // remote engine socket path
	// IdentityFiles are tried before the agent and the default keys.
	IdentityFiles []string
	// InsecureIgnoreHostKey skips host key verification. Only dockterm's
	// config file can set it, per endpoint, and it is reported loudly.
	InsecureIgnoreHostKey bool
}

// Addr is host:port for dialing.
func (s SSHConfig) Addr() string { return joinHostPort(s.Host, s.Port) }

// Scheme is the transport the endpoint needs: unix, tcp, ssh or npipe.
func (e Endpoint) Scheme() string {
	scheme, _, _ := strings.Cut(e.Host, "://")
	return scheme
}

// Insecure lists, in words for the operator, every way this endpoint is
// exposed to the network. An empty list means nothing is known to be wrong.
func (e Endpoint) Insecure() []string {
	var out []string
	switch e.Scheme() {
	case "tcp":
		switch {
		case e.TLS == nil:
			out = append(out, "plain TCP without TLS: traffic is unencrypted and anyone who can reach "+
				hostOnly(e.Host)+" controls this engine")
		case e.TLS.SkipVerify:
			out = append(out, "TLS server certificate is NOT verified: a man in the middle can impersonate the engine")
		}
	case "ssh":
		if e.SSH != nil && e.SSH.InsecureIgnoreHostKey {
			out = append(out, "SSH host key is NOT verified (insecureIgnoreHostKey): a man in the middle can impersonate "+e.SSH.Host)
		}
	}
	return out
}

// ViaSSH returns the same engine reached through its SSH socket instead of
// TCP: for docker-machine hosts this avoids the TLS certificate and stale-IP
// problems (libmachine enables the unix socket on every host it provisions).
func (e Endpoint) ViaSSH() (Endpoint, error) {
	if e.SSH == nil || e.SSH.Host == "" {
		return Endpoint{}, fmt.Errorf("endpoint %q has no SSH access configured", e.Name)
	}
	if e.Scheme() == "ssh" {
		return e, nil
	}
	s := *e.SSH
	if s.Socket == "" {
		s.Socket = DefaultSocket
	}
	if s.Port == 0 {
		s.Port = 22
	}
	out := e
	out.Name = e.Name + " (ssh)"
	out.Host = sshURL(s)
	out.TLS = nil
	out.SSH = &s
	out.Current = false
	out.Also = nil
	return out, nil
}

func sshURL(s SSHConfig) string {
	u := url.URL{Scheme: "ssh", Host: joinHostPort(s.Host, s.Port), Path: s.Socket}
	if s.User != "" {
		u.User = url.User(s.User)
	}
	return u.String()
}

func hostOnly(host string) string {
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		return u.Host
	}
	return host
}

// Env is everything discovery may know about the process. Nothing in this
// package reads the real environment; FromOS builds an Env from it.
type Env struct {
	// Home is the user's home directory.
	Home string
	// Vars are environment variables: DOCKER_HOST, DOCKER_TLS_VERIFY,
	// DOCKER_TLS, DOCKER_CERT_PATH, DOCKER_CONTEXT, DOCKER_CONFIG,
	// MACHINE_STORAGE_PATH, XDG_CONFIG_HOME, XDG_RUNTIME_DIR, USER,
	// SSH_AUTH_SOCK.
	Vars map[string]string
	// LocalSocket is the local engine socket; "" means DefaultSocket.
	LocalSocket string
	// ConfigFile overrides the dockterm config file path.
	ConfigFile string
	// SSHConfigFile overrides the OpenSSH client config (~/.ssh/config).
	SSHConfigFile string
	// Hosts are hosts given on the command line (-H); the first one is
	// Current, as -H is for the docker CLI.
	Hosts []string
}

// Get returns an environment variable, "" when unset.
func (e Env) Get(key string) string { return e.Vars[key] }

func (e Env) localSocket() string {
	if e.LocalSocket != "" {
		return e.LocalSocket
	}
	return DefaultSocket
}

// FromOS builds an Env from the running process: its environment and home
// directory. main calls it; nothing else should.
func FromOS() Env {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = vars["HOME"]
	}
	return Env{Home: home, Vars: vars}
}
