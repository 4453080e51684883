package app

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/components"
	"github.com/keyless-ecs/railsapp/harness/awsmock"
	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

const testAccount = "123456789012"

// stackConfig reads the repository's Pulumi.<stack>.yaml as the engine hands it to a program.
func stackConfig(t *testing.T, stack string) map[string]string {
	t.Helper()
	cfg, err := ReadStackConfig(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	return cfg
}

type programRun struct {
	mocks   *awsmock.Mocks
	exports map[string]internals.UnsafeAwaitOutputResult
}

func runProgram(t *testing.T, stack string, cfg map[string]string, dryRun bool) (*programRun, error) {
	t.Helper()
	region := cfg["aws:region"]
	if region == "" {
		region = "ap-northeast-1" // what a provider would fall back to; the program must still refuse
	}
	r := &programRun{mocks: awsmock.New(testAccount, region, dryRun), exports: map[string]internals.UnsafeAwaitOutputResult{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := Run(ctx); err != nil {
			return err
		}
		for name, in := range ctx.GetCurrentExportMap() {
			res, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(in))
			if err != nil {
				return err
			}
			r.exports[name] = res
		}
		return nil
	}, pulumi.WithMocks("railsapp", stack, r.mocks), func(ri *pulumi.RunInfo) {
		ri.Config = cfg
		ri.DryRun = dryRun
	})
	return r, err
}

func (r *programRun) one(t *testing.T, token string) pulumi.MockResourceArgs {
	t.Helper()
	rs := r.mocks.ByType(token)
	require.Len(t, rs, 1, token)
	return rs[0]
}

func (r *programRun) export(t *testing.T, name string) string {
	t.Helper()
	e, ok := r.exports[name]
	require.True(t, ok, "no export %s", name)
	require.True(t, e.Known, "export %s unknown", name)
	s, ok := e.Value.(string)
	require.True(t, ok, "export %s is %T", name, e.Value)
	return s
}

func prop(res pulumi.MockResourceArgs, key string) resource.PropertyValue {
	return res.Inputs[resource.PropertyKey(key)]
}

// The two real stacks deploy and differ the way dev and prod should.
func TestStacksDifferAsEnvironments(t *testing.T) {
	dev, err := runProgram(t, "dev", stackConfig(t, "dev"), false)
	require.NoError(t, err)
	prod, err := runProgram(t, "prod", stackConfig(t, "prod"), false)
	require.NoError(t, err)

	for _, r := range []*programRun{dev, prod} {
		for _, e := range []string{"bucketName", "bucketArn", "taskRoleArn", "executionRoleArn", "taskDefinitionArn", "storageYml"} {
			r.export(t, e)
		}
		assert.Len(t, r.exports, 6, "exactly the contracted stack outputs")
	}

	devBucket, prodBucket := dev.one(t, "aws:s3/bucketV2:BucketV2"), prod.one(t, "aws:s3/bucketV2:BucketV2")
	// dev may be destroyed with its data; prod may not.
	assert.True(t, prop(devBucket, "forceDestroy").BoolValue())
	assert.False(t, devBucket.RegisterRPC.GetProtect())
	assert.False(t, prop(prodBucket, "forceDestroy").BoolValue())
	assert.True(t, prodBucket.RegisterRPC.GetProtect(), "prod bucket must be protected")
	assert.True(t, prodBucket.RegisterRPC.GetRetainOnDelete(), "prod bucket must be retained")
	assert.False(t, devBucket.RegisterRPC.GetRetainOnDelete(), "dev's bucket goes with the stack")
	// prod refuses a destroy before its first step; dev's guard is inert.
	assert.True(t, prod.one(t, components.DestroyGuardType).RegisterRPC.GetProtect())
	assert.False(t, dev.one(t, components.DestroyGuardType).RegisterRPC.GetProtect())
	// prod keeps replaced task definition revisions for rollback; dev does not.
	assert.True(t, prop(prod.one(t, awsfacts.TypeTaskDefinition), "skipDestroy").BoolValue())
	assert.False(t, prop(dev.one(t, awsfacts.TypeTaskDefinition), "skipDestroy").HasValue())
	// prod keeps versions, and expires noncurrent ones.
	assert.Empty(t, dev.mocks.ByType("aws:s3/bucketVersioningV2:BucketVersioningV2"))
	v := prod.one(t, "aws:s3/bucketVersioningV2:BucketVersioningV2")
	assert.Equal(t, "Enabled", prop(v, "versioningConfiguration").ObjectValue()["status"].StringValue())
	var rules []string
	for _, r := range prop(prod.one(t, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"), "rules").ArrayValue() {
		rules = append(rules, r.ObjectValue()["id"].StringValue())
	}
	assert.Contains(t, rules, "expire-noncurrent-versions")
	// Short log retention in dev, at least a year in prod.
	devRet := prop(dev.one(t, "aws:cloudwatch/logGroup:LogGroup"), "retentionInDays").NumberValue()
	prodRet := prop(prod.one(t, "aws:cloudwatch/logGroup:LogGroup"), "retentionInDays").NumberValue()
	assert.LessOrEqual(t, devRet, float64(14))
	assert.GreaterOrEqual(t, prodRet, float64(365))

	// Names carry the environment, as in the seed.
	for env, r := range map[string]*programRun{"dev": dev, "prod": prod} {
		var roles []string
		for _, role := range r.mocks.ByType("aws:iam/role:Role") {
			roles = append(roles, prop(role, "name").StringValue())
		}
		assert.ElementsMatch(t, []string{env + "EcsTaskRole", env + "EcsTaskExecutionRole"}, roles)
		assert.Equal(t, env+"_allow_s3", prop(r.one(t, "aws:iam/policy:Policy"), "name").StringValue())
		assert.Equal(t, env+"-server", prop(r.one(t, "aws:ecs/taskDefinition:TaskDefinition"), "family").StringValue())
		assert.Equal(t, "arn:aws:iam::"+testAccount+":role/"+env+"EcsTaskRole", r.export(t, "taskRoleArn"))
	}
	assert.NotEqual(t, dev.export(t, "bucketName"), prod.export(t, "bucketName"))

	want := "amazon:\n  service: S3\n  region: ap-northeast-1\n  bucket: <%= ENV.fetch(\"AWS_S3_BUCKET_NAME\", nil) %>\n"
	assert.Equal(t, want, dev.export(t, "storageYml"))
	assert.Equal(t, want, prod.export(t, "storageYml"))
}

// `pulumi preview` of the real dev stack shows the real task policy, not an unknown.
func TestPreviewOfRealStackKnowsPolicy(t *testing.T) {
	cfg := stackConfig(t, "dev")
	r, err := runProgram(t, "dev", cfg, true)
	require.NoError(t, err)
	pol := prop(r.one(t, "aws:iam/policy:Policy"), "policy")
	require.True(t, pol.IsString(), "policy document unknown at preview")
	assert.Contains(t, pol.StringValue(), `"arn:aws:s3:::`+cfg["railsapp:bucketName"]+`/*"`)
	assert.True(t, prop(r.one(t, "aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions").IsString())
}

// The stack files use only keys the program reads, and no credentials.
func TestStackFilesUseKnownKeysOnly(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		cfg := stackConfig(t, stack)
		assert.Empty(t, UnknownKeys(slices.Collect(maps.Keys(cfg))), stack)
		for k, v := range cfg {
			ns := strings.SplitN(k, ":", 2)[0]
			assert.Contains(t, []string{"aws", Namespace}, ns, "%s: unexpected namespace", k)
			for _, forbidden := range []string{"aws:accessKey", "aws:secretKey", "aws:token", "aws:profile"} {
				assert.NotEqual(t, forbidden, k, stack)
			}
			for _, name := range awscreds.CredentialEnvNames() {
				assert.NotContains(t, v, name, "%s in %s", k, stack)
			}
		}
		assert.NotEmpty(t, cfg["railsapp:image"], stack)
	}
}

func TestUnknownKeys(t *testing.T) {
	assert.Equal(t, []string{"railsapp:cpus", "railsapp:imgae"},
		UnknownKeys([]string{"railsapp:imgae", "railsapp:cpu", "railsapp:cpus", "aws:region", "other:thing"}))
	assert.Empty(t, UnknownKeys([]string{"railsapp:cpu", "aws:region"}))

	// As the language host passes the config.
	unknown, err := unknownConfigKeys(`{"railsapp:cpu":"256","railsapp:cpus":"2","railsapp:imgae":"x","aws:region":"us-east-1","other:thing":"1"}`)
	require.NoError(t, err)
	assert.Equal(t, []string{"railsapp:cpus", "railsapp:imgae"}, unknown)
	_, err = unknownConfigKeys("not json")
	assert.Error(t, err)
}

// KnownKeys are exactly the component's settings.
func TestKnownKeysAreTheComponentSettings(t *testing.T) {
	var want []string
	for _, st := range components.Settings() {
		want = append(want, Namespace+":"+st.Key)
	}
	sort.Strings(want)
	assert.Equal(t, want, KnownKeys())
}

// Every key is documented in docs/configuration.md and listed in the README.
func TestEveryKeyDocumented(t *testing.T) {
	for _, doc := range []string{filepath.Join("docs", "configuration.md"), "README.md"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", doc))
		require.NoError(t, err)
		for _, k := range append(KnownKeys(), RegionKey) {
			assert.Contains(t, string(raw), "`"+k+"`", "%s does not document %s", doc, k)
		}
	}
}

func baseConfig() map[string]string {
	return map[string]string{
		"aws:region":             "ap-northeast-1",
		"railsapp:image":         "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/railsapp:latest",
		"railsapp:bucketName":    "dev-images-example-com",
		"railsapp:protectBucket": "false",
	}
}

func TestDefaultsOfTheProgram(t *testing.T) {
	r, err := runProgram(t, "staging", baseConfig(), false)
	require.NoError(t, err)
	td := r.one(t, "aws:ecs/taskDefinition:TaskDefinition")
	assert.Equal(t, "staging-server", prop(td, "family").StringValue())
	assert.Equal(t, "256", prop(td, "cpu").StringValue())
	assert.Equal(t, "512", prop(td, "memory").StringValue())
	// Versioning is on unless a stack turns it off.
	assert.Len(t, r.mocks.ByType("aws:s3/bucketVersioningV2:BucketVersioningV2"), 1)
	assert.Equal(t, "staging", prop(r.one(t, "aws:s3/bucketV2:BucketV2"), "tags").ObjectValue()["Environment"].StringValue())

	cfg := baseConfig()
	delete(cfg, "railsapp:protectBucket")
	r, err = runProgram(t, "staging", cfg, false)
	require.NoError(t, err)
	assert.True(t, r.one(t, "aws:s3/bucketV2:BucketV2").RegisterRPC.GetProtect(), "the bucket is protected unless a stack opts out")
}

func fakeAccessKeyID() string { return "AK" + "IA" + "Q3EG" + "RXLN" + "MN5T" + "Z4WH" }

// Each bad setting fails the run before anything is registered, naming the key and what is allowed.
func TestBadConfig(t *testing.T) {
	cases := []struct {
		name string
		set  map[string]string
		drop []string
		want []string
	}{
		{"cpu", map[string]string{"railsapp:cpu": "300"}, nil, []string{"railsapp:cpu: 300", "256, 512, 1024, 2048, 4096, 8192, 16384"}},
		{"cpu not a number", map[string]string{"railsapp:cpu": "big"}, nil, []string{"railsapp:cpu:", "not an integer"}},
		{"memory", map[string]string{"railsapp:cpu": "1024", "railsapp:memory": "1024"}, nil, []string{"railsapp:memory:", "2048 to 8192 in steps of 1024"}},
		{"zero memory", map[string]string{"railsapp:memory": "0"}, nil, []string{"railsapp:memory: 0 is out of range"}},
		{"architecture", map[string]string{"railsapp:cpuArchitecture": "x86"}, nil, []string{"railsapp:cpuArchitecture:", "X86_64, ARM64"}},
		{"retention", map[string]string{"railsapp:logRetentionDays": "45"}, nil, []string{"railsapp:logRetentionDays: 45", "1, 3, 5, 7, 14, 30, 60, 90"}},
		{"bucket name", map[string]string{"railsapp:bucketName": "Images_Example"}, nil, []string{"railsapp:bucketName:", "not a valid S3 bucket name"}},
		{"no image", nil, []string{"railsapp:image"}, []string{"railsapp:image: is empty"}},
		{"empty image", map[string]string{"railsapp:image": ""}, nil, []string{"railsapp:image: is empty"}},
		{"port", map[string]string{"railsapp:containerPort": "65536"}, nil, []string{"railsapp:containerPort:", "1 to 65535"}},
		{"bool", map[string]string{"railsapp:forceDestroy": "yes please"}, nil, []string{"railsapp:forceDestroy:", "allowed: true, false"}},
		{"no region", nil, []string{"aws:region"}, []string{"aws:region: is not set"}},
		{"bad region", map[string]string{"aws:region": "tokyo"}, nil, []string{"aws:region:", "not an AWS region name"}},
		{"environment", map[string]string{"railsapp:environment": "prod/eu"}, nil, []string{"railsapp:environment:"}},
		{"access key in env", map[string]string{"railsapp:containerEnv": `{"AWS_ACCESS_KEY_ID":"x","AWS_SECRET_ACCESS_KEY":"y"}`}, nil,
			[]string{"railsapp:containerEnv: AWS_ACCESS_KEY_ID is an AWS credential variable", "railsapp:containerEnv: AWS_SECRET_ACCESS_KEY is an AWS credential variable"}},
		{"session token alias", map[string]string{"railsapp:containerEnv": `{"AMAZON_SESSION_TOKEN":"x"}`}, nil, []string{"railsapp:containerEnv: AMAZON_SESSION_TOKEN is an AWS credential variable"}},
		{"short alias", map[string]string{"railsapp:containerEnv": `{"AWS_SECRET_KEY":"x"}`}, nil, []string{"railsapp:containerEnv: AWS_SECRET_KEY"}},
		{"key as secret", map[string]string{"railsapp:secrets": `{"AWS_ACCESS_KEY_ID":"arn:aws:ssm:ap-northeast-1:123456789012:parameter/k"}`}, nil, []string{"railsapp:secrets: AWS_ACCESS_KEY_ID is an AWS credential variable"}},
		{"key-shaped value", map[string]string{"railsapp:containerEnv": fmt.Sprintf(`{"UPLOAD_KEY":%q}`, fakeAccessKeyID())}, nil, []string{"railsapp:containerEnv: the value of UPLOAD_KEY looks like an AWS access key ID"}},
		{"env not a map", map[string]string{"railsapp:containerEnv": `["RAILS_ENV=production"]`}, nil, []string{"railsapp:containerEnv: must be a map"}},
		{"secret ARN", map[string]string{"railsapp:secrets": `{"RAILS_MASTER_KEY":"RAILS_MASTER_KEY"}`}, nil, []string{"railsapp:secrets: RAILS_MASTER_KEY:", "arn:<partition>:ssm:"}},
		{"kms alias", map[string]string{"railsapp:kmsKeyArn": "alias/aws/s3"}, nil, []string{"railsapp:kmsKeyArn:", "key/<key-id>"}},
		{"kms other region", map[string]string{"railsapp:kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}, nil,
			[]string{"railsapp:kmsKeyArn:", "us-east-1", "ap-northeast-1"}},
		{"secrets key without secrets", map[string]string{"railsapp:secretsKmsKeyArns": `["arn:aws:kms:ap-northeast-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]`}, nil,
			[]string{"railsapp:secretsKmsKeyArns: set without secrets"}},
		{"parse and value problems at once", map[string]string{"railsapp:cpu": "big", "railsapp:logRetentionDays": "45"}, nil,
			[]string{"railsapp:cpu: \"big\" is not an integer", "railsapp:logRetentionDays: 45"}},
		{"cors wildcard", map[string]string{"railsapp:corsOrigins": `["*"]`}, nil, []string{"railsapp:corsOrigins:", "scheme://host[:port]"}},
		{"cors not a list", map[string]string{"railsapp:corsOrigins": "https://www.example.com"}, nil, []string{"railsapp:corsOrigins: must be a list"}},
		{"execution role ARN", map[string]string{"railsapp:executionRoleArn": "ecsTaskExecutionRole"}, nil, []string{"railsapp:executionRoleArn:", "role/<name>"}},
		{"noncurrent days", map[string]string{"railsapp:noncurrentVersionExpirationDays": "5000"}, nil, []string{"railsapp:noncurrentVersionExpirationDays: 5000", "1 to 3650"}},
		{"abort days", map[string]string{"railsapp:abortIncompleteMultipartUploadDays": "-1"}, nil, []string{"railsapp:abortIncompleteMultipartUploadDays: -1", "1 to 365"}},
		{"tags", map[string]string{"railsapp:tags": `{"aws:createdBy":"me"}`}, nil, []string{"railsapp:tags:", "reserved prefix aws:"}},
		{"role name", map[string]string{"railsapp:taskRoleName": "task role"}, nil, []string{"railsapp:taskRoleName:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := baseConfig()
			for k, v := range tc.set {
				cfg[k] = v
			}
			for _, k := range tc.drop {
				delete(cfg, k)
			}
			r, err := runProgram(t, "dev", cfg, false)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), fakeAccessKeyID())
			assert.Empty(t, r.mocks.Resources(), "nothing may be registered with bad config")
		})
	}
}

func TestSecretContainerEnvRefused(t *testing.T) {
	cfg := baseConfig()
	cfg["railsapp:containerEnv"] = `{"API_TOKEN":"not-for-plain-text"}`
	m := awsmock.New(testAccount, "ap-northeast-1", false)
	err := pulumi.RunErr(Run, pulumi.WithMocks("railsapp", "dev", m), func(ri *pulumi.RunInfo) {
		ri.Config = cfg
		ri.ConfigSecretKeys = []string{"railsapp:containerEnv"}
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "railsapp:containerEnv: is a secret config value")
	assert.NotContains(t, err.Error(), "not-for-plain-text")
	assert.Empty(t, m.Resources())
}

// All problems are reported in one run.
func TestBadConfigReportsAll(t *testing.T) {
	cfg := baseConfig()
	cfg["railsapp:cpu"] = "100"
	cfg["railsapp:logRetentionDays"] = "2"
	delete(cfg, "railsapp:image")
	_, err := runProgram(t, "dev", cfg, false)
	require.Error(t, err)
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	var keys []string
	for _, p := range ce.Problems {
		keys = append(keys, strings.SplitN(p, ": ", 2)[0])
	}
	slices.Sort(keys)
	assert.Equal(t, []string{"railsapp:cpu", "railsapp:image", "railsapp:logRetentionDays"}, keys)
}

// A config value set as a secret is never repeated in an error.
func TestSecretConfigValueNotEchoed(t *testing.T) {
	cfg := baseConfig()
	cfg["railsapp:cpu"] = "not-a-number-but-secret"
	m := awsmock.New(testAccount, "ap-northeast-1", false)
	err := pulumi.RunErr(Run, pulumi.WithMocks("railsapp", "dev", m), func(ri *pulumi.RunInfo) {
		ri.Config = cfg
		ri.ConfigSecretKeys = []string{"railsapp:cpu"}
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "railsapp:cpu: is a secret config value that is not a valid int")
	assert.NotContains(t, err.Error(), "not-a-number-but-secret")
}
