package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resource type tokens the pack reads (pulumi-aws v6; v7 un-suffixed S3 names are included so
// that the pack survives the upgrade).
const (
	typeRole             = "aws:iam/role:Role"
	typePolicy           = "aws:iam/policy:Policy"
	typeRolePolicy       = "aws:iam/rolePolicy:RolePolicy"
	typeRolePolicyAttach = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typePolicyAttach     = "aws:iam/policyAttachment:PolicyAttachment"
	typeUserPolicy       = "aws:iam/userPolicy:UserPolicy"
	typeGroupPolicy      = "aws:iam/groupPolicy:GroupPolicy"
	typeAccessKey        = "aws:iam/accessKey:AccessKey"
	typeTaskDefinition   = "aws:ecs/taskDefinition:TaskDefinition"
	typeBucketPolicy     = "aws:s3/bucketPolicy:BucketPolicy"
	typeBucketV2         = "aws:s3/bucketV2:BucketV2"
	typeBucket           = "aws:s3/bucket:Bucket"
	typePublicAccess     = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeOwnership        = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeBucketACLV2      = "aws:s3/bucketAclV2:BucketAclV2"
	typeBucketACL        = "aws:s3/bucketAcl:BucketAcl"
	typeSSEV2            = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeSSE              = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
	typeAWSProvider      = "pulumi:providers:aws"
	typeStack            = "pulumi:pulumi:Stack"

	execManagedPolicyName = "AmazonECSTaskExecutionRolePolicy"
)

func isBucketType(t string) bool { return t == typeBucketV2 || t == typeBucket }

// defaultS3ManagedPolicies are AWS managed policies known to grant S3 actions.
var defaultS3ManagedPolicies = []string{
	"AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "AmazonS3OutpostsFullAccess",
	"AmazonS3OutpostsReadOnlyAccess", "AmazonS3ObjectLambdaExecutionRolePolicy", "AmazonS3TablesFullAccess",
	"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "DataScientist",
	"AWSDataSyncFullAccess", "AmazonElasticMapReduceFullAccess",
}

// verdict is what a policy document (or reference) means for S3.
type verdict int

const (
	noS3       verdict = iota
	grantsS3           // some Allow statement grants an S3 action
	malformed          // the document cannot be parsed: not a pass on an execution role
	undecided          // unknown at preview, or a policy outside the stack the pack cannot read
	unresolved         // an attachment whose in-stack policy must be looked up
)

// docVerdict parses a document property once and judges it.
type docVerdict struct {
	v      verdict
	detail string // grant description or parse error; never a value
	doc    *iampolicy.Document
}

// judgeValue judges the policy document in props[key], a JSON string or an object; false when the
// property is absent or empty.
func (c *docCache) judgeValue(props resource.PropertyMap, key resource.PropertyKey) (docVerdict, bool) {
	v, ok := props[key]
	if !ok {
		return docVerdict{}, false
	}
	plain, isKnown := toPlain(v)
	if !isKnown {
		return docVerdict{v: undecided, detail: "the policy document is not known yet (preview)"}, true
	}
	if plain == nil {
		return docVerdict{}, false
	}
	if text, ok := plain.(string); ok {
		if strings.TrimSpace(text) == "" {
			// An empty document is how pulumi-aws spells "no inline policy" (inlinePolicies: [{}]).
			return docVerdict{}, false
		}
		return c.judge(text), true
	}
	doc, err := iampolicy.Parse(plain)
	if err != nil {
		return docVerdict{v: malformed, detail: "the policy document cannot be read: " + err.Error()}, true
	}
	return judgeDoc(doc), true
}

func judgeDoc(doc *iampolicy.Document) docVerdict {
	if g := doc.S3Grants(); len(g) > 0 {
		return docVerdict{v: grantsS3, detail: g[0].String(), doc: doc}
	}
	return docVerdict{v: noS3, doc: doc}
}

// roleTarget is the role a grant goes to, or that a task definition names.
type roleTarget struct {
	key     string         // lower-cased role name; "" when unknown or not a role reference
	display string         // what the user wrote (a name or ARN), for messages
	unknown bool           // the reference is not known yet (preview)
	deps    []resource.URN // engine property dependencies (AnalyzeStack only)
}

func targetFrom(s str, deps []resource.URN) roleTarget {
	t := roleTarget{deps: deps}
	switch s.state {
	case unknown:
		t.unknown = true
	case known:
		t.key = roleKey(s.s)
		t.display = s.s
	}
	return t
}

// grant is one way S3 may reach a role.
type grant struct {
	source resource.URN
	target roleTarget
	path   string // how the grant is made, e.g. `inline policy "x"`, for messages
	docVerdict
	// For attachments: the policy ARN, to resolve against policies in the stack.
	policyARN  string
	policyDeps []resource.URN
}

// roleUse is a task definition naming a role, or an execution-policy attachment marking one.
type roleUse struct {
	source resource.URN
	target roleTarget
	via    string
}

// facts are what one resource contributes to the execution-role check.
type facts struct {
	grants   []grant
	execUses []roleUse
	taskUses []roleUse
	// policy is set for aws:iam/policy:Policy resources, role for aws:iam/role:Role.
	policy *policyFact
	role   *roleFact
}

type roleFact struct {
	key   string              // lower-cased role name
	trust *iampolicy.Document // the assume-role policy; nil when unknown or unreadable
}

type policyFact struct {
	name string // lower-cased
	arn  string
	docVerdict
}

// extractFacts reads the grants and role uses a resource makes. deps is the engine's property
// dependencies (nil in Analyze). extraS3 lists additional AWS managed policy names that grant S3;
// docs parses the policy documents.
func extractFacts(urn resource.URN, typ string, props resource.PropertyMap,
	deps map[resource.PropertyKey][]resource.URN, extraS3 []string, docs *docCache,
) facts {
	var f facts
	switch typ {
	case typeRole:
		self := targetFrom(getString(props, "name"), []resource.URN{urn})
		if !self.unknown && self.key == "" {
			self.unknown = true
		}
		f.role = &roleFact{key: self.key}
		if dv, ok := docs.judgeValue(props, "assumeRolePolicy"); ok {
			f.role.trust = dv.doc
		}
		inline, _ := getObjects(props, "inlinePolicies")
		for _, ip := range inline {
			dv, ok := docs.judgeValue(ip, "policy")
			if !ok {
				continue
			}
			name := getString(ip, "name").s
			f.grants = append(f.grants, grant{source: urn, target: self, path: fmt.Sprintf("the role's inline policy %q", name), docVerdict: dv})
		}
		arns, arnsUnknown := getStrings(props, "managedPolicyArns")
		for _, arn := range arns {
			if isExecPolicyARN(arn) {
				f.execUses = append(f.execUses, roleUse{source: urn, target: self, via: "it carries " + execManagedPolicyName})
				continue
			}
			f.grants = append(f.grants, managedGrant(urn, self, "the role's managedPolicyArns", arn, nil, extraS3))
		}
		if arnsUnknown {
			f.grants = append(f.grants, grant{source: urn, target: self, path: "the role's managedPolicyArns",
				docVerdict: docVerdict{v: undecided, detail: "a managed policy ARN is not known yet (preview)"}})
		}
	case typeRolePolicy:
		t := targetFrom(getString(props, "role"), deps["role"])
		if dv, ok := docs.judgeValue(props, "policy"); ok {
			f.grants = append(f.grants, grant{source: urn, target: t, path: "inline role policy " + typeRolePolicy, docVerdict: dv})
		} else {
			f.grants = append(f.grants, grant{source: urn, target: t, path: "inline role policy " + typeRolePolicy,
				docVerdict: docVerdict{v: malformed, detail: "the policy document is missing"}})
		}
	case typeRolePolicyAttach:
		t := targetFrom(getString(props, "role"), deps["role"])
		f.addAttachment(urn, t, props, deps, extraS3)
	case typePolicyAttach:
		roles, rolesUnknown := getStrings(props, "roles")
		for _, r := range roles {
			// Known names are joined by name: the dependencies cover every role of the list at once.
			f.addAttachment(urn, targetFrom(str{s: r, state: known}, nil), props, deps, extraS3)
		}
		if rolesUnknown {
			f.addAttachment(urn, roleTarget{unknown: true, deps: deps["roles"]}, props, deps, extraS3)
		}
	case typePolicy:
		dv, ok := docs.judgeValue(props, "policy")
		if !ok {
			dv = docVerdict{v: malformed, detail: "the policy document is missing"}
		}
		f.policy = &policyFact{name: strings.ToLower(getString(props, "name").s), arn: getString(props, "arn").s, docVerdict: dv}
	case typeBucketPolicy, typeBucketV2, typeBucket:
		f.addBucketPolicyGrants(urn, props, deps, docs)
	case typeTaskDefinition:
		f.execUses = append(f.execUses, roleUse{source: urn,
			target: targetFrom(getString(props, "executionRoleArn"), deps["executionRoleArn"]),
			via:    "named as executionRoleArn by " + urn.Name()})
		f.taskUses = append(f.taskUses, roleUse{source: urn,
			target: targetFrom(getString(props, "taskRoleArn"), deps["taskRoleArn"]),
			via:    "named as taskRoleArn by " + urn.Name()})
	}
	return f
}

func (f *facts) addAttachment(urn resource.URN, t roleTarget, props resource.PropertyMap,
	deps map[resource.PropertyKey][]resource.URN, extraS3 []string,
) {
	arn := getString(props, "policyArn")
	switch arn.state {
	case known:
		if isExecPolicyARN(arn.s) {
			f.execUses = append(f.execUses, roleUse{source: urn, target: t, via: "it is attached " + execManagedPolicyName + " by " + urn.Name()})
			return
		}
		f.grants = append(f.grants, managedGrant(urn, t, "policy attachment "+string(urn.Type()), arn.s, deps["policyArn"], extraS3))
	case unknown:
		f.grants = append(f.grants, grant{source: urn, target: t, path: "policy attachment " + string(urn.Type()),
			policyDeps: deps["policyArn"],
			docVerdict: docVerdict{v: unresolved, detail: "the policy ARN is not known yet (preview)"}})
	default:
		f.grants = append(f.grants, grant{source: urn, target: t, path: "policy attachment " + string(urn.Type()),
			docVerdict: docVerdict{v: malformed, detail: "policyArn is missing"}})
	}
}

// managedGrant judges an attachment of a managed policy by ARN: AWS managed policies by name,
// customer managed ones by looking the policy up later.
func managedGrant(urn resource.URN, t roleTarget, path, arn string, policyDeps []resource.URN, extraS3 []string) grant {
	g := grant{source: urn, target: t, path: path, policyARN: arn, policyDeps: policyDeps}
	name, awsManaged, ok := policyNameFromARN(arn)
	switch {
	case !ok:
		g.docVerdict = docVerdict{v: malformed, detail: fmt.Sprintf("%q is not an IAM policy ARN", arn)}
	case awsManaged:
		for _, n := range defaultS3ManagedPolicies {
			if strings.EqualFold(n, name) {
				g.docVerdict = docVerdict{v: grantsS3, detail: fmt.Sprintf("AWS managed policy %s grants S3", name)}
				return g
			}
		}
		for _, n := range extraS3 {
			if strings.EqualFold(n, arn) || strings.EqualFold(n, name) {
				g.docVerdict = docVerdict{v: grantsS3, detail: fmt.Sprintf("managed policy %s is configured as granting S3", name)}
				return g
			}
		}
		g.docVerdict = docVerdict{v: noS3}
	default:
		for _, n := range extraS3 {
			if strings.EqualFold(n, arn) {
				g.docVerdict = docVerdict{v: grantsS3, detail: fmt.Sprintf("policy %s is configured as granting S3", name)}
				return g
			}
		}
		g.docVerdict = docVerdict{v: unresolved, detail: fmt.Sprintf(
			"customer managed policy %q has not been seen in this stack, so its document cannot be read", name)}
	}
	return g
}

func isExecPolicyARN(arn string) bool {
	name, awsManaged, ok := policyNameFromARN(arn)
	return ok && awsManaged && name == execManagedPolicyName
}

// addBucketPolicyGrants records, for each Allow statement of a bucket policy that grants S3, the
// IAM roles named as its principal.
func (f *facts) addBucketPolicyGrants(urn resource.URN, props resource.PropertyMap, deps map[resource.PropertyKey][]resource.URN, docs *docCache) {
	dv, ok := docs.judgeValue(props, "policy")
	if !ok {
		return
	}
	path := "bucket policy " + string(urn.Type())
	switch dv.v {
	case undecided:
		// Which principals the policy names is unknown; the engine's dependencies say which roles
		// it may name (AnalyzeStack).
		for _, d := range deps["policy"] {
			if d.Type() == typeRole {
				f.grants = append(f.grants, grant{source: urn, target: roleTarget{unknown: true, deps: []resource.URN{d}}, path: path, docVerdict: dv})
			}
		}
		return
	case malformed:
		// A malformed bucket policy names no principal we can trust; report it only if it names a role.
		for _, d := range deps["policy"] {
			if d.Type() == typeRole {
				f.grants = append(f.grants, grant{source: urn, target: roleTarget{deps: []resource.URN{d}}, path: path, docVerdict: dv})
			}
		}
		return
	}
	for _, g := range dv.doc.S3Grants() {
		st := dv.doc.Statements[g.Index-1]
		for _, p := range st.Principal.AWSPrincipals() {
			if name, ok := roleNameFromARN(p); ok {
				f.grants = append(f.grants, grant{source: urn,
					target:     roleTarget{key: strings.ToLower(name), display: p},
					path:       path,
					docVerdict: docVerdict{v: grantsS3, detail: g.String(), doc: dv.doc}})
			}
		}
	}
}
