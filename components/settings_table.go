package components

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// settings declares every setting once: key, field, default, allowed values, validation and
// docs. A test proves that every field of ActiveStorageArgs has exactly one setting.
var settings = []Setting{
	declare("environment", "— (required)", "1–32 letters, digits, `-`; starts with a letter",
		"the prefix of names (`<env>_allow_s3`, `<env>EcsTaskRole`, `<env>-server`) and the `Environment` tag",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.Environment }, validate: checkEnvironment}),
	declare("bucketName", "auto-named", "S3 bucket naming rules",
		"the bucket's name (avoid dots, they break virtual-hosted HTTPS)",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.BucketName }, validate: checkBucketName}),
	declare("forceDestroy", "`false`", "`true`, `false`",
		"let Pulumi delete the bucket while it still holds objects",
		field[bool]{ptr: func(a *ActiveStorageArgs) *bool { return &a.ForceDestroy }}),
	declare("protectBucket", "", "`true`, `false`",
		"Pulumi's `protect` on the bucket and its safeguards, and a guard that makes `pulumi destroy` refuse before deleting anything",
		field[*bool]{ptr: func(a *ActiveStorageArgs) **bool { return &a.ProtectBucket }, def: boolDefault(true)}),
	declare("retainBucket", "", "`true`, `false`",
		"Pulumi's `retainOnDelete` on the bucket and its safeguards: deleting them from the stack leaves them in AWS",
		field[*bool]{ptr: func(a *ActiveStorageArgs) **bool { return &a.RetainBucket }, def: boolDefault(true)}),
	declare("versioning", "", "`true`, `false`",
		"bucket versioning (and the noncurrent-version expiry rule)",
		field[*bool]{ptr: func(a *ActiveStorageArgs) **bool { return &a.Versioning }, def: boolDefault(true)}),
	declare("noncurrentVersionExpirationDays", "", "1–3650",
		"days before noncurrent versions are deleted",
		field[int]{ptr: func(a *ActiveStorageArgs) *int { return &a.NoncurrentVersionExpirationDays },
			def: orDefault(30), validate: inRange(1, 3650, " days")}),
	declare("abortIncompleteMultipartUploadDays", "", "1–365",
		"days before incomplete multipart uploads are aborted",
		field[int]{ptr: func(a *ActiveStorageArgs) *int { return &a.AbortIncompleteMultipartUploadDays },
			def: orDefault(7), validate: inRange(1, 365, " days")}),
	declare("allowAbortMultipartUpload", "`false`", "`true`, `false`",
		"add `s3:AbortMultipartUpload` to the task role's policy",
		field[bool]{ptr: func(a *ActiveStorageArgs) *bool { return &a.AllowAbortMultipartUpload }}),
	declare("kmsKeyArn", "none (SSE-S3)", "a KMS key ARN (not an alias) in the stack's region",
		"SSE-KMS with this key, and `kms:GenerateDataKey`/`kms:Decrypt` on it for the task role",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.KMSKeyArn }, validate: checkKMSKeyArn}),
	declare("corsOrigins", "none (no CORS)", "`scheme://host[:port]`, http or https",
		"CORS for Active Storage direct uploads from these origins",
		field[[]string]{ptr: func(a *ActiveStorageArgs) *[]string { return &a.CORSOrigins }, validate: checkCORSOrigins}),
	declare("policyName", "", "IAM policy name",
		"the task role's S3 policy",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.PolicyName },
			def: fromEnvironment("%s_allow_s3"), validate: checkPolicyName}),
	declare("taskRoleName", "", "IAM role name",
		"the task role",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.TaskRoleName },
			def: fromEnvironment("%sEcsTaskRole"), validate: checkRoleName}),
	declare("executionRoleName", "", "IAM role name, not the task role's",
		"the created execution role",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.ExecutionRoleName },
			def: func(a *ActiveStorageArgs, v string) string {
				if v == "" && a.ExecutionRoleArn == "" {
					return a.Environment + "EcsTaskExecutionRole"
				}
				return v
			}, validate: checkExecutionRoleName}),
	declare("executionRoleArn", "none (create a role)", "an IAM role ARN, not the task role",
		"use this existing execution role instead of creating one",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.ExecutionRoleArn }, validate: checkExecutionRoleArn}),
	declare("family", "", "1–255 letters, digits, `_`, `-`",
		"the task definition family (and the log group `/ecs/<family>`)",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.Family },
			def: fromEnvironment("%s-server"), validate: checkFamily}),
	declare("containerName", "", "1–255 letters, digits, `_`, `-`",
		"the Rails container's name",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.ContainerName },
			def: orDefault("web"), validate: checkContainerName}),
	declare("image", "— (required)", fmt.Sprintf("a container image reference, at most %d characters", awsfacts.MaxImageLength),
		"the container image",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.Image }, validate: checkImage}),
	declare("containerPort", "", "1–65535",
		"the port Rails listens on",
		field[int]{ptr: func(a *ActiveStorageArgs) *int { return &a.ContainerPort },
			def: orDefault(3000), validate: inRange(1, 65535, "")}),
	declare("cpu", "", joinInts(awsfacts.FargateCPUs()),
		"task CPU units; only the sizes Fargate accepts",
		field[int]{ptr: func(a *ActiveStorageArgs) *int { return &a.CPU }, def: orDefault(256), validate: checkCPU}),
	declare("memory", "", "depends on `cpu`: see the cpu/memory table",
		"task memory (MiB); only the combinations with `cpu` Fargate accepts",
		field[int]{ptr: func(a *ActiveStorageArgs) *int { return &a.Memory }, def: orDefault(512), validate: checkMemory}),
	declare("cpuArchitecture", "", "`"+strings.Join(awsfacts.CPUArchitectures, "`, `")+"`",
		"the task's CPU architecture",
		field[string]{ptr: func(a *ActiveStorageArgs) *string { return &a.CPUArchitecture },
			def: orDefault("X86_64"), validate: checkCPUArchitecture}),
	declare("logRetentionDays", "", joinInts(awsfacts.LogRetentionDays()),
		"the log group's retention",
		field[int]{ptr: func(a *ActiveStorageArgs) *int { return &a.LogRetentionDays },
			def: orDefault(30), validate: checkLogRetention}),
	declare("containerEnv", "none", "no AWS credential variables or key-shaped values",
		"extra container environment",
		field[map[string]string]{ptr: func(a *ActiveStorageArgs) *map[string]string { return &a.ContainerEnv },
			validate: checkContainerEnv}),
	declare("secrets", "none", "env name → SSM parameter or Secrets Manager secret ARN",
		"variables ECS injects from SSM or Secrets Manager; the execution role may read exactly these",
		field[map[string]string]{ptr: func(a *ActiveStorageArgs) *map[string]string { return &a.Secrets },
			validate: checkSecrets}),
	declare("secretsKmsKeyArns", "none", "KMS key ARNs in the partition and a region of the secrets",
		"customer managed keys of the `secrets`: the execution role gets exactly `kms:Decrypt` on them",
		field[[]string]{ptr: func(a *ActiveStorageArgs) *[]string { return &a.SecretsKMSKeyArns },
			validate: checkSecretsKMSKeyArns}),
	declare("enableExecCommand", "`false`", "`true`, `false`",
		"ECS Exec (`aws ecs execute-command`): the four `ssmmessages` actions for the task role, an init process in the container",
		field[bool]{ptr: func(a *ActiveStorageArgs) *bool { return &a.EnableExecCommand }}),
	declare("keepTaskDefinitionRevisions", "", "`true`, `false`",
		"keep replaced task definition revisions registered (`skipDestroy`), for rollback",
		field[*bool]{ptr: func(a *ActiveStorageArgs) **bool { return &a.KeepTaskDefinitionRevisions }, def: boolDefault(true)}),
	declare("tags", "", fmt.Sprintf("at most %d; keys 1–%d characters, not `aws:…`; values at most %d",
		awsfacts.MaxTags, awsfacts.MaxTagKeyLength, awsfacts.MaxTagValueLength),
		"tags on every taggable resource",
		field[map[string]string]{ptr: func(a *ActiveStorageArgs) *map[string]string { return &a.Tags },
			def: func(a *ActiveStorageArgs, v map[string]string) map[string]string {
				if _, ok := v["Environment"]; ok {
					return v
				}
				out := map[string]string{"Environment": a.Environment}
				for k, val := range v {
					out[k] = val
				}
				return out
			}, validate: checkTags}),
}

// declare builds a Setting; unset is what the docs say when the setting has no default.
func declare[T any](key, unset, allowed, doc string, f field[T]) Setting {
	s := Setting{Key: key, Type: f.typ(), Default: defaultDoc(f), Allowed: allowed, Doc: doc, bind: f}
	if s.Default == "" {
		s.Default = unset
	}
	return s
}
