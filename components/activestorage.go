// Package components holds the ActiveStorage component: a private S3 bucket for Rails Active
// Storage, the ECS task role that alone may use it (no access key anywhere), a separate execution
// role, a log group and the Fargate task definition that ties them together.
package components

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// ActiveStorageType is the component's type token.
const ActiveStorageType = "railsapp:storage:ActiveStorage"

// DestroyGuardType is the type token of the component's destroy guard (see NewActiveStorage).
const DestroyGuardType = "railsapp:storage:DestroyGuard"

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

// NewActiveStorage validates args, then registers the component and its children. Invalid args
// are refused before anything is registered (the only calls made first are the provider's
// getCallerIdentity and getRegion, whose region the ARNs are checked against).
//
// Data safety, with the default ProtectBucket and RetainBucket: the bucket and the resources that
// guard it (public access block, ownership controls, encryption, TLS-only policy, versioning,
// lifecycle) are protected and retained on delete, and a protected destroy guard, registered last
// and depending on every child, makes `pulumi destroy` fail on its first step, so a destroy
// changes nothing at all (see docs/configuration.md for how to really delete such a stack).
//
// Every child is named "<name>-<role>" and parented to the component, so a rename of the
// component or of its type needs only pulumi.Aliases on the component: the engine derives each
// child's former URN from it, and nothing is replaced.
func NewActiveStorage(ctx *pulumi.Context, name string, args *ActiveStorageArgs,
	opts ...pulumi.ResourceOption,
) (*ActiveStorage, error) {
	if args == nil {
		return nil, errors.New("ActiveStorage: args are required (at least Environment and Image)")
	}
	if name == "" {
		return nil, errors.New("ActiveStorage: the resource name is empty")
	}
	b := &builder{ctx: ctx, name: name, args: args.withDefaults()}
	if err := b.lookupAccount(opts); err != nil {
		return nil, fmt.Errorf("ActiveStorage %q: %w", name, err)
	}
	secrets, err := args.validate(b.region)
	if err != nil {
		return nil, err
	}
	b.secrets = secrets

	b.comp = &ActiveStorage{}
	if err := ctx.RegisterComponentResourceV2(ActiveStorageType, name, b.args.inputs(), b.comp, opts...); err != nil {
		return nil, fmt.Errorf("register %s %q: %w", ActiveStorageType, name, err)
	}
	b.parent = pulumi.Parent(b.comp)
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("ActiveStorage %q: %w", name, err)
	}
	return b.comp, nil
}

// builder carries what the child resources share while they are created.
type builder struct {
	ctx  *pulumi.Context
	name string
	args ActiveStorageArgs // with defaults
	// secrets are args.Secrets as parsed by validate, by variable name.
	secrets map[string]awsfacts.SecretRef
	comp    *ActiveStorage
	parent  pulumi.ResourceOrInvokeOption

	account, partition, region string

	bucket      *s3.BucketV2
	bucketName  pulumi.StringOutput
	bucketARN   pulumi.StringOutput
	pab         *s3.BucketPublicAccessBlock
	versioning  *s3.BucketVersioningV2
	taskPolicy  *iam.Policy
	execRoleARN pulumi.StringOutput
	// grants are the resources giving either role a permission; the task definition depends on
	// them so that a per-resource analyzer sees every grant before the roles are put to use.
	grants []pulumi.Resource
	// children are every child resource, for the destroy guard.
	children []pulumi.Resource
}

func (b *builder) build() error {
	steps := []struct {
		what string
		make func() error
	}{
		{"bucket", b.makeBucket},
		{"public access block", b.makePublicAccessBlock},
		{"ownership controls", b.makeOwnershipControls},
		{"encryption", b.makeEncryption},
		{"bucket policy", b.makeTLSOnlyPolicy},
		{"versioning", b.makeVersioning},
		{"lifecycle", b.makeLifecycle},
		{"cors", b.makeCORS},
		{"task policy", b.makeTaskPolicy},
		{"task role", b.makeTaskRole},
		{"task role policy attachment", b.makeTaskRoleAttachment},
		{"ECS Exec policy", b.makeExecCommandPolicy},
		{"execution role", b.makeExecutionRole},
		{"log group", b.makeLogGroup},
		{"task definition", b.makeTaskDefinition},
		{"destroy guard", b.makeDestroyGuard},
		{"outputs", b.registerOutputs},
	}
	for _, s := range steps {
		if err := s.make(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	return nil
}

func (b *builder) child(suffix string) string { return b.name + "-" + suffix }

// keep records a created child for the destroy guard and passes its error on.
func (b *builder) keep(r pulumi.Resource, err error) error {
	if err == nil {
		b.children = append(b.children, r)
	}
	return err
}

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

// dataOpts are the options of the bucket and of every resource that guards its data: protected
// and retained on delete together, so no Pulumi operation strips the bucket of its safeguards.
func (b *builder) dataOpts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{b.parent,
		pulumi.Protect(isTrue(b.args.ProtectBucket)),
		pulumi.RetainOnDelete(isTrue(b.args.RetainBucket)),
	}, extra...)
}

// lookupAccount reads the account, partition and region from the provider the component will
// use: the caller's provider options, or the parent's provider.
func (b *builder) lookupAccount(opts []pulumi.ResourceOption) error {
	invokeOpts, err := invokeOptions(opts)
	if err != nil {
		return err
	}
	id, err := aws.GetCallerIdentity(b.ctx, &aws.GetCallerIdentityArgs{}, invokeOpts...)
	if err != nil {
		return fmt.Errorf("look up the AWS account (%s): %w", awsfacts.InvokeGetCallerIdentity, err)
	}
	if !awsfacts.IsAccountID(id.AccountId) {
		return fmt.Errorf("the AWS account ID %q returned by getCallerIdentity is not 12 digits", id.AccountId)
	}
	reg, err := aws.GetRegion(b.ctx, &aws.GetRegionArgs{}, invokeOpts...)
	if err != nil {
		return fmt.Errorf("look up the AWS region (%s): %w", awsfacts.InvokeGetRegion, err)
	}
	if !awsfacts.IsRegion(reg.Name) {
		return fmt.Errorf("the region %q returned by getRegion is not an AWS region name; set aws:region", reg.Name)
	}
	b.account, b.region = id.AccountId, reg.Name
	// The caller's ARN names the partition; the region's is the fallback for a provider that
	// returns no ARN.
	if a, err := awsfacts.ParseARN(id.Arn); err == nil {
		b.partition = a.Partition
	} else {
		b.partition = awsfacts.PartitionOfRegion(reg.Name)
	}
	return nil
}

// invokeOptions turns the component's provider and parent options into invoke options, so the
// lookups run against the provider the children will use.
func invokeOptions(opts []pulumi.ResourceOption) ([]pulumi.InvokeOption, error) {
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, fmt.Errorf("read the component's options: %w", err)
	}
	var out []pulumi.InvokeOption
	if ro.Parent != nil {
		out = append(out, pulumi.Parent(ro.Parent))
	}
	for _, p := range append([]pulumi.ProviderResource{ro.Provider}, ro.Providers...) {
		if awsp, ok := p.(*aws.Provider); ok {
			out = append(out, pulumi.Provider(awsp))
			break
		}
	}
	return out, nil
}

// makeBucket creates the bucket. With a configured name, its name and ARN are known now (and the
// documents built from them are known at preview); otherwise they come from the bucket.
func (b *builder) makeBucket() error {
	a := b.args
	bucketArgs := &s3.BucketV2Args{ForceDestroy: pulumi.Bool(a.ForceDestroy), Tags: b.tags()}
	if a.BucketName != "" {
		bucketArgs.Bucket = pulumi.String(a.BucketName)
	}
	bucket, err := s3.NewBucketV2(b.ctx, b.child("bucket"), bucketArgs, b.dataOpts()...)
	if err := b.keep(bucket, err); err != nil {
		return err
	}
	b.bucket, b.comp.Bucket = bucket, bucket
	if a.BucketName != "" {
		b.bucketName = b.known(a.BucketName, bucket)
		b.bucketARN = b.known(awsfacts.BucketARN(b.partition, a.BucketName), bucket)
	} else {
		b.bucketName, b.bucketARN = bucket.Bucket, bucket.Arn
	}
	b.comp.BucketName, b.comp.BucketArn = b.bucketName, b.bucketARN
	return nil
}

func (b *builder) makePublicAccessBlock() error {
	pab, err := s3.NewBucketPublicAccessBlock(b.ctx, b.child("public-access-block"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, b.dataOpts()...)
	err = b.keep(pab, err)
	b.pab = pab
	return err
}

func (b *builder) makeOwnershipControls() error {
	r, err := s3.NewBucketOwnershipControls(b.ctx, b.child("ownership-controls"), &s3.BucketOwnershipControlsArgs{
		Bucket: b.bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.dataOpts()...)
	return b.keep(r, err)
}

func (b *builder) makeEncryption() error {
	byDefault := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	var bucketKey pulumi.BoolPtrInput
	if key := b.args.KMSKeyArn; key != "" {
		byDefault = &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: pulumi.String(key),
		}
		bucketKey = pulumi.Bool(true) // fewer KMS calls, lower cost
	}
	r, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, b.child("encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: byDefault,
			BucketKeyEnabled:                   bucketKey,
		}},
	}, b.dataOpts()...)
	return b.keep(r, err)
}

// makeTLSOnlyPolicy: the policy only denies; ordering it after the public access block avoids
// racing S3's "block public policy" evaluation on the same bucket.
func (b *builder) makeTLSOnlyPolicy() error {
	r, err := s3.NewBucketPolicy(b.ctx, b.child("tls-only-policy"), &s3.BucketPolicyArgs{
		Bucket: b.bucket.ID(),
		Policy: b.bucketARN.ApplyT(tlsOnlyBucketPolicy).(pulumi.StringOutput),
	}, b.dataOpts(pulumi.DependsOn([]pulumi.Resource{b.pab}))...)
	return b.keep(r, err)
}

func (b *builder) makeVersioning() error {
	if !isTrue(b.args.Versioning) {
		return nil
	}
	v, err := s3.NewBucketVersioningV2(b.ctx, b.child("versioning"), &s3.BucketVersioningV2Args{
		Bucket:                  b.bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, b.dataOpts()...)
	err = b.keep(v, err)
	b.versioning = v
	return err
}

func (b *builder) makeLifecycle() error {
	a := b.args
	rules := s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("abort-incomplete-multipart-uploads"),
		Status: pulumi.String("Enabled"),
		Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(a.AbortIncompleteMultipartUploadDays),
		},
	}}
	var extra []pulumi.ResourceOption
	if b.versioning != nil {
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
		extra = append(extra, pulumi.DependsOn([]pulumi.Resource{b.versioning}))
	}
	r, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, b.child("lifecycle"), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.bucket.ID(),
		Rules:  rules,
	}, b.dataOpts(extra...)...)
	return b.keep(r, err)
}

// makeCORS allows Active Storage direct uploads. It does not guard the data, so it is neither
// protected nor retained.
func (b *builder) makeCORS() error {
	origins := b.args.CORSOrigins
	if len(origins) == 0 {
		return nil
	}
	r, err := s3.NewBucketCorsConfigurationV2(b.ctx, b.child("cors"), &s3.BucketCorsConfigurationV2Args{
		Bucket: b.bucket.ID(),
		CorsRules: s3.BucketCorsConfigurationV2CorsRuleArray{&s3.BucketCorsConfigurationV2CorsRuleArgs{
			Id:             pulumi.String("active-storage-direct-uploads"),
			AllowedMethods: pulumi.ToStringArray([]string{"PUT"}),
			AllowedHeaders: pulumi.ToStringArray([]string{"Content-Type", "Content-MD5", "Content-Disposition"}),
			AllowedOrigins: pulumi.ToStringArray(origins),
			MaxAgeSeconds:  pulumi.Int(3600),
		}},
	}, b.parent)
	return b.keep(r, err)
}

// makeTaskPolicy creates the least-privilege S3 policy of the task role.
func (b *builder) makeTaskPolicy() error {
	a := b.args
	var doc pulumi.StringOutput
	if a.BucketName != "" {
		doc = b.known(taskPolicyDocument(awsfacts.BucketARN(b.partition, a.BucketName), a.AllowAbortMultipartUpload, a.KMSKeyArn), b.bucket)
	} else {
		doc = b.bucket.Arn.ApplyT(func(arn string) string {
			return taskPolicyDocument(arn, a.AllowAbortMultipartUpload, a.KMSKeyArn)
		}).(pulumi.StringOutput)
	}
	b.comp.TaskPolicy = doc
	policy, err := iam.NewPolicy(b.ctx, b.child("s3-policy"), &iam.PolicyArgs{
		Name:        pulumi.String(a.PolicyName),
		Description: pulumi.String("Active Storage (" + a.Environment + "): list the bucket, read, write and delete its objects"),
		Policy:      doc,
		Tags:        b.tags(),
	}, b.parent)
	err = b.keep(policy, err)
	b.taskPolicy = policy
	return err
}

func (b *builder) makeTaskRole() error {
	a := b.args
	role, err := iam.NewRole(b.ctx, b.child("task-role"), &iam.RoleArgs{
		Name:             pulumi.String(a.TaskRoleName),
		Description:      pulumi.String("ECS task role of the " + a.Environment + " Rails app: its only AWS identity"),
		AssumeRolePolicy: pulumi.String(taskTrustPolicy(b.partition, b.region, b.account)),
		Tags:             b.tags(),
	}, b.parent)
	if err := b.keep(role, err); err != nil {
		return err
	}
	b.comp.TaskRole = role
	b.comp.TaskRoleArn = b.known(awsfacts.RoleARN(b.partition, b.account, "", a.TaskRoleName), role)
	return nil
}

func (b *builder) makeTaskRoleAttachment() error {
	a := b.args
	att, err := iam.NewRolePolicyAttachment(b.ctx, b.child("task-role-s3"), &iam.RolePolicyAttachmentArgs{
		Role:      b.known(a.TaskRoleName, b.comp.TaskRole),
		PolicyArn: b.known(awsfacts.PolicyARN(b.partition, b.account, "", a.PolicyName), b.taskPolicy),
	}, b.parent)
	err = b.keep(att, err)
	b.grants = append(b.grants, att)
	return err
}

// makeExecCommandPolicy gives the task role exactly what ECS Exec needs, when it is enabled.
func (b *builder) makeExecCommandPolicy() error {
	a := b.args
	if !a.EnableExecCommand {
		return nil
	}
	rp, err := iam.NewRolePolicy(b.ctx, b.child("task-role-exec"), &iam.RolePolicyArgs{
		Name:   pulumi.String(a.Environment + "_ecs_exec"),
		Role:   b.known(a.TaskRoleName, b.comp.TaskRole),
		Policy: pulumi.String(execCommandPolicyDocument()),
	}, b.parent)
	err = b.keep(rp, err)
	b.grants = append(b.grants, rp)
	return err
}

// makeExecutionRole creates the execution role with the managed ECS policy and read access to
// exactly the configured secrets (and their keys), or takes the configured role. Never any S3.
func (b *builder) makeExecutionRole() error {
	a := b.args
	if a.ExecutionRoleArn != "" {
		b.execRoleARN = pulumi.String(a.ExecutionRoleArn).ToStringOutput()
		b.comp.ExecutionRoleArn = b.execRoleARN
		return nil
	}
	role, err := iam.NewRole(b.ctx, b.child("execution-role"), &iam.RoleArgs{
		Name:             pulumi.String(a.ExecutionRoleName),
		Description:      pulumi.String("ECS task execution role of the " + a.Environment + " Rails app: image pull, logs, secrets; no S3"),
		AssumeRolePolicy: pulumi.String(executionTrustPolicy()),
		Tags:             b.tags(),
	}, b.parent)
	if err := b.keep(role, err); err != nil {
		return err
	}
	b.comp.ExecutionRole = role
	roleName := b.known(a.ExecutionRoleName, role)
	managed, err := iam.NewRolePolicyAttachment(b.ctx, b.child("execution-role-managed"), &iam.RolePolicyAttachmentArgs{
		Role:      roleName,
		PolicyArn: pulumi.String(awsfacts.ExecutionRolePolicyARN(b.partition)),
	}, b.parent)
	if err := b.keep(managed, err); err != nil {
		return fmt.Errorf("managed policy attachment: %w", err)
	}
	b.grants = append(b.grants, managed)
	if doc := secretsReadPolicy(b.secrets, a.SecretsKMSKeyArns); doc != "" {
		rp, err := iam.NewRolePolicy(b.ctx, b.child("execution-role-secrets"), &iam.RolePolicyArgs{
			Name:   pulumi.String(a.Environment + "_read_app_secrets"),
			Role:   roleName,
			Policy: pulumi.String(doc),
		}, b.parent)
		if err := b.keep(rp, err); err != nil {
			return fmt.Errorf("secrets policy: %w", err)
		}
		b.grants = append(b.grants, rp)
	}
	b.execRoleARN = b.known(awsfacts.RoleARN(b.partition, b.account, "", a.ExecutionRoleName), role)
	b.comp.ExecutionRoleArn = b.execRoleARN
	return nil
}

func (b *builder) makeLogGroup() error {
	a := b.args
	name := "/ecs/" + a.Family
	lg, err := cloudwatch.NewLogGroup(b.ctx, b.child("logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(name),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            b.tags(),
	}, b.parent)
	if err := b.keep(lg, err); err != nil {
		return err
	}
	b.comp.LogGroup = lg
	b.comp.LogGroupName = b.known(name, lg)
	return nil
}

// makeTaskDefinition registers the Fargate task definition. It depends on every grant to both
// roles, so that a per-resource analyzer has seen them before it sees the task definition naming
// the roles. With KeepTaskDefinitionRevisions, a replaced revision stays registered (skipDestroy)
// so a service can be rolled back to it.
func (b *builder) makeTaskDefinition() error {
	a := b.args
	logGroupName := "/ecs/" + a.Family
	var containers pulumi.StringOutput
	if a.BucketName != "" {
		containers = b.known(containerDefinitionsJSON(a, a.BucketName, b.region, logGroupName), b.bucket, b.comp.LogGroup)
	} else {
		containers = pulumi.All(b.bucket.Bucket, b.comp.LogGroupName).ApplyT(func(vs []any) string {
			return containerDefinitionsJSON(a, vs[0].(string), b.region, logGroupName)
		}).(pulumi.StringOutput)
	}
	var skipDestroy pulumi.BoolPtrInput
	if isTrue(a.KeepTaskDefinitionRevisions) {
		skipDestroy = pulumi.Bool(true)
	}
	deps := append([]pulumi.Resource{b.comp.LogGroup}, b.grants...)
	td, err := ecs.NewTaskDefinition(b.ctx, b.child("task"), &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(a.Family),
		Cpu:                     pulumi.String(strconv.Itoa(a.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(a.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(a.CPUArchitecture),
		},
		ExecutionRoleArn:     b.execRoleARN,
		TaskRoleArn:          b.comp.TaskRoleArn,
		ContainerDefinitions: containers,
		SkipDestroy:          skipDestroy,
		Tags:                 b.tags(),
	}, b.parent, pulumi.DependsOn(deps))
	if err := b.keep(td, err); err != nil {
		return err
	}
	b.comp.TaskDefinition = td
	b.comp.TaskDefinitionArn = td.Arn
	return nil
}

// destroyGuard is a resource with no cloud counterpart that depends on every child of the
// component. A destroy deletes dependents first, so it is the first and only resource of the
// destroy's first step; protected, its delete fails, and the engine then deletes nothing it
// depends on: the whole stack stays as it was.
type destroyGuard struct {
	pulumi.ResourceState
}

// makeDestroyGuard registers the guard, protected when the bucket is. It is registered (then
// unprotected) when the bucket is not protected too, so that turning protection off is a plain
// `pulumi up`.
func (b *builder) makeDestroyGuard() error {
	protect := isTrue(b.args.ProtectBucket)
	inputs := pulumi.Map{"protected": pulumi.Bool(protect)}
	if protect {
		inputs["howToDelete"] = pulumi.String("set protectBucket to false (railsapp:protectBucket), run pulumi up, then pulumi destroy; " +
			"with retainBucket the bucket and its objects stay in AWS")
	}
	guard := &destroyGuard{}
	if err := b.ctx.RegisterComponentResourceV2(DestroyGuardType, b.child("destroy-guard"), inputs, guard,
		b.parent, pulumi.Protect(protect), pulumi.DependsOn(b.children)); err != nil {
		return err
	}
	return b.ctx.RegisterResourceOutputs(guard, pulumi.Map{})
}

func (b *builder) registerOutputs() error {
	b.comp.StorageYml = pulumi.String(StorageYml(b.region)).ToStringOutput()
	return b.ctx.RegisterResourceOutputs(b.comp, pulumi.Map{
		"bucketName":        b.comp.BucketName,
		"bucketArn":         b.comp.BucketArn,
		"taskRoleArn":       b.comp.TaskRoleArn,
		"executionRoleArn":  b.comp.ExecutionRoleArn,
		"taskDefinitionArn": b.comp.TaskDefinitionArn,
		"logGroupName":      b.comp.LogGroupName,
		"taskPolicy":        b.comp.TaskPolicy,
		"storageYml":        b.comp.StorageYml,
	})
}

// inputs is what the component records as its inputs (RegisterComponentResourceV2), so that
// analyzers see the settings the children were built from.
func (a ActiveStorageArgs) inputs() pulumi.Map {
	m := pulumi.Map{}
	for _, s := range settings {
		if v := s.bind.input(&a); v != nil {
			m[s.Key] = v
		}
	}
	return m
}
