package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/internal/audit"
	"github.com/keyless-ecs/railsapp/internal/report"
	"github.com/keyless-ecs/railsapp/internal/report/reporttest"
)

const execS3 = "no-s3-on-ecs-execution-role"

// deployment is a small state: an execution role, optionally an S3 grant on it, and a task
// definition that uses the role as its execution role.
func deployment(t testing.TB, project, stack string, grantS3 bool) *apitype.UntypedDeployment {
	t.Helper()
	urn := func(typ, name string) string {
		return "urn:pulumi:" + stack + "::" + project + "::" + typ + "::" + name
	}
	prov := urn("pulumi:providers:aws", "default")
	provRef := prov + "::04da6b54-80e4-46f7-96ec-b56ff0331ba9"
	roleArn := "arn:aws:iam::123456789012:role/exec"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	res := []apitype.ResourceV3{
		{URN: resource.URN(urn("pulumi:pulumi:Stack", project+"-"+stack)), Type: "pulumi:pulumi:Stack"},
		{URN: resource.URN(prov), Type: "pulumi:providers:aws", Custom: true, ID: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
			Inputs: map[string]any{"region": "us-east-1"}, Outputs: map[string]any{"region": "us-east-1"}},
		{URN: resource.URN(urn("aws:iam/role:Role", "exec")), Type: "aws:iam/role:Role", Custom: true, ID: "exec", Provider: provRef,
			Inputs:  map[string]any{"name": "exec", "assumeRolePolicy": trust},
			Outputs: map[string]any{"name": "exec", "arn": roleArn, "assumeRolePolicy": trust}},
	}
	if grantS3 {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::files/*"}]}`
		res = append(res, apitype.ResourceV3{URN: resource.URN(urn("aws:iam/rolePolicy:RolePolicy", "exec-s3")), Type: "aws:iam/rolePolicy:RolePolicy",
			Custom: true, ID: "exec:exec-s3", Provider: provRef,
			Inputs: map[string]any{"role": "exec", "policy": doc}, Outputs: map[string]any{"role": "exec", "policy": doc}})
	}
	td := map[string]any{"family": "app", "executionRoleArn": roleArn, "networkMode": "awsvpc", "cpu": "256", "memory": "512",
		"requiresCompatibilities": []any{"FARGATE"}, "containerDefinitions": `[{"name":"web","image":"nginx","essential":true}]`}
	res = append(res, apitype.ResourceV3{URN: resource.URN(urn("aws:ecs/taskDefinition:TaskDefinition", "app")),
		Type: "aws:ecs/taskDefinition:TaskDefinition", Custom: true, ID: "app", Provider: provRef, Inputs: td, Outputs: td})
	raw, err := json.Marshal(apitype.DeploymentV3{Manifest: apitype.ManifestV1{Version: "v3.274.1"}, Resources: res})
	require.NoError(t, err)
	return &apitype.UntypedDeployment{Version: 3, Deployment: raw}
}

// fakeSource serves deployments (or errors) from memory.
type fakeSource struct {
	deps map[string]*apitype.UntypedDeployment
	errs map[string]error
}

func (f *fakeSource) Describe() string { return "memory://" }

func (f *fakeSource) List(context.Context) ([]audit.StackRef, error) {
	var refs []audit.StackRef
	for name := range f.deps {
		refs = append(refs, ref(name))
	}
	for name := range f.errs {
		refs = append(refs, ref(name))
	}
	return refs, nil
}

func ref(full string) audit.StackRef {
	p := strings.Split(full, "/")
	return audit.StackRef{Organization: p[0], Project: p[1], Name: p[2]}
}

func (f *fakeSource) Export(_ context.Context, r audit.StackRef) (*apitype.UntypedDeployment, error) {
	if err := f.errs[r.FullName()]; err != nil {
		return nil, err
	}
	return f.deps[r.FullName()], nil
}

func TestRunIsolatesEveryStacksProblem(t *testing.T) {
	ctx := context.Background()
	judge, err := audit.NewJudge(ctx, "")
	require.NoError(t, err)
	src := &fakeSource{
		deps: map[string]*apitype.UntypedDeployment{
			"o/app/clean": deployment(t, "app", "clean", false),
			"o/app/bad":   deployment(t, "app", "bad", true),
			"o/app/junk":  {Version: 3, Deployment: json.RawMessage(`{"resources": [{"urn": 42}]}`)},
			"o/app/urn":   {Version: 3, Deployment: json.RawMessage(`{"resources": [{"urn": "not-a-urn", "type": "a:b:C"}]}`)},
			"o/app/empty": {Version: 3, Deployment: json.RawMessage(`{}`)},
		},
		errs: map[string]error{"o/app/gone": errors.New("access denied for key AKIA" + "QX7ZN2WBK4MT6RJD")},
	}
	var calls []audit.Progress
	r, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Concurrency: 3,
		Progress: func(p audit.Progress) { calls = append(calls, p) }})
	require.NoError(t, err)
	status := map[string]report.Status{}
	for _, s := range r.Stacks {
		status[s.Name] = s.Status
	}
	assert.Equal(t, map[string]report.Status{"clean": report.StatusPass, "bad": report.StatusFail, "junk": report.StatusError,
		"urn": report.StatusError, "empty": report.StatusPass, "gone": report.StatusError}, status)
	for _, s := range r.Stacks {
		if s.Name == "gone" {
			assert.NotContains(t, s.Error, "QX7ZN2WB", "errors are redacted")
		}
		if s.Name == "bad" {
			found := false
			for _, v := range s.Violations {
				found = found || (v.Policy == execS3 && v.Blocking())
			}
			assert.True(t, found, "the S3 grant on the execution role is found")
		}
	}
	require.Len(t, calls, 6, "one progress call per stack")
	last := calls[len(calls)-1]
	assert.Equal(t, audit.Progress{Done: 6, Total: 6, Violations: last.Violations, Blocking: last.Blocking, Unreadable: 3}, last)
	assert.Positive(t, last.Blocking)
	assert.Equal(t, report.ExitViolations|report.ExitErrors, r.ExitCode())
}

func TestPolicyConfigLevelsAndExceptions(t *testing.T) {
	ctx := context.Background()
	cfg := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"version": 2,
		"policies": {"ecs-task-role-trust": "disabled"},
		"exceptions": {"EXC-1": {"reason": "legacy", "match": [{"policies": ["`+execS3+`"],
			"targets": ["urn:pulumi:bad::app::aws:iam/rolePolicy:RolePolicy::exec-s3", "urn:pulumi:bad::app::aws:ecs/taskDefinition:TaskDefinition::app"]}]}}}`), 0o600))
	judge, err := audit.NewJudge(ctx, cfg)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(judge.ConfigDigest(), "sha256:"))
	for _, p := range judge.Pack().Policies {
		if p.Name == "ecs-task-role-trust" {
			assert.Equal(t, "disabled", p.Level)
		}
	}
	st := judge.Judge(ctx, ref("o/app/bad"), deployment(t, "app", "bad", true))
	require.Empty(t, st.Error)
	excepted := 0
	for _, v := range st.Violations {
		assert.NotEqual(t, "ecs-task-role-trust", v.Policy, "a disabled policy reports nothing")
		if v.Policy == execS3 {
			assert.False(t, v.Blocking(), "the exception lifts the violation")
			assert.Equal(t, []report.Exception{{ID: "EXC-1", Reason: "legacy"}}, v.Exceptions)
			excepted++
		}
	}
	assert.Positive(t, excepted)

	require.NoError(t, os.WriteFile(cfg, []byte(`{"version": 2, "policies": {"no-such-policy": "mandatory", "s3-bucket-tls-only": "sometimes"}}`), 0o600))
	_, err = audit.NewJudge(ctx, cfg)
	assert.Error(t, err, "an invalid level is refused, as the engine refuses it")
}

func TestSelectFiltersAndShards(t *testing.T) {
	var refs []audit.StackRef
	for _, p := range []string{"app", "billing", "search"} {
		for i := range 40 {
			refs = append(refs, ref(fmt.Sprintf("organization/%s/s%02d", p, i)))
		}
	}
	assert.Len(t, audit.Select(refs, "", []string{"billing"}, nil, nil), 40)
	assert.Len(t, audit.Select(refs, "", nil, []string{"s0*"}, nil), 30)
	assert.Len(t, audit.Select(refs, "", nil, []string{"search/s1?"}, nil), 10)
	assert.Len(t, audit.Select(refs, "", nil, []string{"*/app/s3?"}, nil), 10)
	assert.Empty(t, audit.Select(refs, "acme", nil, nil, nil))

	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		part := audit.Select(refs, "", nil, nil, &report.Shard{Index: i, Count: 3})
		assert.Greater(t, len(part), 20, "shards are roughly even")
		for _, r := range part {
			seen[r.FullName()]++
		}
	}
	assert.Len(t, seen, len(refs))
	for name, n := range seen {
		assert.Equal(t, 1, n, name)
	}
	// Stable: a stack's shard depends on its name only.
	assert.Equal(t, audit.ShardOf("organization/app/s01", 3), audit.ShardOf("organization/app/s01", 3))
}

func TestParseShard(t *testing.T) {
	sh, err := audit.ParseShard("2/3")
	require.NoError(t, err)
	assert.Equal(t, report.Shard{Index: 2, Count: 3}, *sh)
	for _, bad := range []string{"0/3", "4/3", "3", "a/b", "1/0", ""} {
		_, err := audit.ParseShard(bad)
		assert.Error(t, err, bad)
	}
}

func TestRedactURL(t *testing.T) {
	assert.Equal(t, "s3://state/prefix", audit.RedactURL("s3://state/prefix?region=us-east-1&endpoint=http://x"))
	assert.Equal(t, "azblob://c", audit.RedactURL("azblob://c?storage_account=a&sas=sig"))
	assert.Equal(t, "https://example.com/p", audit.RedactURL("https://user:pw@example.com/p"))
}

// TestRunReturnsANormalizedReport checks that the audit's report is ready to write as it comes:
// stacks in order of full name, errors redacted, and nothing left for Normalize to change.
func TestRunReturnsANormalizedReport(t *testing.T) {
	ctx := context.Background()
	judge, err := audit.NewJudge(ctx, "")
	require.NoError(t, err)
	keyID := "AKIA" + "QX7ZN2WBK4MT6RJD"
	src := &fakeSource{
		deps: map[string]*apitype.UntypedDeployment{
			"o/zeta/bad":  deployment(t, "zeta", "bad", true),
			"o/app/prod":  deployment(t, "app", "prod", true),
			"o/app/clean": deployment(t, "app", "clean", false),
		},
		errs: map[string]error{"o/app/gone": errors.New("access denied for key " + keyID)},
	}
	r, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Concurrency: 2})
	require.NoError(t, err)
	reporttest.Normalized(t, r)
	var names []string
	for _, s := range r.Stacks {
		names = append(names, s.FullName())
		if s.Name == "gone" {
			assert.Equal(t, report.StatusError, s.Status)
			assert.NotContains(t, s.Error, keyID[4:], "errors are redacted")
		}
	}
	assert.Equal(t, []string{"o/app/clean", "o/app/gone", "o/app/prod", "o/zeta/bad"}, names)
	assert.Equal(t, 4, r.Summary.Stacks)
	assert.Equal(t, 2, r.Summary.Failed)
}
