// Package transport turns an endpoints.Endpoint into a connected Docker
// client: over the local unix socket, TCP (plain or TLS with the machine's or
// context's certificates) or SSH, where one multiplexed SSH connection per
// endpoint carries every API connection as a direct-streamlocal channel to
// the remote engine socket.
//
// Security is on by default: TLS verifies the server certificate, SSH
// verifies the host key against known_hosts. Turning either off takes an
// explicit setting on the endpoint (or in Options for SSH) and is reported
// through Options.Warn every time a connection is made.
package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/docker/docker/client"

	"github.com/dockterm/dockterm/backend/endpoints"
)

// Defaults applied to zero Options fields.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultPingTimeout    = 10 * time.Second
	DefaultKeepAlive      = 15 * time.Second
	DefaultKeepAliveMax   = 3
	DefaultIdleTimeout    = time.Minute
)

// Options tune Dial. The zero value is usable (no SSH keys, no known hosts:
// every SSH host is unknown); DefaultOptions fills in the user's files.
type Options struct {
	// ConnectTimeout bounds each TCP or unix connect, TLS handshake and
	// SSH handshake.
	ConnectTimeout time.Duration
	// PingTimeout bounds the initial ping (which also negotiates the API
	// version).
	PingTimeout time.Duration
	// SkipPing returns the client without talking to the engine. Dial still
	// makes one connection to check that the engine can be reached.
	SkipPing bool

	// KeepAlive is the SSH keepalive interval; after KeepAliveMax
	// unanswered keepalives the connection is dropped (and re-made on the
	// next request).
	KeepAlive    time.Duration
	KeepAliveMax int
	// IdleTimeout closes the SSH connection once no API connection has used
	// it for this long, so that a closed client leaks nothing.
	IdleTimeout time.Duration

	// KnownHostsFiles are OpenSSH known_hosts files; missing ones are
	// skipped.
	KnownHostsFiles []string
	// IdentityFiles are private keys tried after the endpoint's own keys and
	// the agent's; missing ones are skipped.
	IdentityFiles []string
	// AgentSocket is the ssh-agent socket (SSH_AUTH_SOCK); "" = no agent.
	AgentSocket string
	// InsecureIgnoreHostKey skips SSH host key verification for every
	// endpoint. Reported through Warn on every connection.
	InsecureIgnoreHostKey bool

	// Warn receives every insecure setting in force, each time a
	// connection is made. nil discards them; the UI should not.
	Warn func(endpoint, message string)
}

// DefaultOptions returns Options for the user described by env: their
// known_hosts files, default keys and agent.
func DefaultOptions(env endpoints.Env) Options {
	ssh := filepath.Join(env.Home, ".ssh")
	return Options{
		ConnectTimeout:  DefaultConnectTimeout,
		PingTimeout:     DefaultPingTimeout,
		KeepAlive:       DefaultKeepAlive,
		KeepAliveMax:    DefaultKeepAliveMax,
		IdleTimeout:     DefaultIdleTimeout,
		KnownHostsFiles: []string{filepath.Join(ssh, "known_hosts"), "/etc/ssh/ssh_known_hosts"},
		IdentityFiles: []string{
			filepath.Join(ssh, "id_ed25519"),
			filepath.Join(ssh, "id_ecdsa"),
			filepath.Join(ssh, "id_rsa"),
		},
		AgentSocket: env.Get("SSH_AUTH_SOCK"),
	}
}

func (o Options) withDefaults() Options {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = DefaultPingTimeout
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.KeepAliveMax <= 0 {
		o.KeepAliveMax = DefaultKeepAliveMax
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	return o
}

func (o Options) warn(ep, msg string) {
	if o.Warn != nil {
		o.Warn(ep, msg)
	}
}

// Error is a failed Dial: which endpoint, which step, the cause, and what the
// operator can do about it.
type Error struct {
	Endpoint string // endpoint name
	Host     string // endpoint host URL
	Step     string // config, connect, tls, ssh, auth, host key, socket, ping
	Err      error
	Hint     string // "" when there is nothing specific to suggest
}

func (e *Error) Error() string {
	s := fmt.Sprintf("endpoint %q (%s): %s: %v", e.Endpoint, e.Host, e.Step, e.Err)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// dialFunc opens one raw connection to the engine's API.
type dialFunc func(ctx context.Context) (net.Conn, error)

// Dial returns a Docker client for ep with API version negotiation. Unless
// opts.SkipPing, it pings the engine first, so that the returned client has
// negotiated its API version and a failure is reported here, with the step
// that failed and a hint. ctx bounds the dial and the ping only.
//
// Closing the client closes its idle connections; an SSH connection then
// closes after opts.IdleTimeout.
func Dial(ctx context.Context, ep endpoints.Endpoint, opts Options) (*client.Client, error) {
	opts = opts.withDefaults()
	fail := func(step string, err error, hint string) error {
		return &Error{Endpoint: ep.Name, Host: ep.Host, Step: step, Err: err, Hint: hint}
	}
	for _, w := range ep.Insecure() {
		opts.warn(ep.Name, w)
	}

	tr := &http.Transport{
		// Bounded idle pool (moby#45539), but large enough for the stats
		// sampler's concurrent one-shot calls, one per watched row (a
		// 160x50 screen watches ~46): with a smaller pool every sampling
		// round closes and re-dials the difference, which costs both ends
		// (at 24, a 120x40 screen re-dialled 12 connections a round).
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ExpectContinueTimeout: time.Second,
	}
	var (
		apiHost string
		dial    dialFunc // the probe, with full error detail
		tcpDial func(ctx context.Context, network, addr string) (net.Conn, error)
		sshc    *sshConn
	)
	switch ep.Scheme() {
	case "unix":
		path := strings.TrimPrefix(ep.Host, "unix://")
		apiHost = ep.Host
		d := &net.Dialer{Timeout: opts.ConnectTimeout}
		tcpDial = func(ctx context.Context, _, _ string) (net.Conn, error) { return d.DialContext(ctx, "unix", path) }
		dial = func(ctx context.Context) (net.Conn, error) { return tcpDial(ctx, "unix", path) }
	case "tcp":
		apiHost = ep.Host
		addr := strings.TrimPrefix(ep.Host, "tcp://")
		if i := strings.IndexByte(addr, '/'); i >= 0 {
			addr = addr[:i]
		}
		d := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
		tcpDial = d.DialContext
		dial = func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
		if ep.TLS != nil {
			cfg, err := tlsConfig(ep.TLS)
			if err != nil {
				return nil, fail("config", err, "check the endpoint's TLS files")
			}
			tr.TLSClientConfig = cfg
			host, _, _ := net.SplitHostPort(addr)
			dial = tlsProbe(dial, cfg, host)
		}
	case "ssh":
		if ep.SSH == nil {
			return nil, fail("config", errors.New("ssh:// endpoint without SSH settings"), "")
		}
		var err error
		sshc, err = newSSHConn(ep, opts)
		if err != nil {
			return nil, fail("config", err, "")
		}
		// The API host is a placeholder: every connection is a channel of
		// the SSH connection, whatever address the HTTP transport asks for.
		apiHost = "http://docker.ssh"
		tcpDial = func(ctx context.Context, _, _ string) (net.Conn, error) { return sshc.DialContext(ctx) }
		dial = sshc.DialContext
	case "npipe":
		return nil, fail("config", errors.New("named pipes exist only on Windows"), "use the engine's unix socket, TCP or SSH")
	default:
		return nil, fail("config", fmt.Errorf("unsupported host %q", ep.Host), "")
	}

	// Probe: one connection made by hand, so that a failure keeps its full
	// detail (the docker client turns refused and timed-out connections into
	// a generic "Cannot connect to the Docker daemon").
	probeCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout*2)
	conn, err := dial(probeCtx)
	cancel()
	if err != nil {
		sshc.Close()
		e, _ := classify(ep, err)
		return nil, e
	}
	conn.Close()

	hc := &http.Client{Transport: tr, CheckRedirect: client.CheckRedirect}
	cli, err := client.NewClientWithOpts(
		client.WithHTTPClient(hc),
		client.WithHost(apiHost),
		// After WithHost, which installs its own dialer.
		client.WithDialContext(tcpDial),
		client.WithAPIVersionNegotiation(),
		client.WithUserAgent("dockterm"),
	)
	if err != nil {
		sshc.Close()
		return nil, fail("config", err, "")
	}
	// Engines are reached directly, never through HTTP(S)_PROXY, which on a
	// bastion points at the internet (WithHost set ProxyFromEnvironment).
	tr.Proxy = nil
	// The client wraps the transport in OpenTelemetry instrumentation that
	// dockterm never exports; on a stats call every few seconds per row it
	// is pure overhead (allocations per request, a span per call). The
	// client keeps our *http.Client, so unwrapping it is one assignment.
	hc.Transport = tr

	if opts.SkipPing {
		return cli, nil
	}
	pingCtx, cancel := context.WithTimeout(ctx, opts.PingTimeout)
	defer cancel()
	ping, err := cli.Ping(pingCtx)
	if err != nil {
		cli.Close()
		sshc.Close()
		// TLS 1.3 servers reject a client certificate after the handshake,
		// so that shows up here rather than in the probe.
		if e, known := classify(ep, err); known && !errors.Is(err, context.Canceled) {
			return nil, e
		}
		return nil, fail("ping", err, "the engine was reached but did not answer the API ping; is it a Docker engine, and healthy?")
	}
	cli.NegotiateAPIVersionPing(ping)
	return cli, nil
}

// tlsProbe wraps a TCP dial with the handshake the HTTP transport will do,
// so that certificate problems surface with their x509 detail.
func tlsProbe(dial dialFunc, cfg *tls.Config, host string) dialFunc {
	return func(ctx context.Context) (net.Conn, error) {
		raw, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		c := cfg.Clone()
		if c.ServerName == "" {
			c.ServerName = host
		}
		tc := tls.Client(raw, c)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, &tlsError{err}
		}
		return tc, nil
	}
}

// tlsError marks an error of the TLS handshake (as opposed to the TCP
// connect before it).
type tlsError struct{ err error }

func (e *tlsError) Error() string { return e.err.Error() }
func (e *tlsError) Unwrap() error { return e.err }
