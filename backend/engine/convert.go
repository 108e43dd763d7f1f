package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/sanitize"
	"github.com/dockterm/dockterm/backend/secrets"
)

const composeProjectLabel = "com.docker.compose.project"

// fromSummary turns a list entry into the read model. Every engine string is
// sanitized here, at the border.
func fromSummary(s container.Summary) backend.Container {
	c := backend.Container{
		ID:      sanitize.String(s.ID),
		Image:   sanitize.String(s.Image),
		ImageID: sanitize.String(s.ImageID),
		Command: sanitize.String(s.Command),
		Created: time.Unix(s.Created, 0),
		State:   sanitize.String(string(s.State)),
		Status:  sanitize.String(s.Status),
		Health:  healthFromStatus(s.Status),
		Labels:  make(map[string]string, len(s.Labels)),
	}
	if len(s.Names) > 0 {
		c.Name = sanitize.String(strings.TrimPrefix(s.Names[0], "/"))
	}
	for k, v := range s.Labels {
		c.Labels[sanitize.String(k)] = sanitize.String(v)
	}
	c.Project = c.Labels[composeProjectLabel]
	for _, p := range s.Ports {
		c.Ports = append(c.Ports, backend.Port{
			IP: sanitize.String(p.IP), PublicPort: p.PublicPort, PrivatePort: p.PrivatePort,
			Type: sanitize.String(p.Type),
		})
	}
	sortPorts(c.Ports)
	if s.NetworkSettings != nil {
		for name := range s.NetworkSettings.Networks {
			c.Networks = append(c.Networks, sanitize.String(name))
		}
		sort.Strings(c.Networks)
	}
	if c.State == "exited" {
		c.ExitCode = exitCodeFromStatus(s.Status)
	}
	return c
}

func sortPorts(p []backend.Port) {
	sort.Slice(p, func(i, j int) bool {
		if p[i].PrivatePort != p[j].PrivatePort {
			return p[i].PrivatePort < p[j].PrivatePort
		}
		return p[i].IP < p[j].IP
	})
}

// healthFromStatus reads the health the list endpoint folds into Status
// ("Up 5 minutes (healthy)"), so the list needs no inspect to show it.
func healthFromStatus(status string) string {
	switch {
	case strings.Contains(status, "(healthy)"):
		return "healthy"
	case strings.Contains(status, "(unhealthy)"):
		return "unhealthy"
	case strings.Contains(status, "(health: starting)"):
		return "starting"
	}
	return ""
}

// exitCodeFromStatus reads "Exited (137) 5 seconds ago".
func exitCodeFromStatus(status string) int {
	var code int
	if i := strings.Index(status, "("); i >= 0 {
		fmt.Sscanf(status[i:], "(%d)", &code)
	}
	return code
}

// applyInspect adds what only inspect knows.
func applyInspect(c *backend.Container, j container.InspectResponse) {
	if j.ContainerJSONBase == nil {
		return
	}
	c.RestartCount = j.RestartCount
	if st := j.State; st != nil {
		c.OOMKilled = st.OOMKilled
		c.ExitCode = st.ExitCode
		c.StartedAt = parseTime(st.StartedAt)
		c.FinishedAt = parseTime(st.FinishedAt)
		if st.Health != nil {
			c.Health = sanitize.String(string(st.Health.Status))
		}
		c.State = sanitize.String(string(st.Status))
	}
	if j.HostConfig != nil {
		c.MemLimit = j.HostConfig.Memory
	}
	c.Inspected = true
}

// mergeInspected keeps inspect-only fields of an older entry across a re-list
// so the screen does not flicker while the fresh inspect is on its way.
func mergeInspected(c *backend.Container, old backend.Container) {
	if !old.Inspected {
		return
	}
	c.RestartCount = old.RestartCount
	c.OOMKilled = old.OOMKilled
	c.StartedAt = old.StartedAt
	c.FinishedAt = old.FinishedAt
	c.MemLimit = old.MemLimit
	c.Inspected = true
	if c.State == "exited" {
		c.ExitCode = exitCodeFromStatus(c.Status)
	}
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1971 {
		return time.Time{}
	}
	return t
}

// detailFrom builds the detail read model from inspect.
func detailFrom(j container.InspectResponse) (backend.ContainerDetail, error) {
	var d backend.ContainerDetail
	if j.ContainerJSONBase == nil {
		return d, fmt.Errorf("inspect returned no container")
	}
	d.ID = sanitize.String(j.ID)
	d.Name = sanitize.String(strings.TrimPrefix(j.Name, "/"))
	if j.Config != nil {
		d.Image = sanitize.String(j.Config.Image)
		d.User = sanitize.String(j.Config.User)
		d.Labels = map[string]string{}
		for k, v := range j.Config.Labels {
			d.Labels[sanitize.String(k)] = sanitize.String(v)
		}
		d.Project = d.Labels[composeProjectLabel]
		for _, kv := range j.Config.Env {
			k, v, _ := strings.Cut(kv, "=")
			masked, secret := secrets.MaskValue(k, v)
			d.Env = append(d.Env, backend.EnvVar{Key: sanitize.String(k), Value: sanitize.String(v),
				Masked: sanitize.String(masked), Secret: secret})
		}
		if hc := j.Config.Healthcheck; hc != nil {
			for _, t := range hc.Test {
				d.Healthcheck = append(d.Healthcheck, sanitize.String(t))
			}
		}
		d.Command = sanitize.String(strings.Join(append(append([]string{}, j.Config.Entrypoint...), j.Config.Cmd...), " "))
	}
	d.ImageID = sanitize.String(j.Image)
	applyInspect(&d.Container, j)
	if j.HostConfig != nil {
		d.Privileged = j.HostConfig.Privileged
		d.ReadOnlyRootfs = j.HostConfig.ReadonlyRootfs
		rp := string(j.HostConfig.RestartPolicy.Name)
		if j.HostConfig.RestartPolicy.MaximumRetryCount > 0 {
			rp = fmt.Sprintf("%s:%d", rp, j.HostConfig.RestartPolicy.MaximumRetryCount)
		}
		d.RestartPolicy = sanitize.String(rp)
	}
	for _, m := range j.Mounts {
		d.Mounts = append(d.Mounts, backend.Mount{
			Type: sanitize.String(string(m.Type)), Name: sanitize.String(m.Name),
			Source: sanitize.String(m.Source), Destination: sanitize.String(m.Destination),
			Mode: sanitize.String(m.Mode), RW: m.RW, Propagation: sanitize.String(string(m.Propagation)),
		})
	}
	if ns := j.NetworkSettings; ns != nil {
		for name, ep := range ns.Networks {
			if ep == nil {
				continue
			}
			a := backend.NetworkAttachment{
				Network: sanitize.String(name), IPAddress: sanitize.String(ep.IPAddress),
				IPv6: sanitize.String(ep.GlobalIPv6Address), Gateway: sanitize.String(ep.Gateway),
				MacAddress: sanitize.String(ep.MacAddress),
			}
			for _, al := range ep.Aliases {
				a.Aliases = append(a.Aliases, sanitize.String(al))
			}
			d.Networks = append(d.Networks, a)
			d.Container.Networks = append(d.Container.Networks, a.Network)
		}
		sort.Slice(d.Networks, func(i, k int) bool { return d.Networks[i].Network < d.Networks[k].Network })
		for port, binds := range ns.Ports {
			for _, b := range binds {
				var pub uint16
				fmt.Sscanf(b.HostPort, "%d", &pub)
				d.Ports = append(d.Ports, backend.Port{IP: sanitize.String(b.HostIP), PublicPort: pub,
					PrivatePort: uint16(port.Int()), Type: sanitize.String(port.Proto())})
			}
			if len(binds) == 0 {
				d.Ports = append(d.Ports, backend.Port{PrivatePort: uint16(port.Int()), Type: sanitize.String(port.Proto())})
			}
		}
		sortPorts(d.Ports)
	}
	raw, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return d, fmt.Errorf("encode inspect: %w", err)
	}
	masked, err := secrets.MaskJSON(raw)
	if err != nil {
		return d, fmt.Errorf("mask inspect: %w", err)
	}
	// IndentJSON lays the revealed document out line for line like the
	// masked one, so toggling reveal keeps the reader's place.
	revealed, err := secrets.IndentJSON(raw)
	if err != nil {
		return d, fmt.Errorf("format inspect: %w", err)
	}
	d.InspectJSON = sanitizeBlock(string(masked))
	d.InspectJSONRevealed = sanitizeBlock(string(revealed))
	return d, nil
}

// sanitizeBlock sanitizes a multi-line document line by line.
func sanitizeBlock(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = sanitize.Line(l)
	}
	return strings.Join(lines, "\n")
}
