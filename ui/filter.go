package ui

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dockterm/dockterm/backend"
)

// containerFilter is a parsed `/` filter. Terms separated by spaces must all
// match:
//
//	web            substring of name, image, project, ID prefix or status (case-insensitive)
//	/^api-\d+$/    regular expression on name, image and project
//	state=running  state (running, exited, paused, restarting, created, dead),
//	               health (healthy, unhealthy, starting), oom, or bad/warn/ok
//	label=tier     the label exists; label=tier=web: it has that value
type containerFilter struct {
	raw   string
	terms []func(backend.Container) bool
}

func parseContainerFilter(s string) (containerFilter, error) {
	f := containerFilter{raw: strings.TrimSpace(s)}
	for _, term := range strings.Fields(f.raw) {
		switch {
		case strings.HasPrefix(term, "state="):
			want := strings.ToLower(strings.TrimPrefix(term, "state="))
			f.terms = append(f.terms, func(c backend.Container) bool {
				return c.State == want || c.Health == want || stateClass(c) == want ||
					(want == "oom" && c.OOMKilled)
			})
		case strings.HasPrefix(term, "label="):
			kv := strings.TrimPrefix(term, "label=")
			k, v, hasValue := strings.Cut(kv, "=")
			f.terms = append(f.terms, func(c backend.Container) bool {
				got, ok := c.Labels[k]
				return ok && (!hasValue || got == v)
			})
		case len(term) >= 2 && strings.HasPrefix(term, "/") && strings.HasSuffix(term, "/"):
			re, err := regexp.Compile(term[1 : len(term)-1])
			if err != nil {
				return f, fmt.Errorf("bad regexp %s: %w", term, err)
			}
			f.terms = append(f.terms, func(c backend.Container) bool {
				return re.MatchString(c.Name) || re.MatchString(c.Image) || re.MatchString(c.Project)
			})
		default:
			low := strings.ToLower(term)
			f.terms = append(f.terms, func(c backend.Container) bool {
				return strings.Contains(strings.ToLower(c.Name), low) ||
					strings.Contains(strings.ToLower(c.Image), low) ||
					strings.Contains(strings.ToLower(c.Project), low) ||
					strings.HasPrefix(c.ID, low) ||
					strings.Contains(strings.ToLower(c.Status), low)
			})
		}
	}
	return f, nil
}

func (f containerFilter) match(c backend.Container) bool {
	for _, t := range f.terms {
		if !t(c) {
			return false
		}
	}
	return true
}
