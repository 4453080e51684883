package packtest

import (
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// FakeKeyID is an access key ID, assembled at run time so that repository secret scanners do not
// flag the source, and unlike AWS's documentation examples (which scanners allow-list).
func FakeKeyID(prefix string) string { return prefix + "Z7QX2MWR" + "5TBN4HJK" }

// FakeSecret is a secret access key, assembled at run time like FakeKeyID.
func FakeSecret() string { return "q8Vt3" + "LmZ9x/Rk2" + "Wp7Nc+Hs4" + "Jd6Fy1Gb5" + "Te0Ua8Kv" }

// FakeValues are the credential values the fixtures use; no message may show more than their
// first four characters.
func FakeValues() []string {
	return []string{FakeKeyID("AKIA"), FakeKeyID("ASIA"), FakeKeyID("ABIA"), FakeSecret()}
}

// Containers is a container definitions JSON with one container's environment and secrets.
func Containers(env, secrets string) string {
	return `[{"name":"web","image":"app:1","environment":[` + env + `],"secrets":[` + secrets + `]}]`
}

// Credentials returns the cases of no-embedded-aws-credentials.
func Credentials() []Case {
	provider := func(p map[string]any) Resource { return Provider("default_6_83_4", p) }
	td := func(env, secrets string) Resource {
		return TaskDef("app", RoleARN("exec"), RoleARN("task")).Set("containerDefinitions", Containers(env, secrets))
	}
	ssm := func(v resource.PropertyValue) Resource {
		return New(awsfacts.TypeSSMParameter, "param", map[string]any{"name": "/app/x", "type": "String"}).Set("value", v)
	}
	stackRes := New(awsfacts.TypeStack, "railsapp-dev", map[string]any{})
	accessKey := New(awsfacts.TypeAccessKey, "deployer", map[string]any{"user": "deployer"})
	extra := map[string]plugin.AnalyzerPolicyConfig{pack.NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Mandatory,
		Properties: map[string]any{"extraForbiddenEnvNames": []any{"S3_ACCESS_KEY"}}}}
	str := resource.NewStringProperty

	return forPolicy(pack.NoEmbeddedAWSCredentials, []Case{
		// Violations.
		{Name: "aws.iam.AccessKey", Want: Block, Path: "AccessKey", Resources: []Resource{accessKey}},
		{Name: "explicit provider accessKey (secret)", Want: Block, Path: `"accessKey"`,
			Resources: []Resource{provider(map[string]any{"region": "us-east-1"}).Set("accessKey", Secret(FakeKeyID("AKIA")))}},
		{Name: "default provider secretKey from stack config, unknown value", Want: Block, Path: `"secretKey"`,
			Resources: []Resource{provider(map[string]any{"region": "us-east-1"}).Set("secretKey", Computed())}},
		{Name: "provider session token", Want: Block, Path: `"token"`,
			Resources: []Resource{provider(map[string]any{"token": "IQoJb3JpZ2luX2VjEJr"})}},
		{Name: "stack config aws:accessKey", Want: Block, In: map[Mode]Verdict{PolicyAnalyze: Pass}, Path: "aws:accessKey",
			Resources:   []Resource{stackRes},
			StackConfig: map[string]string{"aws:region": "us-east-1", "aws:accessKey": FakeKeyID("AKIA")}},
		{Name: "container env AWS_ACCESS_KEY_ID, harmless value", Want: Block, Path: "AWS_ACCESS_KEY_ID",
			Resources: []Resource{td(`{"name":"AWS_ACCESS_KEY_ID","value":"placeholder"}`, ``)}},
		{Name: "container env lower-case aws_secret_access_key", Want: Block, Path: "aws_secret_access_key",
			Resources: []Resource{td(`{"name":"aws_secret_access_key","value":"x"}`, ``)}},
		{Name: "container secret AMAZON_SESSION_TOKEN", Want: Block, Path: "AMAZON_SESSION_TOKEN",
			Resources: []Resource{td(``, `{"name":"AMAZON_SESSION_TOKEN","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/t"}`)}},
		{Name: "container env Ruby short alias AWS_SECRET_KEY", Want: Block, Path: "AWS_SECRET_KEY",
			Resources: []Resource{td(`{"name":"AWS_SECRET_KEY","value":"x"}`, ``)}},
		{Name: "container env value shaped like a key ID", Want: Block, Path: "UPLOAD_KEY",
			Resources: []Resource{td(`{"name":"UPLOAD_KEY","value":"`+FakeKeyID("ASIA")+`"}`, ``)}},
		{Name: "plaintext SSM parameter with a key ID", Want: Block, Path: "Input value", Resources: []Resource{ssm(str(FakeKeyID("AKIA")))}},
		{Name: "S3 object content with a secret key next to its keyword", Want: Block, Path: "Input content",
			Resources: []Resource{New(awsfacts.TypeBucketObjectV2, "creds", map[string]any{
				"bucket": "b", "key": "x", "content": "[default]\naws_secret_access_key = " + FakeSecret() + "\n"})}},
		{Name: "secret-wrapped value in a Lambda environment", Want: Block, Path: "environment.variables.KEY",
			Resources: []Resource{New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"runtime": "ruby3.3"}).
				Set("environment", resource.NewObjectProperty(resource.PropertyMap{"variables": resource.NewObjectProperty(
					resource.PropertyMap{"KEY": Secret(FakeKeyID("ABIA"))})}))}},
		{Name: "component input nested in an object", Want: Block, Path: "settings.credentials[0]",
			Resources: []Resource{New("railsapp:storage:ActiveStorage", "storage", map[string]any{
				"settings": map[string]any{"credentials": []any{"id=" + FakeKeyID("AKIA")}}})}},
		{Name: "configured extra forbidden name", Want: Block, Config: extra, Path: "s3_access_key",
			Resources: []Resource{td(`{"name":"s3_access_key","value":"x"}`, ``)}},
		{Name: "malformed container definitions", Want: Block, Path: "containerDefinitions",
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", `[{"name":"web",`)}},

		// Compliant.
		{Name: "provider with region and assumeRole only", Want: Pass,
			Resources: []Resource{provider(map[string]any{"region": "us-east-1", "assumeRole": map[string]any{"roleArn": RoleARN("deployer")}})}},
		{Name: "provider with empty accessKey", Want: Pass, Resources: []Resource{provider(map[string]any{"region": "us-east-1", "accessKey": ""})}},
		{Name: "container env without credentials", Want: Pass,
			Resources: []Resource{td(`{"name":"AWS_REGION","value":"us-east-1"},{"name":"RAILS_ENV","value":"production"}`, ``)}},
		{Name: "container secret from Secrets Manager", Want: Pass,
			Resources: []Resource{td(``, `{"name":"DATABASE_URL","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}`)}},
		{Name: "AWS documentation example key", Want: Pass, Resources: []Resource{ssm(str("AKIAIOSFODNN7EXAMPLE"))}},
		{Name: "role unique ID (AROA) in outputs", Want: Pass, Resources: []Resource{Role("app-task", map[string]any{"uniqueId": UniqueID("app-task")})}},
		{Name: "git SHA next to a secret keyword", Want: Pass,
			Resources: []Resource{ssm(str("aws secret rev 0123456789abcdef0123456789abcdef01234567"))}},
		{Name: "40-character value without keyword or key ID", Want: Pass, Resources: []Resource{ssm(str(FakeSecret()))}},
		{Name: "preview: container definitions unknown", Want: Pass,
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", Computed())}},
		{Name: "stack config without credentials", Want: Pass, Resources: []Resource{stackRes},
			StackConfig: map[string]string{"aws:region": "us-east-1", "railsapp:bucketName": "uploads"}},
		{Name: "KMS key ARN", Want: Pass,
			Resources: []Resource{ssm(str("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))}},
		{Name: "disabled by configuration", Want: Pass, Resources: []Resource{accessKey},
			Config: map[string]plugin.AnalyzerPolicyConfig{pack.NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Disabled}}},
	})
}
