package components

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			a.Secrets = map[string]string{"X": "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app/x-AbCdEf"}
		},
	}
	for i, mutate := range ok {
		a := validArgs()
		mutate(a)
		assert.NoError(t, a.Validate(), "case %d", i)
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
		{"secret not an ARN", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"RAILS_MASTER_KEY": "/railsapp/dev/RAILS_MASTER_KEY"}
		}, "secrets", []string{"RAILS_MASTER_KEY", "parameter/<name>", "secret:<name>"}},
		{"secret S3 ARN", func(a *ActiveStorageArgs) {
			a.Secrets = map[string]string{"X": "arn:aws:s3:::dev-images-example-com/x"}
		}, "secrets", []string{"not an SSM parameter or Secrets Manager secret ARN"}},
		{"secret also env", func(a *ActiveStorageArgs) {
			a.ContainerEnv = map[string]string{"X": "1"}
			a.Secrets = map[string]string{"X": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
		}, "secrets", []string{"also set in containerEnv"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := validArgs()
			tc.mutate(a)
			err := a.Validate()
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
			err := a.Validate()
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
	require.ErrorAs(t, a.Validate(), &ae)
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

	withArn := ActiveStorageArgs{Environment: "x", ExecutionRoleArn: "arn:aws:iam::111122223333:role/e"}.withDefaults()
	assert.Empty(t, withArn.ExecutionRoleName, "no role name is invented when an existing role is used")
}

// Every argument has a distinct `key` tag (the program's config key).
func TestArgKeysDistinct(t *testing.T) {
	seen := map[string]bool{}
	typ := reflect.TypeOf(ActiveStorageArgs{})
	for i := range typ.NumField() {
		k := typ.Field(i).Tag.Get("key")
		require.NotEmpty(t, k, typ.Field(i).Name)
		require.False(t, seen[k], "duplicate key %s", k)
		seen[k] = true
	}
}
