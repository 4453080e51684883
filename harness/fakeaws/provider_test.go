package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

func newTestProvider(t *testing.T) *Provider {
	t.Helper()
	p := New(Options{})
	_, err := p.Configure(context.Background(), plugin.ConfigureRequest{
		Inputs: resource.PropertyMap{"region": resource.NewStringProperty("eu-west-1")}})
	require.NoError(t, err)
	return p
}

func urn(typ, name string) resource.URN {
	return resource.NewURN("dev", "railsapp", "", tokens.Type(typ), name)
}

// check runs Check for a new resource with a fixed seed.
func check(t *testing.T, p *Provider, typ, name string, news resource.PropertyMap) plugin.CheckResponse {
	t.Helper()
	resp, err := p.Check(context.Background(), plugin.CheckRequest{URN: urn(typ, name), Name: name,
		Type: tokens.Type(typ), News: news, RandomSeed: []byte("seed-" + name)})
	require.NoError(t, err)
	return resp
}

// create checks and creates a resource, failing the test on check failures.
func create(t *testing.T, p *Provider, typ, name string, news resource.PropertyMap, preview bool) (plugin.CreateResponse, error) {
	t.Helper()
	c := check(t, p, typ, name, news)
	require.Empty(t, c.Failures)
	return p.Create(context.Background(), plugin.CreateRequest{URN: urn(typ, name), Name: name,
		Type: tokens.Type(typ), Properties: c.Properties, Preview: preview})
}

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func s3Policy(resources ...string) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": []string{"s3:GetObject"}, "Resource": resources}}})
	return string(b)
}

func TestAutonamingIsLowerCaseForBucketsAndStable(t *testing.T) {
	p := newTestProvider(t)
	c := check(t, p, "aws:s3/bucketV2:BucketV2", "MyApp-Files", resource.PropertyMap{})
	name := c.Properties["bucket"].StringValue()
	assert.Regexp(t, `^myapp-files-[0-9a-f]{7}$`, name)

	again := check(t, p, "aws:s3/bucketV2:BucketV2", "MyApp-Files", resource.PropertyMap{})
	assert.Equal(t, name, again.Properties["bucket"].StringValue(), "same seed, same name (preview and up agree)")

	kept, err := p.Check(context.Background(), plugin.CheckRequest{URN: urn("aws:s3/bucketV2:BucketV2", "MyApp-Files"),
		Name: "MyApp-Files", Type: "aws:s3/bucketV2:BucketV2", RandomSeed: []byte("other"),
		Olds: resource.PropertyMap{"bucket": resource.NewStringProperty("myapp-files-1234567")}, News: resource.PropertyMap{}})
	require.NoError(t, err)
	assert.Equal(t, "myapp-files-1234567", kept.Properties["bucket"].StringValue(), "an update keeps the name")

	role := check(t, p, "aws:iam/role:Role", "TaskRole", props(map[string]any{"assumeRolePolicy": trust}))
	assert.Regexp(t, `^TaskRole-[0-9a-f]{7}$`, role.Properties["name"].StringValue(), "only bucket names are lower-cased")

	explicit := check(t, p, "aws:s3/bucketV2:BucketV2", "b", props(map[string]any{"bucket": "devimages.example.com"}))
	assert.Equal(t, "devimages.example.com", explicit.Properties["bucket"].StringValue())
}

func TestIdentifiersUnknownInPreviewAndRealAfterCreate(t *testing.T) {
	p := newTestProvider(t)
	pre, err := create(t, p, "aws:s3/bucketV2:BucketV2", "files", props(map[string]any{"bucket": "devimages.example.com"}), true)
	require.NoError(t, err)
	assert.True(t, pre.Properties["arn"].IsComputed())
	assert.Equal(t, "devimages.example.com", pre.Properties["bucket"].StringValue(), "known inputs stay known")

	b, err := create(t, p, "aws:s3/bucketV2:BucketV2", "files", props(map[string]any{"bucket": "devimages.example.com"}), false)
	require.NoError(t, err)
	assert.Equal(t, resource.ID("devimages.example.com"), b.ID)
	assert.Equal(t, "arn:aws:s3:::devimages.example.com", b.Properties["arn"].StringValue())

	r, err := create(t, p, "aws:iam/role:Role", "exec", props(map[string]any{"name": "dev-exec", "assumeRolePolicy": trust}), false)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::123456789012:role/dev-exec", r.Properties["arn"].StringValue())
	assert.Regexp(t, `^AROA[A-Z2-7]{17}$`, r.Properties["uniqueId"].StringValue())

	pol, err := create(t, p, "aws:iam/policy:Policy", "s3", props(map[string]any{"name": "dev-s3",
		"policy": s3Policy("arn:aws:s3:::devimages.example.com/*")}), false)
	require.NoError(t, err)
	assert.Equal(t, resource.ID("arn:aws:iam::123456789012:policy/dev-s3"), pol.ID)

	lg, err := create(t, p, "aws:cloudwatch/logGroup:LogGroup", "logs", props(map[string]any{"name": "/ecs/dev-server"}), false)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/dev-server", lg.Properties["arn"].StringValue())

	td := props(map[string]any{"family": "dev-server", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
		"requiresCompatibilities": []any{"FARGATE"}, "executionRoleArn": "arn:aws:iam::123456789012:role/dev-exec",
		"containerDefinitions": `[{"name":"web","image":"nginx"}]`})
	first, err := create(t, p, "aws:ecs/taskDefinition:TaskDefinition", "task", td, false)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:ecs:eu-west-1:123456789012:task-definition/dev-server:1", first.Properties["arn"].StringValue())
	second, err := create(t, p, "aws:ecs/taskDefinition:TaskDefinition", "task", td, false)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:ecs:eu-west-1:123456789012:task-definition/dev-server:2", second.Properties["arn"].StringValue(),
		"a new registration is a new revision")
}

func TestPolicyObjectsAreNormalisedToJSONStrings(t *testing.T) {
	p := newTestProvider(t)
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}}
	c := check(t, p, "aws:iam/policy:Policy", "p", props(map[string]any{"policy": doc}))
	require.Empty(t, c.Failures)
	require.True(t, c.Properties["policy"].IsString())
	var back map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.Properties["policy"].StringValue()), &back))
	assert.Equal(t, "2012-10-17", back["Version"])

	role := check(t, p, "aws:iam/role:Role", "r", props(map[string]any{"assumeRolePolicy": trust,
		"inlinePolicies": []any{map[string]any{"name": "s3", "policy": doc}}}))
	require.Empty(t, role.Failures)
	inline := role.Properties["inlinePolicies"].ArrayValue()[0].ObjectValue()["policy"]
	assert.True(t, inline.IsString(), "inline policies are normalised too")

	secret := resource.PropertyMap{"policy": resource.MakeSecret(resource.NewPropertyValue(doc))}
	cs := check(t, p, "aws:iam/policy:Policy", "p", secret)
	assert.True(t, cs.Properties["policy"].IsSecret(), "a secret document stays secret")

	unknown := resource.PropertyMap{"policy": resource.NewObjectProperty(resource.PropertyMap{
		"Statement": resource.MakeComputed(resource.NewStringProperty(""))})}
	cu := check(t, p, "aws:iam/policy:Policy", "p", unknown)
	assert.True(t, cu.Properties["policy"].IsComputed())

	bad := check(t, p, "aws:iam/policy:Policy", "p", props(map[string]any{"policy": `{"Version": "2012-10-17",`}))
	require.Len(t, bad.Failures, 1)
	assert.Equal(t, resource.PropertyKey("policy"), bad.Failures[0].Property)
	assert.Contains(t, bad.Failures[0].Reason, "invalid JSON")
}

func TestAWSRejections(t *testing.T) {
	p := newTestProvider(t)
	longResources := make([]string, 0, 300)
	for i := range 300 {
		longResources = append(longResources, fmt.Sprintf("arn:aws:s3:::bucket-%03d/*", i))
	}
	bigTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":[` +
		strings.Repeat(`"123456789012",`, 150) + `"123456789012"]}}}]}`
	fargate := func(cpu, mem string) resource.PropertyMap {
		return props(map[string]any{"family": "dev-server", "cpu": cpu, "memory": mem, "networkMode": "awsvpc",
			"requiresCompatibilities": []any{"FARGATE"}, "executionRoleArn": "arn:aws:iam::123456789012:role/x",
			"containerDefinitions": `[{"name":"web","image":"nginx"}]`})
	}
	cases := []struct {
		name, typ string
		news      resource.PropertyMap
		want      string
	}{
		{"upper-case bucket", "aws:s3/bucketV2:BucketV2", props(map[string]any{"bucket": "DevImages.example.com"}), "InvalidBucketName"},
		{"bucket with underscore", "aws:s3/bucketV2:BucketV2", props(map[string]any{"bucket": "dev_images"}), "InvalidBucketName"},
		{"bucket like an IP", "aws:s3/bucketV2:BucketV2", props(map[string]any{"bucket": "192.168.5.4"}), "InvalidBucketName"},
		{"bucket too long", "aws:s3/bucketV2:BucketV2", props(map[string]any{"bucket": strings.Repeat("a", 64)}), "InvalidBucketName"},
		{"fargate 256/4096", "aws:ecs/taskDefinition:TaskDefinition", fargate("256", "4096"), "No Fargate configuration exists for given values: 256 CPU, 4096 memory"},
		{"fargate 1000/2048", "aws:ecs/taskDefinition:TaskDefinition", fargate("1000", "2048"), "No Fargate configuration exists"},
		{"oversized managed policy", "aws:iam/policy:Policy", props(map[string]any{"policy": s3Policy(longResources...)}), "LimitExceeded: Cannot exceed quota for PolicySize: 6144"},
		{"principal in identity policy", "aws:iam/policy:Policy", props(map[string]any{"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`}), "MalformedPolicyDocument: Policy document should not specify a principal."},
		{"action without vendor", "aws:iam/policy:Policy", props(map[string]any{"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`}), "MalformedPolicyDocument"},
		{"oversized trust policy", "aws:iam/role:Role", props(map[string]any{"assumeRolePolicy": bigTrust}), "LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048"},
		{"trust policy without principal", "aws:iam/role:Role", props(map[string]any{"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`}), "MalformedPolicyDocument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pre, err := create(t, p, tc.typ, "r", tc.news, true)
			require.NoError(t, err, "the API is not called during preview")
			assert.NotNil(t, pre.Properties)
			_, err = create(t, p, tc.typ, "r", tc.news, false)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "StatusCode: 400")
		})
	}
}

func TestRoleInlinePolicyQuotaIsPerRole(t *testing.T) {
	p := newTestProvider(t)
	resources := make([]string, 0, 120)
	for i := range 120 {
		resources = append(resources, fmt.Sprintf("arn:aws:s3:::bucket-%03d/*", i))
	}
	doc := s3Policy(resources...) // about 3.6k characters
	for i := range 2 {
		_, err := create(t, p, "aws:iam/rolePolicy:RolePolicy", fmt.Sprintf("p%d", i),
			props(map[string]any{"role": "dev-task", "name": fmt.Sprintf("p%d", i), "policy": doc}), false)
		require.NoError(t, err)
	}
	_, err := create(t, p, "aws:iam/rolePolicy:RolePolicy", "p2",
		props(map[string]any{"role": "dev-task", "name": "p2", "policy": doc}), false)
	require.ErrorContains(t, err, "LimitExceeded: Maximum policy size of 10240 bytes exceeded for role dev-task")
	_, err = create(t, p, "aws:iam/rolePolicy:RolePolicy", "p2",
		props(map[string]any{"role": "other-role", "name": "p2", "policy": doc}), false)
	require.NoError(t, err, "the quota is per role")
}

func TestCheckFailures(t *testing.T) {
	p := newTestProvider(t)
	c := check(t, p, "aws:ecs/taskDefinition:TaskDefinition", "t", props(map[string]any{"family": "x"}))
	require.Len(t, c.Failures, 1)
	assert.Equal(t, resource.PropertyKey("containerDefinitions"), c.Failures[0].Property)

	c = check(t, p, "aws:iam/role:Role", "r", props(map[string]any{"name": strings.Repeat("r", 65), "assumeRolePolicy": trust}))
	require.Len(t, c.Failures, 1)
	assert.Contains(t, c.Failures[0].Reason, "expected length of name to be in the range (1 - 64)")

	c = check(t, p, "aws:cloudwatch/logGroup:LogGroup", "l", props(map[string]any{"retentionInDays": 10}))
	require.Len(t, c.Failures, 1)
	assert.Equal(t, resource.PropertyKey("retentionInDays"), c.Failures[0].Property)

	cfg, err := New(Options{}).CheckConfig(context.Background(), plugin.CheckConfigRequest{News: resource.PropertyMap{}})
	require.NoError(t, err)
	require.Len(t, cfg.Failures, 1)
	assert.Contains(t, cfg.Failures[0].Reason, "aws:region")
}

func TestDiff(t *testing.T) {
	p := newTestProvider(t)
	diff := func(typ string, olds, news map[string]any) plugin.DiffResult {
		d, err := p.Diff(context.Background(), plugin.DiffRequest{URN: urn(typ, "x"), Name: "x", Type: tokens.Type(typ),
			OldInputs: props(olds), OldOutputs: props(olds), NewInputs: props(news)})
		require.NoError(t, err)
		return d
	}
	same := map[string]any{"bucket": "a-bucket", "forceDestroy": false}
	assert.Equal(t, plugin.DiffNone, diff("aws:s3/bucketV2:BucketV2", same, same).Changes)

	d := diff("aws:s3/bucketV2:BucketV2", same, map[string]any{"bucket": "b-bucket", "forceDestroy": false})
	assert.Equal(t, plugin.DiffSome, d.Changes)
	assert.Equal(t, []resource.PropertyKey{"bucket"}, d.ReplaceKeys)
	assert.False(t, d.DeleteBeforeReplace, "a new name can be created before the old one is deleted")

	d = diff("aws:s3/bucketV2:BucketV2", same, map[string]any{"bucket": "a-bucket", "forceDestroy": true})
	assert.Equal(t, plugin.DiffSome, d.Changes)
	assert.Empty(t, d.ReplaceKeys, "forceDestroy is updated in place")

	d = diff("aws:iam/policy:Policy", map[string]any{"name": "p", "policy": s3Policy("arn:aws:s3:::a/*")},
		map[string]any{"name": "p", "policy": s3Policy("arn:aws:s3:::b/*")})
	assert.Equal(t, plugin.DiffSome, d.Changes)
	assert.Empty(t, d.ReplaceKeys, "a policy document change is a new policy version")

	d = diff("aws:ecs/taskDefinition:TaskDefinition", map[string]any{"family": "f", "cpu": "256"},
		map[string]any{"family": "f", "cpu": "512"})
	assert.Equal(t, []resource.PropertyKey{"cpu"}, d.ReplaceKeys, "every task definition change is a new revision")

	d = diff("aws:iam/role:Role", map[string]any{"name": "r", "path": "/"}, map[string]any{"name": "r", "path": "/x/"})
	assert.True(t, d.DeleteBeforeReplace, "same physical name: delete first")
}

func TestInvokes(t *testing.T) {
	p := newTestProvider(t)
	invoke := func(tok string) resource.PropertyMap {
		r, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: tokens.ModuleMember(tok), Args: resource.PropertyMap{}})
		require.NoError(t, err)
		return r.Properties
	}
	assert.Equal(t, DefaultAccount, invoke("aws:index/getCallerIdentity:getCallerIdentity")["accountId"].StringValue())
	assert.Equal(t, "eu-west-1", invoke("aws:index/getRegion:getRegion")["name"].StringValue())
	assert.Equal(t, "aws", invoke("aws:index/getPartition:getPartition")["partition"].StringValue())
	_, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: "aws:ec2/getVpc:getVpc"})
	assert.ErrorContains(t, err, "not simulated")
}

// TestServeOverGRPC talks to the served provider the way the engine does.
func TestServeOverGRPC(t *testing.T) {
	srv, err := Start(Options{Region: "us-east-1"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	assert.Regexp(t, regexp.MustCompile(`^aws:\d+$`), srv.EnvVar())

	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", srv.Port()), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	client := pulumirpc.NewResourceProviderClient(conn)
	ctx := context.Background()

	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, Version, info.Version)

	_, err = client.Attach(ctx, &pulumirpc.PluginAttach{Address: "127.0.0.1:1"})
	require.NoError(t, err)

	news, err := plugin.MarshalProperties(props(map[string]any{}), plugin.MarshalOptions{})
	require.NoError(t, err)
	u := string(urn("aws:s3/bucketV2:BucketV2", "files"))
	resp, err := client.Check(ctx, &pulumirpc.CheckRequest{Urn: u, News: news, RandomSeed: []byte("x")})
	require.NoError(t, err)
	checked, err := plugin.UnmarshalProperties(resp.Inputs, plugin.MarshalOptions{})
	require.NoError(t, err)
	assert.Regexp(t, `^files-[0-9a-f]{7}$`, checked["bucket"].StringValue())

	created, err := client.Create(ctx, &pulumirpc.CreateRequest{Urn: u, Properties: resp.Inputs})
	require.NoError(t, err)
	out, err := plugin.UnmarshalProperties(created.Properties, plugin.MarshalOptions{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:s3:::"+created.Id, out["arn"].StringValue())
}
