package endpoints

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// Default ports, as the docker CLI applies them.
const (
	defaultTCPPort    = 2375 // a bare host or tcp://host gets 2375, TLS or not
	defaultTLSTCPHost = "tcp://localhost:2376"
)

// ParsedHost is a docker host URL taken apart.
type ParsedHost struct {
	Host string     // normalized URL
	TLS  bool       // the scheme itself asks for TLS (https://)
	SSH  *SSHConfig // for ssh:// hosts
	// ExplicitUser and ExplicitPort say whether an ssh:// URL named them
	// (they then beat ~/.ssh/config, as ssh -l and -p do).
	ExplicitUser, ExplicitPort bool
}

// ParseHost normalizes a docker host the way the docker CLI reads -H and
// DOCKER_HOST: a bare "host[:port]" or "tcp://host" is TCP on port 2375,
// "unix://" alone is the default socket, ssh://[user@]host[:port][/socket]
// is SSH (socket default /var/run/docker.sock, user default defaultUser).
// http:// and https:// (seen in contexts) become tcp://, https with TLS.
func ParseHost(raw, defaultUser string) (ParsedHost, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ParsedHost{}, errors.New("empty host")
	}
	scheme, rest, hasScheme := strings.Cut(raw, "://")
	if !hasScheme {
		scheme, rest = "tcp", raw
	}
	switch strings.ToLower(scheme) {
	case "tcp":
		h, err := parseTCP(rest, defaultTCPPort)
		return ParsedHost{Host: h}, err
	case "http":
		h, err := parseTCP(rest, 80)
		return ParsedHost{Host: h}, err
	case "https":
		h, err := parseTCP(rest, 443)
		return ParsedHost{Host: h, TLS: true}, err
	case "unix":
		p := rest
		if p == "" {
			p = DefaultSocket
		}
		if !strings.HasPrefix(p, "/") {
			return ParsedHost{}, fmt.Errorf("invalid host %q: unix socket path must be absolute", raw)
		}
		return ParsedHost{Host: "unix://" + path.Clean(p)}, nil
	case "npipe":
		if rest == "" {
			rest = "//./pipe/docker_engine"
		}
		return ParsedHost{Host: "npipe://" + rest}, nil
	case "ssh":
		s, user, port, err := parseSSH(raw, defaultUser)
		if err != nil {
			return ParsedHost{}, err
		}
		return ParsedHost{Host: sshURL(*s), SSH: s, ExplicitUser: user, ExplicitPort: port}, nil
	case "fd":
		return ParsedHost{}, fmt.Errorf("invalid host %q: fd:// is only meaningful for a daemon, not a client", raw)
	default:
		return ParsedHost{}, fmt.Errorf("invalid host %q: unsupported scheme %q (want tcp, unix, ssh, npipe)", raw, scheme)
	}
}

func parseTCP(rest string, defPort int) (string, error) {
	u, err := url.Parse("tcp://" + rest)
	if err != nil {
		return "", fmt.Errorf("invalid host %q: %w", rest, err)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid host %q: user, query and fragment are not allowed", rest)
	}
	host := u.Hostname()
	if host == "" {
		host = "localhost"
	}
	port := defPort
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return "", fmt.Errorf("invalid host %q: bad port %q", rest, p)
		}
		port = n
	}
	p := u.Path
	if p == "/" {
		p = ""
	}
	return "tcp://" + joinHostPort(strings.ToLower(host), port) + p, nil
}

// parseSSH applies docker/cli's connhelper rules: no password, no query or
// fragment, a host is required.
func parseSSH(raw, defaultUser string) (s *SSHConfig, explicitUser, explicitPort bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, false, false, fmt.Errorf("invalid SSH URL %q: %w", raw, err)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return nil, false, false, fmt.Errorf("invalid SSH URL %q: plain-text password is not supported", redact(u))
		}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, false, false, fmt.Errorf("invalid SSH URL %q: query and fragment are not supported", raw)
	}
	if u.Hostname() == "" {
		return nil, false, false, fmt.Errorf("invalid SSH URL %q: hostname is empty", raw)
	}
	s = &SSHConfig{Host: u.Hostname(), Port: 22, Socket: DefaultSocket, User: defaultUser}
	if u.User != nil && u.User.Username() != "" {
		s.User, explicitUser = u.User.Username(), true
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, false, false, fmt.Errorf("invalid SSH URL %q: bad port %q", raw, p)
		}
		s.Port, explicitPort = n, true
	}
	if u.Path != "" && u.Path != "/" {
		s.Socket = path.Clean(u.Path)
	}
	return s, explicitUser, explicitPort, nil
}

func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.UserPassword(c.User.Username(), "xxxxx")
	}
	return c.String()
}

func joinHostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
