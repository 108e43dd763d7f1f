package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
	"golang.org/x/crypto/ssh"

	"github.com/dockterm/dockterm/backend/endpoints"
	"github.com/dockterm/dockterm/internal/testengine"
)

// The engine is 20.10: API 1.41 is what negotiation must settle on.
const engineAPI = "1.41"

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a safety net only
	t.Cleanup(cancel)
	return c
}

// warnings collects Options.Warn calls.
type warnings struct {
	mu  sync.Mutex
	all []string
}

func (w *warnings) add(ep, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all = append(w.all, ep+": "+msg)
}

func (w *warnings) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.all, "\n")
}

// checkEngine proves the client really talks to the engine.
func checkEngine(t *testing.T, cli *client.Client) {
	t.Helper()
	if cli.ClientVersion() != engineAPI {
		t.Errorf("negotiated API %s, want %s", cli.ClientVersion(), engineAPI)
	}
	if _, err := cli.Ping(ctx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	v, err := cli.ServerVersion(ctx(t))
	if err != nil {
		t.Fatalf("ServerVersion: %v", err)
	}
	if v.APIVersion != engineAPI || v.Version == "" {
		t.Errorf("ServerVersion = %s API %s", v.Version, v.APIVersion)
	}
}

func TestDialUnix(t *testing.T) {
	requireEngine(t)
	var w warnings
	cli, err := Dial(ctx(t), endpoints.Endpoint{Name: "local", Source: endpoints.SourceLocal, Host: "unix://" + engineSocket},
		Options{Warn: w.add})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	checkEngine(t, cli)
	if w.text() != "" {
		t.Errorf("warnings for the local socket: %s", w.text())
	}
	// No tracing wrapper around the transport: every stats call paid for it.
	if tr := cli.HTTPClient().Transport; fmt.Sprintf("%T", tr) != "*http.Transport" {
		t.Errorf("client transport is %T, want the bare *http.Transport", tr)
	}
}

func TestDialErrors(t *testing.T) {
	dir := t.TempDir()
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().String()
	l.Close()

	tests := []struct {
		name string
		ep   endpoints.Endpoint
		step string
		hint string
	}{
		{"missing socket", endpoints.Endpoint{Name: "gone", Host: "unix://" + filepath.Join(dir, "docker.sock")}, "connect", "does not exist"},
		{"refused TCP", endpoints.Endpoint{Name: "down", Host: "tcp://" + closedPort}, "connect", "nothing listens on " + closedPort},
		{"refused SSH", endpoints.Endpoint{Name: "nossh", Host: "ssh://op@" + closedPort + "/var/run/docker.sock",
			SSH: &endpoints.SSHConfig{User: "op", Host: "127.0.0.1", Port: mustPort(t, closedPort)}}, "connect", "no SSH server"},
		{"bad CA file", endpoints.Endpoint{Name: "badca", Host: "tcp://127.0.0.1:1", TLS: &endpoints.TLSConfig{CA: filepath.Join(dir, "none.pem")}}, "config", "TLS files"},
		{"npipe", endpoints.Endpoint{Name: "win", Host: "npipe:////./pipe/docker_engine"}, "config", "Windows"},
		{"ssh without user", endpoints.Endpoint{Name: "nouser", Host: "ssh://h:22/s", SSH: &endpoints.SSHConfig{Host: "h", Port: 22}}, "config", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Dial(ctx(t), tc.ep, Options{})
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if te.Step != tc.step || !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("step %q, err %v; want %q / %q", te.Step, err, tc.step, tc.hint)
			}
			if !strings.Contains(err.Error(), `endpoint "`+tc.ep.Name+`"`) {
				t.Errorf("error does not name the endpoint: %v", err)
			}
		})
	}
}

func mustPort(t *testing.T, hostport string) int {
	_, p, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

func TestDialPlainTCPIsMarkedInsecure(t *testing.T) {
	requireEngine(t)
	srv := httptest.NewServer(engineProxy())
	defer srv.Close()
	var w warnings
	ep := endpoints.Endpoint{Name: "plain", Host: "tcp://" + srv.Listener.Addr().String()}
	cli, err := Dial(ctx(t), ep, Options{Warn: w.add})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	checkEngine(t, cli)
	if !strings.Contains(w.text(), "plain: plain TCP without TLS") {
		t.Errorf("plain TCP not reported: %q", w.text())
	}
}

func TestDialTLS(t *testing.T) {
	requireEngine(t)
	good := newPKI(t, []net.IP{net.IPv4(127, 0, 0, 1)}, nil)
	srv := startTLSEngine(t, good)
	host := "tcp://" + srv.Listener.Addr().String()
	other := newPKI(t, []net.IP{net.IPv4(127, 0, 0, 1)}, nil) // a CA the engine does not trust
	wrongName := newPKI(t, nil, []string{"engine.example"})   // a cert without the IP
	wrongNameSrv := startTLSEngine(t, wrongName)
	plain := httptest.NewServer(engineProxy())
	defer plain.Close()

	tests := []struct {
		name     string
		host     string
		tls      endpoints.TLSConfig
		ok       bool
		step     string
		hint     string
		insecure bool
	}{
		{name: "right CA and client cert", host: host, tls: endpoints.TLSConfig{CA: good.caFile, Cert: good.certFile, Key: good.keyFile}, ok: true},
		{name: "wrong CA", host: host, tls: endpoints.TLSConfig{CA: other.caFile, Cert: good.certFile, Key: good.keyFile},
			step: "tls", hint: "not signed by the endpoint's CA (" + other.caFile + ")"},
		{name: "wrong CA, verification off by the endpoint", host: host,
			tls: endpoints.TLSConfig{CA: other.caFile, Cert: good.certFile, Key: good.keyFile, SkipVerify: true}, ok: true, insecure: true},
		{name: "client cert from another CA", host: host, tls: endpoints.TLSConfig{CA: good.caFile, Cert: other.certFile, Key: other.keyFile},
			step: "tls", hint: "rejected our client certificate"},
		{name: "no client cert", host: host, tls: endpoints.TLSConfig{CA: good.caFile}, step: "tls", hint: "rejected our client certificate"},
		{name: "server cert without the IP", host: "tcp://" + wrongNameSrv.Listener.Addr().String(),
			tls: endpoints.TLSConfig{CA: wrongName.caFile, Cert: wrongName.certFile, Key: wrongName.keyFile}, step: "tls", hint: "does not name 127.0.0.1"},
		{name: "TLS to a plain engine", host: "tcp://" + plain.Listener.Addr().String(),
			tls: endpoints.TLSConfig{CA: good.caFile, Cert: good.certFile, Key: good.keyFile}, step: "tls", hint: "does not speak TLS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var w warnings
			tlsCfg := tc.tls
			ep := endpoints.Endpoint{Name: "m1", Source: endpoints.SourceMachine, Host: tc.host, TLS: &tlsCfg}
			cli, err := Dial(ctx(t), ep, Options{Warn: w.add})
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				defer cli.Close()
				checkEngine(t, cli)
			} else {
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want *Error", err)
				}
				if te.Step != tc.step || !strings.Contains(te.Hint, tc.hint) {
					t.Errorf("step %q, hint %q; want %q / %q (err %v)", te.Step, te.Hint, tc.step, tc.hint, err)
				}
			}
			if got := strings.Contains(w.text(), "NOT verified"); got != tc.insecure {
				t.Errorf("insecure warning = %v, want %v: %q", got, tc.insecure, w.text())
			}
		})
	}
}

// sshSetup is an SSH server, a client key it accepts and an endpoint for it.
type sshSetup struct {
	srv     *sshServer
	keyFile string
	ep      endpoints.Endpoint
	opts    Options
	warn    *warnings
}

func newSSHSetup(t *testing.T) *sshSetup {
	t.Helper()
	requireEngine(t)
	keyFile, pub := clientKey(t)
	srv := newSSHServer(t, pub)
	w := &warnings{}
	u := url.URL{Scheme: "ssh", User: url.User("ops"), Host: srv.addr(), Path: engineSocket}
	return &sshSetup{
		srv:     srv,
		keyFile: keyFile,
		warn:    w,
		ep: endpoints.Endpoint{Name: "remote", Source: endpoints.SourceConfig, Host: u.String(),
			SSH: &endpoints.SSHConfig{User: "ops", Host: "127.0.0.1", Port: srv.port(), Socket: engineSocket}},
		opts: Options{
			KnownHostsFiles: []string{srv.knownHosts(t, srv.hostKey.PublicKey())},
			IdentityFiles:   []string{keyFile},
			Warn:            w.add,
		},
	}
}

func TestDialSSH(t *testing.T) {
	s := newSSHSetup(t)
	cli, err := Dial(ctx(t), s.ep, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	checkEngine(t, cli)
	if _, err := cli.ContainerList(ctx(t), container.ListOptions{All: true}); err != nil {
		t.Fatalf("ContainerList: %v", err)
	}

	// Hold a stream open (the events feed) so that the next calls need
	// channels of their own: still one SSH connection.
	evCtx, stop := context.WithCancel(ctx(t))
	msgs, errs := cli.Events(evCtx, events.ListOptions{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := cli.ContainerList(ctx(t), container.ListOptions{All: true}); err != nil {
				t.Errorf("concurrent ContainerList: %v", err)
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Errorf("events stream ended: %v", err)
	case <-msgs:
	default:
	}
	stop()
	if n := s.srv.accepted.Load(); n != 1 {
		t.Errorf("%d SSH connections, want 1 multiplexed connection", n)
	}
	if n := s.srv.channels.Load(); n < 2 {
		t.Errorf("%d channels: the events stream and the lists cannot share one", n)
	}
	if s.warn.text() != "" {
		t.Errorf("warnings on a verified SSH endpoint: %s", s.warn.text())
	}
}

func TestDialSSHRejections(t *testing.T) {
	tests := []struct {
		name    string
		modify  func(t *testing.T, s *sshSetup)
		step    string
		errText string
		check   func(t *testing.T, err error)
	}{
		{
			name: "unknown host key",
			modify: func(t *testing.T, s *sshSetup) {
				s.opts.KnownHostsFiles = []string{filepath.Join(t.TempDir(), "known_hosts")} // does not exist
			},
			step: "host key", errText: "unknown SSH host",
			check: func(t *testing.T, err error) {
				var hke *HostKeyError
				if !errors.As(err, &hke) || !hke.Unknown() {
					t.Fatalf("err = %v, want an unknown *HostKeyError", err)
				}
				if hke.Fingerprint() != ssh.FingerprintSHA256(s0(t, err).Key) || !strings.Contains(err.Error(), hke.Fingerprint()) {
					t.Errorf("fingerprint missing from %v", err)
				}
			},
		},
		{
			name: "host key mismatch",
			modify: func(t *testing.T, s *sshSetup) {
				_, impostor := clientKey(t)
				s.opts.KnownHostsFiles = []string{s.srv.knownHosts(t, impostor)}
			},
			step: "host key", errText: "MISMATCH",
			check: func(t *testing.T, err error) {
				var hke *HostKeyError
				if !errors.As(err, &hke) || hke.Unknown() || len(hke.Known) != 1 {
					t.Fatalf("err = %v, want a mismatch *HostKeyError", err)
				}
				if !strings.Contains(err.Error(), "man-in-the-middle") || !strings.Contains(err.Error(), "DO NOT connect") {
					t.Errorf("mismatch not loud enough: %v", err)
				}
			},
		},
		{
			name: "wrong client key",
			modify: func(t *testing.T, s *sshSetup) {
				other, _ := clientKey(t)
				s.opts.IdentityFiles = []string{other}
			},
			step: "auth", errText: `SSH authentication as "ops" failed`,
		},
		{
			name: "no key at all",
			modify: func(t *testing.T, s *sshSetup) {
				s.opts.IdentityFiles = []string{filepath.Join(t.TempDir(), "id_ed25519")}
			},
			step: "auth", errText: "no usable SSH key",
		},
		{
			name: "socket the server cannot open",
			modify: func(t *testing.T, s *sshSetup) {
				s.ep.SSH.Socket = "/nonexistent/docker.sock"
			},
			step: "socket", errText: "connect failed",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSSHSetup(t)
			tc.modify(t, s)
			_, err := Dial(ctx(t), s.ep, s.opts)
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if te.Step != tc.step || !strings.Contains(err.Error(), tc.errText) || !strings.Contains(err.Error(), `endpoint "remote"`) {
				t.Errorf("step %q, err %v; want %q / %q", te.Step, err, tc.step, tc.errText)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

func s0(t *testing.T, err error) *HostKeyError {
	var hke *HostKeyError
	if !errors.As(err, &hke) {
		t.Fatalf("no HostKeyError in %v", err)
	}
	return hke
}

func TestDialSSHInsecureIsLoud(t *testing.T) {
	tests := []struct {
		name   string
		modify func(s *sshSetup)
	}{
		{"endpoint setting", func(s *sshSetup) { s.ep.SSH.InsecureIgnoreHostKey = true }},
		{"global option", func(s *sshSetup) { s.opts.InsecureIgnoreHostKey = true }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSSHSetup(t)
			s.opts.KnownHostsFiles = nil // the host is unknown
			tc.modify(s)
			cli, err := Dial(ctx(t), s.ep, s.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			checkEngine(t, cli)
			w := s.warn.text()
			if !strings.Contains(w, "host key verification is disabled") && !strings.Contains(w, "host key is NOT verified") {
				t.Errorf("insecure setting not reported: %q", w)
			}
			if !strings.Contains(w, "WITHOUT verification: ssh-ed25519 "+ssh.FingerprintSHA256(s.srv.hostKey.PublicKey())) {
				t.Errorf("accepted key not reported: %q", w)
			}
		})
	}
}

func TestSSHReconnectsAfterTheConnectionDies(t *testing.T) {
	s := newSSHSetup(t)
	cli, err := Dial(ctx(t), s.ep, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	s.srv.dropAll() // sshd restarted, network cut...
	if _, err := cli.ContainerList(ctx(t), container.ListOptions{}); err != nil {
		t.Fatalf("after the connection died: %v", err)
	}
	if n := s.srv.accepted.Load(); n != 2 {
		t.Errorf("%d SSH connections, want 2 (one re-made)", n)
	}
}

// A peer that stops answering (VPN drop, suspended VM) is found by
// keepalives, and the next request gets a fresh connection.
func TestSSHKeepaliveDropsASilentPeer(t *testing.T) {
	s := newSSHSetup(t)
	proxy := newFreezeProxy(t, s.srv.addr())
	s.ep.SSH.Port = proxy.port()
	s.opts.KnownHostsFiles = []string{writeKnownHosts(t, proxy.addr(), s.srv.hostKey.PublicKey())}
	s.opts.KeepAlive = 20 * time.Millisecond
	s.opts.KeepAliveMax = 2
	cli, err := Dial(ctx(t), s.ep, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	select { // keepalives are sent
	case <-s.srv.keepalives:
	case <-ctx(t).Done():
		t.Fatal("no keepalive reached the server")
	}
	proxy.freeze()
	select { // the client gives up on the silent connection and closes it
	case <-proxy.clientClosed:
	case <-ctx(t).Done():
		t.Fatal("the client never dropped the silent connection")
	}
	proxy.thaw()
	if _, err := cli.ContainerList(ctx(t), container.ListOptions{}); err != nil {
		t.Fatalf("after keepalive drop: %v", err)
	}
	if n := s.srv.accepted.Load(); n != 2 {
		t.Errorf("%d SSH connections, want 2", n)
	}
}

// A closed client leaks no SSH connection: it closes once idle.
func TestSSHClosesWhenIdle(t *testing.T) {
	s := newSSHSetup(t)
	s.opts.IdleTimeout = 10 * time.Millisecond
	cli, err := Dial(ctx(t), s.ep, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ContainerList(ctx(t), container.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	cli.Close()
	select {
	case <-s.srv.ended:
	case <-ctx(t).Done():
		t.Fatal("the SSH connection outlived its client")
	}
}

func writeKnownHosts(t *testing.T, addr string, key ssh.PublicKey) string {
	f := filepath.Join(t.TempDir(), "known_hosts")
	if err := TrustHostKey(f, addr, key); err != nil {
		t.Fatal(err)
	}
	return f
}

// freezeProxy forwards TCP to target and can go silent: while frozen it
// swallows every byte in both directions without closing anything, as a
// dropped VPN or a suspended VM does.
type freezeProxy struct {
	l            net.Listener
	target       string
	frozen       atomic.Bool
	clientClosed chan struct{}
	once         sync.Once
}

func newFreezeProxy(t *testing.T, target string) *freezeProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezeProxy{l: l, target: target, clientClosed: make(chan struct{})}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
	return p
}

func (p *freezeProxy) addr() string { return p.l.Addr().String() }
func (p *freezeProxy) port() int    { return p.l.Addr().(*net.TCPAddr).Port }
func (p *freezeProxy) freeze()      { p.frozen.Store(true) }
func (p *freezeProxy) thaw()        { p.frozen.Store(false) }

func (p *freezeProxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	forward := func(dst, src net.Conn, fromClient bool) {
		defer dst.Close()
		defer src.Close()
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 && !p.frozen.Load() {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				// The client hung up on a silent connection: that is
				// what the keepalive is for.
				if fromClient && p.frozen.Load() {
					p.once.Do(func() { close(p.clientClosed) })
				}
				return
			}
		}
	}
	go forward(up, c, true)
	go forward(c, up, false)
}

func TestTrustHostKey(t *testing.T) {
	s := newSSHSetup(t)
	kh := filepath.Join(t.TempDir(), "sub", "known_hosts")
	s.opts.KnownHostsFiles = []string{kh}
	_, err := Dial(ctx(t), s.ep, s.opts)
	hke := s0(t, err)
	// The operator checked the fingerprint and said yes.
	if err := TrustHostKey(kh, hke.Host, hke.Key); err != nil {
		t.Fatal(err)
	}
	cli, err := Dial(ctx(t), s.ep, s.opts)
	if err != nil {
		t.Fatalf("after trusting: %v", err)
	}
	cli.Close()
}

func TestDefaultOptions(t *testing.T) {
	o := DefaultOptions(endpoints.Env{Home: "/home/op", Vars: map[string]string{"SSH_AUTH_SOCK": "/tmp/agent.1"}})
	want := Options{
		ConnectTimeout: 5 * time.Second, PingTimeout: DefaultPingTimeout, KeepAlive: DefaultKeepAlive,
		KeepAliveMax: DefaultKeepAliveMax, IdleTimeout: DefaultIdleTimeout,
		KnownHostsFiles: []string{"/home/op/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"},
		IdentityFiles:   []string{"/home/op/.ssh/id_ed25519", "/home/op/.ssh/id_ecdsa", "/home/op/.ssh/id_rsa"},
		AgentSocket:     "/tmp/agent.1",
	}
	if o.ConnectTimeout != want.ConnectTimeout || o.AgentSocket != want.AgentSocket ||
		strings.Join(o.KnownHostsFiles, ",") != strings.Join(want.KnownHostsFiles, ",") ||
		strings.Join(o.IdentityFiles, ",") != strings.Join(want.IdentityFiles, ",") ||
		o.KeepAlive != want.KeepAlive || o.IdleTimeout != want.IdleTimeout || o.PingTimeout != want.PingTimeout {
		t.Errorf("DefaultOptions = %+v", o)
	}
}

// exec and attach hijack the HTTP connection (the docker client dials it
// itself, outside the HTTP transport): they must work over every transport.
func TestExecOverEveryTransport(t *testing.T) {
	requireEngine(t)
	id := testengine.Run(t, testengine.RunOpts{Name: "hijack"})

	pk := newPKI(t, []net.IP{net.IPv4(127, 0, 0, 1)}, nil)
	tlsSrv := startTLSEngine(t, pk)
	s := newSSHSetup(t)
	tests := []struct {
		name string
		ep   endpoints.Endpoint
		opts Options
	}{
		{"unix", endpoints.Endpoint{Name: "local", Host: "unix://" + engineSocket}, Options{}},
		{"tls", endpoints.Endpoint{Name: "tls", Host: "tcp://" + tlsSrv.Listener.Addr().String(),
			TLS: &endpoints.TLSConfig{CA: pk.caFile, Cert: pk.certFile, Key: pk.keyFile}}, Options{}},
		{"ssh", s.ep, s.opts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cli, err := Dial(ctx(t), tc.ep, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			ex, err := cli.ContainerExecCreate(ctx(t), id, container.ExecOptions{
				Cmd: []string{"echo", "hijack-" + tc.name}, AttachStdout: true, AttachStderr: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			att, err := cli.ContainerExecAttach(ctx(t), ex.ID, container.ExecAttachOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer att.Close()
			var out, errOut strings.Builder
			if _, err := stdcopy.StdCopy(&out, &errOut, att.Reader); err != nil {
				t.Fatal(err)
			}
			if out.String() != "hijack-"+tc.name+"\n" {
				t.Errorf("exec output %q, stderr %q", out.String(), errOut.String())
			}
		})
	}
}

// blackhole accepts TCP connections and never says a word, like a host
// behind a firewall that drops after the SYN-ACK or a hung sshd.
func blackhole(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return l.Addr().String()
}

func TestDialGivesUp(t *testing.T) {
	hole := blackhole(t)
	port := mustPort(t, hole)
	pk := newPKI(t, []net.IP{net.IPv4(127, 0, 0, 1)}, nil)
	sshEP := endpoints.Endpoint{Name: "hung", Host: "ssh://op@" + hole + "/var/run/docker.sock",
		SSH: &endpoints.SSHConfig{User: "op", Host: "127.0.0.1", Port: port, Socket: engineSocket}}
	key, _ := clientKey(t)
	tlsEP := endpoints.Endpoint{Name: "hung", Host: "tcp://" + hole, TLS: &endpoints.TLSConfig{CA: pk.caFile, Cert: pk.certFile, Key: pk.keyFile}}
	plainEP := endpoints.Endpoint{Name: "hung", Host: "tcp://" + hole}

	for _, ep := range []endpoints.Endpoint{sshEP, tlsEP, plainEP} {
		t.Run("silent "+ep.Scheme()+" tls="+strconv.FormatBool(ep.TLS != nil), func(t *testing.T) {
			_, err := Dial(ctx(t), ep, Options{ConnectTimeout: 200 * time.Millisecond, PingTimeout: 300 * time.Millisecond, IdentityFiles: []string{key}})
			var te *Error
			if !errors.As(err, &te) || !strings.Contains(err.Error(), "no answer from") {
				t.Errorf("err = %v, want a timeout with a hint", err)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Dial(c, sshEP, Options{IdentityFiles: []string{key}})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}
