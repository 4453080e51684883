package pack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// execRoleConfig is the config of no-s3-on-ecs-execution-role.
type execRoleConfig struct {
	ExtraS3ManagedPolicyArns []string `json:"extraS3ManagedPolicyArns"`
	BlockUnverifiableGrants  bool     `json:"blockUnverifiableGrants"`

	listed []awsfacts.IAMRef // ExtraS3ManagedPolicyArns, read by validate
}

// noS3OnExecutionRolePolicy blocks any S3 permission on an ECS task execution role. The execution
// role is what ECS itself uses to pull images, write logs, read injected secrets and environment
// files; the application's S3 access belongs on the task role, the only role its SDK sees.
var noS3OnExecutionRolePolicy = newPolicy(spec[execRoleConfig]{
	info: AnalyzerPolicyInfo{
		Name:        NoS3OnExecutionRole,
		DisplayName: "No S3 access for ECS task execution roles",
		Description: "An ECS task execution role (named in a task definition's executionRoleArn, or carrying " +
			"AmazonECSTaskExecutionRolePolicy), or a role it can assume, must not be granted any S3 action by any " +
			"path: role policies, managed policy attachments (including exclusive ones), the role's inline and " +
			"managed policies, or bucket and access point policies naming it. The one exception is what ECS needs " +
			"for environmentFiles: s3:GetObject on those files and s3:GetBucketLocation on their buckets.",
		Message: "Grant S3 to the task role (taskRoleArn) instead, scoped to the bucket; keep the execution role " +
			"to AmazonECSTaskExecutionRolePolicy (ECR pulls, logs), secret reads and its environment files.",
		EnforcementLevel: apitype.Mandatory,
		Severity:         apitype.PolicySeverityCritical,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "ecs", "s3"},
		RemediationSteps: "1. Remove the S3 statements, S3 managed policies or bucket/access point policy principal " +
			"from the execution role, and remove it from the trust policy of roles that have S3.\n2. Attach an S3 " +
			"policy scoped to the bucket (s3:ListBucket on the bucket, object actions on bucket/*) to the task role " +
			"instead.\n3. If one role is used as both task and execution role, split it into two roles.\n4. For " +
			"environmentFiles, grant exactly s3:GetObject on the listed files and s3:GetBucketLocation on their buckets.",
		ConfigSchema: &AnalyzerPolicyConfigSchema{Properties: map[string]JSONSchema{
			"extraS3ManagedPolicyArns": stringListSchema(
				"ARNs of customer managed policies outside the stack that grant S3: attaching one to an execution "+
					"role is blocked instead of reported as not verifiable. AWS managed policies are judged from AWS's "+
					"own data and may not be listed.", nil),
			"blockUnverifiableGrants": boolSchema(
				"Also block when a grant to an execution role cannot be verified: an AWS managed policy ARN that is "+
					"not in the pack's AWS data, a customer managed policy outside the stack, or a value unknown during "+
					"preview.", false),
		}},
	},
	types:    joinTypes,
	usesJoin: true,
	checkResource: func(rc *resourceCtx, c *execRoleConfig) []finding {
		var fails, undecided []string
		for _, l := range rc.links {
			jd := c.judge(&l, false)
			switch jd.outcome {
			case fail:
				fails = append(fails, linkMessage(&l, jd))
				rc.run.markReported(l.id)
			case cannotDecide:
				undecided = append(undecided, linkMessage(&l, jd))
			}
		}
		var out []finding
		if len(fails) > 0 {
			out = append(out, finding{urn: rc.URN, outcome: fail, msg: strings.Join(fails, "\n")})
		}
		if len(undecided) > 0 {
			out = append(out, finding{urn: rc.URN, outcome: cannotDecide, msg: strings.Join(undecided, "\n")})
		}
		return out
	},
	checkStack: func(sc *stackCtx, c *execRoleConfig) []finding {
		j := sc.join
		var out []finding
		for _, l := range j.allLinks() {
			if sc.reported[l.id] {
				continue // Analyze already blocked it in this run
			}
			if jd := c.judge(&l, true); jd.outcome != 0 {
				out = append(out, finding{urn: l.grant.source, outcome: jd.outcome, msg: linkMessage(&l, jd)})
			}
		}
		return append(out, c.unidentified(j)...)
	},
})

// judgement is what the policy decides about one link.
type judgement struct {
	outcome    outcome // 0: pass
	detail     string
	fix        string
	unreadable bool // the document cannot be read
	unverified bool // cannot be verified (reported as a violation only under blockUnverifiableGrants)
}

func (c *execRoleConfig) unverifiable(detail, fix string) judgement {
	o := cannotDecide
	if c.BlockUnverifiableGrants {
		o = fail
	}
	return judgement{outcome: o, detail: detail, fix: fix, unverified: true}
}

// content returns what a grant grants: its document, or the managed policy it attaches judged
// by the one managed-policy judgement or read from the stack. what names a policy read from the
// stack, for messages.
func (c *execRoleConfig) content(g *grant, p *policyDecl) (dv docVerdict, what string) {
	if g.kind != viaManagedPolicy || g.doc.state != docAbsent {
		return g.doc, ""
	}
	if p != nil {
		what = fmt.Sprintf("customer managed policy %q", p.id.Name)
	}
	switch {
	case g.arnUnknown && p == nil:
		return docVerdict{state: docUnknown, detail: "the policy ARN is not known yet (preview)"}, ""
	case g.arnUnknown:
		return p.doc, what
	}
	id := g.policyID
	if !g.policyOK {
		return docVerdict{state: docMalformed, detail: fmt.Sprintf("%q is not an IAM policy ARN", g.policyARN)}, ""
	}
	if v, decided := c.managedPolicyVerdict(id); decided {
		return v, ""
	}
	if p != nil {
		return p.doc, what
	}
	return docVerdict{state: docUnknown, detail: fmt.Sprintf(
		"customer managed policy %s is not in this stack, so its document cannot be read", id.Name),
		fix: "declare the policy in this stack so that the pack reads it, or, if it grants S3, list its ARN in " +
			"extraS3ManagedPolicyArns so that the pack blocks it; S3 belongs on the task role (taskRoleArn)"}, ""
}

// judge decides one link. final is true when the whole stack is known (AnalyzeStack): only then
// can a narrow grant on environment files be matched against every task definition.
func (c *execRoleConfig) judge(l *link, final bool) judgement {
	g := l.grant
	fix := linkFix(l)
	if l.unmatched {
		return c.unverifiable("an update without a preview does not show role unique IDs (they are outputs), so the "+
			"pack matches this principal to a role only in a preview or policy analyze",
			"name roles by ARN in resource policies; never the execution role")
	}
	dv, what := c.content(g, l.policy)
	switch dv.state {
	case docAbsent, docNoS3:
		return judgement{}
	case docMalformed:
		return judgement{outcome: fail, detail: dv.detail, unreadable: true,
			fix: "fix the policy document; an unreadable policy is not accepted on an execution role"}
	case docUnknown:
		return c.unverifiable(dv.detail, cmp.Or(dv.fix, fix))
	}
	jd := c.judgeS3(l, dv, final)
	jd.fix = cmp.Or(jd.fix, fix)
	if what != "" && jd.detail != "" {
		jd.detail = what + ", " + jd.detail
	}
	if jd.outcome == fail && l.maybe {
		return c.unverifiable(jd.detail+"; whether the statement reaches the role depends on its account or "+
			"unique ID, which the pack does not know yet", jd.fix)
	}
	return jd
}

// judgeS3 decides a document that grants S3, statement by statement, with the environment
// files exception for the execution role itself. The exception is judged by iampolicy's
// S3GrantsBeyond against the (action, resource) pairs ECS needs, the one reading of "more than".
func (c *execRoleConfig) judgeS3(l *link, dv docVerdict, final bool) judgement {
	if dv.doc == nil {
		return judgement{outcome: fail, detail: dv.detail}
	}
	concerns := func(n int) bool { return l.grant.stmt == 0 || l.grant.stmt == n }
	if len(l.uses) == 0 {
		// A role an execution role can become: ECS loads environment files with the execution role
		// itself, so no exception applies.
		for _, note := range dv.s3 {
			if concerns(note.Index) {
				return judgement{outcome: fail, detail: note.String()}
			}
		}
		return judgement{}
	}
	files, filesUnknown := l.envFiles()
	allow := newEnvFileAllowance(files)
	beyond := map[int]iampolicy.Excess{}
	for _, ex := range dv.doc.S3GrantsBeyond(allow.permitted()) {
		beyond[ex.Index] = ex
	}
	var pending string
	for _, note := range dv.s3 {
		if !concerns(note.Index) {
			continue
		}
		ex, over := beyond[note.Index]
		shaped := over && envFileShaped(&dv.doc.Statements[note.Index-1])
		switch {
		case !over:
			continue
		case shaped && (!final || filesUnknown):
			if pending == "" {
				pending = ex.String()
			}
		case shaped:
			return judgement{outcome: fail, detail: ex.String() + "; " + allow.need(),
				fix: "list the file in the environmentFiles of a task definition that uses this role, or remove the grant"}
		case len(files) > 0:
			return judgement{outcome: fail, detail: ex.String() + "; " + allow.need()}
		default:
			return judgement{outcome: fail, detail: note.String()}
		}
	}
	if pending != "" {
		return c.unverifiable(pending+"; it is decided when every task definition that uses the role is known",
			"list the file in the environmentFiles of a task definition that uses this role, or remove the grant")
	}
	return judgement{}
}

// unidentified reports, for the whole stack, grants and task definitions whose role the pack
// cannot identify (a value unknown at preview with no dependency on a role of the stack).
func (c *execRoleConfig) unidentified(j *join) []finding {
	var out []finding
	for _, u := range j.lostExec {
		if !u.byTaskDef || !u.role.unknown {
			continue
		}
		out = append(out, finding{urn: u.source, outcome: cannotDecide, msg: fmt.Sprintf(
			"The execution role of task definition %q is not known and the engine reported no dependency on a "+
				"role of this stack, so the pack cannot tell which role it is; it is checked again when the value is known.",
			u.source.Name())})
	}
	if len(j.directExecRoles()) == 0 {
		return out
	}
	for _, g := range j.lostGrants {
		if !g.to.unknown {
			continue
		}
		if dv, _ := c.content(g, j.policyFor(g)); dv.state == docGrantsS3 || dv.state == docUnknown || dv.state == docMalformed {
			out = append(out, finding{urn: g.source, outcome: cannotDecide, msg: fmt.Sprintf(
				"%s may grant S3, but the role it applies to is not known yet and the engine reported no dependency on a "+
					"role of this stack.", capitalize(g.where.String()))})
		}
	}
	return out
}

// linkFix says how to fix a link, by the path the grant takes.
func linkFix(l *link) string {
	if len(l.uses) == 0 {
		return fmt.Sprintf("remove the execution role from the trust policy of role %q, or remove the S3 grant from that role",
			l.role.display())
	}
	switch l.grant.kind {
	case viaManagedPolicy:
		return "detach this policy from the execution role and attach S3 policies to the task role (taskRoleArn) instead"
	case viaResourcePolicy:
		return "remove the execution role from this policy's principals (or narrow its conditions so they exclude it) " +
			"and name the task role (taskRoleArn) instead"
	}
	return "remove the S3 statements from this policy and grant S3 to the task role (taskRoleArn) instead, scoped to the bucket"
}

// envFileAllowance is the S3 access ECS needs on an execution role to load a task definition's
// environmentFiles: s3:GetObject on each file and s3:GetBucketLocation on its bucket.
type envFileAllowance struct {
	objects []string
	buckets []string
}

func newEnvFileAllowance(files []string) envFileAllowance {
	var a envFileAllowance
	for _, f := range files {
		arn, err := awsfacts.ParseARN(f)
		if err != nil || arn.Service != "s3" {
			continue
		}
		bucket, _, ok := strings.Cut(arn.Resource, "/")
		if !ok {
			continue
		}
		a.objects = append(a.objects, f)
		a.buckets = append(a.buckets, awsfacts.BucketARN(arn.Partition, bucket))
	}
	slices.Sort(a.objects)
	slices.Sort(a.buckets)
	a.objects, a.buckets = slices.Compact(a.objects), slices.Compact(a.buckets)
	return a
}

// permitted returns the pairs the exception allows. Both actions are allowed on both kinds of
// ARN: s3:GetObject on a bucket ARN and s3:GetBucketLocation on an object ARN authorize no request
// (IAM matches each action against the ARN of the resource it acts on), so a statement may list
// both actions and both ARNs.
func (a envFileAllowance) permitted() []iampolicy.Permission {
	var out []iampolicy.Permission
	for _, r := range slices.Concat(a.objects, a.buckets) {
		out = append(out, iampolicy.Permission{Action: actGetObject, Resource: r},
			iampolicy.Permission{Action: actGetBucketLocation, Resource: r})
	}
	return out
}

// envFileShaped reports whether a statement has the exception's form, literal s3:GetObject and
// s3:GetBucketLocation on concrete ARNs, whatever those ARNs are: then only the task definitions
// decide whether it is covered.
func envFileShaped(st *iampolicy.Statement) bool {
	own := envFileAllowance{objects: st.Resources}
	return len((&iampolicy.Document{Statements: []iampolicy.Statement{*st}}).S3GrantsBeyond(own.permitted())) == 0
}

// need says what the exception allows, for messages.
func (a envFileAllowance) need() string {
	if len(a.objects) == 0 {
		return "an execution role may have S3 access only to the environmentFiles of its task definitions, and they list none"
	}
	return fmt.Sprintf("an execution role may have only s3:GetObject on the environmentFiles of its task definitions (%s) "+
		"and s3:GetBucketLocation on their buckets (%s)", strings.Join(a.objects, ", "), strings.Join(a.buckets, ", "))
}

const (
	actGetObject         = "s3:GetObject"
	actPutObject         = "s3:PutObject"
	actGetBucketLocation = "s3:GetBucketLocation"
)
