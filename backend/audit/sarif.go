package audit

import (
	"encoding/json"
	"fmt"
	"io"
)

// SARIF 2.1.0 output (OASIS Static Analysis Results Interchange Format),
// one run per engine plus one for the client files, so CI systems that
// read SARIF can show dockterm findings next to other scanners'.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	toolURI      = "https://github.com/dockterm/dockterm"
)

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool              `json:"tool"`
	AutomationDetails *sarifAutomation       `json:"automationDetails,omitempty"`
	Results           []sarifResult          `json:"results"`
	Properties        map[string]interface{} `json:"properties,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string                 `json:"id"`
	Name                 string                 `json:"name,omitempty"`
	ShortDescription     sarifMessage           `json:"shortDescription"`
	FullDescription      sarifMessage           `json:"fullDescription"`
	Help                 sarifMessage           `json:"help"`
	DefaultConfiguration sarifConfig            `json:"defaultConfiguration"`
	Properties           map[string]interface{} `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID       string                 `json:"ruleId"`
	RuleIndex    int                    `json:"ruleIndex"`
	Level        string                 `json:"level"`
	Message      sarifMessage           `json:"message"`
	Locations    []sarifLocation        `json:"locations"`
	Suppressions []sarifSuppression     `json:"suppressions,omitempty"`
	Properties   map[string]interface{} `json:"properties,omitempty"`
}

type sarifLocation struct {
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// sarifLevel maps severities onto SARIF's three result levels.
func sarifLevel(s Severity) string {
	switch s {
	case SevCritical, SevHigh:
		return "error"
	case SevMedium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the numeric score GitHub code scanning reads from a
// rule's "security-severity" property.
func securitySeverity(s Severity) string {
	switch s {
	case SevCritical:
		return "9.5"
	case SevHigh:
		return "8.0"
	case SevMedium:
		return "5.5"
	case SevLow:
		return "3.0"
	}
	return "1.0"
}

func sarifRunOf(id string, fs []Finding, props map[string]interface{}) sarifRun {
	run := sarifRun{
		Tool:              sarifTool{Driver: sarifDriver{Name: "dockterm", InformationURI: toolURI, Rules: []sarifRule{}}},
		AutomationDetails: &sarifAutomation{ID: "dockterm-audit/" + id},
		Results:           []sarifResult{},
		Properties:        props,
	}
	index := map[string]int{}
	for _, f := range fs {
		i, ok := index[f.ID]
		if !ok {
			r, known := RuleByID(f.ID)
			if !known {
				r = Rule{ID: f.ID, Title: f.Title, Why: f.Why, Remediation: f.Remediation, Severity: f.Severity}
			}
			tags := []string{"security", r.Section}
			tags = append(tags, r.Aliases...)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
				ID: r.ID, Name: r.Title,
				ShortDescription:     sarifMessage{Text: r.Title},
				FullDescription:      sarifMessage{Text: r.Why},
				Help:                 sarifMessage{Text: r.Remediation},
				DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)},
				Properties:           map[string]interface{}{"tags": tags, "security-severity": securitySeverity(r.Severity)},
			})
			i = len(run.Tool.Driver.Rules) - 1
			index[f.ID] = i
		}
		engine := f.Object.Engine
		if engine == "" {
			engine = "client"
		}
		res := sarifResult{
			RuleID: f.ID, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message: sarifMessage{Text: fmt.Sprintf("%s on %s: %s. %s Fix: %s", f.Title, f.Object, f.Evidence, f.Why, f.Remediation)},
			Locations: []sarifLocation{{LogicalLocations: []sarifLogicalLocation{{
				Name:               objectKeyName(f.Object),
				FullyQualifiedName: engine + "/" + string(f.Object.Kind) + "/" + objectKeyName(f.Object),
				Kind:               "resource",
			}}}},
			Properties: map[string]interface{}{"severity": f.Severity.String(), "objectKind": string(f.Object.Kind), "evidence": f.Evidence},
		}
		if f.Object.ID != "" {
			res.Properties["objectId"] = f.Object.ID
		}
		if len(f.Details) > 0 {
			res.Properties["details"] = f.Details
		}
		if f.IsAccepted() {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.Accepted.Reason}}
		}
		run.Results = append(run.Results, res)
	}
	return run
}

func writeSARIF(w io.Writer, doc Document) error {
	log := sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{}}
	for _, r := range doc.Engines {
		props := map[string]interface{}{"engine": r.Engine, "score": r.Score}
		if r.Host != "" {
			props["host"] = r.Host
		}
		if r.Error != "" {
			props["error"] = r.Error
		}
		log.Runs = append(log.Runs, sarifRunOf(r.Engine, r.Findings, props))
	}
	if len(doc.Client) > 0 {
		log.Runs = append(log.Runs, sarifRunOf("client", doc.Client, nil))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}
