package pack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// policy is one policy of the pack: its metadata, a per-resource check and/or a stack check.
type policy struct {
	info    plugin.AnalyzerPolicyInfo
	analyze func(*resourceCtx) []finding
	stack   func(*graph) []finding
}

// allPolicies lists every policy, mandatory ones first. Each lives in its own file.
var allPolicies = []*policy{
	execRoleNoS3Policy,
	noEmbeddedCredentialsPolicy,
	bucketPrivatePolicy,
	bucketTLSOnlyPolicy,
	bucketEncryptionPolicy,
	s3LeastPrivilegePolicy,
	taskRoleTrustPolicy,
	distinctRolesPolicy,
	taskRoleForS3Policy,
	credentialChainPolicy,
}

// Policy names (stable: organizations reference them in config and exceptions).
const (
	NoS3OnExecutionRole         = "no-s3-on-ecs-execution-role"
	NoEmbeddedAWSCredentials    = "no-embedded-aws-credentials"
	S3BucketPrivate             = "s3-bucket-private"
	S3BucketTLSOnly             = "s3-bucket-tls-only"
	S3BucketEncryption          = "s3-bucket-default-encryption"
	S3LeastPrivilege            = "s3-least-privilege"
	ECSTaskRoleTrust            = "ecs-task-role-trust"
	ECSDistinctRoles            = "ecs-distinct-task-and-execution-roles"
	ECSTaskRoleForS3            = "ecs-task-definition-has-task-role"
	ECSCredentialChainUntouched = "ecs-credential-chain-untouched"
)

func policyByName(name string) *policy {
	for _, p := range allPolicies {
		if p.info.Name == name {
			return p
		}
	}
	return nil
}

// PolicyNames returns the names of every policy in the pack, mandatory ones first.
func PolicyNames() []string {
	out := make([]string, len(allPolicies))
	for i, p := range allPolicies {
		out[i] = p.info.Name
	}
	return out
}
