package transport

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/dockterm/dockterm/backend/endpoints"
)

// sshConn is one endpoint's SSH connection, shared by all its API
// connections (each one a direct-streamlocal channel to the engine socket).
// It connects lazily, is re-made when it dies (keepalives find a silent
// peer), and closes itself once idle.
type sshConn struct {
	name, addr, user, socket string
	identityFiles            []string
	opts                     Options
	hostKeys                 *hostKeys

	sem chan struct{} // serializes connects, cancellable unlike a mutex

	mu     sync.Mutex
	client *ssh.Client
	open   int         // channels open on client
	idle   *time.Timer // armed while open == 0
	closed bool
}

func newSSHConn(ep endpoints.Endpoint, opts Options) (*sshConn, error) {
	s := ep.SSH
	if s.User == "" {
		return nil, errors.New("no SSH user: put one in the URL (ssh://user@host)")
	}
	if s.Host == "" {
		return nil, errors.New("no SSH host")
	}
	port := s.Port
	if port == 0 {
		port = 22
	}
	socket := s.Socket
	if socket == "" {
		socket = endpoints.DefaultSocket
	}
	insecure := s.InsecureIgnoreHostKey || opts.InsecureIgnoreHostKey
	if opts.InsecureIgnoreHostKey && !s.InsecureIgnoreHostKey {
		opts.warn(ep.Name, "SSH host key verification is disabled for every endpoint: a man in the middle can impersonate "+s.Host)
	}
	hk, err := newHostKeys(opts.KnownHostsFiles, insecure)
	if err != nil {
		return nil, err
	}
	return &sshConn{
		name:          ep.Name,
		addr:          net.JoinHostPort(s.Host, fmt.Sprint(port)),
		user:          s.User,
		socket:        socket,
		identityFiles: append(append([]string(nil), s.IdentityFiles...), opts.IdentityFiles...),
		opts:          opts,
		hostKeys:      hk,
		sem:           make(chan struct{}, 1),
	}, nil
}

// DialContext opens a channel to the remote engine socket, connecting (or
// re-connecting once, if the connection turns out dead) as needed.
func (s *sshConn) DialContext(ctx context.Context) (net.Conn, error) {
	for attempt := 0; ; attempt++ {
		c, err := s.get(ctx)
		if err != nil {
			return nil, err
		}
		ch, err := c.DialContext(ctx, "unix", s.socket)
		if err == nil {
			return s.track(c, ch), nil
		}
		var refused *ssh.OpenChannelError
		if errors.As(err, &refused) || ctx.Err() != nil || attempt > 0 {
			return nil, err
		}
		s.drop(c) // the connection is dead: make a new one, once
	}
}

// Close closes the SSH connection for good. It is safe on a nil *sshConn.
func (s *sshConn) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	c := s.client
	s.client, s.closed = nil, true
	if s.idle != nil {
		s.idle.Stop()
	}
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

func (s *sshConn) current() (*ssh.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("SSH connection closed")
	}
	return s.client, nil
}

func (s *sshConn) get(ctx context.Context) (*ssh.Client, error) {
	if c, err := s.current(); c != nil || err != nil {
		return c, err
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	if c, err := s.current(); c != nil || err != nil {
		return c, err // another dialer connected while we waited
	}
	c, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return nil, errors.New("SSH connection closed")
	}
	s.client, s.open = c, 0
	s.armIdle(c)
	s.mu.Unlock()
	go func() {
		_ = c.Wait()
		close(done)
		s.drop(c)
	}()
	go s.keepalive(c, done)
	return c, nil
}

// drop forgets c (if it is still the current connection) and closes it.
func (s *sshConn) drop(c *ssh.Client) {
	s.mu.Lock()
	if s.client == c {
		s.client, s.open = nil, 0
		if s.idle != nil {
			s.idle.Stop()
		}
	}
	s.mu.Unlock()
	c.Close()
}

// armIdle starts the idle timer for c; s.mu must be held.
func (s *sshConn) armIdle(c *ssh.Client) {
	if s.idle != nil {
		s.idle.Stop()
	}
	s.idle = time.AfterFunc(s.opts.IdleTimeout, func() {
		s.mu.Lock()
		idle := s.client == c && s.open == 0
		s.mu.Unlock()
		if idle {
			s.drop(c)
		}
	})
}

func (s *sshConn) track(c *ssh.Client, ch net.Conn) net.Conn {
	s.mu.Lock()
	if s.client == c {
		s.open++
		if s.idle != nil {
			s.idle.Stop()
		}
	}
	s.mu.Unlock()
	t := &trackedConn{Conn: ch}
	t.release = func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.client == c {
			s.open--
			if s.open == 0 {
				s.armIdle(c)
			}
		}
	}
	return t
}

// trackedConn counts the channel as open until its first Close.
type trackedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (t *trackedConn) Close() error {
	err := t.Conn.Close()
	t.once.Do(t.release)
	return err
}

// keepalive sends keepalive@openssh.com every KeepAlive and drops the
// connection when a reply takes longer than KeepAlive*KeepAliveMax: a peer
// that vanished (VPN drop, suspended VM) is noticed instead of hanging
// every request.
func (s *sshConn) keepalive(c *ssh.Client, done <-chan struct{}) {
	t := time.NewTicker(s.opts.KeepAlive)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		timeout := time.NewTimer(s.opts.KeepAlive * time.Duration(s.opts.KeepAliveMax))
		select {
		case <-done:
			timeout.Stop()
			return
		case err := <-reply:
			timeout.Stop()
			if err != nil {
				s.drop(c)
				return
			}
		case <-timeout.C:
			s.drop(c)
			return
		}
	}
}

// connect makes the TCP connection and the SSH handshake within
// ConnectTimeout, and gives up as soon as ctx is done.
func (s *sshConn) connect(ctx context.Context) (*ssh.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.ConnectTimeout)
	defer cancel()
	d := net.Dialer{KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })

	auth, err := s.auth()
	if err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	defer auth.close()
	cfg := &ssh.ClientConfig{
		User:              s.user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) { return auth.signers, nil })},
		HostKeyCallback:   s.checkHostKey,
		HostKeyAlgorithms: s.hostKeys.algorithms(s.addr, conn.RemoteAddr()),
		Timeout:           s.opts.ConnectTimeout,
	}
	cc, chans, reqs, err := ssh.NewClientConn(conn, s.addr, cfg)
	if !stop() {
		// ctx ended during the handshake and closed the connection.
		if cc != nil {
			cc.Close()
		}
		var hke *HostKeyError
		if err != nil && errors.As(err, &hke) {
			return nil, err
		}
		return nil, fmt.Errorf("SSH handshake with %s: %w", s.addr, ctx.Err())
	}
	if err != nil {
		conn.Close()
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, &authError{err: err, user: s.user, tried: auth.tried, notes: auth.notes}
		}
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(cc, chans, reqs), nil
}

func (s *sshConn) checkHostKey(hostname string, remote net.Addr, key ssh.PublicKey) error {
	if s.hostKeys.insecure {
		s.opts.warn(s.name, fmt.Sprintf("accepted SSH host key of %s WITHOUT verification: %s %s",
			hostname, key.Type(), ssh.FingerprintSHA256(key)))
		return nil
	}
	return s.hostKeys.check(hostname, remote, key)
}

// sshAuth is the key material of one connection attempt.
type sshAuth struct {
	signers []ssh.Signer
	tried   []string // what the signers are, for the error message
	notes   []string // keys that could not be used, and why
	agent   net.Conn
}

func (a *sshAuth) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}

// auth gathers signers: the endpoint's own keys first (a machine's id_rsa),
// then the agent's, then the default key files. One publickey method with
// all of them, because x/crypto does not try a second publickey method
// after the first fails.
func (s *sshConn) auth() (*sshAuth, error) {
	a := &sshAuth{}
	seen := map[string]bool{}
	add := func(sg ssh.Signer, desc string) {
		k := string(sg.PublicKey().Marshal())
		if seen[k] {
			return
		}
		seen[k] = true
		a.signers = append(a.signers, sg)
		a.tried = append(a.tried, desc+" "+ssh.FingerprintSHA256(sg.PublicKey()))
	}
	explicit := len(s.identityFiles) - len(s.opts.IdentityFiles)
	loadFile := func(i int, p string) {
		b, err := os.ReadFile(p)
		if err != nil {
			if i < explicit || !errors.Is(err, fs.ErrNotExist) {
				a.notes = append(a.notes, fmt.Sprintf("%s: %v", p, err))
			}
			return
		}
		sg, err := ssh.ParsePrivateKey(b)
		var pass *ssh.PassphraseMissingError
		switch {
		case errors.As(err, &pass):
			a.notes = append(a.notes, p+" is passphrase-protected: load it into ssh-agent")
		case err != nil:
			a.notes = append(a.notes, fmt.Sprintf("%s: %v", p, err))
		default:
			add(sg, p)
		}
	}
	for i, p := range s.identityFiles[:explicit] {
		loadFile(i, p)
	}
	if s.opts.AgentSocket != "" {
		conn, err := net.DialTimeout("unix", s.opts.AgentSocket, s.opts.ConnectTimeout)
		if err != nil {
			a.notes = append(a.notes, fmt.Sprintf("ssh-agent at %s: %v", s.opts.AgentSocket, err))
		} else {
			a.agent = conn
			sgs, err := agent.NewClient(conn).Signers()
			if err != nil {
				a.notes = append(a.notes, fmt.Sprintf("ssh-agent: %v", err))
			}
			for _, sg := range sgs {
				add(sg, "agent key")
			}
		}
	}
	for i, p := range s.identityFiles[explicit:] {
		loadFile(explicit+i, p)
	}
	if len(a.signers) == 0 {
		a.close()
		return nil, &authError{err: errors.New("no usable SSH key (no agent, no key file)"), user: s.user, notes: a.notes}
	}
	return a, nil
}

// authError is a failed SSH authentication, with what was tried.
type authError struct {
	err   error
	user  string
	tried []string
	notes []string
}

func (e *authError) Error() string {
	s := fmt.Sprintf("SSH authentication as %q failed: %v", e.user, e.err)
	if len(e.tried) > 0 {
		s += "; tried " + strings.Join(e.tried, ", ")
	}
	if len(e.notes) > 0 {
		s += "; skipped " + strings.Join(e.notes, "; ")
	}
	return s
}

func (e *authError) Unwrap() error { return e.err }

// hostKeys verifies host keys against known_hosts files.
type hostKeys struct {
	cb       ssh.HostKeyCallback // nil when no file exists
	insecure bool
}

func newHostKeys(files []string, insecure bool) (*hostKeys, error) {
	var existing []string
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			existing = append(existing, f)
		}
	}
	h := &hostKeys{insecure: insecure}
	if len(existing) > 0 {
		cb, err := knownhosts.New(existing...)
		if err != nil {
			return nil, fmt.Errorf("known_hosts: %w", err)
		}
		h.cb = cb
	}
	return h, nil
}

func (h *hostKeys) check(hostname string, remote net.Addr, key ssh.PublicKey) error {
	if h.cb == nil {
		return &HostKeyError{Host: hostname, Key: key}
	}
	err := h.cb(hostname, remote, key)
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ke):
		return &HostKeyError{Host: hostname, Key: key, Known: ke.Want}
	case errors.As(err, &re):
		return &HostKeyError{Host: hostname, Key: key, Known: []knownhosts.KnownKey{re.Revoked}, Revoked: true}
	default:
		return err
	}
}

// algorithms returns the host key algorithms known_hosts already holds for
// the host. x/crypto picks the algorithm before it checks known_hosts, so a
// server that prefers a type we do not know would otherwise look like a key
// mismatch (golang/go#29286).
func (h *hostKeys) algorithms(hostname string, remote net.Addr) []string {
	if h.cb == nil || h.insecure {
		return nil
	}
	var ke *knownhosts.KeyError
	if err := h.cb(hostname, remote, probeKey{}); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, k := range ke.Want {
		types := []string{k.Key.Type()}
		if types[0] == ssh.KeyAlgoRSA {
			types = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
		}
		for _, t := range types {
			if !seen[t] {
				seen[t] = true
				algos = append(algos, t)
			}
		}
	}
	return algos
}

// probeKey matches no known key, so that knownhosts lists the known ones.
type probeKey struct{}

func (probeKey) Type() string                        { return "dockterm-probe" }
func (probeKey) Marshal() []byte                     { return []byte("dockterm-probe") }
func (probeKey) Verify([]byte, *ssh.Signature) error { return errors.New("probe key") }
func (probeKey) String() string                      { return "dockterm-probe" }

// HostKeyError is an SSH host key that known_hosts does not vouch for:
// unknown (Known empty), different from the known one (a possible
// man-in-the-middle), or revoked. It carries the key so that the UI can show
// the fingerprint and, if the operator says so, TrustHostKey it.
type HostKeyError struct {
	Host    string // host:port as dialed
	Key     ssh.PublicKey
	Known   []knownhosts.KnownKey
	Revoked bool
}

// Unknown reports a host known_hosts has no key for (as opposed to a
// mismatch).
func (e *HostKeyError) Unknown() bool { return !e.Revoked && len(e.Known) == 0 }

// Fingerprint is the presented key's SHA256 fingerprint, as ssh prints it.
func (e *HostKeyError) Fingerprint() string { return ssh.FingerprintSHA256(e.Key) }

func (e *HostKeyError) Error() string {
	offered := e.Key.Type() + " " + e.Fingerprint()
	switch {
	case e.Revoked:
		return fmt.Sprintf("SSH host key of %s (%s) is marked @revoked in %s:%d", e.Host, offered, e.Known[0].Filename, e.Known[0].Line)
	case e.Unknown():
		return fmt.Sprintf("unknown SSH host %s: it is not in known_hosts; it offers %s", e.Host, offered)
	default:
		var want []string
		for _, k := range e.Known {
			want = append(want, fmt.Sprintf("%s %s (%s:%d)", k.Key.Type(), ssh.FingerprintSHA256(k.Key), k.Filename, k.Line))
		}
		return fmt.Sprintf("SSH HOST KEY MISMATCH for %s: it offers %s, known_hosts has %s: possible man-in-the-middle attack",
			e.Host, offered, strings.Join(want, ", "))
	}
}

// TrustHostKey appends key for hostport (host:port) to the known_hosts file
// at path, creating it 0600 (and its directory 0700) if needed. The UI calls
// it only after the operator has checked the fingerprint.
func TrustHostKey(path, hostport string, key ssh.PublicKey) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(hostport)}, key) + "\n"
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return fmt.Errorf("known_hosts %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("known_hosts %s: %w", path, err)
	}
	return nil
}

// knownHostsName is how ssh-keygen -R names a host:port.
func knownHostsName(hostport string) string { return knownhosts.Normalize(hostport) }
