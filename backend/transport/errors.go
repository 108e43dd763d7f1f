package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"reflect"
	"strings"
	"syscall"

	"golang.org/x/crypto/ssh"

	"github.com/dockterm/dockterm/backend/endpoints"
)

// classify turns a failure into an *Error with the step that failed and
// advice that fits the endpoint's kind. known is false when it recognized
// nothing in particular.
func classify(ep endpoints.Endpoint, err error) (e *Error, known bool) {
	e = &Error{Endpoint: ep.Name, Host: ep.Host, Step: "connect", Err: err}
	known = true
	scheme := ep.Scheme()
	target := strings.TrimPrefix(strings.TrimPrefix(ep.Host, "tcp://"), "unix://")
	if scheme == "ssh" && ep.SSH != nil {
		target = ep.SSH.Addr()
	}

	var (
		hke     *HostKeyError
		authErr *authError
		chanErr *ssh.OpenChannelError
		tlsErr  *tlsError
		dnsErr  *net.DNSError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		alert   tls.AlertError
		netErr  net.Error
	)
	switch {
	case errors.Is(err, context.Canceled):
		e.Hint = ""
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		if errors.As(err, &tlsErr) {
			e.Step = "tls"
		}
		e.Hint = fmt.Sprintf("no answer from %s in time: host down, firewall, wrong address, or not a Docker engine", target)
	case errors.As(err, &hke):
		e.Step = "host key"
		if hke.Unknown() {
			e.Hint = fmt.Sprintf("verify the fingerprint with the host's owner, then add it: ssh -p %d %s@%s once, or ssh-keyscan -p %d %s >> ~/.ssh/known_hosts",
				ep.SSH.Port, ep.SSH.User, ep.SSH.Host, ep.SSH.Port, ep.SSH.Host)
		} else {
			e.Hint = "DO NOT connect until you know why the key changed (host reinstalled, or someone intercepting); if expected, remove the old entry: ssh-keygen -R " + knownHostsName(ep.SSH.Addr())
		}
	case errors.As(err, &authErr):
		e.Step = "auth"
		e.Hint = "add the right key to ssh-agent (ssh-add) or name it on the endpoint (identityFile); the server must accept user " + ep.SSH.User
	case errors.As(err, &chanErr):
		e.Step = "socket"
		e.Hint = fmt.Sprintf("the SSH server would not connect to %s: check the socket path, that user %s may use it (docker group), and that sshd allows AllowStreamLocalForwarding",
			ep.SSH.Socket, ep.SSH.User)
	case errors.As(err, &unknown):
		e.Step = "tls"
		e.Hint = "the engine's certificate is not signed by the endpoint's CA" + caName(ep) + "; for docker-machine: docker-machine regenerate-certs " + ep.Name
	case errors.As(err, &hostErr):
		e.Step = "tls"
		e.Hint = "the engine's certificate does not name " + hostErr.Host + " (IP changed?); for docker-machine: docker-machine regenerate-certs " + ep.Name + " (restarts dockerd), or connect over SSH"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		e.Step = "tls"
		e.Hint = "a certificate has expired or is not yet valid: check its dates and both clocks; for docker-machine: docker-machine regenerate-certs --client-certs " + ep.Name
	case errors.As(err, &record):
		e.Step = "tls"
		e.Hint = target + " does not speak TLS: the engine listens without TLS there (drop TLS, usually port 2375) or it is not an engine"
	case remoteAlert(err, &alert) && clientCertAlerts[alert]:
		e.Step = "tls"
		e.Hint = "the engine rejected our client certificate: use the cert.pem/key.pem issued by the CA the engine trusts"
	case remoteAlert(err, &alert):
		e.Step = "tls"
	case errors.As(err, &tlsErr):
		e.Step = "tls"
	case errors.As(err, &dnsErr):
		e.Hint = "cannot resolve " + dnsErr.Name
	case errors.Is(err, syscall.ECONNREFUSED):
		switch scheme {
		case "unix":
			e.Hint = "nothing listens on " + target + ": is dockerd running?"
		case "ssh":
			e.Hint = "no SSH server answers on " + target
		default:
			e.Hint = "nothing listens on " + target + ": dockerd down, not listening on TCP, or the machine is stopped"
		}
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOENT):
		e.Hint = target + " does not exist: is dockerd running here? (a rootless engine listens on $XDG_RUNTIME_DIR/docker.sock)"
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EACCES):
		e.Hint = "permission denied on " + target + ": add your user to the docker group (then log in again), or run as root"
	case scheme == "ssh":
		e.Step = "ssh"
		known = false
	default:
		known = false
	}
	return e, known
}

// remoteAlert finds a TLS alert sent by the server. crypto/tls reports one
// as a *net.OpError{Op: "remote error"} around its unexported alert type (a
// uint8); AlertError is only used with QUIC. Reflection reads the code rather
// than matching the alert's English text.
func remoteAlert(err error, code *tls.AlertError) bool {
	if errors.As(err, code) {
		return true
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return false
	}
	if v := reflect.ValueOf(op.Err); v.Kind() == reflect.Uint8 {
		*code = tls.AlertError(v.Uint())
		return true
	}
	return false
}

// clientCertAlerts are the TLS alerts (RFC 8446 section 6.2) a server sends
// when it does not accept the client certificate. With TLS 1.3 they arrive
// after the client's side of the handshake, on the first read.
var clientCertAlerts = map[tls.AlertError]bool{
	42:  true, // bad_certificate
	43:  true, // unsupported_certificate
	44:  true, // certificate_revoked
	45:  true, // certificate_expired
	46:  true, // certificate_unknown
	48:  true, // unknown_ca
	116: true, // certificate_required
}

func caName(ep endpoints.Endpoint) string {
	if ep.TLS != nil && ep.TLS.CA != "" {
		return " (" + ep.TLS.CA + ")"
	}
	return " (system roots)"
}
