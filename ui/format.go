package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/dockterm/dockterm/backend"
)

// bytesShort renders a byte count in the 1024-based units `docker stats`
// uses (B, KiB shown as K, ...), three significant figures.
func bytesShort(n float64) string {
	const unit = 1024.0
	units := []string{"B", "K", "M", "G", "T"}
	i := 0
	for n >= unit && i < len(units)-1 {
		n /= unit
		i++
	}
	switch {
	case i == 0:
		return fmt.Sprintf("%.0f%s", n, units[i])
	case n < 10:
		return fmt.Sprintf("%.1f%s", n, units[i])
	default:
		return fmt.Sprintf("%.0f%s", n, units[i])
	}
}

// rate renders a per-second figure; negative means "not measured yet".
func rate(v float64) string {
	if v < 0 {
		return "-"
	}
	return bytesShort(v)
}

func percent(v float64) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", v)
}

// duration renders an age compactly: 45s, 12m, 3h4m, 5d.
func duration(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

// stateText tells a container's state in words, so that it reads the same
// without colour: "running", "running unhealthy", "exited(137) OOM".
func stateText(c backend.Container) string {
	s := c.State
	if c.State == "exited" || c.State == "dead" {
		s = fmt.Sprintf("%s(%d)", c.State, c.ExitCode)
	}
	if c.Health != "" && c.Running() {
		s += " " + c.Health
	}
	if c.OOMKilled {
		s += " OOM"
	}
	return s
}

// stateClass buckets a container for colour and for the `state=` filter.
func stateClass(c backend.Container) string {
	switch {
	case c.OOMKilled, c.State == "dead", c.State == "restarting", c.Health == "unhealthy":
		return "bad"
	case c.State == "exited" && c.ExitCode != 0:
		return "bad"
	case c.State == "paused", c.Health == "starting", c.State == "created":
		return "warn"
	case c.State == "running":
		return "ok"
	}
	return "dim"
}

// portsText renders published ports like docker ps: 0.0.0.0:8080->80/tcp.
func portsText(ps []backend.Port) string {
	var parts []string
	seen := map[string]bool{}
	for _, p := range ps {
		var s string
		if p.PublicPort == 0 {
			continue // exposed only; the detail view lists those
		}
		ip := p.IP
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		s = fmt.Sprintf("%s:%d->%d/%s", ip, p.PublicPort, p.PrivatePort, p.Type)
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ",")
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
