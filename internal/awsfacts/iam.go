package awsfacts

// IAM name rules (IAM API reference: CreateRole, CreatePolicy).
var (
	roleNameRe   = lazyMustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNameRe = lazyMustCompile(`^[\w+=,.@-]{1,128}$`)
)

// IsRoleName reports whether IAM accepts s as a role name.
func IsRoleName(s string) bool { return roleNameRe.MatchString(s) }

// IsPolicyName reports whether IAM accepts s as a managed or inline policy name.
func IsPolicyName(s string) bool { return policyNameRe.MatchString(s) }

// IAMPolicyVersion is the policy language version every document the program writes uses.
const IAMPolicyVersion = "2012-10-17"

// RoleUniqueIDPrefix starts the unique ID IAM gives every role (its `uniqueId`). A resource policy
// may name a role by it, and IAM shows it in place of the ARN once the role is deleted; the session
// of a role is `<unique ID>:<session name>` in aws:userid.
const RoleUniqueIDPrefix = "AROA"

var roleUniqueIDRe = lazyMustCompile(`^AROA[A-Z0-9]{4,124}$`)

// IsRoleUniqueID reports whether s has the shape of a role's unique ID.
func IsRoleUniqueID(s string) bool { return roleUniqueIDRe.MatchString(s) }

// AWSManagedPolicyAccount is the account part of every AWS managed policy's ARN
// (arn:<partition>:iam::aws:policy/<path/>name).
const AWSManagedPolicyAccount = "aws"

// IsAWSManagedPolicyARN reports whether s is the ARN of an AWS managed policy (any partition).
func IsAWSManagedPolicyARN(s string) bool {
	r, ok := ParsePolicyARN(s)
	return ok && r.Account == AWSManagedPolicyAccount
}
