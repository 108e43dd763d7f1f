package endpoints

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
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
	if err := checkHostname(host); err != nil {
		return "", fmt.Errorf("invalid host %q: %w", rest, err)
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
	// url.URL re-escapes what needs it (an IPv6 zone's "%" as "%25"), as
	// the docker client parses the host as a URL again.
	return (&url.URL{Scheme: "tcp", Host: joinHostPort(strings.ToLower(host), port), Path: p}).String(), nil
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
	if err := checkHostname(u.Hostname()); err != nil {
		return nil, false, false, fmt.Errorf("invalid SSH URL %q: %w", raw, err)
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
	if c := path.Clean(u.Path); u.Path != "" && c != "/" {
		s.Socket = c
	}
	return s, explicitUser, explicitPort, nil
}

// checkHostname rejects what url.Parse lets through but cannot be dialed or
// does not survive a round trip through the docker client's URL parsing:
// a colon outside an IPv6 literal ("::1" without brackets), characters that
// are not in hostnames (IDN names must be given in punycode), odd zones.
func checkHostname(h string) error {
	if strings.Contains(h, ":") {
		if _, err := netip.ParseAddr(h); err != nil {
			return fmt.Errorf("%q is not a hostname or IP address (IPv6 addresses go in brackets)", h)
		}
		_, zone, _ := strings.Cut(h, "%")
		if strings.IndexFunc(zone, func(r rune) bool { return !hostRune(r) }) >= 0 {
			return fmt.Errorf("invalid IPv6 zone %q", zone)
		}
		return nil
	}
	if i := strings.IndexFunc(h, func(r rune) bool { return !hostRune(r) }); i >= 0 {
		return fmt.Errorf("invalid character %q in host name %q", h[i], h)
	}
	return nil
}

func hostRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
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
