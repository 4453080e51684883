package offline

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/harness/fakeaws"
)

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot(".")
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "scripts", "pulumi.sh"))

	_, err = RepoRoot(t.TempDir())
	assert.ErrorContains(t, err, ModulePath)
}

// The stack's config file is the source of truth: copied into the workspace on every run, never
// written to; and the copy does not outlive the session (it may hold a fake key).
func TestStackConfigCopyFollowsTheSourceAndGoesAwayOnClose(t *testing.T) {
	project := &workspace.Project{Name: tokens.PackageName("railsapp"), Runtime: workspace.NewProjectRuntimeInfo("go", nil)}
	src := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	original := []byte("config:\n  aws:region: eu-west-1\n  railsapp:cpu: 256\n  railsapp:corsOrigins:\n    - https://a.example\n")
	require.NoError(t, os.WriteFile(src, original, 0o644))
	work := t.TempDir()
	dst := filepath.Join(work, "Pulumi.dev.yaml")

	require.NoError(t, writeStackSettings(project, work, "dev", src))
	assert.Equal(t, original, mustRead(t, dst))
	require.NoError(t, os.WriteFile(src, append(original, []byte("  railsapp:memory: 1024\n")...), 0o644))
	require.NoError(t, writeStackSettings(project, work, "dev", src))
	got := string(mustRead(t, dst))
	assert.Contains(t, got, "railsapp:memory: 1024", "changes to the real file are picked up")
	assert.Contains(t, got, "https://a.example", "structured values survive")
	assert.Equal(t, append(original, []byte("  railsapp:memory: 1024\n")...), mustRead(t, src), "the real file is not written to")

	require.Error(t, writeStackSettings(project, work, "dev", filepath.Join(t.TempDir(), "missing.yaml")))

	(&Session{stackCopy: dst}).Close()
	assert.NoFileExists(t, dst, "Close deletes the workspace's copy")
	assert.FileExists(t, src)
}

// Sessions attach the in-process stand-in and ignore plugins on PATH; the CLI path finds the
// stand-in plugin and the language host on PATH. Both reach the same backend.
func TestEnvironments(t *testing.T) {
	dir := t.TempDir()
	backend := BackendEnv(dir)
	assert.Equal(t, map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + filepath.ToSlash(filepath.Join(dir, "state")),
		"PULUMI_HOME":              filepath.Join(dir, "home"),
		"PULUMI_CONFIG_PASSPHRASE": Passphrase,
	}, backend)

	t.Setenv("PATH", "/usr/bin")
	cli := CLIEnv(dir, "/plugins", "/langhost")
	assert.Equal(t, "/plugins:/langhost:/usr/bin", cli["PATH"])
	assert.NotContains(t, cli, "PULUMI_IGNORE_AMBIENT_PLUGINS", "the CLI must find the stand-in plugin on PATH")
	assert.NotContains(t, cli, "PULUMI_DEBUG_PROVIDERS")

	p, err := fakeaws.Start(fakeaws.Options{})
	require.NoError(t, err)
	defer p.Close()
	session := Env(filepath.Join(dir, "state"), filepath.Join(dir, "home"), p)
	assert.Equal(t, p.EnvVar(), session["PULUMI_DEBUG_PROVIDERS"])
	assert.Equal(t, "true", session["PULUMI_IGNORE_AMBIENT_PLUGINS"], "a pulumi-resource-aws on PATH must not shadow the attached stand-in")
	for _, env := range []map[string]string{cli, session} {
		for k, v := range backend {
			assert.Equal(t, v, env[k])
		}
		assert.Equal(t, "true", env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"])
		assert.Equal(t, "true", env["PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"], "the salt comes from the state once the copy is gone")
	}
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
		Exceptions: []apitype.PolicyEventException{{ID: "EXC-1", Reason: " accepted until the migration \n"}}}})
	c.add(apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{PolicyName: "p3", EnforcementLevel: "advisory"}})
	c.add(apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "boom\n"}})
	c.add(apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "meh"}})
	c.add(apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{ResourceChanges: map[apitype.OpType]int{"create": 3}}})

	rep := c.rep
	require.Len(t, rep.Policy, 3)
	assert.Equal(t, "msg", rep.Policy[0].Message)
	assert.Equal(t, []string{"EXC-1"}, rep.Policy[1].Exceptions)
	assert.Equal(t, []string{"accepted until the migration"}, rep.Policy[1].ExceptionReasons)
	blocking := rep.Blocking()
	require.Len(t, blocking, 1, "an excepted violation does not block")
	assert.Equal(t, "p1", blocking[0].Policy)
	assert.True(t, rep.HasPolicy("p3", "advisory"))
	assert.False(t, rep.HasPolicy("p3", "mandatory"))
	assert.Equal(t, []string{"boom"}, rep.Diagnostics)
	assert.Equal(t, map[string]int{"create": 3}, rep.Changes)
	assert.True(t, rep.PolicyRan, "a violation means the pack ran")
}

// A pack ran when the engine reports its summaries, even with no violation; each resource counts
// once however many packs checked it.
func TestCollectorKnowsWhetherThePackRan(t *testing.T) {
	c := &collector{rep: &Report{Op: "preview"}}
	c.add(apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{}})
	assert.False(t, c.rep.PolicyRan)
	for _, pack := range []string{"a", "b"} {
		for _, urn := range []string{"urn:1", "urn:2"} {
			c.add(apitype.EngineEvent{PolicyAnalyzeSummaryEvent: &apitype.PolicyAnalyzeSummaryEvent{PolicyPackName: pack, ResourceURN: urn}})
		}
	}
	assert.True(t, c.rep.PolicyRan)
	assert.Equal(t, 2, c.rep.Analyzed)

	stack := &collector{rep: &Report{Op: "preview"}}
	stack.add(apitype.EngineEvent{PolicyAnalyzeStackSummaryEvent: &apitype.PolicyAnalyzeStackSummaryEvent{PolicyPackName: "a"}})
	assert.True(t, stack.rep.PolicyRan)
}

// wait returns every event of a stream that ended, and returns at once when the stream never
// opened (the CLI failed before its engine started): it waits for the operation, never a clock.
func TestCollectorWaitsForTheStreamNotAClock(t *testing.T) {
	c := newCollector("preview", []string{"pack"})
	handlerReturned := make(chan struct{})
	go func() { // the Automation API's stream handler
		defer close(handlerReturned)
		for i := range 50 {
			c.ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{
				PolicyName: fmt.Sprintf("p%d", i), EnforcementLevel: "advisory"}}}
		}
		close(c.ch)
	}()
	<-handlerReturned // the operation returns only after that
	rep := c.wait()
	assert.Len(t, rep.Policy, 50)
	assert.Equal(t, []string{"pack"}, rep.PolicyPacks)

	never := newCollector("update", nil)
	rep = never.wait()
	assert.Empty(t, rep.Policy)
	assert.False(t, rep.PolicyRan)

	failed := newCollector("update", nil)
	handlerReturned = make(chan struct{})
	go func() {
		defer close(handlerReturned)
		failed.ch <- events.EngineEvent{Error: errors.New("stream broke")}
		close(failed.ch)
	}()
	<-handlerReturned
	assert.Equal(t, []string{"reading the engine's events: stream broke"}, failed.wait().Diagnostics)
}

func TestReadEvents(t *testing.T) {
	log := `{"sequence":1,"policyLoadEvent":{}}
{"sequence":2,"policyAnalyzeSummaryEvent":{"resourceUrn":"urn:1","policyPackName":"pack"}}
{"sequence":3,"policyEvent":{"resourceUrn":"urn:1","message":"m","policyName":"p","policyPackName":"pack","enforcementLevel":"mandatory"}}

{"sequence":4,"summaryEvent":{"resourceChanges":{"create":1},"PolicyPacks":{},"isPreview":true}}
`
	rep, err := ReadEvents(strings.NewReader(log), "preview")
	require.NoError(t, err)
	assert.Equal(t, "preview", rep.Op)
	assert.True(t, rep.PolicyRan)
	assert.Equal(t, 1, rep.Analyzed)
	require.Len(t, rep.Blocking(), 1)
	assert.Equal(t, map[string]int{"create": 1}, rep.Changes)

	_, err = ReadEvents(strings.NewReader("{\"sequence\":1}\nnot json\n"), "preview")
	assert.ErrorContains(t, err, "reading the engine's events")
}

func TestPrintReport(t *testing.T) {
	print := func(rep *Report) string {
		var b bytes.Buffer
		PrintReport(&b, rep)
		return b.String()
	}
	out := print(&Report{Op: "update", PolicyRan: true, Analyzed: 18,
		Policy: []PolicyResult{
			{Pack: "pack", Policy: "p1", Level: "mandatory",
				URN: "urn:pulumi:dev::railsapp::railsapp:storage:ActiveStorage$aws:iam/role:Role::exec", Message: "line 1\nline 2"},
			{Pack: "pack", Policy: "p2", Level: "mandatory", Message: "m",
				Exceptions: []string{"EXC-1"}, ExceptionReasons: []string{"vendor image, until Q3"}},
		},
		Outputs: auto.OutputMap{"bucketName": {Value: "b"}}})
	assert.Contains(t, out, "[mandatory] pack/p1 on exec (aws:iam/role:Role)\n      line 1\n      line 2\n")
	assert.Contains(t, out, "[mandatory, excepted] pack/p2 on stack\n      m\n      excepted by EXC-1: vendor image, until Q3\n",
		"an excepted violation shows the exception's reason")
	assert.NotContains(t, out, "no violations")
	assert.NotContains(t, out, "bucketName", "outputs are printed once, by PrintOutputs")

	assert.Contains(t, print(&Report{Op: "preview", PolicyRan: true, Analyzed: 18, PolicyPacks: []string{"p"}}),
		"no violations (18 resources checked)")
	assert.Contains(t, print(&Report{Op: "analyze", PolicyRan: true, PolicyPacks: []string{"p"}}), "  no violations\n")
	for _, rep := range []*Report{{Op: "preview"}, {Op: "preview", PolicyPacks: []string{"p"}}} {
		out := print(rep)
		assert.Contains(t, out, "policy pack not run")
		assert.NotContains(t, out, "no violations", "no verdict without a pack run")
	}
}

func TestPrintOutputs(t *testing.T) {
	var b bytes.Buffer
	PrintOutputs(&b, auto.OutputMap{
		"storageYml": {Value: "amazon:\n  service: S3\n"},
		"bucketName": {Value: "b"},
		"token":      {Value: "hidden", Secret: true},
		"creds":      {Value: map[string]any{"key": "hidden"}, Secret: true},
	})
	out := b.String()
	assert.Contains(t, out, "  storageYml: |\n    amazon:\n      service: S3\n")
	assert.Contains(t, out, "  bucketName: b\n")
	assert.Contains(t, out, "  token: [secret]\n")
	assert.Contains(t, out, "  creds: [secret]\n")
	assert.NotContains(t, out, "hidden")
}

func TestPolicyConfigNames(t *testing.T) {
	write := func(content string) string {
		f := filepath.Join(t.TempDir(), "policy.json")
		require.NoError(t, os.WriteFile(f, []byte(content), 0o644))
		return f
	}
	configured, excepted, err := PolicyConfigNames(write(`{"version": 2,
		"policies": {"all": "advisory", "s3-bucket-private": "mandatory", "no-embedded-aws-credentials": {"extraForbiddenEnvNames": ["X"]}},
		"exceptions": {"EXC-1": {"reason": "r", "match": [{"policies": ["p2", "p1"], "targets": ["urn:a"]}, {"policies": ["p1"], "targets": ["urn:b"]}]}}}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"no-embedded-aws-credentials", "s3-bucket-private"}, configured)
	assert.Equal(t, []string{"p1", "p2"}, excepted)

	configured, excepted, err = PolicyConfigNames(write(`{"version": "a policy named version", "s3-bucket-private": "disabled", "environments": ["e"]}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"s3-bucket-private", "version"}, configured, "unversioned: every key but environments is a policy")
	assert.Empty(t, excepted)

	_, _, err = PolicyConfigNames(write(`{"version": 3}`))
	assert.ErrorContains(t, err, `"version" must be 2`)
	_, _, err = PolicyConfigNames(write(`[1]`))
	assert.Error(t, err)
	_, _, err = PolicyConfigNames(filepath.Join(t.TempDir(), "missing.json"))
	assert.Error(t, err)
	configured, _, err = PolicyConfigNames(write("  \n"))
	require.NoError(t, err)
	assert.Empty(t, configured)
}
