// Package components holds the ActiveStorage component: a private S3 bucket for Rails Active
// Storage, the ECS task role that alone may use it (no access key anywhere), a separate execution
// role, a log group and the Fargate task definition that ties them together.
package components

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ActiveStorageType is the component's type token.
const ActiveStorageType = "railsapp:storage:ActiveStorage"

// ActiveStorage is the component. Its outputs are also registered as component outputs.
type ActiveStorage struct {
	pulumi.ResourceState

	BucketName        pulumi.StringOutput `pulumi:"bucketName"`
	BucketArn         pulumi.StringOutput `pulumi:"bucketArn"`
	TaskRoleArn       pulumi.StringOutput `pulumi:"taskRoleArn"`
	ExecutionRoleArn  pulumi.StringOutput `pulumi:"executionRoleArn"`
	TaskDefinitionArn pulumi.StringOutput `pulumi:"taskDefinitionArn"`
	LogGroupName      pulumi.StringOutput `pulumi:"logGroupName"`
	// TaskPolicy is the task role's policy document (a known string at preview when the bucket is named).
	TaskPolicy pulumi.StringOutput `pulumi:"taskPolicy"`
	// StorageYml is the config/storage.yml block for Rails.
	StorageYml pulumi.StringOutput `pulumi:"storageYml"`

	// The child resources, for programs that need to wire more to them (e.g. an ecs.Service).
	Bucket         *s3.BucketV2
	TaskRole       *iam.Role
	ExecutionRole  *iam.Role // nil when an existing execution role ARN was given
	LogGroup       *cloudwatch.LogGroup
	TaskDefinition *ecs.TaskDefinition
}

var (
	accountIDRe = regexp.MustCompile(`^\d{12}$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	arnPartRe   = regexp.MustCompile(`^arn:(` + partitionRe + `):`)
)

// NewActiveStorage validates args, then registers the component and its children. Invalid args
// are refused before anything is registered.
func NewActiveStorage(ctx *pulumi.Context, name string, args *ActiveStorageArgs,
	opts ...pulumi.ResourceOption,
) (*ActiveStorage, error) {
	if args == nil {
		return nil, errors.New("ActiveStorage: args are required (at least Environment and Image)")
	}
	if name == "" {
		return nil, errors.New("ActiveStorage: the resource name is empty")
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	a := args.withDefaults()

	comp := &ActiveStorage{}
	if err := ctx.RegisterComponentResourceV2(ActiveStorageType, name, a.inputs(), comp, opts...); err != nil {
		return nil, fmt.Errorf("register %s %q: %w", ActiveStorageType, name, err)
	}
	b := &builder{ctx: ctx, name: name, args: a, comp: comp, parent: pulumi.Parent(comp)}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("ActiveStorage %q: %w", name, err)
	}
	return comp, nil
}

// builder carries what the child resources share while they are created.
type builder struct {
	ctx    *pulumi.Context
	name   string
	args   ActiveStorageArgs
	comp   *ActiveStorage
	parent pulumi.ResourceOrInvokeOption

	account, partition, region string
}

func (b *builder) child(suffix string) string { return b.name + "-" + suffix }

// known returns v as a StringOutput that is known even during preview but still records deps,
// so the engine orders the resources and the stack graph links them.
func (b *builder) known(v string, deps ...pulumi.Resource) pulumi.StringOutput {
	return pulumi.OutputWithDependencies(b.ctx.Context(), pulumi.String(v).ToStringOutput(), deps...).(pulumi.StringOutput)
}

func (b *builder) tags() pulumi.StringMapInput {
	if len(b.args.Tags) == 0 {
		return nil
	}
	return pulumi.ToStringMap(b.args.Tags)
}

func (b *builder) build() error {
	if err := b.lookupAccount(); err != nil {
		return err
	}
	a := b.args

	// 1. The bucket and its private-by-construction configuration.
	bucketOpts := []pulumi.ResourceOption{b.parent}
	if a.ProtectBucket {
		bucketOpts = append(bucketOpts, pulumi.Protect(true))
	}
	bucketArgs := &s3.BucketV2Args{ForceDestroy: pulumi.Bool(a.ForceDestroy), Tags: b.tags()}
	if a.BucketName != "" {
		bucketArgs.Bucket = pulumi.String(a.BucketName)
	}
	bucket, err := s3.NewBucketV2(b.ctx, b.child("bucket"), bucketArgs, bucketOpts...)
	if err != nil {
		return fmt.Errorf("bucket: %w", err)
	}
	b.comp.Bucket = bucket

	// With a configured name, the name and ARN are known now; otherwise they come from the bucket.
	var bucketName, bucketARN pulumi.StringOutput
	if a.BucketName != "" {
		bucketName = b.known(a.BucketName, bucket)
		bucketARN = b.known(bucketArn(b.partition, a.BucketName), bucket)
	} else {
		bucketName = bucket.Bucket
		bucketARN = bucket.Arn
	}
	b.comp.BucketName, b.comp.BucketArn = bucketName, bucketARN

	pab, err := s3.NewBucketPublicAccessBlock(b.ctx, b.child("public-access-block"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("public access block: %w", err)
	}
	if _, err := s3.NewBucketOwnershipControls(b.ctx, b.child("ownership-controls"), &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.parent); err != nil {
		return fmt.Errorf("ownership controls: %w", err)
	}
	sse := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	var bucketKey pulumi.BoolPtrInput
	if a.KMSKeyArn != "" {
		sse = &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: pulumi.String(a.KMSKeyArn),
		}
		bucketKey = pulumi.Bool(true) // fewer KMS calls, lower cost
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, b.child("encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: sse,
			BucketKeyEnabled:                   bucketKey,
		}},
	}, b.parent); err != nil {
		return fmt.Errorf("encryption: %w", err)
	}
	// The policy only denies; ordering it after the public access block avoids racing S3's
	// "block public policy" evaluation on the same bucket.
	tlsPolicy := bucketARN.ApplyT(tlsOnlyBucketPolicy).(pulumi.StringOutput)
	if _, err := s3.NewBucketPolicy(b.ctx, b.child("tls-only-policy"), &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: tlsPolicy,
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{pab})); err != nil {
		return fmt.Errorf("bucket policy: %w", err)
	}
	var versioning pulumi.Resource
	if a.Versioning {
		v, err := s3.NewBucketVersioningV2(b.ctx, b.child("versioning"), &s3.BucketVersioningV2Args{
			Bucket:                  bucket.ID(),
			VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, b.parent)
		if err != nil {
			return fmt.Errorf("versioning: %w", err)
		}
		versioning = v
	}
	if err := b.lifecycle(bucket, versioning); err != nil {
		return err
	}
	if len(a.CORSOrigins) > 0 {
		if _, err := s3.NewBucketCorsConfigurationV2(b.ctx, b.child("cors"), &s3.BucketCorsConfigurationV2Args{
			Bucket: bucket.ID(),
			CorsRules: s3.BucketCorsConfigurationV2CorsRuleArray{&s3.BucketCorsConfigurationV2CorsRuleArgs{
				Id:             pulumi.String("active-storage-direct-uploads"),
				AllowedMethods: pulumi.ToStringArray([]string{"PUT"}),
				AllowedHeaders: pulumi.ToStringArray([]string{"Content-Type", "Content-MD5", "Content-Disposition"}),
				AllowedOrigins: pulumi.ToStringArray(a.CORSOrigins),
				MaxAgeSeconds:  pulumi.Int(3600),
			}},
		}, b.parent); err != nil {
			return fmt.Errorf("cors: %w", err)
		}
	}

	// 2. The least-privilege policy and 3. the task role it is attached to.
	var taskPolicy pulumi.StringOutput
	if a.BucketName != "" {
		taskPolicy = b.known(taskPolicyDocument(bucketArn(b.partition, a.BucketName), a.AllowAbortMultipartUpload, a.KMSKeyArn), bucket)
	} else {
		taskPolicy = bucket.Arn.ApplyT(func(arn string) string {
			return taskPolicyDocument(arn, a.AllowAbortMultipartUpload, a.KMSKeyArn)
		}).(pulumi.StringOutput)
	}
	b.comp.TaskPolicy = taskPolicy
	policy, err := iam.NewPolicy(b.ctx, b.child("s3-policy"), &iam.PolicyArgs{
		Name:        pulumi.String(a.PolicyName),
		Description: pulumi.String("Active Storage (" + a.Environment + "): list the bucket, read, write and delete its objects"),
		Policy:      taskPolicy,
		Tags:        b.tags(),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("task policy: %w", err)
	}
	taskRole, err := iam.NewRole(b.ctx, b.child("task-role"), &iam.RoleArgs{
		Name:             pulumi.String(a.TaskRoleName),
		Description:      pulumi.String("ECS task role of the " + a.Environment + " Rails app: its only AWS identity"),
		AssumeRolePolicy: pulumi.String(taskTrustPolicy(b.partition, b.region, b.account)),
		Tags:             b.tags(),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("task role: %w", err)
	}
	b.comp.TaskRole = taskRole
	taskAttach, err := iam.NewRolePolicyAttachment(b.ctx, b.child("task-role-s3"), &iam.RolePolicyAttachmentArgs{
		Role:      b.known(a.TaskRoleName, taskRole),
		PolicyArn: b.known(policyArn(b.partition, b.account, a.PolicyName), policy),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("task policy attachment: %w", err)
	}
	taskRoleARN := b.known(roleArn(b.partition, b.account, a.TaskRoleName), taskRole)
	b.comp.TaskRoleArn = taskRoleARN

	// 4. The execution role: never any S3.
	execRoleARN, execGrants, err := b.executionRole()
	if err != nil {
		return err
	}
	b.comp.ExecutionRoleArn = execRoleARN

	// 5. The log group.
	logGroupName := "/ecs/" + a.Family
	logGroup, err := cloudwatch.NewLogGroup(b.ctx, b.child("logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            b.tags(),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("log group: %w", err)
	}
	b.comp.LogGroup = logGroup
	b.comp.LogGroupName = b.known(logGroupName, logGroup)

	// 6. The task definition. It depends on every grant to both roles, so that a per-resource
	// analyzer has seen them before it sees the task definition naming the roles.
	var containers pulumi.StringOutput
	if a.BucketName != "" {
		containers = b.known(containerDefinitionsJSON(a, a.BucketName, b.region, logGroupName), bucket, logGroup)
	} else {
		containers = pulumi.All(bucket.Bucket, b.comp.LogGroupName).ApplyT(func(vs []any) string {
			return containerDefinitionsJSON(a, vs[0].(string), b.region, logGroupName)
		}).(pulumi.StringOutput)
	}
	deps := append([]pulumi.Resource{taskAttach, logGroup}, execGrants...)
	taskDef, err := ecs.NewTaskDefinition(b.ctx, b.child("task"), &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(a.Family),
		Cpu:                     pulumi.String(strconv.Itoa(a.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(a.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(a.CPUArchitecture),
		},
		ExecutionRoleArn:     execRoleARN,
		TaskRoleArn:          taskRoleARN,
		ContainerDefinitions: containers,
		Tags:                 b.tags(),
	}, b.parent, pulumi.DependsOn(deps))
	if err != nil {
		return fmt.Errorf("task definition: %w", err)
	}
	b.comp.TaskDefinition = taskDef
	b.comp.TaskDefinitionArn = taskDef.Arn

	// 7. Outputs.
	b.comp.StorageYml = pulumi.String(StorageYml(b.region)).ToStringOutput()
	if err := b.ctx.RegisterResourceOutputs(b.comp, pulumi.Map{
		"bucketName":        b.comp.BucketName,
		"bucketArn":         b.comp.BucketArn,
		"taskRoleArn":       b.comp.TaskRoleArn,
		"executionRoleArn":  b.comp.ExecutionRoleArn,
		"taskDefinitionArn": b.comp.TaskDefinitionArn,
		"logGroupName":      b.comp.LogGroupName,
		"taskPolicy":        b.comp.TaskPolicy,
		"storageYml":        b.comp.StorageYml,
	}); err != nil {
		return fmt.Errorf("register outputs: %w", err)
	}
	return nil
}

// lookupAccount reads the account, partition and region from the provider the component uses.
func (b *builder) lookupAccount() error {
	id, err := aws.GetCallerIdentity(b.ctx, &aws.GetCallerIdentityArgs{}, b.parent)
	if err != nil {
		return fmt.Errorf("look up the AWS account (aws:index/getCallerIdentity): %w", err)
	}
	if !accountIDRe.MatchString(id.AccountId) {
		return fmt.Errorf("the AWS account ID %q returned by getCallerIdentity is not 12 digits", id.AccountId)
	}
	reg, err := aws.GetRegion(b.ctx, &aws.GetRegionArgs{}, b.parent)
	if err != nil {
		return fmt.Errorf("look up the AWS region (aws:index/getRegion): %w", err)
	}
	if !regionRe.MatchString(reg.Name) {
		return fmt.Errorf("the region %q returned by getRegion is not an AWS region name; set aws:region", reg.Name)
	}
	b.account, b.region = id.AccountId, reg.Name
	b.partition = partitionOf(id.Arn, reg.Name)
	return nil
}

// partitionOf takes the partition from the caller's ARN, or else infers it from the region.
func partitionOf(callerArn, region string) string {
	if m := arnPartRe.FindStringSubmatch(callerArn); m != nil {
		return m[1]
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}

func (b *builder) lifecycle(bucket *s3.BucketV2, versioning pulumi.Resource) error {
	a := b.args
	rules := s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("abort-incomplete-multipart-uploads"),
		Status: pulumi.String("Enabled"),
		Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(a.AbortIncompleteMultipartUploadDays),
		},
	}}
	opts := []pulumi.ResourceOption{b.parent}
	if versioning != nil {
		// Active Storage deletes without a version ID, which on a versioned bucket only adds a
		// delete marker: expire what purge leaves behind, and the markers once alone.
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-noncurrent-versions"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(a.NoncurrentVersionExpirationDays),
			},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
				ExpiredObjectDeleteMarker: pulumi.Bool(true),
			},
		})
		// AWS recommends configuring versioning before lifecycle rules that depend on it.
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{versioning}))
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, b.child("lifecycle"), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  rules,
	}, opts...); err != nil {
		return fmt.Errorf("lifecycle: %w", err)
	}
	return nil
}

// executionRole creates the execution role (or takes the configured one) and returns its ARN and
// the resources granting it permissions.
func (b *builder) executionRole() (pulumi.StringOutput, []pulumi.Resource, error) {
	a := b.args
	if a.ExecutionRoleArn != "" {
		return pulumi.String(a.ExecutionRoleArn).ToStringOutput(), nil, nil
	}
	role, err := iam.NewRole(b.ctx, b.child("execution-role"), &iam.RoleArgs{
		Name:             pulumi.String(a.ExecutionRoleName),
		Description:      pulumi.String("ECS task execution role of the " + a.Environment + " Rails app: image pull, logs, secrets; no S3"),
		AssumeRolePolicy: pulumi.String(executionTrustPolicy()),
		Tags:             b.tags(),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, nil, fmt.Errorf("execution role: %w", err)
	}
	b.comp.ExecutionRole = role
	roleName := b.known(a.ExecutionRoleName, role)
	managed, err := iam.NewRolePolicyAttachment(b.ctx, b.child("execution-role-managed"), &iam.RolePolicyAttachmentArgs{
		Role:      roleName,
		PolicyArn: pulumi.String(managedExecutionPolicyArn(b.partition)),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, nil, fmt.Errorf("execution role policy attachment: %w", err)
	}
	grants := []pulumi.Resource{managed}
	if doc := secretsReadPolicy(a.Secrets); doc != "" {
		rp, err := iam.NewRolePolicy(b.ctx, b.child("execution-role-secrets"), &iam.RolePolicyArgs{
			Name:   pulumi.String(a.Environment + "_read_app_secrets"),
			Role:   roleName,
			Policy: pulumi.String(doc),
		}, b.parent)
		if err != nil {
			return pulumi.StringOutput{}, nil, fmt.Errorf("execution role secrets policy: %w", err)
		}
		grants = append(grants, rp)
	}
	return b.known(roleArn(b.partition, b.account, a.ExecutionRoleName), role), grants, nil
}

// inputs is what the component records as its inputs (RegisterComponentResourceV2), so that
// analyzers see the settings the children were built from.
func (a ActiveStorageArgs) inputs() pulumi.Map {
	m := pulumi.Map{
		"environment":                        pulumi.String(a.Environment),
		"forceDestroy":                       pulumi.Bool(a.ForceDestroy),
		"protectBucket":                      pulumi.Bool(a.ProtectBucket),
		"versioning":                         pulumi.Bool(a.Versioning),
		"noncurrentVersionExpirationDays":    pulumi.Int(a.NoncurrentVersionExpirationDays),
		"abortIncompleteMultipartUploadDays": pulumi.Int(a.AbortIncompleteMultipartUploadDays),
		"allowAbortMultipartUpload":          pulumi.Bool(a.AllowAbortMultipartUpload),
		"policyName":                         pulumi.String(a.PolicyName),
		"taskRoleName":                       pulumi.String(a.TaskRoleName),
		"family":                             pulumi.String(a.Family),
		"containerName":                      pulumi.String(a.ContainerName),
		"image":                              pulumi.String(a.Image),
		"containerPort":                      pulumi.Int(a.ContainerPort),
		"cpu":                                pulumi.Int(a.CPU),
		"memory":                             pulumi.Int(a.Memory),
		"cpuArchitecture":                    pulumi.String(a.CPUArchitecture),
		"logRetentionDays":                   pulumi.Int(a.LogRetentionDays),
	}
	optional := map[string]string{
		"bucketName":        a.BucketName,
		"kmsKeyArn":         a.KMSKeyArn,
		"executionRoleName": a.ExecutionRoleName,
		"executionRoleArn":  a.ExecutionRoleArn,
	}
	for k, v := range optional {
		if v != "" {
			m[k] = pulumi.String(v)
		}
	}
	if len(a.CORSOrigins) > 0 {
		m["corsOrigins"] = pulumi.ToStringArray(a.CORSOrigins)
	}
	if len(a.ContainerEnv) > 0 {
		m["containerEnv"] = pulumi.ToStringMap(a.ContainerEnv)
	}
	if len(a.Secrets) > 0 {
		m["secrets"] = pulumi.ToStringMap(a.Secrets)
	}
	if len(a.Tags) > 0 {
		m["tags"] = pulumi.ToStringMap(a.Tags)
	}
	return m
}
