// Package report is the one model of policy results that every output is written from: the
// organization audit (many stacks, read from their states) and a single preview or update (read
// from the engine's event log). It renders a human table, JSON (schema in schema/), SARIF 2.1.0,
// JUnit XML and Markdown, and merges the JSON reports of audit shards.
//
// Every report is normalized once, where it is made: Normalize redacts every free text
// (messages, errors, exception reasons, URNs) with awscreds.RedactAll, orders stacks and
// violations and computes statuses and the summary. The reports this package returns (Events,
// ReadEventLog, Merge, Combine) and audit.Run's are normalized; the writers render a report as it
// stands, so one built by hand must be normalized before it is written.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
)

// SchemaVersion is the version of the JSON report's schema (schema/report.schema.json).
const SchemaVersion = 1

// Kinds of report.
const (
	KindAudit   = "audit"
	KindPreview = "preview"
	KindUpdate  = "update"
)

// Status is a stack's outcome.
type Status string

// The statuses, from best to worst.
const (
	// StatusPass: the pack ran and found nothing.
	StatusPass Status = "pass"
	// StatusWarn: only advisory or excepted violations.
	StatusWarn Status = "warn"
	// StatusFail: at least one blocking violation (mandatory and not excepted).
	StatusFail Status = "fail"
	// StatusError: the stack could not be judged (unreadable state, engine error).
	StatusError Status = "error"
)

// Exit statuses of the tools that write reports (bits, so both conditions can be told apart).
const (
	ExitOK         = 0
	ExitViolations = 1 // at least one blocking violation
	ExitErrors     = 2 // at least one stack could not be judged
)

// Report is the results of one audit, shard of an audit, preview or update.
type Report struct {
	SchemaVersion int    `json:"schemaVersion"`
	Kind          string `json:"kind"`
	Tool          Tool   `json:"tool"`
	// GeneratedAt is RFC 3339, UTC.
	GeneratedAt string `json:"generatedAt,omitempty"`
	Scope       Scope  `json:"scope"`
	// PolicyPacks are the packs that ran, with their policies when known.
	PolicyPacks []PolicyPack `json:"policyPacks"`
	Stacks      []Stack      `json:"stacks"`
	Summary     Summary      `json:"summary"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Scope says what was looked at.
type Scope struct {
	// Backend is the backend URL (without credentials) or "pulumi-cli" for the CLI's login.
	Backend      string   `json:"backend,omitempty"`
	Organization string   `json:"organization,omitempty"`
	Projects     []string `json:"projects,omitempty"`
	StackGlobs   []string `json:"stackGlobs,omitempty"`
	// Shards are the shards this report covers (all of them after a complete merge); empty
	// when the audit was not sharded.
	Shards []Shard `json:"shards,omitempty"`
	// PolicyConfigDigest is the SHA-256 of the policy config file the audit applied, if any.
	PolicyConfigDigest string `json:"policyConfigDigest,omitempty"`
}

// Shard is one part of an audit split by stack name.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// PolicyPack is a pack that ran.
type PolicyPack struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Policies []Policy `json:"policies,omitempty"`
}

// Policy is one policy's metadata and its enforcement level in this run.
type Policy struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
	// Message is the policy's standing explanation (why it matters).
	Message     string   `json:"message,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
	URL         string   `json:"url,omitempty"`
	Severity    string   `json:"severity,omitempty"`
	Level       string   `json:"level"`
	Tags        []string `json:"tags,omitempty"`
}

// Stack is one stack's outcome.
type Stack struct {
	Organization string `json:"organization,omitempty"`
	Project      string `json:"project"`
	Name         string `json:"name"`
	// ProjectDir is the project's directory relative to the repository root, when known; SARIF
	// locations point at its Pulumi.yaml and Pulumi.<stack>.yaml.
	ProjectDir string `json:"projectDir,omitempty"`
	Status     Status `json:"status"`
	// Resources is the number of resources judged.
	Resources int `json:"resources"`
	// Error says why the stack could not be judged.
	Error string `json:"error,omitempty"`
	// Warnings are conditions that did not stop the judgement (e.g. secrets that could not be
	// decrypted and were judged as "[secret]").
	Warnings   []string    `json:"warnings,omitempty"`
	Violations []Violation `json:"violations"`
}

// FullName is organization/project/stack (project/stack without an organization).
func (s Stack) FullName() string {
	if s.Organization == "" {
		return s.Project + "/" + s.Name
	}
	return s.Organization + "/" + s.Project + "/" + s.Name
}

// Violation is one policy violation.
type Violation struct {
	PolicyPack        string `json:"policyPack"`
	PolicyPackVersion string `json:"policyPackVersion,omitempty"`
	Policy            string `json:"policy"`
	// Level is the enforcement level: advisory, mandatory or remediate.
	Level    string `json:"level"`
	Severity string `json:"severity,omitempty"`
	// URN is the resource's URN; the stack's own URN for stack-level results.
	URN          string      `json:"urn,omitempty"`
	ResourceType string      `json:"resourceType,omitempty"`
	ResourceName string      `json:"resourceName,omitempty"`
	Message      string      `json:"message"`
	Exceptions   []Exception `json:"exceptions,omitempty"`
}

// Exception is a policy exception (from the policy config) that matched a violation.
type Exception struct {
	ID     string `json:"id"`
	Reason string `json:"reason,omitempty"`
}

// Blocking reports whether the violation fails a preview, an update or the audit: mandatory
// (remediate counts as mandatory once reported) and not excepted.
func (v Violation) Blocking() bool {
	return (v.Level == string(apitype.Mandatory) || v.Level == string(apitype.Remediate)) && len(v.Exceptions) == 0
}

// Summary counts the outcome.
type Summary struct {
	Stacks     int `json:"stacks"`
	Passed     int `json:"passed"`
	Warned     int `json:"warned"`
	Failed     int `json:"failed"`
	Errored    int `json:"errored"`
	Violations int `json:"violations"`
	Blocking   int `json:"blocking"`
	Advisory   int `json:"advisory"`
	Excepted   int `json:"excepted"`
	// ByPolicy counts violations per policy name.
	ByPolicy map[string]int `json:"byPolicy"`
}

// ExitCode is the exit status for the report: ExitViolations and/or ExitErrors bits.
func (r *Report) ExitCode() int {
	code := ExitOK
	if r.Summary.Blocking > 0 {
		code |= ExitViolations
	}
	if r.Summary.Errored > 0 {
		code |= ExitErrors
	}
	return code
}

// Normalize redacts every free text, fills derived fields (resource type and name, statuses),
// sorts stacks and violations into a stable order and recomputes the summary. Whatever makes a
// report calls it once, when the report is complete; it changes nothing on a normalized report.
func (r *Report) Normalize() {
	r.SchemaVersion = SchemaVersion
	for i := range r.PolicyPacks {
		p := &r.PolicyPacks[i]
		slices.SortFunc(p.Policies, func(a, b Policy) int { return cmp.Compare(a.Name, b.Name) })
	}
	slices.SortFunc(r.PolicyPacks, func(a, b PolicyPack) int { return cmp.Compare(a.Name, b.Name) })
	for i := range r.Stacks {
		s := &r.Stacks[i]
		s.Error = awscreds.RedactAll(s.Error)
		for j := range s.Warnings {
			s.Warnings[j] = awscreds.RedactAll(s.Warnings[j])
		}
		if s.Violations == nil {
			s.Violations = []Violation{}
		}
		for j := range s.Violations {
			s.Violations[j].normalize()
		}
		slices.SortFunc(s.Violations, compareViolations)
		s.Status = s.status()
	}
	slices.SortFunc(r.Stacks, func(a, b Stack) int { return cmp.Compare(a.FullName(), b.FullName()) })
	if r.Stacks == nil {
		r.Stacks = []Stack{}
	}
	if r.PolicyPacks == nil {
		r.PolicyPacks = []PolicyPack{}
	}
	r.Summary = summarize(r.Stacks)
}

func (v *Violation) normalize() {
	v.Level = NormalizeLevel(v.Level)
	v.URN = awscreds.RedactAll(v.URN)
	v.Message = awscreds.RedactAll(strings.TrimSpace(v.Message))
	if urn := resource.URN(v.URN); urn.IsValid() {
		if v.ResourceType == "" {
			v.ResourceType = string(urn.Type())
		}
		if v.ResourceName == "" {
			v.ResourceName = urn.Name()
		}
	}
	v.ResourceName = awscreds.RedactAll(v.ResourceName)
	for i := range v.Exceptions {
		v.Exceptions[i].Reason = awscreds.RedactAll(v.Exceptions[i].Reason)
	}
}

func compareViolations(a, b Violation) int {
	return cmp.Or(
		cmp.Compare(a.URN, b.URN),
		cmp.Compare(a.PolicyPack, b.PolicyPack),
		cmp.Compare(a.Policy, b.Policy),
		cmp.Compare(a.Message, b.Message),
	)
}

func (s *Stack) status() Status {
	warn := false
	for _, v := range s.Violations {
		if v.Blocking() {
			return StatusFail
		}
		warn = true
	}
	switch {
	case s.Error != "":
		return StatusError
	case warn:
		return StatusWarn
	default:
		return StatusPass
	}
}

func summarize(stacks []Stack) Summary {
	sum := Summary{Stacks: len(stacks), ByPolicy: map[string]int{}}
	for _, s := range stacks {
		switch s.Status {
		case StatusPass:
			sum.Passed++
		case StatusWarn:
			sum.Warned++
		case StatusFail:
			sum.Failed++
		}
		// A stack that failed and also reported an error still counts as errored.
		if s.Error != "" {
			sum.Errored++
		}
		for _, v := range s.Violations {
			sum.Violations++
			sum.ByPolicy[v.Policy]++
			switch {
			case v.Blocking():
				sum.Blocking++
			case len(v.Exceptions) > 0:
				sum.Excepted++
			default:
				sum.Advisory++
			}
		}
	}
	return sum
}

// NormalizeLevel maps the engine's spellings of enforcement levels to the policy config's
// ("warning" in events is "advisory"; "none" is "disabled").
func NormalizeLevel(level string) string {
	switch strings.ToLower(level) {
	case "warning", "advisory":
		return string(apitype.Advisory)
	case "none", "disabled":
		return string(apitype.Disabled)
	default:
		return strings.ToLower(level)
	}
}

// PolicyPackFromInfo is a pack's metadata as its analyzer describes it. levels, if set, are the
// enforcement levels in force (from the reconciled policy config); otherwise the defaults.
func PolicyPackFromInfo(info plugin.AnalyzerInfo, levels map[string]string) PolicyPack {
	p := PolicyPack{Name: info.Name, Version: info.Version}
	for _, pi := range info.Policies {
		level := string(pi.EnforcementLevel)
		if l, ok := levels[pi.Name]; ok {
			level = l
		}
		p.Policies = append(p.Policies, Policy{
			Name:        pi.Name,
			DisplayName: pi.DisplayName,
			Description: pi.Description,
			Message:     pi.Message,
			Remediation: pi.RemediationSteps,
			URL:         pi.URL,
			Severity:    string(pi.Severity),
			Level:       NormalizeLevel(level),
			Tags:        pi.Tags,
		})
	}
	return p
}

// policy finds a policy's metadata.
func (r *Report) policy(pack, name string) (Policy, bool) {
	for _, p := range r.PolicyPacks {
		if p.Name != pack {
			continue
		}
		for _, pol := range p.Policies {
			if pol.Name == name {
				return pol, true
			}
		}
	}
	return Policy{}, false
}
