package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/internal/awscreds/awscredstest"
)

func TestValidArgs(t *testing.T) {
	ok := []func(a *ActiveStorageArgs){
		func(a *ActiveStorageArgs) {},
		func(a *ActiveStorageArgs) { a.BucketName = "" },
		func(a *ActiveStorageArgs) { a.BucketName = "dev.images.example.com" },
		func(a *ActiveStorageArgs) { a.CPU, a.Memory = 8192, 61440 },
		func(a *ActiveStorageArgs) { a.CPU, a.Memory = 16384, 32768 },
		func(a *ActiveStorageArgs) { a.CPU, a.Memory = 4096, 30720 },
		func(a *ActiveStorageArgs) { a.CPUArchitecture = "ARM64" },
		func(a *ActiveStorageArgs) { a.LogRetentionDays = 3653 },
		func(a *ActiveStorageArgs) {
			a.CORSOrigins = []string{"https://*.example.com", "http://localhost:3000"}
		},
		func(a *ActiveStorageArgs) {
			a.KMSKeyArn = "arn:aws:kms:ap-northeast-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef"
		},
		func(a *ActiveStorageArgs) { a.ExecutionRoleArn = "arn:aws:iam::111122223333:role/service-role/exec" },
		func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/x-AbCdEf"}
		},
		func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:app/x"}
			a.SecretsKMSKeyArns = []string{"arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
		},
		func(a *ActiveStorageArgs) { a.EnableExecCommand = true },
		func(a *ActiveStorageArgs) {
			a.ProtectBucket, a.RetainBucket = pulumi.BoolRef(false), pulumi.BoolRef(false)
		},
	}
	for i, mutate := range ok {
		a := validArgs()
		mutate(a)
		assert.NoError(t, a.Validate(testRegion), "case %d", i)
	}
}

// key returns a fake access key ID, assembled at run time so scanners do not flag the source.
func fakeAccessKeyID() string { return "AK" + "IA" + "Q3EG" + "RXLN" + "MN5T" + "Z4WH" }

func TestInvalidArgs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *ActiveStorageArgs)
		field  string
		want   []string // fragments of the message
	}{
		{"no environment", func(a *ActiveStorageArgs) { a.Environment = "" }, "environment", []string{"letters, digits"}},
		{"environment with space", func(a *ActiveStorageArgs) { a.Environment = "prod env" }, "environment", []string{`"prod env"`}},
		{"bucket uppercase", func(a *ActiveStorageArgs) { a.BucketName = "Dev_Images" }, "bucketName", []string{"lowercase letters"}},
		{"bucket too short", func(a *ActiveStorageArgs) { a.BucketName = "ab" }, "bucketName", []string{"3 to 63"}},
		{"bucket IP", func(a *ActiveStorageArgs) { a.BucketName = "192.168.10.1" }, "bucketName", []string{"IP address"}},
		{"bucket double dot", func(a *ActiveStorageArgs) { a.BucketName = "a..b" }, "bucketName", []string{"adjacent periods"}},
		{"bucket reserved prefix", func(a *ActiveStorageArgs) { a.BucketName = "xn--images" }, "bucketName", []string{"xn--"}},
		{"bucket reserved suffix", func(a *ActiveStorageArgs) { a.BucketName = "images-s3alias" }, "bucketName", []string{"-s3alias"}},
		{"empty image", func(a *ActiveStorageArgs) { a.Image = "  " }, "image", []string{"empty"}},
		{"image with space", func(a *ActiveStorageArgs) { a.Image = "rails app" }, "image", []string{"whitespace"}},
		{"cpu", func(a *ActiveStorageArgs) { a.CPU = 300 }, "cpu", []string{"256, 512, 1024, 2048, 4096, 8192, 16384"}},
		{"memory for cpu", func(a *ActiveStorageArgs) { a.Memory = 4096 }, "memory", []string{"cpu 256", "512, 1024, 2048"}},
		{"memory step 8 vCPU", func(a *ActiveStorageArgs) { a.CPU, a.Memory = 8192, 17408 }, "memory", []string{"16384 to 61440 in steps of 4096"}},
		{"memory step 16 vCPU", func(a *ActiveStorageArgs) { a.CPU, a.Memory = 16384, 36864 }, "memory", []string{"32768 to 122880 in steps of 8192"}},
		{"architecture", func(a *ActiveStorageArgs) { a.CPUArchitecture = "arm64" }, "cpuArchitecture", []string{"X86_64, ARM64"}},
		{"retention", func(a *ActiveStorageArgs) { a.LogRetentionDays = 10 }, "logRetentionDays", []string{"1, 3, 5, 7, 14, 30"}},
		{"port", func(a *ActiveStorageArgs) { a.ContainerPort = 70000 }, "containerPort", []string{"1 to 65535"}},
		{"negative port", func(a *ActiveStorageArgs) { a.ContainerPort = -1 }, "containerPort", []string{"1 to 65535"}},
		{"noncurrent days", func(a *ActiveStorageArgs) { a.NoncurrentVersionExpirationDays = -5 }, "noncurrentVersionExpirationDays", []string{"1 to 3650"}},
		{"abort days", func(a *ActiveStorageArgs) { a.AbortIncompleteMultipartUploadDays = 400 }, "abortIncompleteMultipartUploadDays", []string{"1 to 365"}},
		{"kms alias", func(a *ActiveStorageArgs) {
			a.KMSKeyArn = "arn:aws:kms:ap-northeast-1:111122223333:alias/railsapp"
		}, "kmsKeyArn", []string{"key/<key-id>"}},
		{"kms other region", func(a *ActiveStorageArgs) {
			a.KMSKeyArn = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
		}, "kmsKeyArn", []string{"us-east-1", "ap-northeast-1"}},
		{"kms other partition", func(a *ActiveStorageArgs) {
			a.KMSKeyArn = "arn:aws-cn:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
		}, "kmsKeyArn", []string{"partition aws-cn"}},
		{"cors any", func(a *ActiveStorageArgs) { a.CORSOrigins = []string{"*"} }, "corsOrigins", []string{"scheme://host"}},
		{"cors path", func(a *ActiveStorageArgs) { a.CORSOrigins = []string{"https://example.com/uploads"} }, "corsOrigins", []string{"no path"}},
		{"cors scheme", func(a *ActiveStorageArgs) { a.CORSOrigins = []string{"ftp://example.com"} }, "corsOrigins", []string{"https or http"}},
		{"cors duplicate", func(a *ActiveStorageArgs) {
			a.CORSOrigins = []string{"https://a.example.com", "https://a.example.com"}
		}, "corsOrigins", []string{"twice"}},
		{"task role name", func(a *ActiveStorageArgs) { a.TaskRoleName = "bad role" }, "taskRoleName", []string{"IAM role name"}},
		{"policy name", func(a *ActiveStorageArgs) { a.PolicyName = strings.Repeat("p", 129) }, "policyName", []string{"1-128"}},
		{"same role names", func(a *ActiveStorageArgs) { a.ExecutionRoleName = "devEcsTaskRole" }, "executionRoleName", []string{"must differ"}},
		{"execution role ARN", func(a *ActiveStorageArgs) { a.ExecutionRoleArn = "arn:aws:iam::111122223333:user/deployer" }, "executionRoleArn", []string{"arn:<partition>:iam::<account>:role/<name>"}},
		{"execution role ARN with spaces", func(a *ActiveStorageArgs) {
			a.ExecutionRoleArn = " arn:aws:iam::111122223333:role/exec"
		}, "executionRoleArn", []string{"spaces around it"}},
		{"execution role other partition", func(a *ActiveStorageArgs) {
			a.ExecutionRoleArn = "arn:aws-us-gov:iam::111122223333:role/ecsTaskExecutionRole"
		}, "executionRoleArn", []string{"partition aws-us-gov"}},
		{"execution role is task role", func(a *ActiveStorageArgs) {
			a.ExecutionRoleArn = "arn:aws:iam::111122223333:role/devEcsTaskRole"
		}, "executionRoleArn", []string{"different role"}},
		{"execution role twice", func(a *ActiveStorageArgs) {
			a.ExecutionRoleArn = "arn:aws:iam::111122223333:role/exec"
			a.ExecutionRoleName = "devExec"
		}, "executionRoleName", []string{"give one"}},
		{"family", func(a *ActiveStorageArgs) { a.Family = "dev server" }, "family", []string{"task definition family"}},
		{"container name", func(a *ActiveStorageArgs) { a.ContainerName = "web:1" }, "containerName", []string{"container name"}},
		{"tag prefix", func(a *ActiveStorageArgs) { a.Tags = map[string]string{"aws:owner": "x"} }, "tags", []string{"reserved prefix"}},
		{"env name", func(a *ActiveStorageArgs) { a.ContainerEnv = map[string]string{"1BAD": "x"} }, "containerEnv", []string{"not a valid environment variable name"}},
		{"env overrides bucket", func(a *ActiveStorageArgs) {
			a.ContainerEnv = map[string]string{"AWS_S3_BUCKET_NAME": "other"}
		}, "containerEnv", []string{"set by the component"}},
		{"env profile", func(a *ActiveStorageArgs) { a.ContainerEnv = map[string]string{"AWS_PROFILE": "admin"} }, "containerEnv", []string{"credential chain"}},
		{"env key-shaped value", func(a *ActiveStorageArgs) {
			a.ContainerEnv = map[string]string{"S3_KEY": fakeAccessKeyID()}
		}, "containerEnv", []string{"looks like an AWS access key ID"}},
		{"env lone secret under a key name", func(a *ActiveStorageArgs) {
			a.ContainerEnv = map[string]string{"S3_SECRET_ACCESS_KEY": awscredstest.Secret()}
		}, "containerEnv", []string{"S3_SECRET_ACCESS_KEY looks like an AWS secret access key"}},
		{"secret not an ARN", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"RAILS_MASTER_KEY": "/railsapp/dev/RAILS_MASTER_KEY"}
		}, "secrets", []string{"RAILS_MASTER_KEY", "parameter/<name>", "secret:<name>"}},
		{"secret S3 ARN", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:s3:::dev-images-example-com/x"}
		}, "secrets", []string{"not an SSM parameter or Secrets Manager secret"}},
		{"secret other partition", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app/x-AbCdEf"}
		}, "secrets", []string{"partition aws-cn"}},
		{"secret half a JSON key form", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:app/x-AbCdEf:password"}
		}, "secrets", []string{":<json-key>:<version-stage>:<version-id>"}},
		{"secret stage and ID", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:app/x-AbCdEf::AWSCURRENT:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
		}, "secrets", []string{"both a version stage and a version ID"}},
		{"secrets keys without secrets", func(a *ActiveStorageArgs) {
			a.SecretsKMSKeyArns = []string{"arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
		}, "secretsKmsKeyArns", []string{"without secrets"}},
		{"secrets keys with an existing role", func(a *ActiveStorageArgs) {
			a.ExecutionRoleArn = "arn:aws:iam::111122223333:role/exec"
			a.Secrets = map[string]string{"X": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
			a.SecretsKMSKeyArns = []string{"arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
		}, "secretsKmsKeyArns", []string{"creates no execution role"}},
		{"secrets key alias", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
			a.SecretsKMSKeyArns = []string{"arn:aws:kms:ap-northeast-1:111122223333:alias/aws/ssm"}
		}, "secretsKmsKeyArns", []string{"alias"}},
		{"secrets key where no secret is", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
			a.SecretsKMSKeyArns = []string{"arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
		}, "secretsKmsKeyArns", []string{"no configured secret"}},
		{"secret also env", func(a *ActiveStorageArgs) {
			a.ContainerEnv = map[string]string{"X": "1"}
			a.Secrets = map[string]string{"X": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
		}, "secrets", []string{"also set in containerEnv"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := validArgs()
			tc.mutate(a)
			err := a.Validate(testRegion)
			require.Error(t, err)
			var ae *ArgsError
			require.ErrorAs(t, err, &ae)
			var msgs []string
			for _, p := range ae.Problems {
				if p.Field == tc.field {
					msgs = append(msgs, p.Message)
				}
			}
			require.NotEmpty(t, msgs, "no problem reported for %s; got %v", tc.field, ae.Problems)
			for _, w := range tc.want {
				assert.Contains(t, strings.Join(msgs, "\n"), w)
			}
			assert.NotContains(t, err.Error(), fakeAccessKeyID(), "error messages must not echo a key")
		})
	}
}

// Every credential variable name, in either the environment or the secrets, is refused.
func TestCredentialEnvNamesRefused(t *testing.T) {
	names := []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AMAZON_ACCESS_KEY_ID", "AMAZON_SECRET_ACCESS_KEY", "AMAZON_SESSION_TOKEN",
		"AWS_ACCESS_KEY", "AWS_SECRET_KEY", "aws_secret_access_key"}
	for _, n := range names {
		for _, field := range []string{"containerEnv", "secrets"} {
			a := validArgs()
			if field == "containerEnv" {
				a.ContainerEnv = map[string]string{n: "x"}
			} else {
				a.Secrets = map[string]string{n: "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
			}
			err := a.Validate(testRegion)
			require.Error(t, err, "%s in %s", n, field)
			assert.Contains(t, err.Error(), field+": "+n+" is an AWS credential variable")
			assert.Contains(t, err.Error(), "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", "lists the refused names")
		}
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	a := validArgs()
	a.CPU, a.Image, a.LogRetentionDays = 100, "", 2
	var ae *ArgsError
	require.ErrorAs(t, a.Validate(testRegion), &ae)
	var fields []string
	for _, p := range ae.Problems {
		fields = append(fields, p.Field)
	}
	assert.ElementsMatch(t, []string{"image", "cpu", "logRetentionDays"}, fields)
}

func TestDefaults(t *testing.T) {
	d := ActiveStorageArgs{Environment: "staging", Image: testImage}.withDefaults()
	assert.Equal(t, "staging_allow_s3", d.PolicyName)
	assert.Equal(t, "stagingEcsTaskRole", d.TaskRoleName)
	assert.Equal(t, "stagingEcsTaskExecutionRole", d.ExecutionRoleName)
	assert.Equal(t, "staging-server", d.Family)
	assert.Equal(t, "web", d.ContainerName)
	assert.Equal(t, 3000, d.ContainerPort)
	assert.Equal(t, 256, d.CPU)
	assert.Equal(t, 512, d.Memory)
	assert.Equal(t, "X86_64", d.CPUArchitecture)
	assert.Equal(t, 30, d.LogRetentionDays)
	assert.Equal(t, 7, d.AbortIncompleteMultipartUploadDays)
	assert.Equal(t, 30, d.NoncurrentVersionExpirationDays)
	assert.True(t, *d.ProtectBucket && *d.RetainBucket && *d.Versioning && *d.KeepTaskDefinitionRevisions)
	assert.Equal(t, map[string]string{"Environment": "staging"}, d.Tags)

	withArn := ActiveStorageArgs{Environment: "x", ExecutionRoleArn: "arn:aws:iam::111122223333:role/e"}.withDefaults()
	assert.Empty(t, withArn.ExecutionRoleName, "no role name is invented when an existing role is used")
}

// Region-scoped checks need the stack's region; without it they are skipped.
func TestValidateWithoutRegion(t *testing.T) {
	a := validArgs()
	a.KMSKeyArn = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	assert.NoError(t, a.Validate(""))
	assert.Error(t, a.Validate(testRegion))
}

// The caller's maps, slices and pointers are copied: changing them later does not reach the
// component.
func TestDefaultsCopyTheCallersValues(t *testing.T) {
	protect := true
	a := ActiveStorageArgs{Environment: "x", Image: testImage, ProtectBucket: &protect,
		CORSOrigins: []string{"https://a.example.com"}, Tags: map[string]string{"Environment": "x"}}
	d := a.withDefaults()
	protect = false
	a.CORSOrigins[0] = "https://b.example.com"
	a.Tags["Team"] = "y"
	assert.True(t, *d.ProtectBucket)
	assert.Equal(t, []string{"https://a.example.com"}, d.CORSOrigins)
	assert.Equal(t, map[string]string{"Environment": "x"}, d.Tags)
}
