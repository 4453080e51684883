package pack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

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

// allPolicies lists every policy, mandatory ones first. Each is one value in the file named after it.
var allPolicies = []*policy{
	noS3OnExecutionRolePolicy,
	noEmbeddedCredentialsPolicy,
	s3BucketPrivatePolicy,
	s3BucketTLSOnlyPolicy,
	s3BucketEncryptionPolicy,
	s3LeastPrivilegePolicy,
	ecsTaskRoleTrustPolicy,
	ecsDistinctRolesPolicy,
	ecsTaskRoleForS3Policy,
	ecsCredentialChainPolicy,
}

// PolicyNames returns the names of every policy in the pack, mandatory ones first.
func PolicyNames() []string {
	out := make([]string, len(allPolicies))
	for i, p := range allPolicies {
		out[i] = p.info.Name
	}
	return out
}

// outcome is what a check decided about a resource or the stack; a pass is the absence of a finding.
type outcome int

const (
	// fail is a violation, reported at the policy's enforcement level.
	fail outcome = iota + 1
	// cannotDecide says the pack cannot decide yet (a value unknown during preview, a policy it
	// cannot read); reported as advisory, so it never blocks unless a policy's config says so.
	cannotDecide
)

// finding is one result of a check that is not a pass.
type finding struct {
	urn     resource.URN
	outcome outcome
	msg     string
}

// policy is one policy of the pack: its metadata (with its config schema, the one place its
// defaults are written), the resource types its resource check applies to, and how to bind its
// own properties to its checks.
type policy struct {
	info AnalyzerPolicyInfo
	// types are the resource types checkResource is called for; nil means every resource.
	types []string
	// usesJoin says the policy reads the execution-role join, so the analyzer must feed it.
	usesJoin bool
	// bind decodes the policy's own properties into its typed config and returns its checks.
	bind func(props map[string]any) (checks, error)
}

// checks are a policy's checks bound to its decoded config; either may be nil.
type checks struct {
	resource func(*resourceCtx) []finding
	stack    func(*stackCtx) []finding
}

// spec is how a policy file declares its policy; C is the policy's own config.
type spec[C any] struct {
	info          AnalyzerPolicyInfo
	types         []string
	usesJoin      bool
	checkResource func(*resourceCtx, *C) []finding
	checkStack    func(*stackCtx, *C) []finding
}

// validator is a policy config that checks (and may prepare) its decoded values beyond what its
// schema can say.
type validator interface{ validate() error }

// newPolicy builds a policy from its spec. Its config C is decoded from the policy's own
// properties only, over the defaults its schema declares.
func newPolicy[C any](s spec[C]) *policy {
	p := &policy{info: s.info, types: s.types, usesJoin: s.usesJoin}
	p.bind = func(props map[string]any) (checks, error) {
		c, err := decodeConfig[C](s.info.Name, s.info.ConfigSchema, props)
		if err != nil {
			return checks{}, err
		}
		if v, ok := any(&c).(validator); ok {
			if err := v.validate(); err != nil {
				return checks{}, fmt.Errorf("policy %s: %w", s.info.Name, err)
			}
		}
		var b checks
		if s.checkResource != nil {
			b.resource = func(rc *resourceCtx) []finding { return s.checkResource(rc, &c) }
		}
		if s.checkStack != nil {
			b.stack = func(sc *stackCtx) []finding { return s.checkStack(sc, &c) }
		}
		return b, nil
	}
	return p
}
