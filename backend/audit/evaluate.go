package audit

import (
	"time"

	"github.com/docker/docker/api/types/container"
)

// Report is the audit of one engine.
type Report struct {
	Engine        string    `json:"engine"`
	Host          string    `json:"host,omitempty"`
	ServerVersion string    `json:"serverVersion,omitempty"`
	At            time.Time `json:"at"`
	// Score is 0-100, higher is better (see Score).
	Score  int    `json:"score"`
	Counts Counts `json:"counts"`
	// Findings are sorted worst first (SortFindings). Accepted findings
	// stay in the list, marked.
	Findings []Finding `json:"findings"`
	// Containers summarises each container: its worst open severity and
	// the hardened run command suggested for it.
	Containers []ContainerSummary `json:"containers,omitempty"`
	// Baselines are the drift baselines in effect per image ID, so a
	// caller can store the learned ones.
	Baselines map[string]Baseline `json:"baselines,omitempty"`
	// Error is set when the engine could not be audited (RunCLI reports
	// unreachable engines this way).
	Error string `json:"error,omitempty"`
}

// ContainerSummary is the per-container view the Containers tab needs.
type ContainerSummary struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Image    string          `json:"image"`
	Worst    Severity        `json:"worst"`    // highest open (not accepted) severity
	Open     int             `json:"open"`     // open findings
	Hardened HardenedCommand `json:"hardened"` // suggested run command
}

// Counts are findings per severity. Accepted findings are counted only in
// Accepted.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
	Accepted int `json:"accepted"`
}

// Of returns the count of one severity.
func (c Counts) Of(s Severity) int {
	switch s {
	case SevCritical:
		return c.Critical
	case SevHigh:
		return c.High
	case SevMedium:
		return c.Medium
	case SevLow:
		return c.Low
	}
	return c.Info
}

func (c *Counts) add(f Finding) {
	if f.IsAccepted() {
		c.Accepted++
		return
	}
	switch f.Severity {
	case SevCritical:
		c.Critical++
	case SevHigh:
		c.High++
	case SevMedium:
		c.Medium++
	case SevLow:
		c.Low++
	default:
		c.Info++
	}
}

// CountFindings counts findings by severity.
func CountFindings(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		c.add(f)
	}
	return c
}

// Acceptances answers whether a finding was accepted (AcceptStore
// implements it).
type Acceptances interface {
	Lookup(key string) (Acceptance, bool)
}

// Options tune Evaluate.
type Options struct {
	// Accepted marks accepted findings; nil accepts nothing.
	Accepted Acceptances
	// Baselines are stored drift baselines by image ID; they are merged
	// with what Evaluate learns from the containers of each image.
	Baselines map[string]*Baseline
}

// Evaluate runs every rule over what was collected from one engine and
// builds its report. It is pure: no I/O, the same input gives the same
// report.
func Evaluate(e *EngineInput, opts Options) Report {
	f := DeriveFacts(e)
	var out []Finding
	out = append(out, EngineFindings(e, &f)...)

	// Images: each once, with the users of the containers that run it.
	users := map[string][]string{}
	images := map[string]*ImageInput{}
	var imageOrder []string
	byImage := map[string][]*ContainerInput{}
	for _, c := range e.Containers {
		ci := normalized(c.Inspect)
		if c.Image != nil {
			id := c.Image.Inspect.ID
			if _, ok := images[id]; !ok {
				images[id] = c.Image
				imageOrder = append(imageOrder, id)
			}
			users[id] = append(users[id], ci.Config.User)
		}
		byImage[ci.Image] = append(byImage[ci.Image], c)
	}
	for _, id := range imageOrder {
		out = append(out, ImageFindings(e.Name, images[id], users[id])...)
	}

	// Drift baselines per image, learned from the running containers.
	baselines := map[string]Baseline{}
	for imageID, cs := range byImage {
		var diffs [][]container.FilesystemChange
		for _, c := range cs {
			if c.Diff != nil {
				diffs = append(diffs, c.Diff)
			}
		}
		stored := opts.Baselines[imageID]
		if len(diffs) >= MinBaselineContainers || stored != nil {
			baselines[imageID] = BuildBaseline(imageID, diffs, stored)
		}
	}

	var summaries []ContainerSummary
	for _, c := range e.Containers {
		fs := ContainerFindings(e, &f, c)
		x := newCtr(e, &f, c)
		if c.Diff != nil {
			var b *Baseline
			if bl, ok := baselines[x.c.Image]; ok {
				b = &bl
			}
			fs = append(fs, DriftFindings(x.obj, c.Diff, c.Modes, b)...)
		}
		fs = applyAcceptances(fs, opts.Accepted)
		worst, open := SevInfo, 0
		for _, fd := range fs {
			if !fd.IsAccepted() {
				open++
				worst = maxSev(worst, fd.Severity)
			}
		}
		h := Harden(&f, c)
		summaries = append(summaries, ContainerSummary{
			ID: x.c.ID, Name: x.obj.Name, Image: x.cfg.Image, Worst: worst, Open: open,
			Hardened: HardenedCommand{Args: sanitizeAll(h.Args), Notes: sanitizeAll(h.Notes)},
		})
		out = append(out, fs...)
	}
	out = applyAcceptances(out, opts.Accepted)
	for i := range out {
		out[i] = out[i].sanitized()
	}
	SortFindings(out)
	for i := range summaries {
		summaries[i].Name = sanitizeAll([]string{summaries[i].Name})[0]
		summaries[i].Image = sanitizeAll([]string{summaries[i].Image})[0]
	}
	r := Report{
		Engine: e.Name, Host: e.Connection.Host, ServerVersion: f.Version, At: e.At,
		Findings: out, Containers: summaries, Baselines: baselines,
	}
	r.Counts = CountFindings(out)
	r.Score = Score(out)
	return r.sanitizedHeader()
}

func (r Report) sanitizedHeader() Report {
	h := sanitizeAll([]string{r.Engine, r.Host, r.ServerVersion, r.Error})
	r.Engine, r.Host, r.ServerVersion, r.Error = h[0], h[1], h[2], h[3]
	return r
}

func applyAcceptances(fs []Finding, acc Acceptances) []Finding {
	if acc == nil {
		return fs
	}
	for i := range fs {
		if fs[i].Accepted != nil {
			continue
		}
		if a, ok := acc.Lookup(fs[i].Key()); ok {
			a := a
			fs[i].Accepted = &a
		}
	}
	return fs
}

// Score weights: what one open problem of each severity costs.
var scoreWeights = map[Severity]int{SevCritical: 30, SevHigh: 10, SevMedium: 4, SevLow: 1, SevInfo: 0}

// Score rates an engine from 0 (worst) to 100 (nothing open):
//
//	score = min(cap, max(0, 100 - Σ weight(rule)))
//
// where the sum runs over distinct rule ids with at least one open (not
// accepted) finding, each weighted by its worst open severity (critical 30,
// high 10, medium 4, low 1, info 0), and cap is 40 while any critical
// finding is open, 70 while any high one is, 100 otherwise.
//
// Counting each rule once, not each finding, keeps the score about which
// problems exist rather than how many containers share them: a fleet of
// 100 containers without memory limits is one problem to fix (usually in
// one compose file), not a hundred. The caps keep an engine with a single
// critical problem from looking healthy.
func Score(fs []Finding) int {
	worst := map[string]Severity{}
	for _, f := range fs {
		if f.IsAccepted() {
			continue
		}
		if s, ok := worst[f.ID]; !ok || f.Severity > s {
			worst[f.ID] = f.Severity
		}
	}
	penalty, ceiling := 0, 100
	for _, s := range worst {
		penalty += scoreWeights[s]
		switch s {
		case SevCritical:
			ceiling = min(ceiling, 40)
		case SevHigh:
			ceiling = min(ceiling, 70)
		}
	}
	return min(ceiling, max(0, 100-penalty))
}
