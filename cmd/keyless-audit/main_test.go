package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/bench/auditgen"
	"github.com/keyless-ecs/railsapp/internal/report"
)

func keylessAudit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return keylessAuditStdin(t, "", args...)
}

// keylessAuditStdin runs the command with stdin as its standard input.
func keylessAuditStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr, false, false)
	return code, stdout.String(), stderr.String()
}

// TestCommand drives the command as a user does: an audit with a violation and a corrupt stack,
// shards written to files and merged with flags after the files, and usage errors.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + filepath.ToSlash(dir)
	violating, err := auditgen.Generate(context.Background(), url, 12)
	require.NoError(t, err)
	require.Positive(t, violating)

	code, out, _ := keylessAudit(t, "--backend", url, "--progress", "never")
	assert.Equal(t, report.ExitViolations, code)
	r, err := report.ReadJSON(strings.NewReader(out))
	require.NoError(t, err, "JSON on stdout when it is not a terminal")
	assert.Len(t, r.Stacks, 12)
	assert.Equal(t, violating, r.Summary.Failed)

	require.NoError(t, os.WriteFile(filepath.Join(dir, ".pulumi", "stacks", "billing", "stack-0001.json"), []byte("{"), 0o600))
	code, out, _ = keylessAudit(t, "audit", "--backend", url, "--format", "table", "--progress", "always")
	assert.Equal(t, report.ExitViolations|report.ExitErrors, code)
	assert.Contains(t, out, "ERROR")

	var shards []string
	for i := 1; i <= 3; i++ {
		p := filepath.Join(t.TempDir(), "shard.json")
		code, _, _ = keylessAudit(t, "--backend", url, "--shard", []string{"1/3", "2/3", "3/3"}[i-1], "--output", "json="+p, "--format", "table")
		assert.NotEqual(t, 4, code)
		shards = append(shards, p)
	}
	code, out, _ = keylessAudit(t, append(append([]string{"merge"}, shards...), "--format", "json")...)
	assert.Equal(t, report.ExitViolations|report.ExitErrors, code)
	var merged report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &merged))
	assert.Len(t, merged.Stacks, 12)
	assert.Empty(t, merged.Scope.Shards, "a complete merge is the whole audit")

	code, _, stderr := keylessAudit(t, "merge", shards[0], "--format", "markdown")
	assert.Equal(t, report.ExitErrors, code&report.ExitErrors, "missing shards are not a clean result")
	assert.Contains(t, stderr, "missing")

	for _, bad := range [][]string{{"--shard", "4/3"}, {"--format", "html"}, {"--backend", url, "stray"}, {"frobnicate"}} {
		code, _, _ = keylessAudit(t, bad...)
		assert.Equal(t, exitFailed, code, "%q", bad)
	}
	code, _, _ = keylessAudit(t, "merge", "-h")
	assert.Equal(t, 0, code)
}

// previewEvents is the event log of a preview with one mandatory violation.
const previewEvents = `{"sequence":1,"policyEvent":{"resourceUrn":"urn:pulumi:dev::app::aws:iam/rolePolicy:RolePolicy::x","message":"m","color":"","policyName":"no-s3-on-ecs-execution-role","policyPackName":"keyless-ecs-s3","policyPackVersion":"0.1.0","policyPackVersionTag":"","enforcementLevel":"mandatory"}}
{"sequence":2,"summaryEvent":{"maybeCorrupt":false,"durationSeconds":1,"resourceChanges":{},"PolicyPacks":{"keyless-ecs-s3":"0.1.0"},"isPreview":true}}
`

func TestReportFromEventLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, os.WriteFile(log, []byte(previewEvents), 0o600))
	sarif := filepath.Join(t.TempDir(), "preview.sarif")
	code, out, _ := keylessAudit(t, "report", "--event-log", log, "--output", "sarif="+sarif, "--format", "markdown")
	assert.Equal(t, 0, code, "the preview's own status is the verdict")
	assert.True(t, strings.HasPrefix(out, report.MarkdownMarker))
	assert.Contains(t, out, "no-s3-on-ecs-execution-role")
	b, err := os.ReadFile(sarif)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"ruleId": "no-s3-on-ecs-execution-role"`)

	// "-" is the command's own stdout, before the report in --format.
	code, out, _ = keylessAudit(t, "report", "--event-log", log, "--output", "sarif=-", "--format", "markdown")
	assert.Equal(t, 0, code)
	sarifOut, md, ok := strings.Cut(out, report.MarkdownMarker)
	require.True(t, ok, "the Markdown report follows")
	assert.Contains(t, sarifOut, `"ruleId": "no-s3-on-ecs-execution-role"`, "the SARIF report is on stdout")
	assert.Contains(t, md, "no-s3-on-ecs-execution-role")
	_, err = os.Stat("-")
	assert.ErrorIs(t, err, os.ErrNotExist, "no file named -")
}

// "--event-log -" reads the log from the command's stdin.
func TestReportFromStdin(t *testing.T) {
	code, out, stderr := keylessAuditStdin(t, previewEvents, "report", "--event-log", "-", "--format", "json")
	require.Equal(t, 0, code, stderr)
	r, err := report.ReadJSON(strings.NewReader(out))
	require.NoError(t, err)
	require.Len(t, r.Stacks, 1)
	assert.Contains(t, out, "no-s3-on-ecs-execution-role", "the violation read from stdin is reported")

	code, _, stderr = keylessAuditStdin(t, "not an event\n{}\n", "report", "--event-log", "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "stdin: event log line 1")

	code, _, stderr = keylessAuditStdin(t, previewEvents, "report", "--event-log", "-", "--event-log", "-")
	assert.Equal(t, exitFailed, code, "stdin cannot be read twice")
	assert.Contains(t, stderr, "may be given once")
}
