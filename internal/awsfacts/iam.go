package awsfacts

import "regexp"

// IAM name rules (IAM API reference: CreateRole, CreatePolicy).
var (
	roleNameRe   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
)

// IsRoleName reports whether IAM accepts s as a role name.
func IsRoleName(s string) bool { return roleNameRe.MatchString(s) }

// IsPolicyName reports whether IAM accepts s as a managed or inline policy name.
func IsPolicyName(s string) bool { return policyNameRe.MatchString(s) }

// IAMPolicyVersion is the policy language version every document the program writes uses.
const IAMPolicyVersion = "2012-10-17"

// AWSManagedPolicyAccount is the account part of every AWS managed policy's ARN
// (arn:<partition>:iam::aws:policy/<path/>name).
const AWSManagedPolicyAccount = "aws"

// IsAWSManagedPolicyARN reports whether s is the ARN of an AWS managed policy (any partition).
func IsAWSManagedPolicyARN(s string) bool {
	r, ok := ParsePolicyARN(s)
	return ok && r.Account == AWSManagedPolicyAccount
}
