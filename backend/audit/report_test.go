package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
)

func fnd(id string, sev Severity, obj string, accepted bool) Finding {
	f := Finding{ID: id, Severity: sev, Object: Object{Kind: KindContainer, Name: obj, Engine: "e"}, Title: id, Evidence: "x", Why: "w", Remediation: "r"}
	if accepted {
		f.Accepted = &Acceptance{Reason: "ok"}
	}
	return f
}

func TestScore(t *testing.T) {
	tests := []struct {
		name string
		fs   []Finding
		want int
	}{
		{"nothing", nil, 100},
		{"info only", []Finding{fnd("A", SevInfo, "a", false)}, 100},
		{"one low", []Finding{fnd("A", SevLow, "a", false)}, 99},
		{"one medium", []Finding{fnd("A", SevMedium, "a", false)}, 96},
		{"one high caps at 70", []Finding{fnd("A", SevHigh, "a", false)}, 70},
		{"one critical caps at 40", []Finding{fnd("A", SevCritical, "a", false)}, 40},
		{"a rule counts once, at its worst", []Finding{fnd("A", SevMedium, "a", false), fnd("A", SevMedium, "b", false), fnd("A", SevHigh, "c", false)}, 70},
		{"accepted does not count", []Finding{fnd("A", SevCritical, "a", true)}, 100},
		{"floor at 0", []Finding{fnd("A", SevCritical, "a", false), fnd("B", SevCritical, "a", false), fnd("C", SevCritical, "a", false), fnd("D", SevCritical, "a", false)}, 0},
		{"sum of rules", []Finding{fnd("A", SevHigh, "a", false), fnd("B", SevHigh, "a", false), fnd("C", SevHigh, "a", false), fnd("D", SevHigh, "a", false)}, 60},
	}
	for _, tc := range tests {
		if got := Score(tc.fs); got != tc.want {
			t.Errorf("%s: Score = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestCounts(t *testing.T) {
	c := CountFindings([]Finding{fnd("A", SevCritical, "a", false), fnd("B", SevHigh, "a", true), fnd("C", SevInfo, "a", false), fnd("D", SevLow, "a", false)})
	want := Counts{Critical: 1, Low: 1, Info: 1, Accepted: 1}
	if c != want {
		t.Errorf("counts = %+v, want %+v", c, want)
	}
	if c.Of(SevCritical) != 1 || c.Of(SevHigh) != 0 {
		t.Errorf("Of: %+v", c)
	}
}

func TestSeverityOrderAndParse(t *testing.T) {
	if !(SevCritical > SevHigh && SevHigh > SevMedium && SevMedium > SevLow && SevLow > SevInfo) {
		t.Fatal("severities are not ordered")
	}
	for _, s := range Severities {
		got, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%s) = %v, %v", s, got, err)
		}
		b, _ := json.Marshal(s)
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("json round trip of %s: %s -> %v, %v", s, b, back, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
}

func TestSortFindingsNaturalRuleOrder(t *testing.T) {
	fs := []Finding{fnd("CIS-5.10", SevHigh, "a", false), fnd("CIS-5.4", SevHigh, "a", false), fnd("CIS-5.5", SevCritical, "z", false)}
	SortFindings(fs)
	got := []string{fs[0].ID, fs[1].ID, fs[2].ID}
	want := []string{"CIS-5.5", "CIS-5.4", "CIS-5.10"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want %v", got, want)
	}
}

// Everything an engine controls is sanitized before it leaves the package.
func TestFindingsAreSanitized(t *testing.T) {
	w := cleanWorld()
	evil := "\x1b]0;pwned\x07web\x1b[2J\u202e"
	w.c.Inspect.Name = "/" + evil
	w.cfg().Image = "evil\x1b[31m:latest"
	w.cfg().Env = append(w.cfg().Env, "API_\x1b[8mTOKEN=x")
	w.hc().CapAdd = []string{"SYS_\x07ADMIN"}
	w.e.Name = "eng\x1b]52;c;AAAA\x07"
	r := Evaluate(w.e, Options{})
	raw, _ := json.Marshal(r)
	dec := string(raw)
	for _, bad := range []string{"\\u001b", "\\u0007", "\u202e"} {
		if strings.Contains(dec, bad) {
			t.Errorf("report contains %q: %s", bad, dec)
		}
	}
	found := false
	for _, f := range r.Findings {
		if f.Object.Kind == KindContainer && strings.Contains(f.Object.Name, "web") {
			found = true
		}
	}
	if !found {
		t.Errorf("container name lost by sanitizing: %s", summary(r.Findings))
	}
}

func sampleDoc() Document {
	w := cleanWorld()
	w.hc().Privileged = true
	w.publish("5432/tcp", "0.0.0.0", "5432")
	w.cfg().Env = append(w.cfg().Env, "DB_PASSWORD=hunter2")
	r := Evaluate(w.e, Options{})
	r.Findings[len(r.Findings)-1].Accepted = &Acceptance{Reason: "lab only", At: testNow}
	client := ClientFindings(ClientInput{Contexts: []ContextMeta{{Name: "prod", Host: "tcp://10.0.0.5:2375"}}})
	return Document{Tool: "dockterm", Generated: testNow, Engines: []Report{r}, Client: client}
}

func TestWriteJSON(t *testing.T) {
	doc := sampleDoc()
	var buf bytes.Buffer
	if err := Write(&buf, "json", doc); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "hunter2") {
		t.Fatal("a secret value reached the JSON report")
	}
	var back Document
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	if len(back.Engines) != 1 || len(back.Engines[0].Findings) != len(doc.Engines[0].Findings) || len(back.Client) != 1 {
		t.Fatalf("round trip lost findings: %d engines", len(back.Engines))
	}
	first := back.Engines[0].Findings[0]
	if first.ID != "CIS-5.5" || first.Severity != SevCritical || first.Evidence == "" || first.Remediation == "" {
		t.Errorf("first finding = %+v", first)
	}
	if back.Engines[0].Score != doc.Engines[0].Score || back.Engines[0].Counts != doc.Engines[0].Counts {
		t.Errorf("score/counts changed in the round trip")
	}
	if len(back.Engines[0].Containers) != 1 || len(back.Engines[0].Containers[0].Hardened.Args) == 0 {
		t.Errorf("hardened command missing: %+v", back.Engines[0].Containers)
	}
}

// SARIF 2.1.0, the required properties of the schema's objects
// (sarif-schema-2.1.0.json: sarifLog requires version and runs; run
// requires tool; tool requires driver; toolComponent requires name;
// reportingDescriptor requires id; result requires message; message
// requires text or id; suppression requires kind) plus what this writer
// promises (level values, logical locations, ruleIndex consistency).
type sarifCheckLog struct {
	Version *string `json:"version"`
	Schema  string  `json:"$schema"`
	Runs    *[]struct {
		Tool *struct {
			Driver *struct {
				Name           *string `json:"name"`
				InformationURI string  `json:"informationUri"`
				Rules          []struct {
					ID               *string `json:"id"`
					ShortDescription *struct {
						Text *string `json:"text"`
					} `json:"shortDescription"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results *[]struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   *struct {
				Text *string `json:"text"`
				ID   *string `json:"id"`
			} `json:"message"`
			Locations []struct {
				LogicalLocations []struct {
					Name               string `json:"name"`
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          *string `json:"kind"`
				Justification string  `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func validateSARIF(t *testing.T, data []byte) sarifCheckLog {
	t.Helper()
	var log sarifCheckLog
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("SARIF does not parse: %v", err)
	}
	if log.Version == nil || *log.Version != "2.1.0" {
		t.Fatalf("version = %v, want 2.1.0", log.Version)
	}
	if !strings.Contains(log.Schema, "sarif-2.1.0") {
		t.Errorf("$schema = %q", log.Schema)
	}
	if log.Runs == nil {
		t.Fatal("runs missing")
	}
	levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}
	for i, run := range *log.Runs {
		if run.Tool == nil || run.Tool.Driver == nil || run.Tool.Driver.Name == nil || *run.Tool.Driver.Name == "" {
			t.Fatalf("run %d: tool.driver.name missing", i)
		}
		if run.Tool.Driver.InformationURI == "" {
			t.Errorf("run %d: informationUri missing", i)
		}
		for _, r := range run.Tool.Driver.Rules {
			if r.ID == nil || *r.ID == "" {
				t.Errorf("run %d: rule without id", i)
			}
			if r.ShortDescription == nil || r.ShortDescription.Text == nil {
				t.Errorf("run %d: rule %v without shortDescription.text", i, r.ID)
			}
			if !levels[r.DefaultConfiguration.Level] {
				t.Errorf("run %d: rule %v level %q", i, r.ID, r.DefaultConfiguration.Level)
			}
		}
		if run.Results == nil {
			t.Fatalf("run %d: results missing", i)
		}
		for j, res := range *run.Results {
			if res.Message == nil || (res.Message.Text == nil && res.Message.ID == nil) {
				t.Errorf("run %d result %d: message.text missing", i, j)
			}
			if !levels[res.Level] {
				t.Errorf("run %d result %d: level %q", i, j, res.Level)
			}
			if res.RuleIndex == nil || *res.RuleIndex < 0 || *res.RuleIndex >= len(run.Tool.Driver.Rules) ||
				*run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
				t.Errorf("run %d result %d: ruleIndex %v does not point at %s", i, j, res.RuleIndex, res.RuleID)
			}
			if len(res.Locations) == 0 || len(res.Locations[0].LogicalLocations) == 0 || res.Locations[0].LogicalLocations[0].FullyQualifiedName == "" {
				t.Errorf("run %d result %d: no logical location", i, j)
			}
			for _, s := range res.Suppressions {
				if s.Kind == nil || (*s.Kind != "inSource" && *s.Kind != "external") {
					t.Errorf("run %d result %d: suppression kind %v", i, j, s.Kind)
				}
			}
		}
	}
	return log
}

func TestWriteSARIF(t *testing.T) {
	doc := sampleDoc()
	var buf bytes.Buffer
	if err := Write(&buf, "sarif", doc); err != nil {
		t.Fatal(err)
	}
	log := validateSARIF(t, buf.Bytes())
	runs := *log.Runs
	if len(runs) != 2 {
		t.Fatalf("want a run for the engine and one for client files, got %d", len(runs))
	}
	results := *runs[0].Results
	if len(results) != len(doc.Engines[0].Findings) {
		t.Errorf("results %d, findings %d", len(results), len(doc.Engines[0].Findings))
	}
	if results[0].RuleID != "CIS-5.5" || results[0].Level != "error" {
		t.Errorf("first result %s %s", results[0].RuleID, results[0].Level)
	}
	if got := results[0].Locations[0].LogicalLocations[0].FullyQualifiedName; got != "test/container/web" {
		t.Errorf("fullyQualifiedName = %q", got)
	}
	last := results[len(results)-1]
	if len(last.Suppressions) != 1 || last.Suppressions[0].Justification != "lab only" {
		t.Errorf("accepted finding not suppressed: %+v", last.Suppressions)
	}
}

func TestWriteTableAndMarkdown(t *testing.T) {
	doc := sampleDoc()
	var tbl, md bytes.Buffer
	if err := Write(&tbl, "table", doc); err != nil {
		t.Fatal(err)
	}
	if err := Write(&md, "markdown", doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ENGINE test (unix:///var/run/docker.sock, 28.5.2)  score 25/100  critical 1  high 4", "SEVERITY ", "CIS-5.5     container web  Privileged container", "low (accepted)  CIS-5.9", "CLIENT FILES"} {
		if !strings.Contains(tbl.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tbl.String())
		}
	}
	for _, want := range []string{"# dockterm security audit", "## Engine test", "**Score 25/100**", "### critical", "- **CIS-5.5** Privileged container: container `web`",
		"  - Evidence: `HostConfig.Privileged=true`", "  - Fix: `Remove --privileged", "accepted: lab only", "## Client files"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := Write(&tbl, "xml", doc); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestDocumentFilteredAndOpen(t *testing.T) {
	doc := sampleDoc()
	f := doc.Filtered(SevHigh)
	for _, fd := range f.Engines[0].Findings {
		if fd.Severity < SevHigh {
			t.Errorf("%s %s kept by Filtered(high)", fd.ID, fd.Severity)
		}
	}
	if doc.OpenAtOrAbove(SevCritical) == 0 {
		t.Error("no open critical finding counted")
	}
	doc2 := Document{Engines: []Report{{Findings: []Finding{fnd("A", SevCritical, "a", true)}}}}
	if doc2.OpenAtOrAbove(SevInfo) != 0 {
		t.Error("accepted finding counted as open")
	}
	_ = time.Now
	_ = container.ChangeAdd
}
