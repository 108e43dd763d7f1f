package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/dockterm/dockterm/backend/endpoints"
)

// tlsConfig builds the client TLS configuration of an endpoint: its CA only
// (not the system roots) when it names one, as the docker CLI does
// (ExclusiveRootPools), its client key pair, and verification unless the
// endpoint itself says SkipVerify.
func tlsConfig(t *endpoints.TLSConfig) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CA != "" {
		pem, err := os.ReadFile(t.CA)
		if err != nil {
			return nil, fmt.Errorf("CA certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA certificate %s holds no PEM certificate", t.CA)
		}
		cfg.RootCAs = pool
	}
	switch {
	case t.Cert != "" && t.Key != "":
		pair, err := tls.LoadX509KeyPair(t.Cert, t.Key)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s / key %s: %w", t.Cert, t.Key, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case t.Cert != "" || t.Key != "":
		return nil, errors.New("a client certificate needs its key and the reverse")
	}
	// Set only from the endpoint's own configuration; Dial reports it.
	cfg.InsecureSkipVerify = t.SkipVerify
	return cfg, nil
}
