package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/internal/report"
	"github.com/keyless-ecs/railsapp/internal/report/reporttest"
)

// Fake credentials, assembled at run time (never AWS's documentation examples).
var (
	fakeKeyID  = "AKIA" + "QX7ZN2WB" + "K4MT6RJD"
	fakeSecret = "wJz8Qv2" + "Lk9Xr4Tn6Pb1Hc3Ys5Md7Fg0" + "Rw4Ut6IyE"
)

const (
	tdURN   = "urn:pulumi:prod::billing::aws:ecs/taskDefinition:TaskDefinition::worker"
	rpURN   = "urn:pulumi:prod::billing::aws:iam/rolePolicy:RolePolicy::exec-s3"
	bucketU = "urn:pulumi:prod::billing::aws:s3/bucketV2:BucketV2::files"
)

func sample() *report.Report {
	return &report.Report{
		Kind: report.KindAudit,
		Tool: report.Tool{Name: "keyless-audit", Version: "1.2.3"},
		PolicyPacks: []report.PolicyPack{{Name: "keyless-ecs-s3", Version: "1.2.3", Policies: []report.Policy{
			{Name: "no-s3-on-ecs-execution-role", Description: "No S3 on execution roles.", Message: "Move S3 to the task role.",
				Remediation: "Attach the policy to the task role.", Severity: "critical", Level: "mandatory"},
			{Name: "no-embedded-aws-credentials", Description: "No keys.", Severity: "critical", Level: "mandatory"},
			{Name: "s3-bucket-tls-only", Description: "TLS only.", Severity: "medium", Level: "advisory"},
			{Name: "s3-bucket-default-encryption", Severity: "low", Level: "disabled"},
		}}},
		Stacks: []report.Stack{
			{Organization: "organization", Project: "billing", Name: "prod", Resources: 12, Violations: []report.Violation{
				{PolicyPack: "keyless-ecs-s3", Policy: "no-s3-on-ecs-execution-role", Level: "mandatory", Severity: "critical",
					URN: rpURN, Message: "Role exec gets s3:GetObject | and more"},
				{PolicyPack: "keyless-ecs-s3", Policy: "no-embedded-aws-credentials", Level: "mandatory", Severity: "critical",
					URN: tdURN, Message: "Container env AWS_ACCESS_KEY_ID=" + fakeKeyID + " and aws_secret_access_key " + fakeSecret},
				{PolicyPack: "keyless-ecs-s3", Policy: "s3-bucket-tls-only", Level: "warning", URN: bucketU, Message: "No TLS-only <policy>"},
			}},
			{Organization: "organization", Project: "billing", Name: "dev", Resources: 12, Violations: []report.Violation{
				{PolicyPack: "keyless-ecs-s3", Policy: "no-s3-on-ecs-execution-role", Level: "mandatory", URN: strings.ReplaceAll(rpURN, "prod", "dev"),
					Message: "Role exec gets S3", Exceptions: []report.Exception{{ID: "EXC-1", Reason: "legacy; key " + fakeKeyID}}},
			}},
			{Organization: "organization", Project: "search", Name: "broken", Error: "reading the state: invalid character near " + fakeKeyID},
			{Organization: "organization", Project: "search", Name: "ok", Resources: 3},
		},
	}
}

// normalized is sample as every producer of reports returns it.
func normalized() *report.Report {
	r := sample()
	r.Normalize()
	return r
}

func TestSummaryStatusesAndExitCode(t *testing.T) {
	r := sample()
	r.Normalize()
	got := map[string]report.Status{}
	for _, s := range r.Stacks {
		got[s.FullName()] = s.Status
	}
	assert.Equal(t, map[string]report.Status{
		"organization/billing/prod": report.StatusFail, "organization/billing/dev": report.StatusWarn,
		"organization/search/broken": report.StatusError, "organization/search/ok": report.StatusPass}, got)
	assert.Equal(t, report.Summary{Stacks: 4, Passed: 1, Warned: 1, Failed: 1, Errored: 1, Violations: 4, Blocking: 2,
		Advisory: 1, Excepted: 1, ByPolicy: map[string]int{"no-s3-on-ecs-execution-role": 2, "no-embedded-aws-credentials": 1,
			"s3-bucket-tls-only": 1}}, r.Summary)
	assert.Equal(t, report.ExitViolations|report.ExitErrors, r.ExitCode())
	bucket := r.Stacks[1].Violations[2]
	assert.Equal(t, bucketU, bucket.URN, "violations are ordered by URN")
	assert.Equal(t, "advisory", bucket.Level, "the event spelling 'warning' is the config's 'advisory'")
	assert.Equal(t, "aws:s3/bucketV2:BucketV2", bucket.ResourceType)
	assert.Equal(t, "files", bucket.ResourceName)

	clean := &report.Report{Stacks: []report.Stack{{Project: "p", Name: "s"}}}
	clean.Normalize()
	assert.Equal(t, report.ExitOK, clean.ExitCode())
}

func TestEveryFormatIsValidAndRedacted(t *testing.T) {
	out := reporttest.Check(t, normalized(), fakeKeyID, fakeSecret)

	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Help       map[string]any `json:"help"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
			Results []struct {
				RuleID           string `json:"ruleId"`
				Level            string `json:"level"`
				Locations        []map[string]any
				LogicalLocations []any
				Suppressions     []map[string]any  `json:"suppressions"`
				Fingerprints     map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out[report.SARIF]), &sarif))
	require.Len(t, sarif.Runs, 1, "one run per policy pack")
	run := sarif.Runs[0]
	assert.Len(t, run.Tool.Driver.Rules, 4, "one rule per policy")
	for _, rule := range run.Tool.Driver.Rules {
		if rule.ID == "no-s3-on-ecs-execution-role" {
			assert.Equal(t, "9.5", rule.Properties["security-severity"])
			assert.Equal(t, "Move S3 to the task role.\n\nAttach the policy to the task role.", rule.Help["text"],
				"rules carry the policy's help text")
		}
	}
	assert.False(t, run.Invocations[0].ExecutionSuccessful, "an unreadable stack is a failed execution")
	assert.Len(t, run.Results, 4, "one result per violation")
	fps := map[string]bool{}
	suppressed := 0
	for _, res := range run.Results {
		fps[res.Fingerprints["keylessPolicyViolation/v1"]] = true
		if len(res.Suppressions) > 0 {
			suppressed++
		}
	}
	assert.Len(t, fps, 4, "every result has its own fingerprint")
	assert.Equal(t, 1, suppressed, "the excepted violation is an accepted suppression")
	assert.Contains(t, out[report.SARIF], `"fullyQualifiedName": "`+rpURN+`"`, "the URN is the logical location")
	assert.Contains(t, out[report.SARIF], `"uri": "billing/Pulumi.prod.yaml"`, "the stack file is the location")

	md := out[report.Markdown]
	assert.True(t, strings.HasPrefix(md, report.MarkdownMarker))
	assert.Contains(t, md, `gets s3:GetObject \| and more`, "pipes in messages cannot break the table")
	assert.Contains(t, md, "&lt;policy&gt;")
	assert.Contains(t, md, "| `organization/billing/prod` | ❌ fail | 12 | 2 | 1 | 0 |\n", "blocking, advisory and excepted per stack")
	assert.Contains(t, md, "| `organization/billing/dev` | 🟡 warn | 12 | 0 | 0 | 1 |\n")
	assert.Contains(t, out[report.JUnit], `<failure message="1 blocking violation(s) of no-s3-on-ecs-execution-role" type="mandatory">`)
	assert.Contains(t, out[report.JUnit], `<skipped message="disabled by the policy config"></skipped>`)
	assert.Contains(t, out[report.Table], "ERROR")
	assert.Contains(t, out[report.Table], "excepted (EXC-1)")
}

func TestJSONRoundTrip(t *testing.T) {
	r := normalized()
	var buf bytes.Buffer
	require.NoError(t, report.Write(&buf, report.JSON, r))
	back, err := report.ReadJSON(&buf)
	require.NoError(t, err)
	assert.Equal(t, r, back)
	_, err = report.ReadJSON(strings.NewReader(`{"schemaVersion": 9}`))
	assert.ErrorContains(t, err, "schema version 9")
}

func eventLog(t *testing.T, evs ...apitype.EngineEvent) string {
	t.Helper()
	var b strings.Builder
	for _, ev := range evs {
		line, err := json.Marshal(ev)
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestEventLog(t *testing.T) {
	log := eventLog(t,
		apitype.EngineEvent{PreludeEvent: &apitype.PreludeEvent{}},
		apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{URN: rpURN}}},
		apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{URN: tdURN}}},
		apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{ResourceURN: rpURN, PolicyName: "no-s3-on-ecs-execution-role",
			PolicyPackName: "keyless-ecs-s3", PolicyPackVersion: "1.2.3", EnforcementLevel: "mandatory", Message: "S3 on exec " + fakeKeyID}},
		apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{ResourceURN: tdURN, PolicyName: "ecs-task-role-trust",
			PolicyPackName: "keyless-ecs-s3", PolicyPackVersion: "1.2.3", EnforcementLevel: "warning", Message: "trust"}},
		apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "preview failed"}},
		apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{IsPreview: true, PolicyPacks: map[string]string{"keyless-ecs-s3|local|/tmp/keyless-policy": "1.2.3"}}},
		apitype.EngineEvent{CancelEvent: &apitype.CancelEvent{}},
	)
	meta := sample().PolicyPacks
	r, err := report.ReadEventLog(strings.NewReader(log+`{"sequence": 9, "torn`), report.EventOptions{Tool: report.Tool{Name: "t"}, Packs: meta})
	require.NoError(t, err, "a torn last line ends the log")
	require.Len(t, r.Stacks, 1)
	s := r.Stacks[0]
	assert.Equal(t, "billing", s.Project)
	assert.Equal(t, "prod", s.Name)
	assert.Equal(t, 2, s.Resources)
	assert.Equal(t, report.StatusFail, s.Status)
	assert.Empty(t, s.Error, "the engine's error is the blocking violation itself")
	assert.Equal(t, []report.PolicyPack{{Name: "keyless-ecs-s3", Version: "1.2.3", Policies: meta[0].Policies}}, r.PolicyPacks)
	assert.Equal(t, report.ExitViolations, r.ExitCode())
	reporttest.Normalized(t, r)
	reporttest.Check(t, r, fakeKeyID)

	// No summary: the operation did not finish, whatever it reported so far.
	r, err = report.ReadEventLog(strings.NewReader(eventLog(t,
		apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{URN: tdURN}}})),
		report.EventOptions{})
	require.NoError(t, err)
	assert.Equal(t, report.StatusError, r.Stacks[0].Status)
	assert.Empty(t, r.PolicyPacks, "no pack ran")
	var md bytes.Buffer
	require.NoError(t, report.Write(&md, report.Markdown, r))
	assert.Contains(t, md.String(), "policy pack not run")

	_, err = report.ReadEventLog(strings.NewReader("not json\n{}\n"), report.EventOptions{})
	assert.ErrorContains(t, err, "line 1")
}

// TestCombineIsNormalized checks that the report of several previews is one normalized report:
// the stacks in order whatever the order of the logs, credentials redacted, counted once.
func TestCombineIsNormalized(t *testing.T) {
	preview := func(stack, message string) *report.Report {
		t.Helper()
		urn := strings.ReplaceAll(rpURN, "prod", stack)
		r, err := report.ReadEventLog(strings.NewReader(eventLog(t,
			apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{URN: urn}}},
			apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{ResourceURN: urn, PolicyName: "no-s3-on-ecs-execution-role",
				PolicyPackName: "keyless-ecs-s3", PolicyPackVersion: "1.2.3", EnforcementLevel: "mandatory", Message: message}},
			apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{IsPreview: true, PolicyPacks: map[string]string{"keyless-ecs-s3": "1.2.3"}}},
		)), report.EventOptions{Tool: report.Tool{Name: "t"}})
		require.NoError(t, err)
		return r
	}
	r := report.Combine([]*report.Report{preview("prod", "S3 on exec "+fakeKeyID), preview("dev", "S3 on exec")})
	reporttest.Normalized(t, r)
	require.Len(t, r.Stacks, 2)
	assert.Equal(t, []string{"dev", "prod"}, []string{r.Stacks[0].Name, r.Stacks[1].Name})
	assert.NotContains(t, r.Stacks[1].Violations[0].Message, fakeKeyID[4:])
	assert.Len(t, r.PolicyPacks, 1, "a pack that ran in both previews is listed once")
	assert.Equal(t, 2, r.Summary.Blocking)
}

func shard(t *testing.T, r *report.Report, i, n int, keep func(report.Stack) bool) *report.Report {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, report.Write(&buf, report.JSON, r))
	c, err := report.ReadJSON(&buf)
	require.NoError(t, err)
	c.Scope.Shards = []report.Shard{{Index: i, Count: n}}
	var stacks []report.Stack
	for _, s := range c.Stacks {
		if keep(s) {
			stacks = append(stacks, s)
		}
	}
	c.Stacks = stacks
	c.Normalize()
	return c
}

func TestMerge(t *testing.T) {
	whole := sample()
	whole.Normalize()
	a := shard(t, whole, 1, 2, func(s report.Stack) bool { return s.Project == "billing" })
	b := shard(t, whole, 2, 2, func(s report.Stack) bool { return s.Project == "search" })

	merged, missing, err := report.Merge([]*report.Report{b, a})
	require.NoError(t, err)
	assert.Empty(t, missing)
	assert.Empty(t, merged.Scope.Shards, "a complete merge is the whole audit")
	assert.Equal(t, whole.Stacks, merged.Stacks)
	assert.Equal(t, whole.Summary, merged.Summary)
	reporttest.Normalized(t, merged)

	part, missing, err := report.Merge([]*report.Report{a})
	require.NoError(t, err)
	assert.Equal(t, []report.Shard{{Index: 2, Count: 2}}, missing)
	assert.Equal(t, []report.Shard{{Index: 1, Count: 2}}, part.Scope.Shards)

	_, _, err = report.Merge([]*report.Report{a, a})
	assert.ErrorContains(t, err, "shard 1/2 is in report 2")
	other := shard(t, whole, 2, 2, func(report.Stack) bool { return true })
	_, _, err = report.Merge([]*report.Report{a, other})
	assert.ErrorContains(t, err, "is in report 1 and in report 2")
	c := shard(t, whole, 2, 2, func(s report.Stack) bool { return s.Project == "search" })
	c.PolicyPacks[0].Version = "9.9.9"
	_, _, err = report.Merge([]*report.Report{a, c})
	assert.ErrorContains(t, err, "same packs")
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]report.Format{"table": report.Table, "JSON": report.JSON, "sarif": report.SARIF,
		"junit": report.JUnit, "xml": report.JUnit, "md": report.Markdown, "markdown": report.Markdown} {
		got, err := report.ParseFormat(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := report.ParseFormat("html")
	assert.ErrorContains(t, err, "table, json, sarif, junit, markdown")
}

func TestValidatorsCatchBrokenOutput(t *testing.T) {
	assert.Error(t, reporttest.ValidateJSON(reporttest.SARIFSchema, `{"version": "2.1.0", "runs": [{"tool": {}}]}`))
	assert.Error(t, reporttest.ValidateJSON(report.JSONSchema, `{"schemaVersion": 1}`))
	assert.Error(t, reporttest.ValidateJUnit(strings.NewReader(`<testsuites><testsuite name="a" tests="2" failures="0" errors="0"><testcase name="x" classname="c"/></testsuite></testsuites>`)),
		"counts that do not match the cases")
	assert.Error(t, reporttest.ValidateJUnit(strings.NewReader(`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"/></testsuite></testsuites>`)),
		"a test case without classname")
	assert.NoError(t, reporttest.ValidateJUnit(strings.NewReader(`<testsuites><testsuite name="a" tests="1" failures="1" errors="0"><testcase name="x" classname="c"><failure message="m" type="t">d</failure></testcase></testsuite></testsuites>`)))
}
