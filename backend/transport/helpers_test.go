package transport

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// engineSocket is the real engine every transport test ends up talking to.
const engineSocket = "/var/run/docker.sock"

func requireEngine(t *testing.T) {
	t.Helper()
	c, err := net.Dial("unix", engineSocket)
	if err != nil {
		t.Fatalf("these tests need the engine at %s: %v", engineSocket, err)
	}
	c.Close()
}

// engineProxy is an HTTP handler that forwards everything to the real
// engine socket: it stands in for a remote dockerd listening on TCP.
func engineProxy() http.Handler {
	d := net.Dialer{}
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme = "http"
			r.Out.URL.Host = "docker"
		},
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return d.DialContext(ctx, "unix", engineSocket)
			},
		},
	}
}

// pki is a CA with server and client certificates, written as PEM files.
type pki struct {
	dir                       string
	caCert                    *x509.Certificate
	caKey                     *ecdsa.PrivateKey
	caFile, certFile, keyFile string // client side: ca.pem, cert.pem, key.pem
	serverCert                tls.Certificate
	caPool                    *x509.CertPool
}

func newPKI(t *testing.T, serverIPs []net.IP, serverDNS []string) *pki {
	t.Helper()
	p := &pki{dir: t.TempDir()}
	var err error
	p.caKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"dockterm test CA"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &p.caKey.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	p.caCert, _ = x509.ParseCertificate(der)
	p.caPool = x509.NewCertPool()
	p.caPool.AddCert(p.caCert)
	p.caFile = p.write(t, "ca.pem", "CERTIFICATE", der)

	srvDER, srvKey := p.leaf(t, 2, x509.ExtKeyUsageServerAuth, serverIPs, serverDNS)
	p.serverCert = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}

	cliDER, cliKey := p.leaf(t, 3, x509.ExtKeyUsageClientAuth, nil, nil)
	p.certFile = p.write(t, "cert.pem", "CERTIFICATE", cliDER)
	keyDER, err := x509.MarshalECPrivateKey(cliKey)
	if err != nil {
		t.Fatal(err)
	}
	p.keyFile = p.write(t, "key.pem", "EC PRIVATE KEY", keyDER)
	return p
}

func (p *pki) leaf(t *testing.T, serial int64, usage x509.ExtKeyUsage, ips []net.IP, dns []string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{Organization: []string{"dockterm test"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		IPAddresses:  ips,
		DNSNames:     dns,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

func (p *pki) write(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	f := filepath.Join(p.dir, name)
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// startTLSEngine serves the engine over TLS on 127.0.0.1, requiring a
// client certificate signed by the PKI's CA, as docker-machine's dockerd
// --tlsverify does.
func startTLSEngine(t *testing.T, p *pki) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(engineProxy())
	// Rejected handshakes are the point of some tests: keep them quiet.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{p.serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.caPool,
		MinVersion:   tls.VersionTLS12,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// sshServer is an in-process SSH server on 127.0.0.1 that accepts one client
// key and serves direct-streamlocal@openssh.com channels by dialing the real
// engine socket.
type sshServer struct {
	t          *testing.T
	l          net.Listener
	hostKey    ssh.Signer
	authorized ssh.PublicKey

	accepted   atomic.Int32 // TCP connections
	channels   atomic.Int32 // streamlocal channels opened
	keepalives chan struct{}
	ended      chan struct{} // one value per SSH connection that ended

	mu    sync.Mutex
	conns []net.Conn
}

func newSSHServer(t *testing.T, authorized ssh.PublicKey) *sshServer {
	t.Helper()
	_, hk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(hk)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sshServer{t: t, l: l, hostKey: signer, authorized: authorized, keepalives: make(chan struct{}, 100), ended: make(chan struct{}, 100)}
	t.Cleanup(func() {
		l.Close()
		s.dropAll()
	})
	go s.serve()
	return s
}

func (s *sshServer) addr() string { return s.l.Addr().String() }

func (s *sshServer) port() int { return s.l.Addr().(*net.TCPAddr).Port }

func (s *sshServer) serve() {
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if string(key.Marshal()) == string(s.authorized.Marshal()) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	cfg.AddHostKey(s.hostKey)
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		go s.handle(c, cfg)
	}
}

func (s *sshServer) handle(c net.Conn, cfg *ssh.ServerConfig) {
	sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		c.Close()
		return
	}
	defer func() {
		sc.Close()
		s.ended <- struct{}{}
	}()
	go func() {
		for r := range reqs {
			if r.Type == "keepalive@openssh.com" {
				select {
				case s.keepalives <- struct{}{}:
				default:
				}
			}
			if r.WantReply {
				r.Reply(false, nil) // as OpenSSH answers unknown requests
			}
		}
	}()
	for nc := range chans {
		if nc.ChannelType() != "direct-streamlocal@openssh.com" {
			nc.Reject(ssh.UnknownChannelType, "only streamlocal")
			continue
		}
		var msg struct {
			SocketPath string
			Reserved0  string
			Reserved1  uint32
		}
		if err := ssh.Unmarshal(nc.ExtraData(), &msg); err != nil {
			nc.Reject(ssh.Prohibited, "bad payload")
			continue
		}
		up, err := net.Dial("unix", msg.SocketPath)
		if err != nil {
			nc.Reject(ssh.ConnectionFailed, err.Error())
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			up.Close()
			continue
		}
		s.channels.Add(1)
		go ssh.DiscardRequests(chReqs)
		go func() {
			defer ch.Close()
			defer up.Close()
			done := make(chan struct{}, 2)
			go func() { io.Copy(up, ch); done <- struct{}{} }()
			go func() { io.Copy(ch, up); done <- struct{}{} }()
			<-done
		}()
	}
}

// dropAll closes every connection from the server side, as a crashed sshd
// or a network cut would.
func (s *sshServer) dropAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// knownHosts writes a known_hosts file with key for the server's address.
func (s *sshServer) knownHosts(t *testing.T, key ssh.PublicKey) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.addr())}, key)
	if err := os.WriteFile(f, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// clientKey generates an ed25519 key and writes it as an OpenSSH private
// key file.
func clientKey(t *testing.T) (string, ssh.PublicKey) {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(k, "")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(f, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return f, signer.PublicKey()
}
