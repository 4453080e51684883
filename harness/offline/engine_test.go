package offline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// execRoleWithS3 grants S3 to the role its task definition uses as the execution role, which
// the pack's mandatory no-s3-on-ecs-execution-role forbids.
func execRoleWithS3(ctx *pulumi.Context) error {
	exec, err := iam.NewRole(ctx, "exec-role", &iam.RoleArgs{Name: pulumi.String("x-exec"), AssumeRolePolicy: pulumi.String(trust)})
	if err != nil {
		return err
	}
	grant, err := iam.NewRolePolicy(ctx, "exec-s3", &iam.RolePolicyArgs{Role: exec.Name, Policy: pulumi.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::x-files/*"}]}`)})
	if err != nil {
		return err
	}
	_, err = ecs.NewTaskDefinition(ctx, "task", &ecs.TaskDefinitionArgs{
		Family: pulumi.String("x-server"), Cpu: pulumi.String("256"), Memory: pulumi.String("512"),
		NetworkMode: pulumi.String("awsvpc"), RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn: exec.Arn, TaskRoleArn: exec.Arn,
		ContainerDefinitions: pulumi.String(`[{"name":"web","image":"nginx:latest","essential":true}]`),
	}, pulumi.DependsOn([]pulumi.Resource{grant}))
	return err
}

// Through the real engine: an exception from the policy config excuses the violation, and its
// reason reaches the report and the printed results; without it, the preview fails. Either way
// the report knows the pack ran.
func TestExceptionReasonIsReported(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine")
	}
	ctx := context.Background()
	root, err := RepoRoot(".")
	require.NoError(t, err)
	tools, err := EnsureTools(ctx, root, os.Stderr)
	require.NoError(t, err)

	const reason = "the vendor image reads its assets with the execution role until it is rebuilt"
	config := filepath.Join(t.TempDir(), "policy.json")
	var targets bytes.Buffer
	for i, r := range []string{"aws:iam/role:Role::exec-role", "aws:iam/rolePolicy:RolePolicy::exec-s3", "aws:ecs/taskDefinition:TaskDefinition::task"} {
		if i > 0 {
			targets.WriteString(", ")
		}
		targets.WriteString(`"urn:pulumi:dev::` + DefaultProject + `::` + r + `"`)
	}
	require.NoError(t, os.WriteFile(config, []byte(`{"version": 2, "exceptions": {"EXC-7": {"reason": "`+reason+
		`", "match": [{"policies": ["no-s3-on-ecs-execution-role"], "targets": [`+targets.String()+`]}]}}}`), 0o644))

	open := func(configs ...string) *Session {
		var progress bytes.Buffer
		s, err := Open(ctx, Options{Dir: t.TempDir(), CLI: tools.CLI, Stack: "dev", Program: execRoleWithS3,
			PolicyPacks: []string{tools.PolicyPack}, PolicyPackConfigs: configs, Progress: &progress,
			Config: map[string]auto.ConfigValue{"aws:region": {Value: "eu-west-1"}}})
		require.NoError(t, err)
		t.Cleanup(func() {
			s.Close()
			if t.Failed() {
				t.Logf("engine output:\n%s", progress.String())
			}
		})
		return s
	}

	rep, err := open().Preview(ctx)
	require.Error(t, err, "without the exception the mandatory policy fails the preview")
	assert.True(t, rep.PolicyRan)
	assert.True(t, rep.HasPolicy("no-s3-on-ecs-execution-role", "mandatory"))
	assert.NotEmpty(t, rep.Blocking())

	rep, err = open(config).Preview(ctx)
	require.NoError(t, err, "the exception excuses the violation")
	assert.True(t, rep.PolicyRan)
	var excepted []PolicyResult
	for _, p := range rep.Policy {
		if p.Policy == "no-s3-on-ecs-execution-role" {
			excepted = append(excepted, p)
		}
	}
	require.NotEmpty(t, excepted, "an excepted violation is still reported")
	for _, p := range excepted {
		assert.Equal(t, []string{"EXC-7"}, p.Exceptions)
		assert.Equal(t, []string{reason}, p.ExceptionReasons)
		assert.False(t, p.Blocking())
	}
	var printed bytes.Buffer
	PrintReport(&printed, rep)
	assert.Contains(t, printed.String(), "excepted by EXC-7: "+reason)
}
