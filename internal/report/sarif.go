package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
)

// The SARIF 2.1.0 subset this package writes (names as in the OASIS schema).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool              sarifTool         `json:"tool"`
		AutomationDetails *sarifAutomation  `json:"automationDetails,omitempty"`
		Invocations       []sarifInvocation `json:"invocations"`
		Results           []sarifResult     `json:"results"`
		ColumnKind        string            `json:"columnKind"`
		Properties        map[string]any    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		Version         string      `json:"version,omitempty"`
		InformationURI  string      `json:"informationUri,omitempty"`
		Rules           []sarifRule `json:"rules"`
		SemanticVersion string      `json:"semanticVersion,omitempty"`
	}
	sarifRule struct {
		ID                   string          `json:"id"`
		Name                 string          `json:"name,omitempty"`
		ShortDescription     *sarifText      `json:"shortDescription,omitempty"`
		FullDescription      *sarifText      `json:"fullDescription,omitempty"`
		Help                 *sarifHelp      `json:"help,omitempty"`
		HelpURI              string          `json:"helpUri,omitempty"`
		DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
		Properties           map[string]any  `json:"properties,omitempty"`
	}
	sarifRuleConfig struct {
		Enabled bool   `json:"enabled"`
		Level   string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifAutomation struct {
		ID string `json:"id"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string    `json:"level"`
		Message sarifText `json:"message"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Kind                string             `json:"kind"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties,omitempty"`
	}
	sarifLocation struct {
		ID               int                    `json:"id,omitempty"`
		PhysicalLocation *sarifPhysical         `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
		Message          *sarifText             `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtLo   `json:"artifactLocation"`
		Region           *sarifRegion `json:"region,omitempty"`
	}
	sarifArtLo struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogicalLocation struct {
		Name               string `json:"name,omitempty"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind,omitempty"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification,omitempty"`
	}
)

const (
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// InformationURI is where the pack and its tools live.
	InformationURI = "https://github.com/keyless-ecs/railsapp"
	// fingerprintKey names this tool's stable result identity (GitHub code scanning keeps one
	// alert per fingerprint across runs; every result sits on line 1 of a stack file, so the
	// location alone would merge them).
	fingerprintKey = "keylessPolicyViolation/v1"
	srcRoot        = "%SRCROOT%"
)

// securitySeverity maps a policy's severity to GitHub code scanning's security-severity score.
var securitySeverity = map[string]string{"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}

// writeSARIF writes one run per policy pack: a rule per policy (with its help text), a result
// per violation located at the stack's config file with the resource URN as the logical
// location, excepted violations as accepted suppressions, and unreadable stacks as tool
// execution notifications.
func writeSARIF(w io.Writer, r *Report) error {
	log := sarifLog{Schema: sarifSchemaURI, Version: "2.1.0"}
	packs := r.PolicyPacks
	// Violations of packs the report has no metadata for still get a run.
	for _, s := range r.Stacks {
		for _, v := range s.Violations {
			if !hasPack(packs, v.PolicyPack) {
				packs = append(packs, PolicyPack{Name: v.PolicyPack, Version: v.PolicyPackVersion})
			}
		}
	}
	if len(packs) == 0 {
		packs = []PolicyPack{{Name: r.Tool.Name, Version: r.Tool.Version}}
	}
	for i, p := range packs {
		log.Runs = append(log.Runs, sarifRunFor(r, p, i == 0))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func hasPack(packs []PolicyPack, name string) bool {
	for _, p := range packs {
		if p.Name == name {
			return true
		}
	}
	return false
}

func sarifRunFor(r *Report, p PolicyPack, first bool) sarifRun {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: p.Name, Version: p.Version, SemanticVersion: semverOrEmpty(p.Version),
			InformationURI: InformationURI, Rules: []sarifRule{}}},
		AutomationDetails: &sarifAutomation{ID: automationID(r)},
		Results:           []sarifResult{},
		ColumnKind:        "utf16CodeUnits",
	}
	ruleIndex := map[string]int{}
	addRule := func(pol Policy) int {
		if i, ok := ruleIndex[pol.Name]; ok {
			return i
		}
		ruleIndex[pol.Name] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(pol))
		return ruleIndex[pol.Name]
	}
	for _, pol := range p.Policies {
		addRule(pol)
	}

	inv := sarifInvocation{ExecutionSuccessful: true}
	if first {
		if len(r.PolicyPacks) == 0 {
			inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning",
				Message: sarifText{Text: "The policy pack did not run: no policy results exist for this operation."}})
		}
		for _, s := range r.Stacks {
			if s.Error != "" {
				inv.ExecutionSuccessful = false
				inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
					Message: sarifText{Text: fmt.Sprintf("Stack %s could not be checked: %s", s.FullName(), s.Error)}})
			}
			for _, warn := range s.Warnings {
				inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning",
					Message: sarifText{Text: fmt.Sprintf("Stack %s: %s", s.FullName(), warn)}})
			}
		}
	}
	run.Invocations = []sarifInvocation{inv}

	for _, s := range r.Stacks {
		seen := map[string]int{}
		for _, v := range s.Violations {
			if v.PolicyPack != p.Name {
				continue
			}
			pol, ok := r.policy(v.PolicyPack, v.Policy)
			if !ok {
				pol = Policy{Name: v.Policy, Severity: v.Severity, Level: v.Level}
			}
			idx := addRule(pol)
			id := s.FullName() + "\x00" + v.PolicyPack + "\x00" + v.Policy + "\x00" + v.URN
			seen[id]++
			sum := sha256.Sum256([]byte(id))
			fp := hex.EncodeToString(sum[:16]) + fmt.Sprintf(":%d", seen[id])

			res := sarifResult{
				RuleID:              v.Policy,
				RuleIndex:           idx,
				Kind:                "fail",
				Level:               sarifLevel(v.Level),
				Message:             sarifText{Text: fmt.Sprintf("%s (stack %s, %s)", v.Message, s.FullName(), resourceLabel(v))},
				Locations:           []sarifLocation{stackLocation(s, v)},
				RelatedLocations:    []sarifLocation{projectLocation(s)},
				PartialFingerprints: map[string]string{fingerprintKey: fp},
				Properties:          map[string]any{"stack": s.FullName(), "enforcementLevel": v.Level},
			}
			for _, e := range v.Exceptions {
				res.Suppressions = append(res.Suppressions, sarifSuppression{Kind: "external", Status: "accepted",
					Justification: strings.TrimSpace(e.ID + ": " + e.Reason)})
			}
			run.Results = append(run.Results, res)
		}
	}
	return run
}

func sarifRuleFor(p Policy) sarifRule {
	rule := sarifRule{ID: p.Name, Name: ruleName(p), HelpURI: p.URL,
		DefaultConfiguration: sarifRuleConfig{Enabled: p.Level != "disabled", Level: sarifLevel(p.Level)}}
	if p.Description != "" {
		rule.ShortDescription = &sarifText{Text: firstLine(p.Description, 1000)}
		rule.FullDescription = &sarifText{Text: p.Description}
	}
	var help []string
	for _, part := range []string{p.Message, p.Remediation} {
		if part = strings.TrimSpace(part); part != "" {
			help = append(help, part)
		}
	}
	if len(help) > 0 {
		rule.Help = &sarifHelp{Text: strings.Join(help, "\n\n"), Markdown: strings.Join(help, "\n\n")}
	}
	props := map[string]any{"tags": append([]string{"security", "pulumi-policy"}, p.Tags...)}
	if score, ok := securitySeverity[p.Severity]; ok {
		props["security-severity"] = score
	}
	rule.Properties = props
	return rule
}

// ruleName is the policy name in PascalCase, as SARIF viewers expect of reportingDescriptor.name.
func ruleName(p Policy) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(p.Name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func sarifLevel(level string) string {
	switch level {
	case "mandatory", "remediate":
		return "error"
	case "disabled":
		return "none"
	default:
		return "warning"
	}
}

func semverOrEmpty(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || strings.Count(v, ".") < 2 {
		return ""
	}
	return v
}

func automationID(r *Report) string {
	if r.Kind == KindAudit {
		return "keyless-audit/"
	}
	names := make([]string, len(r.Stacks))
	for i, s := range r.Stacks {
		names[i] = s.Name
	}
	return "keyless-" + r.Kind + "/" + strings.Join(names, "+") + "/"
}

// projectDir is where the stack's project lives relative to the repository root: ProjectDir
// when the producer knows it, else a directory named after the project.
func projectDir(s Stack) string {
	if s.ProjectDir != "" {
		return s.ProjectDir
	}
	return s.Project
}

func stackLocation(s Stack, v Violation) sarifLocation {
	loc := sarifLocation{
		PhysicalLocation: &sarifPhysical{
			ArtifactLocation: sarifArtLo{URI: path.Join(projectDir(s), "Pulumi."+s.Name+".yaml"), URIBaseID: srcRoot},
			Region:           &sarifRegion{StartLine: 1},
		},
	}
	fqn := v.URN
	if fqn == "" {
		fqn = s.FullName()
	}
	loc.LogicalLocations = []sarifLogicalLocation{{Name: v.ResourceName, FullyQualifiedName: fqn, Kind: "resource"}}
	return loc
}

func projectLocation(s Stack) sarifLocation {
	return sarifLocation{
		ID: 1,
		PhysicalLocation: &sarifPhysical{
			ArtifactLocation: sarifArtLo{URI: path.Join(projectDir(s), "Pulumi.yaml"), URIBaseID: srcRoot},
		},
		Message: &sarifText{Text: "project " + s.Project},
	}
}
