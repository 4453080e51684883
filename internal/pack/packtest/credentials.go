package packtest

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds/awscredstest"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// FakeKeyID is an access key ID with the given prefix, assembled at run time (awscredstest).
func FakeKeyID(prefix string) string { return awscredstest.KeyID(prefix) }

// FakeSecret is a secret access key, assembled at run time like FakeKeyID.
func FakeSecret() string { return awscredstest.Secret() }

// FakeToken is shaped like an STS session token.
func FakeToken() string { return awscredstest.Token() }

// AppSecret is a 40-character secret that is not an AWS key (a JWT signing secret).
func AppSecret() string { return awscredstest.AppSecret() }

// FakeValues are the credential values the fixtures use; no message may show more than the first
// four characters of any of them.
func FakeValues() []string {
	return []string{FakeKeyID("AKIA"), FakeKeyID("ASIA"), FakeKeyID("ABIA"), FakeSecret(), FakeToken()}
}

// Containers is a container definitions JSON with one container's environment and secrets.
func Containers(env, secrets string) string {
	return `[{"name":"web","image":"app:1","environment":[` + env + `],"secrets":[` + secrets + `]}]`
}

// Container is a container definitions JSON with one container and the given JSON fields.
func Container(fields string) string {
	return `[{"name":"web","image":"app:1","essential":true,` + fields + `}]`
}

// TextAsset is a StringAsset: the engine sends its text.
func TextAsset(text string) resource.PropertyValue {
	return resource.NewAssetProperty(textAsset(text))
}

func textAsset(text string) *asset.Asset { return &asset.Asset{Sig: asset.AssetSig, Text: text} }

// FileAsset is a FileAsset: the engine sends its path.
func FileAsset(path string) resource.PropertyValue {
	return resource.NewAssetProperty(&asset.Asset{Sig: asset.AssetSig, Path: path})
}

// AssetArchive is an AssetArchive of text assets (a string value) and archives (a map value).
func AssetArchive(members map[string]any) resource.PropertyValue {
	return resource.NewArchiveProperty(assetArchive(members))
}

func assetArchive(members map[string]any) *archive.Archive {
	m := map[string]any{}
	for k, v := range members {
		switch x := v.(type) {
		case string:
			m[k] = textAsset(x)
		case map[string]any:
			m[k] = assetArchive(x)
		}
	}
	return &archive.Archive{Sig: archive.ArchiveSig, Assets: m}
}

// FileArchive is a FileArchive (a directory, or a zip, jar, tar or tgz file): the engine sends its path.
func FileArchive(path string) resource.PropertyValue {
	return resource.NewArchiveProperty(&archive.Archive{Sig: archive.ArchiveSig, Path: path})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// binary is n bytes of pseudo-random data, as an image or a hash would be.
func binary(n int) []byte {
	b := make([]byte, n)
	h := uint32(2166136261)
	for i := range b {
		h = h*1664525 + 1013904223
		b[i] = byte(h >> 24)
	}
	return b
}

// Credentials returns the cases of no-embedded-aws-credentials.
func Credentials() []Case {
	id, asia, abia, sec, tok := FakeKeyID("AKIA"), FakeKeyID("ASIA"), FakeKeyID("ABIA"), FakeSecret(), FakeToken()
	provider := func(p map[string]any) Resource { return Provider("default_6_83_4", p) }
	td := func(env, secrets string) Resource {
		return TaskDef("app", RoleARN("exec"), RoleARN("task")).Set("containerDefinitions", Containers(env, secrets))
	}
	ctr := func(fields string) Resource {
		return TaskDef("app", RoleARN("exec"), RoleARN("task")).Set("containerDefinitions", Container(fields))
	}
	ssm := func(v resource.PropertyValue) Resource {
		return New(awsfacts.TypeSSMParameter, "param", map[string]any{"name": "/app/x", "type": "String"}).Set("value", v)
	}
	param := func(name string, v resource.PropertyValue) Resource {
		return New(awsfacts.TypeSSMParameter, "param", map[string]any{"name": name, "type": "SecureString"}).Set("value", v)
	}
	lambda := func(vars resource.PropertyMap) Resource {
		return New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"runtime": "ruby3.3", "handler": "app.handler"}).
			Set("environment", resource.NewObjectProperty(resource.PropertyMap{"variables": resource.NewObjectProperty(vars)}))
	}
	code := func(v resource.PropertyValue) Resource {
		return New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"runtime": "python3.12", "handler": "app.handler"}).Set("code", v)
	}
	object := func(key string, content any) Resource {
		r := New(awsfacts.TypeBucketObjectV2, "obj", map[string]any{"bucket": "config", "key": key})
		if v, ok := content.(resource.PropertyValue); ok {
			return r.Set("source", v)
		}
		return r.Set("content", content)
	}
	component := func(settings map[string]any) Resource {
		return New("railsapp:storage:ActiveStorage", "storage", map[string]any{"settings": settings})
	}
	stackRes := New(awsfacts.TypeStack, "railsapp-dev", map[string]any{})
	accessKey := New(awsfacts.TypeAccessKey, "deployer", map[string]any{"user": "deployer"})
	extra := map[string]plugin.AnalyzerPolicyConfig{pack.NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Mandatory,
		Properties: map[string]any{"extraForbiddenEnvNames": []any{"S3_ACCESS_KEY"}}}}
	str := resource.NewStringProperty
	smARN := "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
	sum := sha256.Sum256([]byte("railsapp"))
	notAtPolicyAnalyze := map[Mode]Verdict{PolicyAnalyze: Pass} // stack config is sent by preview and up only

	return forPolicy(pack.NoEmbeddedAWSCredentials, []Case{
		// Violations: keys by construction.
		{Name: "aws.iam.AccessKey", Want: Block, Path: "AccessKey", Resources: []Resource{accessKey}},
		{Name: "explicit provider accessKey (secret)", Want: Block, Path: `"accessKey"`,
			Resources: []Resource{provider(map[string]any{"region": "us-east-1"}).Set("accessKey", Secret(id))}},
		{Name: "default provider secretKey from stack config, unknown value", Want: Block, Path: `"secretKey"`,
			Resources: []Resource{provider(map[string]any{"region": "us-east-1"}).Set("secretKey", Computed())}},
		{Name: "provider session token", Want: Block, Path: `"token"`,
			Resources: []Resource{provider(map[string]any{"token": "IQoJb3JpZ2luX2VjEJr"})}},
		{Name: "stack config aws:accessKey", Want: Block, In: notAtPolicyAnalyze, Path: "aws:accessKey",
			Resources:   []Resource{stackRes},
			StackConfig: map[string]string{"aws:region": "us-east-1", "aws:accessKey": id}},
		{Name: "stack config value holding a key ID", Want: Block, In: notAtPolicyAnalyze,
			Path: "Stack config railsapp:deployKey holds a value shaped like an AWS access key ID", Resources: []Resource{stackRes},
			StackConfig: map[string]string{"railsapp:deployKey": id}},
		{Name: "stack config key named for a secret key, with a secret", Want: Block, In: notAtPolicyAnalyze,
			Path: "Stack config railsapp:awsSecretAccessKey holds a value shaped like an AWS secret access key", Resources: []Resource{stackRes},
			StackConfig: map[string]string{"railsapp:awsSecretAccessKey": sec}},

		// Violations: container definitions, every field.
		{Name: "container env AWS_ACCESS_KEY_ID, harmless value", Want: Block, Path: "environment[0] sets AWS_ACCESS_KEY_ID",
			Resources: []Resource{td(`{"name":"AWS_ACCESS_KEY_ID","value":"placeholder"}`, ``)}},
		{Name: "container env lower-case aws_secret_access_key", Want: Block, Path: "sets aws_secret_access_key",
			Resources: []Resource{td(`{"name":"aws_secret_access_key","value":"x"}`, ``)}},
		{Name: "container secret AMAZON_SESSION_TOKEN", Want: Block, Path: "secrets[0] sets AMAZON_SESSION_TOKEN",
			Resources: []Resource{td(``, `{"name":"AMAZON_SESSION_TOKEN","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/t"}`)}},
		{Name: "container env Ruby short alias AWS_SECRET_KEY", Want: Block, Path: "sets AWS_SECRET_KEY",
			Resources: []Resource{td(`{"name":"AWS_SECRET_KEY","value":"x"}`, ``)}},
		{Name: "container env value shaped like a key ID", Want: Block, Path: "environment[0].value (UPLOAD_KEY) holds",
			Resources: []Resource{td(`{"name":"UPLOAD_KEY","value":"`+asia+`"}`, ``)}},
		{Name: "container secret named for an S3 key, from Secrets Manager", Want: Block,
			Path:      "secrets[0] sets S3_SECRET_ACCESS_KEY from a reference",
			Resources: []Resource{td(``, `{"name":"S3_SECRET_ACCESS_KEY","valueFrom":"`+smARN+`ci-s3-AbCdEf"}`)}},
		{Name: "container env named for a secret key holds one alone", Want: Block,
			Path:      "value (RAILS_AWS_SECRET_ACCESS_KEY) holds a value shaped like an AWS secret access key",
			Resources: []Resource{td(`{"name":"RAILS_AWS_SECRET_ACCESS_KEY","value":"`+sec+`"}`, ``)}},
		{Name: "container env base64 config with a key ID", Want: Block, Path: "(ENCODED_CONFIG) holds a value shaped like an AWS access key ID (AKIA…), in base64",
			Resources: []Resource{td(`{"name":"ENCODED_CONFIG","value":"`+b64("storage:\n  access_key_id: "+id+"\n")+`"}`, ``)}},
		{Name: "container env variable name shaped like a key ID", Want: Block, Path: "environment[0].name holds",
			Resources: []Resource{td(`{"name":"`+id+`","value":"1"}`, ``)}},
		{Name: "container command with a secret after a credential flag", Want: Block, Path: "command[4] holds a value shaped like an AWS secret access key",
			Resources: []Resource{ctr(`"command":["bin/sync","--bucket","uploads","--aws-secret-access-key","` + sec + `"]`)}},
		{Name: "container entryPoint exports a credential variable", Want: Block, Path: "entryPoint[2] assigns AWS_ACCESS_KEY_ID",
			Resources: []Resource{ctr(`"entryPoint":["sh","-c","export AWS_ACCESS_KEY_ID=$(cat /run/k) && exec rails s"]`)}},
		{Name: "container healthCheck with a session token header", Want: Block, Path: "healthCheck.command[1] holds a value shaped like an AWS session token",
			Resources: []Resource{ctr(`"healthCheck":{"command":["CMD-SHELL","curl -fH 'X-Amz-Security-Token: ` + tok + `' http://localhost:3000/up"]}`)}},
		{Name: "container dockerLabels with a key ID", Want: Block, Path: `dockerLabels["com.example.deploy-key"] holds`,
			Resources: []Resource{ctr(`"dockerLabels":{"com.example.deploy-key":"` + id + `"}`)}},
		{Name: "container log options with a secret key", Want: Block, Path: "logConfiguration.options.aws_secret_access_key holds",
			Resources: []Resource{ctr(`"logConfiguration":{"logDriver":"awsfirelens","options":{"Name":"s3","aws_secret_access_key":"` + sec + `"}}`)}},
		{Name: "container log secretOptions inject a credential variable", Want: Block, Path: "logConfiguration.secretOptions[0] sets AWS_SECRET_ACCESS_KEY",
			Resources: []Resource{ctr(`"logConfiguration":{"logDriver":"awsfirelens","secretOptions":[{"name":"AWS_SECRET_ACCESS_KEY","valueFrom":"` + smARN + `fb-AbCdEf"}]}`)}},
		{Name: "container definitions with upper-case field names", Want: Block, Path: "ENVIRONMENT[0] sets AWS_ACCESS_KEY_ID",
			Resources: []Resource{ctr(`"ENVIRONMENT":[{"NAME":"AWS_ACCESS_KEY_ID","VALUE":"x"}]`)}},
		{Name: "container definitions as a list, a credential variable not known yet", Want: Block,
			Path: "environment[0] sets AWS_SECRET_ACCESS_KEY to a value that is not known yet",
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", resource.NewArrayProperty([]resource.PropertyValue{
				resource.NewObjectProperty(resource.PropertyMap{"name": str("web"), "environment": resource.NewArrayProperty([]resource.PropertyValue{
					resource.NewObjectProperty(resource.PropertyMap{"name": str("AWS_SECRET_ACCESS_KEY"), "value": Computed()})})})}))}},
		{Name: "container definitions as a list, a key ID in a value", Want: Block, Path: "containerDefinitions[0].environment[0].value (KEY) holds",
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", Props(map[string]any{"l": []any{
				map[string]any{"name": "web", "environment": []any{map[string]any{"name": "KEY", "value": id}}}}})["l"])}},
		{Name: "container definitions as a Pulumi secret", Want: Block, Path: "sets AWS_ACCESS_KEY_ID",
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", Secret(Containers(`{"name":"AWS_ACCESS_KEY_ID","value":"x"}`, "")))}},
		{Name: "configured extra forbidden name", Want: Block, Config: extra, Path: "sets s3_access_key",
			Resources: []Resource{td(`{"name":"s3_access_key","value":"x"}`, ``)}},
		{Name: "malformed container definitions", Want: Block, Path: "containerDefinitions",
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", `[{"name":"web",`)}},

		// Violations: parameters, Lambda environments, name/value pairs and map keys.
		{Name: "plaintext SSM parameter with a key ID", Want: Block, Path: "value (/app/x) holds", Resources: []Resource{ssm(str(id))}},
		{Name: "SSM parameter named for a secret key, value not known yet", Want: Block,
			Path:      "The resource sets /app/aws_secret_access_key to a value that is not known yet",
			Resources: []Resource{param("/app/aws_secret_access_key", Computed())}},
		{Name: "SSM parameter named for a secret key holds one alone (secret)", Want: Block,
			Path:      "value (/app/aws_secret_access_key) holds a value shaped like an AWS secret access key (value not shown), a secret value",
			Resources: []Resource{param("/app/aws_secret_access_key", Secret(sec))}},
		{Name: "SSM parameter insecureValue with a key ID", Want: Block, Path: "insecureValue (/app/deploy) holds",
			Resources: []Resource{New(awsfacts.TypeSSMParameter, "param", map[string]any{"name": "/app/deploy", "type": "String", "insecureValue": abia})}},
		{Name: "secret-wrapped value in a Lambda environment", Want: Block, Path: "environment.variables.KEY",
			Resources: []Resource{lambda(resource.PropertyMap{"KEY": Secret(abia)})}},
		{Name: "Lambda environment AWS_ACCESS_KEY_ID not known yet", Want: Block,
			Path:      "Input environment.variables sets AWS_ACCESS_KEY_ID to a value that is not known yet",
			Resources: []Resource{lambda(resource.PropertyMap{"AWS_ACCESS_KEY_ID": Computed()})}},
		{Name: "Lambda environment S3_SECRET_ACCESS_KEY holds a secret alone", Want: Block,
			Path:      "environment.variables.S3_SECRET_ACCESS_KEY holds a value shaped like an AWS secret access key",
			Resources: []Resource{lambda(resource.PropertyMap{"S3_SECRET_ACCESS_KEY": str(sec)})}},
		{Name: "CodeBuild environment variable", Want: Block, Path: "environment.environmentVariables[0] sets AWS_ACCESS_KEY_ID",
			Resources: []Resource{New(awsfacts.TypeCodeBuildProject, "ci", map[string]any{"environment": map[string]any{
				"computeType": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/standard:7.0", "type": "LINUX_CONTAINER",
				"environmentVariables": []any{map[string]any{"name": "AWS_ACCESS_KEY_ID", "value": "x", "type": "PLAINTEXT"}}}})}},
		{Name: "Elastic Beanstalk environment setting", Want: Block, Path: "settings[0] sets AWS_SECRET_ACCESS_KEY",
			Resources: []Resource{New(awsfacts.TypeBeanstalkEnvironment, "web", map[string]any{"application": "app", "settings": []any{
				map[string]any{"namespace": "aws:elasticbeanstalk:application:environment", "name": "AWS_SECRET_ACCESS_KEY", "value": sec}}})}},
		{Name: "Glue job argument named for a secret key", Want: Block, Path: "defaultArguments.--aws_secret_access_key holds",
			Resources: []Resource{New(awsfacts.TypeGlueJob, "etl", map[string]any{"roleArn": RoleARN("glue"),
				"defaultArguments": map[string]any{"--aws_secret_access_key": sec}})}},
		{Name: "Batch job definition JSON with a credential flag", Want: Block, Path: "containerProperties holds a value shaped like an AWS secret access key",
			Resources: []Resource{New(awsfacts.TypeBatchJobDefinition, "job", map[string]any{"type": "container",
				"containerProperties": `{"image":"sync:1","command":["sync","--aws-secret-access-key","` + sec + `"]}`})}},
		{Name: "component input nested in an object", Want: Block, Path: "settings.credentials[0]",
			Resources: []Resource{component(map[string]any{"credentials": []any{"id=" + id}})}},
		{Name: "map key shaped like a key ID", Want: Block, Path: "settings.AKIA… has a key shaped like an AWS access key ID",
			Resources: []Resource{component(map[string]any{id: "ci"})}},
		{Name: "tag value with a key ID", Want: Block, Path: "tags.deployer holds",
			Resources: []Resource{Role("app-task", map[string]any{"tags": map[string]any{"deployer": id}})}},
		{Name: "Secrets Manager secret string with a key pair", Want: Block, Path: "secretString holds a value shaped like an AWS access key ID",
			Resources: []Resource{New(awsfacts.TypeSecretVersion, "ci", map[string]any{"secretId": "ci",
				"secretString": `{"aws_access_key_id":"` + id + `","aws_secret_access_key":"` + sec + `"}`})}},

		// Violations: text, scripts, base64, assets and archives.
		{Name: "S3 object content with a secret key next to its keyword", Want: Block, Path: "content line 2 holds",
			Resources: []Resource{object("creds", "[default]\naws_secret_access_key = "+sec+"\n")}},
		{Name: "S3 object credentials file with a session token", Want: Block, Path: "content line 4 holds a value shaped like an AWS session token",
			Resources: []Resource{object("creds", "[default]\naws_access_key_id = "+asia+"\naws_secret_access_key = "+sec+"\naws_session_token = "+tok+"\n")}},
		{Name: "S3 object with the console's credentials CSV", Want: Block, Path: "content line 2 holds a value shaped like an AWS secret access key",
			Resources: []Resource{object("ci_accessKeys.csv", "User name,Access key ID,Secret access key\nci,"+id+","+sec+"\n")}},
		{Name: "StringAsset .env with a key pair", Want: Block, Path: "source line 1",
			Resources: []Resource{object("app.env", TextAsset("AWS_ACCESS_KEY_ID="+id+"\nAWS_SECRET_ACCESS_KEY="+sec+"\n"))}},
		{Name: "StringAsset script exports a credential variable", Want: Block, Path: "source line 2 assigns AWS_SECRET_ACCESS_KEY",
			Resources: []Resource{object("boot.sh", TextAsset("#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=\"$(vault read -field=secret aws/creds/ci)\"\n"))}},
		{Name: "Lambda AssetArchive .env", Want: Block, Path: `code["config/.env"] line 2`,
			Resources: []Resource{code(AssetArchive(map[string]any{"app.py": "import os\n", "config/.env": "RAILS_ENV=production\nAWS_ACCESS_KEY_ID=" + id + "\n"}))}},
		{Name: "Lambda nested AssetArchive source file", Want: Block, Path: `code.lib["settings.py"] line 2 holds`,
			Resources: []Resource{code(AssetArchive(map[string]any{"lib": map[string]any{"settings.py": "import os\nKEY = '" + asia + "'\n"}}))}},
		{Name: "launch template userData (base64) with a key pair", Want: Block, Path: "userData holds a value shaped like an AWS access key ID (AKIA…), in base64",
			Resources: []Resource{New(awsfacts.TypeLaunchTemplate, "lt", map[string]any{"userData": b64(
				"#!/bin/bash\nexport AWS_ACCESS_KEY_ID=" + id + "\nexport AWS_SECRET_ACCESS_KEY=" + sec + "\n/opt/app/start\n")})}},
		{Name: "launch template userData (base64) exports a credential variable", Want: Block, Path: "userData assigns AWS_ACCESS_KEY_ID",
			Resources: []Resource{New(awsfacts.TypeLaunchTemplate, "lt", map[string]any{"userData": b64(
				"#!/bin/bash\nexport AWS_ACCESS_KEY_ID=$(aws ssm get-parameter --name /ci/id --query Parameter.Value --output text)\n/opt/app/start\n")})}},

		// Compliant.
		{Name: "provider with region and assumeRole only", Want: Pass,
			Resources: []Resource{provider(map[string]any{"region": "us-east-1", "assumeRole": map[string]any{"roleArn": RoleARN("deployer")}})}},
		{Name: "provider with empty accessKey", Want: Pass, Resources: []Resource{provider(map[string]any{"region": "us-east-1", "accessKey": ""})}},
		{Name: "container env without credentials", Want: Pass,
			Resources: []Resource{td(`{"name":"AWS_REGION","value":"us-east-1"},{"name":"RAILS_ENV","value":"production"},`+
				`{"name":"AWS_S3_BUCKET_NAME","value":"uploads"}`, ``)}},
		{Name: "container secret from Secrets Manager", Want: Pass,
			Resources: []Resource{td(``, `{"name":"DATABASE_URL","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}`)}},
		{Name: "Secrets Manager ARN with a 40-character name", Want: Pass,
			Resources: []Resource{td(``, `{"name":"DATABASE_PASSWORD","valueFrom":"`+smARN+AppSecret()+`-Ab3xYz"}`)}},
		{Name: "every container field, no key", Want: Pass, Resources: []Resource{ctr(
			`"command":["bundle","exec","rails","server","-b","0.0.0.0"],"entryPoint":["/rails/bin/docker-entrypoint"],` +
				`"healthCheck":{"command":["CMD-SHELL","curl -f http://localhost:3000/up || exit 1"],"interval":30},` +
				`"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/app","awslogs-region":"us-east-1","awslogs-stream-prefix":"web"}},` +
				`"repositoryCredentials":{"credentialsParameter":"` + smARN + `registry-AbCdEf"},"dockerLabels":{"com.example.team":"storage"},` +
				`"portMappings":[{"containerPort":3000,"protocol":"tcp"}]`)}},
		{Name: "entryPoint reads a credential variable without setting it", Want: Pass,
			Resources: []Resource{ctr(`"entryPoint":["sh","-c","test -z \"$AWS_ACCESS_KEY_ID\" && exec rails s"]`)}},
		{Name: "AWS documentation example key", Want: Pass, Resources: []Resource{ssm(str("AKIAIOSFODNN7EXAMPLE"))}},
		{Name: "role unique ID (AROA) in outputs", Want: Pass, Resources: []Resource{Role("app-task", map[string]any{"uniqueId": UniqueID("app-task")})}},
		{Name: "user unique ID (AIDA) in a bucket policy", Want: Pass, Resources: []Resource{BucketPolicy("bp", "uploads",
			Doc(To(Allow("s3:GetObject", "arn:aws:s3:::uploads/*"), map[string]any{"AWS": "AIDA" + "Z7QX2MWR5TBN4HJK"})))}},
		{Name: "git SHA next to a secret keyword", Want: Pass,
			Resources: []Resource{ssm(str("aws secret rev 0123456789abcdef0123456789abcdef01234567"))}},
		{Name: "40-character value without keyword or key ID", Want: Pass, Resources: []Resource{ssm(str(sec))}},
		{Name: "app secret next to aws_region in a Lambda environment", Want: Pass,
			Resources: []Resource{lambda(resource.PropertyMap{"AWS_REGION": str("us-east-1"), "JWT_SECRET": str(AppSecret()),
				"SECRET_KEY_BASE": str(AppSecret() + AppSecret())})}},
		{Name: "app secret next to aws_region in a secret string", Want: Pass,
			Resources: []Resource{New(awsfacts.TypeSecretVersion, "app", map[string]any{"secretId": "app",
				"secretString": `{"aws_region":"us-east-1","jwt_secret":"` + AppSecret() + `"}`})}},
		{Name: "references to where keys are kept", Want: Pass,
			Resources: []Resource{lambda(resource.PropertyMap{"DB_SECRET_ARN": str(smARN + "db-AbCdEf"),
				"AWS_SECRET_ACCESS_KEY_ARN": str(smARN + AppSecret() + "-Ab3xYz")})}},
		{Name: "SSM parameter holding a key's ARN", Want: Pass,
			Resources: []Resource{param("/app/aws_secret_access_key_arn", str(smARN+"ci-AbCdEf"))}},
		{Name: "SSM parameter whose name mentions a key, with a plain value", Want: Pass,
			Resources: []Resource{param("/ops/aws-access-key-rotation-days", str("90"))}},
		{Name: "words that start like a key ID", Want: Pass,
			Resources: []Resource{Role("app-task", map[string]any{"tags": map[string]any{"region": "ASIAPACIFICSOUTHEAST", "placeholder": "AKIAYOURACCESSKEYIDX"}})}},
		{Name: "description naming credential variables", Want: Pass,
			Resources: []Resource{lambda(resource.PropertyMap{"RAILS_ENV": str("production")}).Set("description", "Rotates AWS_ACCESS_KEY_ID for the CI user")}},
		{Name: "hashes", Want: Pass, Resources: []Resource{
			code(AssetArchive(map[string]any{"app.py": "print(1)\n"})).Set("sourceCodeHash", base64.StdEncoding.EncodeToString(sum[:])),
			object("app.js", "console.log(1)\n").Set("etag", hex.EncodeToString(sum[:16])).Set("sourceHash", hex.EncodeToString(sum[:]))}},
		{Name: "base64 of binary", Want: Pass,
			Resources: []Resource{New(awsfacts.TypeBucketObjectV2, "logo", map[string]any{"bucket": "b", "key": "logo.png",
				"contentBase64": base64.StdEncoding.EncodeToString(binary(600))})}},
		{Name: "PEM certificate", Want: Pass, Resources: []Resource{New(awsfacts.TypeIAMServerCertificate, "tls", map[string]any{
			"certificateBody": "-----BEGIN CERTIFICATE-----\n" + wrap(base64.StdEncoding.EncodeToString(binary(900)), 64) + "-----END CERTIFICATE-----\n"})}},
		{Name: "long token without a temporary key ID", Want: Pass,
			Resources: []Resource{component(map[string]any{"webhookToken": tok})}},
		{Name: ".env without credentials", Want: Pass,
			Resources: []Resource{object("app.env", TextAsset("RAILS_ENV=production\nAWS_REGION=us-east-1\nUPLOADS=$AWS_S3_BUCKET_NAME\nAWS_ACCESS_KEY_ID=\n"))}},
		{Name: "vendored SDK code and docs in an archive", Want: Pass, Resources: []Resource{code(AssetArchive(map[string]any{
			"boto3/session.py": "def client(self, service_name, aws_access_key_id=None, aws_secret_access_key=None):\n    pass\n",
			"node_modules/@aws-sdk/client-sts/dist-cjs/index.js": "const de = (output) => ({ AccessKeyId: expectString(output.AccessKeyId), SecretAccessKey: expectString(output.SecretAccessKey) });\n",
			"README.md": "Configure the CLI:\n\n    aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
		}))}},
		{Name: "stack config without credentials", Want: Pass, Resources: []Resource{stackRes},
			StackConfig: map[string]string{"aws:region": "us-east-1", "railsapp:bucketName": "uploads"}},
		{Name: "KMS key ARN", Want: Pass,
			Resources: []Resource{ssm(str("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))}},
		{Name: "disabled by configuration", Want: Pass, Resources: []Resource{accessKey},
			Config: map[string]plugin.AnalyzerPolicyConfig{pack.NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Disabled}}},

		// Not decidable yet: said so, never passed silently.
		{Name: "preview: container definitions unknown", Want: Undecided,
			Resources: []Resource{TaskDef("app", "", "").Set("containerDefinitions", Computed())}},
	})
}

// wrap breaks s into lines of width w.
func wrap(s string, w int) string {
	var b strings.Builder
	for len(s) > w {
		b.WriteString(s[:w] + "\n")
		s = s[w:]
	}
	b.WriteString(s + "\n")
	return b.String()
}

// CredentialFiles writes files into dir and returns the cases of no-embedded-aws-credentials
// whose assets and archives name them by path (the engine sends only the path; the pack reads
// the file): a file asset, a directory, zip and gzipped tar archives, a file:// URI, a path that
// does not exist, and a file or archives larger than the pack reads.
func CredentialFiles(dir string) ([]Case, error) {
	id, asia, sec := FakeKeyID("AKIA"), FakeKeyID("ASIA"), FakeSecret()
	p := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	files := map[string]string{
		"prod.env":                        "RAILS_ENV=production\nAWS_SECRET_ACCESS_KEY=" + sec + "\n",
		"app/handler.py":                  "import json\n",
		"app/config/settings.json":        `{"aws": {"accessKeyId": "` + id + `"}}` + "\n",
		"app/.pulumi/backup.json":         `{"k": "` + id + `"}` + "\n", // the SDK leaves .pulumi out of archives
		"clean/handler.py":                "def handler(event, context):\n    return boto3.client('s3', aws_access_key_id=None)\n",
		"clean/node_modules/x/README.md":  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
		"clean/node_modules/x/model.json": `{"AccessKeyId":{"shape":"accessKeyIdType"}}` + "\n",
		"big/data.txt":                    strings.Repeat("0123456789abcdef\n", 1<<16) + "key=" + id + "\n",
	}
	for rel, text := range files {
		if err := os.MkdirAll(filepath.Dir(p(rel)), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p(rel), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	// More files than the pack reads of one resource (2,000, as its message says), the last of
	// them in the order the walk reads them holding a key that the pack therefore never sees.
	const maxFiles = 2000
	many := map[string][]byte{}
	for i := range maxFiles {
		many[fmt.Sprintf("f%04d.txt", i)] = []byte("x\n")
	}
	many[fmt.Sprintf("f%04d.txt", maxFiles)] = []byte("key=" + id + "\n")
	if err := os.MkdirAll(p("many"), 0o755); err != nil {
		return nil, err
	}
	for name, b := range many {
		if err := os.WriteFile(filepath.Join(p("many"), name), b, 0o644); err != nil {
			return nil, err
		}
	}
	if err := writeZip(p("many.zip"), many); err != nil {
		return nil, err
	}
	if err := writeZip(p("fn.zip"), map[string][]byte{
		"handler.py":    []byte("import os\nKEY = '" + asia + "'\n"),
		"lib/native.so": append([]byte{0x7f, 'E', 'L', 'F', 0}, []byte("key="+id)...), // binary: not read
	}); err != nil {
		return nil, err
	}
	if err := writeTarGz(p("layer.tgz"), map[string][]byte{
		"bin/bootstrap.sh": []byte("#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=$(cat /run/k)\nexec \"$@\"\n"),
	}); err != nil {
		return nil, err
	}
	object := func(v resource.PropertyValue) Resource {
		return New(awsfacts.TypeBucketObjectV2, "obj", map[string]any{"bucket": "config", "key": "app.env"}).Set("source", v)
	}
	code := func(v resource.PropertyValue) Resource {
		return New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"runtime": "python3.12", "handler": "handler.handler"}).Set("code", v)
	}
	return forPolicy(pack.NoEmbeddedAWSCredentials, []Case{
		{Name: "file asset .env with a secret key", Want: Block, Path: "source line 2 holds a value shaped like an AWS secret access key",
			Resources: []Resource{object(FileAsset(p("prod.env")))}},
		{Name: "file:// asset", Want: Block, Path: "source line 2 assigns AWS_SECRET_ACCESS_KEY",
			Resources: []Resource{object(resource.NewAssetProperty(&asset.Asset{Sig: asset.AssetSig, URI: "file://" + filepath.ToSlash(p("prod.env"))}))}},
		{Name: "directory archive with a key ID in a config file", Want: Block, Path: `code["config/settings.json"] line 1 holds`,
			Resources: []Resource{code(FileArchive(p("app")))}},
		{Name: "zip archive with a key ID in source", Want: Block, Path: `code["handler.py"] line 2 holds`,
			Resources: []Resource{code(FileArchive(p("fn.zip")))}},
		{Name: "gzipped tar archive with a script exporting a credential variable", Want: Block,
			Path: `code["bin/bootstrap.sh"] line 2 assigns AWS_SECRET_ACCESS_KEY`, Resources: []Resource{code(FileArchive(p("layer.tgz")))}},
		{Name: "directory archive of code and vendored SDK files", Want: Pass, Resources: []Resource{code(FileArchive(p("clean")))}},
		{Name: "archive path that does not exist here", Want: Pass, Resources: []Resource{code(FileArchive(p("missing.zip")))}},
		{Name: "file larger than the pack reads", Want: Undecided, Resources: []Resource{code(FileArchive(p("big")))}},
		{Name: "directory of more files than the pack reads", Want: Undecided, Resources: []Resource{code(FileArchive(p("many")))}},
		{Name: "zip archive of more files than the pack reads", Want: Undecided, Resources: []Resource{code(FileArchive(p("many.zip")))}},
	}), nil
}

func writeZip(path string, files map[string][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := w.Write(files[name]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func writeTarGz(path string, files map[string][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(files[name]); err != nil {
			return err
		}
	}
	// A symbolic link, which the SDK's own tar reader cannot read.
	if err := tw.WriteHeader(&tar.Header{Name: "bin/current", Linkname: "bootstrap.sh", Typeflag: tar.TypeSymlink}); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return f.Close()
}
