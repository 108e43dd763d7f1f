package machine

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultEnginePort is libmachine's engine.DefaultPort, the TLS port
// docker-machine provisions dockerd on.
const DefaultEnginePort = 2376

// Driver holds the driver fields every libmachine driver shares
// (drivers.BaseDriver), the two connection fields some drivers add, and every
// key of the driver JSON, known or not, so that the fields of forks and of
// third-party drivers are kept, never rejected.
type Driver struct {
	IPAddress      string
	MachineName    string
	SSHUser        string
	SSHPort        int
	SSHKeyPath     string
	StorePath      string // the store root (not the machine dir)
	SwarmMaster    bool
	SwarmHost      string
	SwarmDiscovery string

	EnginePort int    // generic driver (and forks that copied it); 0 when absent
	URL        string // none driver: the URL given at create

	// Fields holds every member of the driver JSON, in the order stored.
	Fields []Field
}

// Field is one member of the driver JSON.
type Field struct {
	Key   string
	Value json.RawMessage
}

// Field returns the raw JSON value of a driver key.
func (d Driver) Field(key string) (json.RawMessage, bool) {
	for _, f := range d.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// decodeDriver reads the shared fields one by one, so that a fork that gave
// one of them another type spoils only that field (reported in warnings).
func decodeDriver(raw json.RawMessage) (Driver, []string, error) {
	fields, err := objectFields(raw)
	if err != nil {
		return Driver{}, nil, fmt.Errorf("Driver: %w", err)
	}
	d := Driver{Fields: make([]Field, len(fields))}
	for i, f := range fields {
		d.Fields[i] = Field(f)
	}
	targets := map[string]any{
		"IPAddress": &d.IPAddress, "MachineName": &d.MachineName, "SSHUser": &d.SSHUser,
		"SSHPort": &d.SSHPort, "SSHKeyPath": &d.SSHKeyPath, "StorePath": &d.StorePath,
		"SwarmMaster": &d.SwarmMaster, "SwarmHost": &d.SwarmHost, "SwarmDiscovery": &d.SwarmDiscovery,
		"EnginePort": &d.EnginePort, "URL": &d.URL,
	}
	var warnings []string
	for _, f := range fields {
		ptr, ok := targets[f.Key]
		if !ok {
			continue
		}
		if err := json.Unmarshal(f.Value, ptr); err != nil {
			warnings = append(warnings, fmt.Sprintf("driver field %s ignored: %v", f.Key, err))
		}
	}
	return d, warnings, nil
}

// Host is one machine of a store, migrated to ConfigVersion 3 in memory.
type Host struct {
	Name       string // the directory name; libmachine ignores the Name key
	Dir        string // <store>/machines/<name>: DOCKER_CERT_PATH
	StoreDir   string // the store root it was read from
	ConfigPath string

	// FileVersion is the ConfigVersion found on disk; Migrated says whether
	// an in-memory migration ran (FileVersion < CurrentConfigVersion).
	FileVersion int
	Migrated    bool

	DriverName  string
	Driver      Driver
	HostOptions *HostOptions

	// Warnings lists oddities that did not stop the load (a driver field of
	// an unexpected type, a missing DriverName).
	Warnings []string

	driverJSON json.RawMessage
}

// DriverJSON returns the driver JSON as a ConfigVersion 3 file would hold it.
func (h *Host) DriverJSON() json.RawMessage { return h.driverJSON }

// EngineOptions returns the engine options, zero when config.json has none.
func (h *Host) EngineOptions() EngineOptions {
	if h.HostOptions == nil || h.HostOptions.EngineOptions == nil {
		return EngineOptions{}
	}
	return *h.HostOptions.EngineOptions
}

// SwarmOptions returns the swarm options, zero when config.json has none.
func (h *Host) SwarmOptions() SwarmOptions {
	if h.HostOptions == nil || h.HostOptions.SwarmOptions == nil {
		return SwarmOptions{}
	}
	return *h.HostOptions.SwarmOptions
}

// AuthOptions returns the auth options, zero when config.json has none.
func (h *Host) AuthOptions() AuthOptions {
	if h.HostOptions == nil || h.HostOptions.AuthOptions == nil {
		return AuthOptions{}
	}
	return *h.HostOptions.AuthOptions
}

// IP returns the machine's IP as config.json records it (Driver.GetIP of the
// base driver). virtualbox and the cloud drivers look theirs up live, so after
// a restart the recorded one can be stale. For the none driver this is the
// host:port of its URL, as docker-machine prints it.
func (h *Host) IP() (string, error) {
	if h.Driver.IPAddress != "" {
		return h.Driver.IPAddress, nil
	}
	if h.DriverName == "none" && h.Driver.URL != "" {
		if u, err := url.Parse(h.Driver.URL); err == nil && u.Host != "" {
			return u.Host, nil
		}
	}
	return "", fmt.Errorf("machine %q: IP address is not set (not created yet, or never started)", h.Name)
}

// EnginePort is the dockerd TLS port: the driver's EnginePort when it has one,
// else 2376.
func (h *Host) EnginePort() int {
	if h.Driver.EnginePort > 0 {
		return h.Driver.EnginePort
	}
	return DefaultEnginePort
}

// URL returns the engine URL (Driver.GetURL): tcp://IP:port, or the none
// driver's URL.
func (h *Host) URL() (string, error) {
	if h.DriverName == "none" {
		if h.Driver.URL == "" {
			return "", fmt.Errorf("machine %q: the none driver has no URL", h.Name)
		}
		return h.Driver.URL, nil
	}
	ip, err := h.IP()
	if err != nil {
		return "", err
	}
	return "tcp://" + net.JoinHostPort(ip, strconv.Itoa(h.EnginePort())), nil
}

// SwarmURL is the URL `docker-machine env --swarm` prints: the machine IP
// with the port of SwarmOptions.Host. Only swarm masters have one.
func (h *Host) SwarmURL() (string, error) {
	sw := h.SwarmOptions()
	if !sw.Master {
		return "", fmt.Errorf("Error: %s is not a swarm master.  The --swarm flag is intended for use with swarm masters", h.Name)
	}
	engineURL, err := h.URL()
	if err != nil {
		return "", err
	}
	su, err := url.Parse(sw.Host)
	if err != nil {
		return "", fmt.Errorf("There was an error parsing the url: %w", err)
	}
	port := su.Port()
	if port == "" {
		return "", fmt.Errorf("machine %q: swarm host %q has no port", h.Name, sw.Host)
	}
	eu, err := url.Parse(engineURL)
	if err != nil {
		return "", fmt.Errorf("There was an error parsing the url: %w", err)
	}
	return "tcp://" + net.JoinHostPort(eu.Hostname(), port), nil
}

// SSHUser is the SSH user, "root" when config.json has none
// (BaseDriver.GetSSHUsername).
func (h *Host) SSHUser() string {
	if h.Driver.SSHUser == "" {
		return "root"
	}
	return h.Driver.SSHUser
}

// SSHPort is the SSH port, 22 when config.json has none.
func (h *Host) SSHPort() int {
	if h.Driver.SSHPort <= 0 {
		return 22
	}
	return h.Driver.SSHPort
}

// SSHHostname is where SSH connects: virtualbox machines are reached through
// a NAT port forward on 127.0.0.1, every other driver at the machine IP.
func (h *Host) SSHHostname() (string, error) {
	switch h.DriverName {
	case "virtualbox":
		return "127.0.0.1", nil
	case "none":
		return "", fmt.Errorf("machine %q: the none driver has no SSH access", h.Name)
	}
	ip, err := h.IP()
	if err != nil {
		return "", err
	}
	// The none driver's IP carries a port; no other driver's does, but a
	// hand-edited store might.
	if host, _, err := net.SplitHostPort(ip); err == nil {
		return host, nil
	}
	return ip, nil
}

// SSHKeyPath is the private key docker-machine would use. The generic driver
// stores "" to mean "the user's default keys and agent", and so returns "".
// Every other driver defaults to <StorePath>/machines/<name>/id_rsa.
func (h *Host) SSHKeyPath() string {
	if h.Driver.SSHKeyPath != "" || h.DriverName == "generic" {
		return h.Driver.SSHKeyPath
	}
	store := h.Driver.StorePath
	if store == "" {
		store = h.StoreDir
	}
	name := h.Driver.MachineName
	if name == "" {
		name = h.Name
	}
	return filepath.Join(store, "machines", name, "id_rsa")
}

// ResolveSSHKey returns SSHKeyPath if that file exists, else the machine
// directory's id_rsa if that exists (a store copied from another host keeps
// the old absolute paths), else SSHKeyPath unchanged.
func (h *Host) ResolveSSHKey() string {
	p := h.SSHKeyPath()
	if p == "" || fileExists(p) {
		return p
	}
	if alt := filepath.Join(h.Dir, "id_rsa"); fileExists(alt) {
		return alt
	}
	return p
}

// TLSFiles names a CA certificate, client certificate and client key.
type TLSFiles struct {
	CA, Cert, Key string
}

// CertPaths are the per-machine copies docker-machine's env and config point
// the docker CLI at (DOCKER_CERT_PATH = the machine directory).
func (h *Host) CertPaths() TLSFiles {
	return TLSFiles{
		CA:   filepath.Join(h.Dir, "ca.pem"),
		Cert: filepath.Join(h.Dir, "cert.pem"),
		Key:  filepath.Join(h.Dir, "key.pem"),
	}
}

// ResolveTLS finds a complete set of client TLS files: the machine directory
// copies, else the AuthOptions paths, else the store's certs/ directory. It
// says which one it used, because a fallback usually means a store copied
// from another host.
func (h *Host) ResolveTLS() (files TLSFiles, from string, err error) {
	auth := h.AuthOptions()
	candidates := []struct {
		from  string
		files TLSFiles
	}{
		{"machine directory", h.CertPaths()},
		{"config.json AuthOptions", TLSFiles{auth.CaCertPath, auth.ClientCertPath, auth.ClientKeyPath}},
		{"store certs directory", TLSFiles{
			CA:   filepath.Join(h.StoreDir, "certs", "ca.pem"),
			Cert: filepath.Join(h.StoreDir, "certs", "cert.pem"),
			Key:  filepath.Join(h.StoreDir, "certs", "key.pem"),
		}},
	}
	var tried []string
	for _, c := range candidates {
		if c.files.CA == "" || c.files.Cert == "" || c.files.Key == "" {
			continue
		}
		if fileExists(c.files.CA) && fileExists(c.files.Cert) && fileExists(c.files.Key) {
			return c.files, c.from, nil
		}
		tried = append(tried, c.from+" ("+filepath.Dir(c.files.CA)+")")
	}
	return TLSFiles{}, "", fmt.Errorf("machine %q: no complete set of ca.pem, cert.pem and key.pem in %s",
		h.Name, strings.Join(tried, ", "))
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// newHost builds a Host from config.json bytes.
func newHost(name, dir, storeDir, configPath string, data []byte) (*Host, error) {
	m, err := parseConfig(data, storeDir)
	if err != nil {
		return nil, err
	}
	d, warnings, err := decodeDriver(m.driver)
	if err != nil {
		return nil, err
	}
	h := &Host{
		Name:        name,
		Dir:         dir,
		StoreDir:    storeDir,
		ConfigPath:  configPath,
		FileVersion: m.fileVersion,
		Migrated:    m.fileVersion < CurrentConfigVersion,
		DriverName:  m.driverName,
		Driver:      d,
		HostOptions: m.hostOptions,
		Warnings:    warnings,
		driverJSON:  m.driver,
	}
	if h.DriverName == "" {
		h.Warnings = append(h.Warnings, "config.json has no DriverName")
	}
	return h, nil
}

var errNoConfig = errors.New("no config.json (machine creation interrupted?)")
