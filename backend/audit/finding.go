// Package audit decides what is configured dangerously on Docker engines,
// containers, images and on the operator's own client files, and explains
// each finding so that an operator new to container security learns the
// mitigation on the spot.
//
// The package has three layers:
//
//   - rules: pure functions from inspect data (Docker SDK types) to Findings.
//     They do no I/O and are table-tested (rules_*.go, drift.go, client.go,
//     harden.go);
//   - collectors: the only code that talks to an engine (collect.go) or reads
//     client files (clientload.go);
//   - presentation: the Report, its Score and the table/json/sarif/markdown
//     writers (report.go, sarif.go) and the `dockterm audit` CLI (cli.go).
//
// Every string that an engine or a file controls passes through
// backend/sanitize before it leaves the package (see Finding.sanitized).
package audit

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dockterm/dockterm/backend/sanitize"
)

// Severity orders findings; a higher value is worse.
type Severity int

const (
	SevInfo Severity = iota
	SevLow
	SevMedium
	SevHigh
	SevCritical
)

// Severities lists every severity from the worst to the least.
var Severities = []Severity{SevCritical, SevHigh, SevMedium, SevLow, SevInfo}

func (s Severity) String() string {
	switch s {
	case SevCritical:
		return "critical"
	case SevHigh:
		return "high"
	case SevMedium:
		return "medium"
	case SevLow:
		return "low"
	case SevInfo:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads a severity name (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return SevCritical, nil
	case "high":
		return SevHigh, nil
	case "medium":
		return SevMedium, nil
	case "low":
		return SevLow, nil
	case "info":
		return SevInfo, nil
	}
	return SevInfo, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
}

// MarshalJSON writes the severity as its name, so JSON reports are readable
// and stable if the numbering ever changes.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("severity: %w", err)
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ObjectKind names what a finding is about.
type ObjectKind string

const (
	KindEngine    ObjectKind = "engine"
	KindContainer ObjectKind = "container"
	KindImage     ObjectKind = "image"
	KindNetwork   ObjectKind = "network"
	KindVolume    ObjectKind = "volume"
	KindPlugin    ObjectKind = "plugin"
	KindService   ObjectKind = "service"
	KindConfig    ObjectKind = "swarm-config"
	KindContext   ObjectKind = "context"
	KindMachine   ObjectKind = "machine"
	// KindClient is the docker CLI's own configuration (~/.docker/config.json).
	KindClient ObjectKind = "client"
)

// Object identifies the thing a finding is about.
type Object struct {
	Kind   ObjectKind `json:"kind"`
	Name   string     `json:"name"`         // container name, image reference, context name, file path...
	ID     string     `json:"id,omitempty"` // engine-assigned ID when there is one
	Engine string     `json:"engine,omitempty"`
}

func (o Object) String() string {
	if o.Name == "" {
		return string(o.Kind) + " " + shortID(o.ID)
	}
	return string(o.Kind) + " " + o.Name
}

// Acceptance records that an operator accepted a finding: it stays visible,
// marked accepted, and no longer counts towards the score or the CLI's exit
// status.
type Acceptance struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
}

// Finding is one problem on one object.
type Finding struct {
	// ID is the rule: the CIS id where one exists (CIS-5.5), else the dockle,
	// trivy or dockterm id (DKL-DI-0006, DS-0004, DKT-CTR-01).
	ID string `json:"id"`
	// Aliases are the ids other tools use for the same check.
	Aliases  []string `json:"aliases,omitempty"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Object   Object   `json:"object"`
	// Evidence is the exact field and value that decided the finding, e.g.
	// `HostConfig.Privileged=true`.
	Evidence string `json:"evidence"`
	// Details are extra lines the operator needs to see (paths that drifted,
	// every mount that matched...).
	Details []string `json:"details,omitempty"`
	// Why says in one sentence why it matters.
	Why string `json:"why"`
	// Remediation is the docker run flag, compose key or daemon.json key.
	Remediation string      `json:"remediation"`
	Accepted    *Acceptance `json:"accepted,omitempty"`
}

// Key identifies a finding for acceptance: engine, object and rule.
// Containers and images are keyed by name, not ID, so an acceptance survives
// `docker compose up` recreating the container.
func (f Finding) Key() string {
	return findingKey(f.Object.Engine, f.Object.Kind, objectKeyName(f.Object), f.ID)
}

func objectKeyName(o Object) string {
	if o.Name != "" {
		return o.Name
	}
	return o.ID
}

func findingKey(engine string, kind ObjectKind, name, id string) string {
	return engine + "\x00" + string(kind) + "\x00" + name + "\x00" + id
}

// IsAccepted reports whether an operator accepted the finding.
func (f Finding) IsAccepted() bool { return f.Accepted != nil }

// sanitized returns f with every string passed through sanitize.String.
// Rules copy engine-controlled strings (names, env keys, mount paths,
// history lines) into evidence and details, so this is the single exit
// through which a finding leaves the rule layer.
func (f Finding) sanitized() Finding {
	f.ID = sanitize.String(f.ID)
	f.Title = sanitize.String(f.Title)
	f.Object.Name = sanitize.String(f.Object.Name)
	f.Object.ID = sanitize.String(f.Object.ID)
	f.Object.Engine = sanitize.String(f.Object.Engine)
	f.Evidence = sanitize.String(f.Evidence)
	f.Why = sanitize.String(f.Why)
	f.Remediation = sanitize.String(f.Remediation)
	if f.Aliases != nil {
		f.Aliases = sanitizeAll(f.Aliases)
	}
	if f.Details != nil {
		f.Details = sanitizeAll(f.Details)
	}
	if f.Accepted != nil {
		a := *f.Accepted
		a.Reason = sanitize.String(a.Reason)
		a.By = sanitize.String(a.By)
		f.Accepted = &a
	}
	return f
}

func sanitizeAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = sanitize.String(s)
	}
	return out
}

// SortFindings orders findings worst first, then by object and rule, so
// that every writer and the UI show the same order.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Object.Engine != b.Object.Engine {
			return a.Object.Engine < b.Object.Engine
		}
		if kindOrder(a.Object.Kind) != kindOrder(b.Object.Kind) {
			return kindOrder(a.Object.Kind) < kindOrder(b.Object.Kind)
		}
		if a.Object.Name != b.Object.Name {
			return a.Object.Name < b.Object.Name
		}
		if a.Object.ID != b.Object.ID {
			return a.Object.ID < b.Object.ID
		}
		return ruleLess(a.ID, b.ID)
	})
}

func kindOrder(k ObjectKind) int {
	switch k {
	case KindEngine:
		return 0
	case KindContainer:
		return 1
	case KindImage:
		return 2
	case KindNetwork:
		return 3
	case KindVolume:
		return 4
	case KindPlugin:
		return 5
	case KindService:
		return 6
	case KindConfig:
		return 7
	case KindContext:
		return 8
	case KindMachine:
		return 9
	case KindClient:
		return 10
	}
	return 11
}

// ruleLess orders rule ids naturally: CIS-5.4 before CIS-5.10.
func ruleLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := leadingNumber(a)
			nb, rb := leadingNumber(b)
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:]
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
