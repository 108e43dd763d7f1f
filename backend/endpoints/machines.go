package endpoints

import (
	"fmt"
	"path/filepath"

	"github.com/dockterm/dockterm/backend/machine"
)

// staticIPDrivers keep the IP of config.json. Every other driver looks its IP
// up live (VM manager or cloud API), so the recorded one may be stale after a
// restart.
var staticIPDrivers = map[string]bool{"generic": true, "none": true}

// machines turns every host of every store into an endpoint. A machine that
// cannot be loaded, or has no URL yet, is an error for that machine only.
func machines(stores []string, env Env) ([]Endpoint, []error) {
	var out []Endpoint
	var errs []error
	seen := map[string]bool{}
	for _, dir := range stores {
		dir = filepath.Clean(dir)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		hosts, loadErrs := machine.Store{Dir: dir}.LoadAll()
		errs = append(errs, loadErrs...)
		for _, h := range hosts {
			ep, err := machineEndpoint(h, env)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, ep)
		}
	}
	return out, errs
}

func machineEndpoint(h *machine.Host, env Env) (Endpoint, error) {
	u, err := h.URL()
	if err != nil {
		return Endpoint{}, fmt.Errorf("docker-machine %q (%s): no engine URL: %w", h.Name, h.ConfigPath, err)
	}
	ph, err := ParseHost(u, env.Get("USER"))
	if err != nil {
		return Endpoint{}, fmt.Errorf("docker-machine %q (%s): %w", h.Name, h.ConfigPath, err)
	}
	ep := Endpoint{
		Name:        h.Name,
		Source:      SourceMachine,
		Host:        ph.Host,
		Description: "docker-machine, driver " + h.DriverName,
		Origin:      h.ConfigPath,
		Warnings:    append([]string(nil), h.Warnings...),
	}
	if h.Migrated {
		ep.Warnings = append(ep.Warnings, fmt.Sprintf("config.json is ConfigVersion %d, read as %d in memory (left unchanged on disk)",
			h.FileVersion, machine.CurrentConfigVersion))
	}
	if !staticIPDrivers[h.DriverName] {
		ep.Warnings = append(ep.Warnings, "IP taken from config.json; the "+h.DriverName+
			" driver can assign a new one on restart (then `docker-machine env` shows the current one)")
	}
	// docker-machine provisions every dockerd with --tlsverify, so TLS is
	// required even when the files are missing (the dial then says so). The
	// none driver is not provisioned: its URL is whatever the user gave, so
	// TLS is used only if certificates are there.
	files, from, err := h.ResolveTLS()
	switch {
	case err == nil:
		ep.TLS = &TLSConfig{CA: files.CA, Cert: files.Cert, Key: files.Key}
		if from != "machine directory" {
			ep.Warnings = append(ep.Warnings, "TLS files taken from the "+from+" (store copied from another host?)")
		}
	case h.DriverName != "none":
		c := h.CertPaths()
		ep.TLS = &TLSConfig{CA: c.CA, Cert: c.Cert, Key: c.Key}
		ep.Warnings = append(ep.Warnings, err.Error())
	}
	if sshHost, err := h.SSHHostname(); err == nil {
		s := &SSHConfig{User: h.SSHUser(), Host: sshHost, Port: h.SSHPort(), Socket: DefaultSocket}
		if k := h.ResolveSSHKey(); k != "" {
			s.IdentityFiles = []string{k}
		}
		ep.SSH = s
	}
	return ep, nil
}
