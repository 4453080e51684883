package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// leastPrivilegeConfig is the config of s3-least-privilege.
type leastPrivilegeConfig struct {
	ResourceWildcardAllowedActions []string `json:"resourceWildcardAllowedActions"`
}

// s3LeastPrivilegePolicy warns about S3 grants wider than one bucket and the actions used
// (checkov CKV_AWS_63/62/355, trivy AWS-0345/0346, cdk-nag IAM5, Security Hub IAM.21). Unlike
// those, it matches actions like IAM does (s3:*, S3:*, *:*, NotAction) and treats the object-key
// wildcard bucket/* as scoped.
var s3LeastPrivilegePolicy = newPolicy(spec[leastPrivilegeConfig]{
	info: AnalyzerPolicyInfo{
		Name:        S3LeastPrivilege,
		DisplayName: "S3 grants are least privilege",
		Description: "No Allow statement in an IAM policy, role policy, role inline policy, user/group policy or " +
			"bucket policy grants every S3 action (s3:*, *), uses NotAction or NotResource, or applies S3 actions " +
			"to every bucket (*, arn:aws:s3:::*).",
		Message: "List the actions the application uses (Active Storage: s3:ListBucket on the bucket; " +
			"s3:GetObject, s3:PutObject, s3:DeleteObject on bucket/*) and name the bucket.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityHigh,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "s3"},
		RemediationSteps: "Replace wildcard actions with the actions used, and `*` resources with " +
			"arn:aws:s3:::<bucket> and arn:aws:s3:::<bucket>/*.",
		ConfigSchema: &AnalyzerPolicyConfigSchema{Properties: map[string]JSONSchema{
			"resourceWildcardAllowedActions": stringListSchema(
				"S3 actions that only accept Resource \"*\" and may be granted on it.",
				[]string{"s3:ListAllMyBuckets", "s3:ListAccessPoints", "s3:ListJobs", "s3:CreateJob"}),
		}},
	},
	types: []string{awsfacts.TypePolicy, awsfacts.TypeRolePolicy, awsfacts.TypeUserPolicy, awsfacts.TypeGroupPolicy,
		awsfacts.TypeBucketPolicy, awsfacts.TypeRole},
	checkResource: checkS3LeastPrivilege,
})

func checkS3LeastPrivilege(rc *resourceCtx, c *leastPrivilegeConfig) []finding {
	type docRef struct {
		label string
		props resource.PropertyMap
	}
	var docs []docRef
	if string(rc.Type) == awsfacts.TypeRole {
		inline, _ := getObjects(rc.Properties, "inlinePolicies")
		for _, ip := range inline {
			docs = append(docs, docRef{fmt.Sprintf("inline policy %q", getString(ip, "name").s), ip})
		}
	} else {
		docs = append(docs, docRef{"policy", rc.Properties})
	}
	var msgs []string
	for _, d := range docs {
		dv := rc.docs.judgeValue(d.props, "policy")
		if dv.state != docGrantsS3 {
			// Unknown at preview or malformed (the execution-role check handles malformed
			// documents), or no statement reaches S3: a broad statement is one that does.
			continue
		}
		for _, b := range dv.doc.BroadS3Statements(c.ResourceWildcardAllowedActions) {
			msgs = append(msgs, fmt.Sprintf("The %s, %s.", d.label, b))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return []finding{{urn: rc.URN, outcome: fail, msg: strings.Join(msgs, "\n")}}
}
