package components

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

const bucketARN = "arn:aws:s3:::dev-images-example-com"

func TestResourcesAndParents(t *testing.T) {
	args := validArgs()
	args.CORSOrigins = []string{"https://www.example.com"}
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/railsapp/dev/RAILS_MASTER_KEY"}
	r := mustRun(t, args, false)

	comp := r.named(t, "railsapp")
	require.Equal(t, ActiveStorageType, comp.TypeToken)
	require.False(t, comp.Custom)
	assert.Contains(t, comp.RegisterRPC.GetParent(), "pulumi:pulumi:Stack", "the component hangs off the stack")
	// RegisterComponentResourceV2 records the inputs, so analyzers see the settings.
	assert.Equal(t, testImage, input(comp, "image").StringValue())
	assert.Equal(t, float64(256), input(comp, "cpu").NumberValue())
	assert.Equal(t, "dev-images-example-com", input(comp, "bucketName").StringValue())
	// The component's own URN is its children's parent.
	var childParents []string
	got := map[string]string{}
	for _, res := range r.mocks.Resources() {
		if res.Name == "railsapp" {
			continue
		}
		got[res.Name] = res.TypeToken
		childParents = append(childParents, res.RegisterRPC.GetParent())
	}
	assert.Equal(t, map[string]string{
		"railsapp-bucket":                 tBucket,
		"railsapp-public-access-block":    tPAB,
		"railsapp-ownership-controls":     tOwnership,
		"railsapp-encryption":             tSSE,
		"railsapp-tls-only-policy":        tBucketPol,
		"railsapp-versioning":             tVersioning,
		"railsapp-lifecycle":              tLifecycle,
		"railsapp-cors":                   tCORS,
		"railsapp-s3-policy":              tPolicy,
		"railsapp-task-role":              tRole,
		"railsapp-task-role-s3":           tAttach,
		"railsapp-execution-role":         tRole,
		"railsapp-execution-role-managed": tAttach,
		"railsapp-execution-role-secrets": tRolePolicy,
		"railsapp-logs":                   tLogGroup,
		"railsapp-task":                   tTaskDef,
		"railsapp-destroy-guard":          guardType,
	}, got)
	for _, p := range childParents {
		assert.True(t, strings.HasSuffix(p, "::"+ActiveStorageType+"::railsapp"), "child parent %q is not the component", p)
	}
	assert.ElementsMatch(t, []string{awsfacts.InvokeGetCallerIdentity, awsfacts.InvokeGetRegion}, r.mocks.Invokes())
}

func TestOptionalResourcesAbsentByDefault(t *testing.T) {
	r := mustRun(t, unprotected(), false)
	for _, tok := range []string{tVersioning, tCORS, tRolePolicy} {
		assert.Empty(t, r.mocks.ByType(tok), tok)
	}
	assert.Len(t, r.mocks.ByType(tRole), 2)
}

func TestTaskPolicyIsExactlyActiveStorage(t *testing.T) {
	r := mustRun(t, validArgs(), false)
	var d doc
	jsonInput(t, r.one(t, tPolicy), "policy", &d)
	assert.Equal(t, "2012-10-17", d.Version)
	assert.Equal(t, []string{
		"s3:DeleteObject on " + bucketARN + "/*",
		"s3:GetObject on " + bucketARN + "/*",
		"s3:ListBucket on " + bucketARN,
		"s3:PutObject on " + bucketARN + "/*",
	}, d.grants())
	for _, s := range d.Statement {
		assert.Equal(t, "Allow", s.Effect)
		assert.Empty(t, s.Condition)
		for _, a := range s.Action {
			assert.NotContains(t, a, "*", "wildcard action")
		}
	}
	assert.Equal(t, "dev_allow_s3", inputString(t, r.one(t, tPolicy), "name"))
	assert.Equal(t, inputString(t, r.one(t, tPolicy), "policy"), r.outString(t, "taskPolicy"))
}

func TestTaskPolicyOptionalGrants(t *testing.T) {
	const key = "arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	args := validArgs()
	args.AllowAbortMultipartUpload = true
	args.KMSKeyArn = key
	r := mustRun(t, args, false)
	var d doc
	jsonInput(t, r.one(t, tPolicy), "policy", &d)
	assert.Equal(t, []string{
		"kms:Decrypt on " + key,
		"kms:GenerateDataKey on " + key,
		"s3:AbortMultipartUpload on " + bucketARN + "/*",
		"s3:DeleteObject on " + bucketARN + "/*",
		"s3:GetObject on " + bucketARN + "/*",
		"s3:ListBucket on " + bucketARN,
		"s3:PutObject on " + bucketARN + "/*",
	}, d.grants())

	sse := r.one(t, tSSE)
	rule := input(sse, "rules").ArrayValue()[0]
	byDefault := rule.ObjectValue()["applyServerSideEncryptionByDefault"].ObjectValue()
	assert.Equal(t, "aws:kms", byDefault["sseAlgorithm"].StringValue())
	assert.Equal(t, key, byDefault["kmsMasterKeyId"].StringValue())
	assert.True(t, rule.ObjectValue()["bucketKeyEnabled"].BoolValue())
}

func TestPolicyAttachedToTaskRoleOnly(t *testing.T) {
	args := validArgs()
	args.Secrets = map[string]string{
		"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/railsapp/dev/RAILS_MASTER_KEY",
		"DATABASE_URL":     "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:railsapp/dev/db-AbCdEf",
	}
	r := mustRun(t, args, false)
	s3PolicyArn := "arn:aws:iam::" + testAccount + ":policy/dev_allow_s3"
	managed := "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

	attachments := map[string][]string{}
	for _, a := range r.mocks.ByType(tAttach) {
		role := inputString(t, a, "role")
		attachments[role] = append(attachments[role], inputString(t, a, "policyArn"))
	}
	assert.Equal(t, map[string][]string{
		"devEcsTaskRole":          {s3PolicyArn},
		"devEcsTaskExecutionRole": {managed},
	}, attachments)

	// The execution role's only inline policy reads exactly the configured secrets; no S3.
	rp := r.one(t, tRolePolicy)
	assert.Equal(t, "devEcsTaskExecutionRole", inputString(t, rp, "role"))
	var d doc
	jsonInput(t, rp, "policy", &d)
	assert.Equal(t, []string{
		"secretsmanager:GetSecretValue on arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:railsapp/dev/db-AbCdEf",
		"ssm:GetParameters on arn:aws:ssm:ap-northeast-1:111122223333:parameter/railsapp/dev/RAILS_MASTER_KEY",
	}, d.grants())
	for _, role := range r.mocks.ByType(tRole) {
		for _, k := range []string{"inlinePolicies", "managedPolicyArns"} {
			assert.False(t, input(role, k).HasValue(), "%s sets %s (exclusive sets fight the attachments)", role.Name, k)
		}
	}
	assert.Equal(t, "arn:aws:iam::"+testAccount+":role/devEcsTaskRole", r.outString(t, "taskRoleArn"))
	assert.Equal(t, "arn:aws:iam::"+testAccount+":role/devEcsTaskExecutionRole", r.outString(t, "executionRoleArn"))
}

func TestTrustPolicies(t *testing.T) {
	r := mustRun(t, validArgs(), false)
	task := r.named(t, "railsapp-task-role")
	assert.Equal(t, "devEcsTaskRole", inputString(t, task, "name"))
	var td doc
	jsonInput(t, task, "assumeRolePolicy", &td)
	require.Len(t, td.Statement, 1)
	st := td.Statement[0]
	assert.Equal(t, "Allow", st.Effect)
	assert.Equal(t, map[string]any{"Service": "ecs-tasks.amazonaws.com"}, st.Principal)
	assert.Equal(t, []string{"sts:AssumeRole"}, st.Action)
	assert.Equal(t, map[string]map[string]string{
		"ArnLike":      {"aws:SourceArn": "arn:aws:ecs:ap-northeast-1:111122223333:*"},
		"StringEquals": {"aws:SourceAccount": "111122223333"},
	}, st.Condition)

	exec := r.named(t, "railsapp-execution-role")
	assert.Equal(t, "devEcsTaskExecutionRole", inputString(t, exec, "name"))
	var ed doc
	jsonInput(t, exec, "assumeRolePolicy", &ed)
	require.Len(t, ed.Statement, 1)
	assert.Equal(t, map[string]any{"Service": "ecs-tasks.amazonaws.com"}, ed.Statement[0].Principal)
	assert.Equal(t, []string{"sts:AssumeRole"}, ed.Statement[0].Action)
	assert.Empty(t, ed.Statement[0].Condition)
}

func TestExistingExecutionRole(t *testing.T) {
	const existing = "arn:aws:iam::111122223333:role/platformEcsExecution"
	args := validArgs()
	args.ExecutionRoleArn = existing
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
	r := mustRun(t, args, false)
	roles := r.mocks.ByType(tRole)
	require.Len(t, roles, 1, "only the task role is created")
	assert.Equal(t, "railsapp-task-role", roles[0].Name)
	assert.Empty(t, r.mocks.ByType(tRolePolicy))
	assert.Len(t, r.mocks.ByType(tAttach), 1)
	assert.Equal(t, existing, inputString(t, r.one(t, tTaskDef), "executionRoleArn"))
	assert.Equal(t, existing, r.outString(t, "executionRoleArn"))
	assert.Nil(t, r.comp.ExecutionRole)
}

// containerDef is a decoded container definition.
type containerDef struct {
	Name         string
	Image        string
	Essential    bool
	PortMappings []struct {
		ContainerPort int
		HostPort      int
		Protocol      string
	}
	Environment      []struct{ Name, Value string }
	Secrets          []struct{ Name, ValueFrom string }
	LogConfiguration struct {
		LogDriver string
		Options   map[string]string
	}
}

func TestTaskDefinition(t *testing.T) {
	args := validArgs()
	args.ContainerEnv = map[string]string{"RAILS_ENV": "production", "RAILS_LOG_TO_STDOUT": "1"}
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/railsapp/dev/RAILS_MASTER_KEY"}
	args.CPU, args.Memory, args.CPUArchitecture = 512, 2048, "ARM64"
	r := mustRun(t, args, false)
	td := r.one(t, tTaskDef)

	assert.Equal(t, "dev-server", inputString(t, td, "family"))
	assert.Equal(t, "512", inputString(t, td, "cpu"))
	assert.Equal(t, "2048", inputString(t, td, "memory"))
	assert.Equal(t, "awsvpc", inputString(t, td, "networkMode"))
	assert.Equal(t, []resource.PropertyValue{resource.NewStringProperty("FARGATE")}, input(td, "requiresCompatibilities").ArrayValue())
	assert.Equal(t, "LINUX", inputString(t, td, "runtimePlatform", "operatingSystemFamily"))
	assert.Equal(t, "ARM64", inputString(t, td, "runtimePlatform", "cpuArchitecture"))
	assert.Equal(t, "arn:aws:iam::111122223333:role/devEcsTaskRole", inputString(t, td, "taskRoleArn"))
	assert.Equal(t, "arn:aws:iam::111122223333:role/devEcsTaskExecutionRole", inputString(t, td, "executionRoleArn"))

	var defs []containerDef
	jsonInput(t, td, "containerDefinitions", &defs)
	require.Len(t, defs, 1)
	c := defs[0]
	assert.Equal(t, "web", c.Name)
	assert.Equal(t, testImage, c.Image)
	assert.True(t, c.Essential)
	require.Len(t, c.PortMappings, 1)
	assert.Equal(t, 3000, c.PortMappings[0].ContainerPort)
	assert.Equal(t, 3000, c.PortMappings[0].HostPort)
	assert.Equal(t, "tcp", c.PortMappings[0].Protocol)
	env := map[string]string{}
	for _, e := range c.Environment {
		env[e.Name] = e.Value
	}
	assert.Equal(t, map[string]string{
		"AWS_S3_BUCKET_NAME": "dev-images-example-com", "AWS_REGION": testRegion,
		"RAILS_ENV": "production", "RAILS_LOG_TO_STDOUT": "1",
	}, env)
	require.Len(t, c.Secrets, 1)
	assert.Equal(t, "RAILS_MASTER_KEY", c.Secrets[0].Name)
	assert.Equal(t, args.Secrets["RAILS_MASTER_KEY"], c.Secrets[0].ValueFrom)
	assert.Equal(t, "awslogs", c.LogConfiguration.LogDriver)
	assert.Equal(t, map[string]string{
		"awslogs-group": "/ecs/dev-server", "awslogs-region": testRegion, "awslogs-stream-prefix": "web",
	}, c.LogConfiguration.Options)

	lg := r.one(t, tLogGroup)
	assert.Equal(t, "/ecs/dev-server", inputString(t, lg, "name"))
	assert.Equal(t, float64(30), input(lg, "retentionInDays").NumberValue())
	assert.Equal(t, "arn:aws:ecs:ap-northeast-1:111122223333:task-definition/dev-server:1", r.outString(t, "taskDefinitionArn"))
}

func TestNoCredentialInContainerDefinitions(t *testing.T) {
	args := validArgs()
	args.ContainerEnv = map[string]string{"RAILS_ENV": "production"}
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/k"}
	r := mustRun(t, args, false)
	raw := inputString(t, r.one(t, tTaskDef), "containerDefinitions")
	for _, name := range awscreds.CredentialEnvNames() {
		assert.NotContains(t, strings.ToUpper(raw), `"`+name+`"`)
	}
	assert.NotRegexp(t, regexp.MustCompile(`(AKIA|ASIA)[A-Z0-9]{16}`), raw)
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &defs))
	for _, k := range []string{"environmentFiles", "credentialSpecs", "repositoryCredentials"} {
		assert.NotContains(t, defs[0], k)
	}
}

func TestTaskDefinitionDependsOnEveryGrant(t *testing.T) {
	args := validArgs()
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/k"}
	args.EnableExecCommand = true
	r := mustRun(t, args, false)
	deps := r.one(t, tTaskDef).RegisterRPC.GetDependencies()
	for _, name := range []string{"railsapp-task-role-s3", "railsapp-task-role-exec", "railsapp-execution-role-managed", "railsapp-execution-role-secrets", "railsapp-logs"} {
		found := slices.ContainsFunc(deps, func(u string) bool { return strings.HasSuffix(u, "::"+name) })
		assert.True(t, found, "task definition does not depend on %s: %v", name, deps)
	}
	// Attachments link to their roles in the graph even though the role name is a known string.
	att := r.named(t, "railsapp-task-role-s3").RegisterRPC.GetPropertyDependencies()
	require.Contains(t, att, "role")
	assert.True(t, slices.ContainsFunc(att["role"].GetUrns(), func(u string) bool { return strings.HasSuffix(u, "::railsapp-task-role") }))
	assert.True(t, slices.ContainsFunc(att["policyArn"].GetUrns(), func(u string) bool { return strings.HasSuffix(u, "::railsapp-s3-policy") }))
	tdDeps := r.one(t, tTaskDef).RegisterRPC.GetPropertyDependencies()
	assert.True(t, slices.ContainsFunc(tdDeps["executionRoleArn"].GetUrns(), func(u string) bool { return strings.HasSuffix(u, "::railsapp-execution-role") }))
	assert.True(t, slices.ContainsFunc(tdDeps["taskRoleArn"].GetUrns(), func(u string) bool { return strings.HasSuffix(u, "::railsapp-task-role") }))
}

func TestBucketIsPrivateByConstruction(t *testing.T) {
	r := mustRun(t, validArgs(), false)
	b := r.one(t, tBucket)
	assert.Equal(t, "dev-images-example-com", inputString(t, b, "bucket"))
	assert.False(t, input(b, "acl").HasValue(), "no inline ACL")
	assert.False(t, input(b, "policy").HasValue(), "no inline policy")

	pab := r.one(t, tPAB)
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, input(pab, k).IsBool() && input(pab, k).BoolValue(), k)
	}
	assert.Equal(t, "dev-images-example-com", inputString(t, pab, "bucket"))
	assert.Equal(t, "BucketOwnerEnforced", inputString(t, r.one(t, tOwnership), "rule", "objectOwnership"))

	rule := input(r.one(t, tSSE), "rules").ArrayValue()[0].ObjectValue()
	assert.Equal(t, "AES256", rule["applyServerSideEncryptionByDefault"].ObjectValue()["sseAlgorithm"].StringValue())

	bp := r.one(t, tBucketPol)
	var d doc
	jsonInput(t, bp, "policy", &d)
	require.Len(t, d.Statement, 1)
	s := d.Statement[0]
	assert.Equal(t, "Deny", s.Effect)
	assert.Equal(t, "*", s.Principal)
	assert.Equal(t, []string{"s3:*"}, s.Action)
	assert.Equal(t, []string{bucketARN, bucketARN + "/*"}, s.Resource)
	assert.Equal(t, map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}}, s.Condition)
	assert.True(t, slices.ContainsFunc(bp.RegisterRPC.GetDependencies(), func(u string) bool { return strings.HasSuffix(u, "::railsapp-public-access-block") }),
		"bucket policy is ordered after the public access block")

	assert.Equal(t, "dev-images-example-com", r.outString(t, "bucketName"))
	assert.Equal(t, bucketARN, r.outString(t, "bucketArn"))
}

func TestLifecycleAndVersioning(t *testing.T) {
	ruleIDs := func(r *run) []string {
		var ids []string
		for _, rule := range input(r.one(t, tLifecycle), "rules").ArrayValue() {
			ids = append(ids, rule.ObjectValue()["id"].StringValue())
		}
		sort.Strings(ids)
		return ids
	}
	plain := mustRun(t, unprotected(), false)
	assert.Equal(t, []string{"abort-incomplete-multipart-uploads"}, ruleIDs(plain))
	abort := input(plain.one(t, tLifecycle), "rules").ArrayValue()[0].ObjectValue()["abortIncompleteMultipartUpload"]
	assert.Equal(t, float64(7), abort.ObjectValue()["daysAfterInitiation"].NumberValue())

	args := validArgs()
	args.NoncurrentVersionExpirationDays = 90
	v := mustRun(t, args, false)
	assert.Equal(t, "Enabled", inputString(t, v.one(t, tVersioning), "versioningConfiguration", "status"))
	assert.Equal(t, []string{"abort-incomplete-multipart-uploads", "expire-noncurrent-versions"}, ruleIDs(v))
	for _, rule := range input(v.one(t, tLifecycle), "rules").ArrayValue() {
		if o := rule.ObjectValue(); o["id"].StringValue() == "expire-noncurrent-versions" {
			assert.Equal(t, float64(90), o["noncurrentVersionExpiration"].ObjectValue()["noncurrentDays"].NumberValue())
			assert.True(t, o["expiration"].ObjectValue()["expiredObjectDeleteMarker"].BoolValue())
		}
	}
}

func TestCORSForDirectUploads(t *testing.T) {
	args := validArgs()
	args.CORSOrigins = []string{"https://www.example.com", "http://localhost:3000"}
	r := mustRun(t, args, false)
	rule := input(r.one(t, tCORS), "corsRules").ArrayValue()[0].ObjectValue()
	strs := func(k string) []string {
		var out []string
		for _, v := range rule[resource.PropertyKey(k)].ArrayValue() {
			out = append(out, v.StringValue())
		}
		return out
	}
	assert.Equal(t, []string{"PUT"}, strs("allowedMethods"))
	assert.Equal(t, []string{"Content-Type", "Content-MD5", "Content-Disposition"}, strs("allowedHeaders"))
	assert.Equal(t, args.CORSOrigins, strs("allowedOrigins"))
}

func TestStorageYml(t *testing.T) {
	r := mustRun(t, validArgs(), false)
	// The ERB of every service is evaluated in every Rails environment: without the variable
	// (development, test, CI) the bucket must fall back to nil instead of raising KeyError.
	assert.Equal(t, "amazon:\n  service: S3\n  region: ap-northeast-1\n  bucket: <%= ENV.fetch(\"AWS_S3_BUCKET_NAME\", nil) %>\n",
		r.outString(t, "storageYml"))
	for _, k := range []string{"access_key_id", "secret_access_key", "session_token"} {
		assert.NotContains(t, r.outString(t, "storageYml"), k)
	}
}

// During preview, with a configured bucket name, the documents the policy pack checks are known.
func TestPreviewKnowsDocumentsWhenBucketNamed(t *testing.T) {
	r := mustRun(t, validArgs(), true)
	assert.True(t, r.outs["taskPolicy"].Known, "task policy unknown at preview")
	assert.False(t, r.outs["taskDefinitionArn"].Known, "mock should leave computed ARNs unknown at preview")

	var d doc
	jsonInput(t, r.one(t, tPolicy), "policy", &d)
	assert.Contains(t, d.grants(), "s3:ListBucket on "+bucketARN)
	td := r.one(t, tTaskDef)
	for _, k := range []string{"containerDefinitions", "taskRoleArn", "executionRoleArn"} {
		assert.True(t, input(td, k).IsString(), "task definition %s is not known at preview", k)
	}
	for _, a := range r.mocks.ByType(tAttach) {
		assert.True(t, input(a, "role").IsString() && input(a, "policyArn").IsString(), "%s not known at preview", a.Name)
	}
	assert.True(t, input(r.one(t, tBucketPol), "policy").IsString())
}

// With an auto-named bucket the documents depend on the bucket: unknown in preview, right after.
func TestAutoNamedBucket(t *testing.T) {
	args := validArgs()
	args.BucketName = ""
	prev := mustRun(t, args, true)
	assert.False(t, prev.outs["taskPolicy"].Known)
	// The mock monitor passes unknown inputs on as null.
	assert.False(t, input(prev.one(t, tPolicy), "policy").IsString(), "policy should be unknown at preview")

	up := mustRun(t, args, false)
	assert.False(t, input(up.one(t, tBucket), "bucket").HasValue(), "the bucket is auto-named")
	name := up.outString(t, "bucketName")
	arn := "arn:aws:s3:::" + name
	var d doc
	jsonInput(t, up.one(t, tPolicy), "policy", &d)
	assert.Contains(t, d.grants(), "s3:ListBucket on "+arn)
	assert.Contains(t, d.grants(), "s3:GetObject on "+arn+"/*")
	var defs []containerDef
	jsonInput(t, up.one(t, tTaskDef), "containerDefinitions", &defs)
	assert.Contains(t, defs[0].Environment, struct{ Name, Value string }{"AWS_S3_BUCKET_NAME", name})
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	args := validArgs()
	args.CPU = 300
	args.Image = ""
	r, err := runComponent(t, args, false)
	require.Error(t, err)
	var ae *ArgsError
	require.ErrorAs(t, err, &ae)
	assert.Len(t, ae.Problems, 2)
	assert.Empty(t, r.mocks.Resources(), "nothing may be registered for invalid args")
	assert.ElementsMatch(t, []string{awsfacts.InvokeGetCallerIdentity, awsfacts.InvokeGetRegion}, r.mocks.Invokes(),
		"only the lookups the region checks need")

	_, err = runComponent(t, nil, false)
	require.ErrorContains(t, err, "args are required")
}
