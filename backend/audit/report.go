package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Document is what the writers print: the reports of one or more engines
// and the client-side findings.
type Document struct {
	Tool        string    `json:"tool"`
	Generated   time.Time `json:"generated"`
	MinSeverity Severity  `json:"minSeverity"`
	Engines     []Report  `json:"engines"`
	Client      []Finding `json:"client,omitempty"`
}

// Formats the writers support.
var Formats = []string{"table", "json", "sarif", "markdown"}

// Write renders doc in format (table, json, sarif, markdown).
func Write(w io.Writer, format string, doc Document) error {
	switch format {
	case "table", "":
		return writeTable(w, doc)
	case "json":
		return writeJSON(w, doc)
	case "sarif":
		return writeSARIF(w, doc)
	case "markdown", "md":
		return writeMarkdown(w, doc)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// FilterFindings keeps findings at or above min.
func FilterFindings(fs []Finding, min Severity) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}

// Filtered returns doc with findings below min removed (counts and scores
// are kept: they describe the engine, not the printout).
func (d Document) Filtered(min Severity) Document {
	d.MinSeverity = min
	engines := make([]Report, len(d.Engines))
	for i, r := range d.Engines {
		r.Findings = FilterFindings(r.Findings, min)
		engines[i] = r
	}
	d.Engines = engines
	d.Client = FilterFindings(d.Client, min)
	return d
}

// OpenAtOrAbove counts findings not accepted at or above min.
func (d Document) OpenAtOrAbove(min Severity) int {
	n := 0
	count := func(fs []Finding) {
		for _, f := range fs {
			if !f.IsAccepted() && f.Severity >= min {
				n++
			}
		}
	}
	for _, r := range d.Engines {
		count(r.Findings)
	}
	count(d.Client)
	return n
}

func writeJSON(w io.Writer, doc Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

func sevLabel(f Finding) string {
	if f.IsAccepted() {
		return f.Severity.String() + " (accepted)"
	}
	return f.Severity.String()
}

func countsLine(c Counts) string {
	return fmt.Sprintf("critical %d  high %d  medium %d  low %d  info %d  accepted %d",
		c.Critical, c.High, c.Medium, c.Low, c.Info, c.Accepted)
}

func writeTable(w io.Writer, doc Document) error {
	ew := &errWriter{w: w}
	for i, r := range doc.Engines {
		if i > 0 {
			ew.printf("\n")
		}
		ew.printf("ENGINE %s", r.Engine)
		if r.Host != "" || r.ServerVersion != "" {
			ew.printf(" (%s)", strings.Trim(r.Host+", "+r.ServerVersion, ", "))
		}
		if r.Error != "" {
			ew.printf("  ERROR: %s\n", r.Error)
			continue
		}
		ew.printf("  score %d/100  %s\n", r.Score, countsLine(r.Counts))
		findingTable(ew, r.Findings)
	}
	if len(doc.Client) > 0 {
		if len(doc.Engines) > 0 {
			ew.printf("\n")
		}
		ew.printf("CLIENT FILES  %s\n", countsLine(CountFindings(doc.Client)))
		findingTable(ew, doc.Client)
	}
	return ew.err
}

func findingTable(ew *errWriter, fs []Finding) {
	if len(fs) == 0 {
		ew.printf("no findings\n")
		return
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tID\tOBJECT\tTITLE\tEVIDENCE")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sevLabel(f), f.ID, f.Object, f.Title, clip(f.Evidence, 120))
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) { fmt.Fprintf(e, format, a...) }

// mdCode renders s as inline code; backticks inside become quotes.
func mdCode(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }

func mdText(s string) string {
	r := strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func writeMarkdown(w io.Writer, doc Document) error {
	ew := &errWriter{w: w}
	ew.printf("# dockterm security audit\n\n")
	if !doc.Generated.IsZero() {
		ew.printf("Generated %s. Findings at or above **%s**.\n\n", doc.Generated.UTC().Format(time.RFC3339), doc.MinSeverity)
	}
	for _, r := range doc.Engines {
		ew.printf("## Engine %s\n\n", mdText(r.Engine))
		if r.Error != "" {
			ew.printf("Could not be audited: %s\n\n", mdText(r.Error))
			continue
		}
		if r.Host != "" {
			ew.printf("%s, Docker %s\n\n", mdCode(r.Host), mdText(r.ServerVersion))
		}
		ew.printf("**Score %d/100**\n\n", r.Score)
		ew.printf("| critical | high | medium | low | info | accepted |\n|---:|---:|---:|---:|---:|---:|\n")
		c := r.Counts
		ew.printf("| %d | %d | %d | %d | %d | %d |\n\n", c.Critical, c.High, c.Medium, c.Low, c.Info, c.Accepted)
		markdownFindings(ew, r.Findings)
	}
	if len(doc.Client) > 0 {
		ew.printf("## Client files\n\n")
		markdownFindings(ew, doc.Client)
	}
	return ew.err
}

func markdownFindings(ew *errWriter, fs []Finding) {
	if len(fs) == 0 {
		ew.printf("No findings.\n\n")
		return
	}
	for _, sev := range Severities {
		var group []Finding
		for _, f := range fs {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		ew.printf("### %s (%d)\n\n", sev, len(group))
		for _, f := range group {
			ew.printf("- **%s** %s: %s %s", f.ID, mdText(f.Title), f.Object.Kind, mdCode(f.Object.Name))
			if f.IsAccepted() {
				ew.printf(" (accepted: %s)", mdText(f.Accepted.Reason))
			}
			ew.printf("\n  - Evidence: %s\n", mdCode(f.Evidence))
			for _, d := range f.Details {
				ew.printf("    - %s\n", mdCode(d))
			}
			ew.printf("  - Why: %s\n  - Fix: %s\n", mdText(f.Why), mdCode(f.Remediation))
		}
		ew.printf("\n")
	}
}
