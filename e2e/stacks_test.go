package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/components"
	"github.com/keyless-ecs/railsapp/internal/app"
	"github.com/keyless-ecs/railsapp/harness/fakeaws"
	"github.com/keyless-ecs/railsapp/harness/offline"
)

// programUnderTest is THE program, as main.go and the offline runner run it.
var programUnderTest = app.Run

const componentType = "railsapp:storage:ActiveStorage"

// stackExpectation is what a stack's config (Pulumi.<stack>.yaml) should produce.
type stackExpectation struct {
	stack, bucket, region, family string
	envPrefix                     string // role names are <env>EcsTaskRole / <env>EcsTaskExecutionRole
	versioning, protected         bool
}

var stacks = []stackExpectation{
	{stack: "dev", bucket: "dev-images-example-com", region: "ap-northeast-1", family: "dev-server", envPrefix: "dev"},
	{stack: "prod", bucket: "images-example-com", region: "ap-northeast-1", family: "prod-server", envPrefix: "prod",
		versioning: true, protected: true},
}

// TestStacks runs the main job per stack: preview and update with the pack, the state, the
// outputs, an idempotent second preview, `pulumi policy analyze` on the deployed state, and
// destroy (dev goes away, prod's bucket is protected).
func TestStacks(t *testing.T) {
	for _, want := range stacks {
		t.Run(want.stack, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := realStack(t, want.stack, offline.Options{})

			rep, err := s.Up(ctx)
			require.NoError(t, err, "offline up (preview, then update) with the policy pack")
			require.NotNil(t, rep.Preview)
			for _, r := range []*offline.Report{rep.Preview, rep} {
				assert.Empty(t, r.Policy, "%s: the program as configured should not trip any policy, advisory included", r.Op)
			}

			st := stackState(t, s)
			checkResources(t, st, want)
			checkOutputs(t, rep.Outputs, want)

			again, err := s.Preview(ctx, optpreview.ExpectNoChanges())
			require.NoError(t, err, "a second preview reports no changes")
			for op, n := range again.Changes {
				if op != "same" {
					assert.Zero(t, n, "second preview: %d resources to %s", n, op)
				}
			}

			ana, err := s.Analyze(ctx)
			require.NoError(t, err, "pulumi policy analyze on the deployed state")
			assert.Empty(t, ana.Blocking())

			_, err = s.Destroy(ctx)
			after := stackState(t, s)
			if want.protected {
				require.Error(t, err, "prod's bucket is protected, so destroy must fail")
				assert.Contains(t, err.Error(), "protect")
				_, stillThere := after.find(app.ComponentName + "-bucket")
				assert.True(t, stillThere, "the protected bucket stays in the state")
				return
			}
			require.NoError(t, err)
			assert.Empty(t, after.programResources(), "dev destroys cleanly")
		})
	}
}

func checkResources(t *testing.T, st state, want stackExpectation) {
	t.Helper()
	comp, ok := st.find(app.ComponentName)
	require.True(t, ok, "component %q in state; have %v", app.ComponentName, st.names())
	assert.Equal(t, componentType, string(comp.Type))

	children := map[string]int{}
	for _, r := range st {
		if r.Parent == comp.URN {
			children[string(r.Type)]++
			assert.Equal(t, string(r.Type) != components.DestroyGuardType, r.Custom, "%s: only the destroy guard is not a custom resource", r.URN)
		}
	}
	expect := map[string]int{
		"aws:s3/bucketV2:BucketV2":                                                                   1,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     1,
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     1,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 1,
		"aws:s3/bucketPolicy:BucketPolicy":                                                           1,
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       1,
		"aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2":                                 1,
		"aws:iam/policy:Policy":                                                                      1,
		"aws:iam/role:Role":                                                                          2,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          2,
		"aws:iam/rolePolicy:RolePolicy":                                                              1,
		"aws:cloudwatch/logGroup:LogGroup":                                                           1,
		"aws:ecs/taskDefinition:TaskDefinition":                                                      1,
		components.DestroyGuardType:                                                                  1,
	}
	if want.versioning {
		expect["aws:s3/bucketVersioningV2:BucketVersioningV2"] = 1
	}
	assert.Equal(t, expect, children, "resources parented to the component")

	bucket, ok := st.find(app.ComponentName + "-bucket")
	require.True(t, ok)
	assert.Equal(t, want.protected, bucket.Protect, "bucket protection")
	assert.Equal(t, want.bucket, bucket.ID.String())

	td, ok := st.find(app.ComponentName + "-task")
	require.True(t, ok)
	assert.Equal(t, want.family, td.Outputs["family"])
	deps := map[string]bool{}
	for _, d := range td.Dependencies {
		deps[string(d.Type())] = true
	}
	assert.True(t, deps["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
		"the task definition depends on the roles' policy attachments (so the pack sees grants first)")
}

func checkOutputs(t *testing.T, outs auto.OutputMap, want stackExpectation) {
	t.Helper()
	str := func(k string) string {
		v, ok := outs[k]
		require.True(t, ok, "output %s", k)
		s, _ := v.Value.(string)
		return s
	}
	acct := fakeaws.DefaultAccount
	assert.Equal(t, want.bucket, str("bucketName"))
	assert.Equal(t, "arn:aws:s3:::"+want.bucket, str("bucketArn"))
	assert.Equal(t, fmt.Sprintf("arn:aws:iam::%s:role/%sEcsTaskRole", acct, want.envPrefix), str("taskRoleArn"))
	assert.Equal(t, fmt.Sprintf("arn:aws:iam::%s:role/%sEcsTaskExecutionRole", acct, want.envPrefix), str("executionRoleArn"))
	assert.Equal(t, fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:1", want.region, acct, want.family), str("taskDefinitionArn"))

	yml := str("storageYml")
	assert.Contains(t, yml, "service: S3")
	assert.Contains(t, yml, "region: "+want.region)
	assert.Contains(t, yml, `bucket: <%= ENV.fetch("AWS_S3_BUCKET_NAME", nil) %>`)
	for _, key := range []string{"access_key_id", "secret_access_key"} {
		assert.NotContains(t, yml, key, "storage.yml carries no keys: the SDK uses the task role")
	}
}

// TestBadConfigFailsBeforeAnythingIsCreated: the real program with an invalid Fargate size, or a
// credential in the container environment, fails in preview and in a bare update before any
// resource is registered, with an error that names what to fix.
func TestBadConfigFailsBeforeAnythingIsCreated(t *testing.T) {
	key, secret := fakeAccessKeyID(), fakeSecretAccessKey()
	cases := []struct {
		name   string
		config map[string]auto.ConfigValue
		want   []string
	}{
		{"invalid Fargate size", map[string]auto.ConfigValue{"railsapp:memory": {Value: "4096"}},
			[]string{"railsapp:memory", "cpu 256", "512, 1024, 2048"}},
		{"credential in the container environment",
			map[string]auto.ConfigValue{"railsapp:containerEnv.AWS_ACCESS_KEY_ID": {Value: key}},
			[]string{"railsapp:containerEnv", "AWS_ACCESS_KEY_ID"}},
		{"credential in the container environment as a config secret",
			map[string]auto.ConfigValue{"railsapp:containerEnv.AWS_SECRET_ACCESS_KEY": {Value: secret, Secret: true}},
			[]string{"railsapp:containerEnv", "AWS_SECRET_ACCESS_KEY"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := realStack(t, "dev", offline.Options{Config: tc.config, ConfigPath: true}, key, secret)

			rep, err := s.Up(ctx)
			require.Error(t, err)
			require.True(t, errors.Is(err, offline.ErrPreviewFailed), "stops at the preview")
			require.NotNil(t, rep.Preview)
			// The program's error, as the engine reports it to the user.
			msg := strings.Join(rep.Preview.Diagnostics, "\n")
			t.Logf("error shown to the user:\n%s", mask(msg, key, secret))
			for _, w := range tc.want {
				assert.Contains(t, mask(msg, key, secret), w, "the error names what to fix")
			}
			for _, v := range []string{key, secret} {
				if strings.Contains(err.Error(), v) {
					t.Errorf("the error shows a credential (starts %q)", v[:4])
				}
			}
			assert.Empty(t, stackState(t, s).programResources(), "nothing registered after the preview")

			_, err = s.UpOnly(ctx)
			require.Error(t, err, "a bare update fails too")
			assert.Empty(t, stackState(t, s).programResources(), "nothing created by the update")
		})
	}
}
