package awsfacts

// Resource type tokens of the pulumi-aws provider (v6), as the engine reports them. The v7
// un-suffixed S3 names are listed too, so that checks keep working across the upgrade.
const (
	TypeRole                           = "aws:iam/role:Role"
	TypePolicy                         = "aws:iam/policy:Policy"
	TypeRolePolicy                     = "aws:iam/rolePolicy:RolePolicy"
	TypeRolePolicyAttachment           = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	TypeRolePolicyAttachmentsExclusive = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
	TypeRolePoliciesExclusive          = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"
	TypePolicyAttachment               = "aws:iam/policyAttachment:PolicyAttachment"
	TypeUser                           = "aws:iam/user:User"
	TypeUserPolicy                     = "aws:iam/userPolicy:UserPolicy"
	TypeGroupPolicy                    = "aws:iam/groupPolicy:GroupPolicy"
	TypeAccessKey                      = "aws:iam/accessKey:AccessKey"

	TypeTaskDefinition = "aws:ecs/taskDefinition:TaskDefinition"
	TypeLogGroup       = "aws:cloudwatch/logGroup:LogGroup"
	TypeLambdaFunction = "aws:lambda/function:Function"
	TypeSSMParameter   = "aws:ssm/parameter:Parameter"

	TypeBucketV2                 = "aws:s3/bucketV2:BucketV2"
	TypeBucket                   = "aws:s3/bucket:Bucket"
	TypeBucketPolicy             = "aws:s3/bucketPolicy:BucketPolicy"
	TypeBucketPublicAccessBlock  = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeBucketOwnershipControls  = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	TypeBucketACLV2              = "aws:s3/bucketAclV2:BucketAclV2"
	TypeBucketACL                = "aws:s3/bucketAcl:BucketAcl"
	TypeBucketSSEV2              = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeBucketSSE                = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
	TypeBucketVersioningV2       = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	TypeBucketLifecycleV2        = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	TypeBucketCorsV2             = "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"
	TypeBucketObjectV2           = "aws:s3/bucketObjectv2:BucketObjectv2"
	TypeS3AccessPoint            = "aws:s3/accessPoint:AccessPoint"
	TypeS3DirectoryBucket        = "aws:s3/directoryBucket:DirectoryBucket"
	TypeS3ControlAccessPointPol  = "aws:s3control/accessPointPolicy:AccessPointPolicy"
	TypeS3ControlObjectLambdaPol = "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy"
	TypeS3ControlMultiRegionPol  = "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy"
	TypeS3ControlBucketPolicy    = "aws:s3control/bucketPolicy:BucketPolicy"

	// Resources whose inputs commonly carry configuration, scripts and files (where keys hide).
	TypeSecretVersion        = "aws:secretsmanager/secretVersion:SecretVersion"
	TypeLaunchTemplate       = "aws:ec2/launchTemplate:LaunchTemplate"
	TypeCodeBuildProject     = "aws:codebuild/project:Project"
	TypeBeanstalkEnvironment = "aws:elasticbeanstalk/environment:Environment"
	TypeGlueJob              = "aws:glue/job:Job"
	TypeBatchJobDefinition   = "aws:batch/jobDefinition:JobDefinition"
	TypeIAMServerCertificate = "aws:iam/serverCertificate:ServerCertificate"

	TypeProvider = "pulumi:providers:aws"
	TypeStack    = "pulumi:pulumi:Stack"
)

// Invoke tokens of the pulumi-aws provider that the program calls.
const (
	InvokeGetCallerIdentity = "aws:index/getCallerIdentity:getCallerIdentity"
	InvokeGetRegion         = "aws:index/getRegion:getRegion"
	InvokeGetPartition      = "aws:index/getPartition:getPartition"
)

// IsBucketType reports whether t is a general purpose bucket resource (v6 BucketV2 or the legacy Bucket).
func IsBucketType(t string) bool { return t == TypeBucketV2 || t == TypeBucket }
