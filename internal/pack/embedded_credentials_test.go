package pack

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// Fake credentials, assembled at run time so that repository secret scanners do not flag this
// file, and unlike AWS's documentation examples (which the scanner allow-lists).
func fakeKeyID(prefix string) string { return prefix + "Z7QX2MWR" + "5TBN4HJK" }
func fakeSecret() string             { return "q8Vt3" + "LmZ9x/Rk2" + "Wp7Nc+Hs4" + "Jd6Fy1Gb5" + "Te0Ua8Kv" }

// fakeValues are the credential values used by the fixtures; no message may show more than
// their first four characters.
func fakeValues() []string {
	return []string{fakeKeyID("AKIA"), fakeKeyID("ASIA"), fakeKeyID("ABIA"), fakeSecret()}
}

func containers(env, secrets string) string {
	return `[{"name":"web","image":"app:1","environment":[` + env + `],"secrets":[` + secrets + `]}]`
}

type credCase struct {
	name  string
	fs    []fixture
	stack *StackConfig
	cfg   map[string]plugin.AnalyzerPolicyConfig
	block bool
}

func credCases() []credCase {
	providerURN := resource.URN("urn:pulumi:dev::railsapp::pulumi:providers:aws::default_6_83_4")
	provider := func(p map[string]any) fixture {
		return fixture{typ: typeAWSProvider, name: "default_6_83_4", props: props(p)}
	}
	_ = providerURN
	td := func(env, secrets string) fixture {
		return taskDef("app", roleARN("exec"), roleARN("task")).set("containerDefinitions", resource.NewStringProperty(containers(env, secrets)))
	}
	ssm := func(v resource.PropertyValue) fixture {
		return fixture{typ: "aws:ssm/parameter:Parameter", name: "param", props: props(map[string]any{"name": "/app/x", "type": "String"})}.set("value", v)
	}
	stackRes := fixture{typ: typeStack, name: "railsapp-dev", props: props(map[string]any{})}

	return []credCase{
		// Violations: every key path.
		{name: "aws.iam.AccessKey", block: true,
			fs: []fixture{{typ: typeAccessKey, name: "deployer", props: props(map[string]any{"user": "deployer"})}}},
		{name: "explicit provider accessKey (secret)", block: true,
			fs: []fixture{provider(map[string]any{"region": "us-east-1"}).set("accessKey", secret(fakeKeyID("AKIA")))}},
		{name: "default provider secretKey from stack config, unknown value", block: true,
			fs: []fixture{provider(map[string]any{"region": "us-east-1"}).set("secretKey", computed())}},
		{name: "provider session token", block: true,
			fs: []fixture{provider(map[string]any{"token": "IQoJb3JpZ2luX2VjEJr"})}},
		{name: "stack config aws:accessKey", block: true, fs: []fixture{stackRes},
			stack: &StackConfig{Config: map[string]string{"aws:region": "us-east-1", "aws:accessKey": fakeKeyID("AKIA")}}},
		{name: "container env AWS_ACCESS_KEY_ID, harmless value", block: true,
			fs: []fixture{td(`{"name":"AWS_ACCESS_KEY_ID","value":"placeholder"}`, ``)}},
		{name: "container env lower-case aws_secret_access_key", block: true,
			fs: []fixture{td(`{"name":"aws_secret_access_key","value":"x"}`, ``)}},
		{name: "container secret AMAZON_SESSION_TOKEN", block: true,
			fs: []fixture{td(``, `{"name":"AMAZON_SESSION_TOKEN","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/t"}`)}},
		{name: "container env Ruby short alias AWS_SECRET_KEY", block: true,
			fs: []fixture{td(`{"name":"AWS_SECRET_KEY","value":"x"}`, ``)}},
		{name: "container env value shaped like a key ID", block: true,
			fs: []fixture{td(`{"name":"UPLOAD_KEY","value":"`+fakeKeyID("ASIA")+`"}`, ``)}},
		{name: "plaintext SSM parameter with a key ID", block: true, fs: []fixture{ssm(resource.NewStringProperty(fakeKeyID("AKIA")))}},
		{name: "S3 object content with a secret key next to its keyword", block: true,
			fs: []fixture{{typ: "aws:s3/bucketObjectv2:BucketObjectv2", name: "creds", props: props(map[string]any{
				"bucket": "b", "key": "x", "content": "[default]\naws_secret_access_key = " + fakeSecret() + "\n"})}}},
		{name: "secret-wrapped value in a Lambda environment", block: true,
			fs: []fixture{fixture{typ: "aws:lambda/function:Function", name: "fn", props: props(map[string]any{"runtime": "ruby3.3"})}.
				set("environment", resource.NewObjectProperty(resource.PropertyMap{"variables": resource.NewObjectProperty(resource.PropertyMap{
					"KEY": secret(fakeKeyID("ABIA"))})}))}},
		{name: "component input nested in an object", block: true,
			fs: []fixture{{typ: "railsapp:storage:ActiveStorage", name: "storage", props: props(map[string]any{
				"settings": map[string]any{"credentials": []any{"id=" + fakeKeyID("AKIA")}}})}}},
		{name: "configured extra forbidden name", block: true,
			cfg: map[string]plugin.AnalyzerPolicyConfig{NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Mandatory,
				Properties: map[string]any{propExtraForbiddenEnvNames: []any{"S3_ACCESS_KEY"}}}},
			fs: []fixture{td(`{"name":"s3_access_key","value":"x"}`, ``)}},
		{name: "malformed container definitions", block: true,
			fs: []fixture{taskDef("app", "", "").set("containerDefinitions", resource.NewStringProperty(`[{"name":"web",`))}},

		// Compliant.
		{name: "provider with region and assumeRole only",
			fs: []fixture{provider(map[string]any{"region": "us-east-1", "assumeRole": map[string]any{"roleArn": roleARN("deployer")}})}},
		{name: "provider with empty accessKey", fs: []fixture{provider(map[string]any{"region": "us-east-1", "accessKey": ""})}},
		{name: "container env without credentials", fs: []fixture{td(`{"name":"AWS_REGION","value":"us-east-1"},{"name":"RAILS_ENV","value":"production"}`, ``)}},
		{name: "container secret from Secrets Manager", fs: []fixture{td(``, `{"name":"DATABASE_URL","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}`)}},
		{name: "AWS documentation example key", fs: []fixture{ssm(resource.NewStringProperty("AKIAIOSFODNN7EXAMPLE"))}},
		{name: "role unique ID (AROA) in outputs", fs: []fixture{role("app-task", map[string]any{"uniqueId": "AROA" + "Z7QX2MWR5TBN4HJK"})}},
		{name: "git SHA next to a secret keyword", fs: []fixture{ssm(resource.NewStringProperty("aws secret rev 0123456789abcdef0123456789abcdef01234567"))}},
		{name: "40-character value without keyword or key ID", fs: []fixture{ssm(resource.NewStringProperty(fakeSecret()))}},
		{name: "preview: container definitions unknown", fs: []fixture{taskDef("app", "", "").set("containerDefinitions", computed())}},
		{name: "stack config without credentials", fs: []fixture{stackRes},
			stack: &StackConfig{Config: map[string]string{"aws:region": "us-east-1", "railsapp:bucketName": "uploads"}}},
		{name: "KMS key ARN", fs: []fixture{ssm(resource.NewStringProperty("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))}},
		{name: "disabled by configuration",
			cfg: map[string]plugin.AnalyzerPolicyConfig{NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Disabled}},
			fs:  []fixture{{typ: typeAccessKey, name: "deployer", props: props(map[string]any{"user": "deployer"})}}},
	}
}

func runCredCase(t *testing.T, c credCase) []plugin.AnalyzeDiagnostic {
	t.Helper()
	a := NewAnalyzer()
	if c.cfg != nil {
		if err := a.Configure(context.Background(), c.cfg); err != nil {
			t.Fatal(err)
		}
	}
	if c.stack != nil {
		a.ConfigureStack(*c.stack)
	}
	return flatten(runAnalyze(t, a, c.fs...))
}

func TestNoEmbeddedCredentials(t *testing.T) {
	var blocking, passing int
	for _, c := range credCases() {
		if c.block {
			blocking++
		} else {
			passing++
		}
		t.Run(c.name, func(t *testing.T) {
			ds := runCredCase(t, c)
			got := filter(ds, NoEmbeddedAWSCredentials, apitype.Mandatory)
			if c.block && len(got) == 0 {
				t.Fatalf("no mandatory violation; diagnostics:\n%s", messages(ds))
			}
			if !c.block && len(got) > 0 {
				t.Fatalf("unexpected violation:\n%s", messages(got))
			}
		})
	}
	if blocking < 10 || passing < 10 {
		t.Fatalf("need at least 10 violating and 10 compliant fixtures, have %d and %d", blocking, passing)
	}
}

// TestNoCredentialInMessages runs every fixture of both mandatory policies and checks that no
// diagnostic shows more than four characters of a credential.
func TestNoCredentialInMessages(t *testing.T) {
	var all []plugin.AnalyzeDiagnostic
	for _, c := range credCases() {
		all = append(all, runCredCase(t, c)...)
	}
	if len(all) == 0 {
		t.Fatal("no diagnostics to check")
	}
	for _, d := range all {
		for _, v := range fakeValues() {
			if strings.Contains(d.Message, v[:5]) || strings.Contains(d.Description, v[:5]) {
				// Print only the policy and resource: the message holds the value.
				t.Errorf("a %s diagnostic on %s shows more than four characters of a credential", d.PolicyName, d.URN.Name())
			}
		}
	}
}
