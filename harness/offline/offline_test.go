package offline

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot(".")
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "scripts", "pulumi.sh"))

	_, err = RepoRoot(t.TempDir())
	assert.ErrorContains(t, err, ModulePath)
}

// The stack's config file is the source of truth: copied into the workspace on every run, never
// written to, and the workspace copy keeps the salt the offline backend created.
func TestWriteStackSettingsKeepsTheSourceAndTheSalt(t *testing.T) {
	project := &workspace.Project{Name: tokens.PackageName("railsapp"), Runtime: workspace.NewProjectRuntimeInfo("go", nil)}
	src := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	original := []byte("config:\n  aws:region: eu-west-1\n  railsapp:cpu: 256\n  railsapp:corsOrigins:\n    - https://a.example\n")
	require.NoError(t, os.WriteFile(src, original, 0o644))
	work := t.TempDir()
	dst := filepath.Join(work, "Pulumi.dev.yaml")

	require.NoError(t, writeStackSettings(project, work, "dev", src))
	require.NoError(t, os.WriteFile(dst, append(mustRead(t, dst), []byte("encryptionsalt: v1:abc\n")...), 0o644))
	require.NoError(t, os.WriteFile(src, append(original, []byte("  railsapp:memory: 1024\n")...), 0o644))
	require.NoError(t, writeStackSettings(project, work, "dev", src))

	got := string(mustRead(t, dst))
	assert.Contains(t, got, "encryptionsalt: v1:abc")
	assert.Contains(t, got, "railsapp:memory: 1024", "changes to the real file are picked up")
	assert.Contains(t, got, "https://a.example", "structured values survive")
	assert.NotContains(t, string(mustRead(t, src)), "encryptionsalt", "the real file is not written to")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func TestCollectorReadsPolicyEventsAndSummary(t *testing.T) {
	c := &collector{rep: &Report{Op: "preview"}}
	c.add(apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{PolicyPackName: "pack", PolicyName: "p1",
		EnforcementLevel: "mandatory", ResourceURN: "urn:pulumi:dev::railsapp::aws:iam/role:Role::exec", Message: " msg \n"}})
	c.add(apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{PolicyName: "p2", EnforcementLevel: "mandatory",
		Exceptions: []apitype.PolicyEventException{{ID: "EXC-1", Reason: "accepted"}}}})
	c.add(apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{PolicyName: "p3", EnforcementLevel: "advisory"}})
	c.add(apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "boom\n"}})
	c.add(apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{ResourceChanges: map[apitype.OpType]int{"create": 3}}})

	rep := c.rep
	require.Len(t, rep.Policy, 3)
	assert.Equal(t, "msg", rep.Policy[0].Message)
	blocking := rep.Blocking()
	require.Len(t, blocking, 1, "an excepted violation does not block")
	assert.Equal(t, "p1", blocking[0].Policy)
	assert.True(t, rep.HasPolicy("p3", "advisory"))
	assert.False(t, rep.HasPolicy("p3", "mandatory"))
	assert.Equal(t, []string{"boom"}, rep.Diagnostics)
	assert.Equal(t, map[string]int{"create": 3}, rep.Changes)
}

func TestPrintReport(t *testing.T) {
	var b bytes.Buffer
	PrintReport(&b, &Report{Op: "update",
		Policy: []PolicyResult{{Pack: "pack", Policy: "p1", Level: "mandatory",
			URN: "urn:pulumi:dev::railsapp::railsapp:storage:ActiveStorage$aws:iam/role:Role::exec", Message: "line 1\nline 2"}},
		Outputs: auto.OutputMap{
			"storageYml": {Value: "amazon:\n  service: S3\n"},
			"bucketName": {Value: "b"},
			"token":      {Value: "hidden", Secret: true},
		}})
	out := b.String()
	assert.Contains(t, out, "[mandatory] pack/p1 on exec (aws:iam/role:Role)\n      line 1\n      line 2\n")
	assert.Contains(t, out, "  storageYml: |\n    amazon:\n      service: S3\n")
	assert.Contains(t, out, "  bucketName: b\n")
	assert.Contains(t, out, "  token: [secret]\n")
	assert.NotContains(t, out, "hidden")
}
