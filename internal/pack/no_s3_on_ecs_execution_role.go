package pack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// execRoleConfig is the config of no-s3-on-ecs-execution-role.
type execRoleConfig struct {
	ExtraS3ManagedPolicyArns []string `json:"extraS3ManagedPolicyArns"`
	BlockUnverifiableGrants  bool     `json:"blockUnverifiableGrants"`
}

// noS3OnExecutionRolePolicy blocks any S3 permission on an ECS task execution role. The execution
// role is what ECS itself uses to pull images, write logs, read injected secrets and environment
// files; the application's S3 access belongs on the task role, the only role its SDK sees.
var noS3OnExecutionRolePolicy = newPolicy(spec[execRoleConfig]{
	info: plugin.AnalyzerPolicyInfo{
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
		Type:             plugin.AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "ecs", "s3"},
		RemediationSteps: "1. Remove the S3 statements, S3 managed policies or bucket/access point policy principal " +
			"from the execution role, and remove it from the trust policy of roles that have S3.\n2. Attach an S3 " +
			"policy scoped to the bucket (s3:ListBucket on the bucket, object actions on bucket/*) to the task role " +
			"instead.\n3. If one role is used as both task and execution role, split it into two roles.\n4. For " +
			"environmentFiles, grant exactly s3:GetObject on the listed files and s3:GetBucketLocation on their buckets.",
		ConfigSchema: &plugin.AnalyzerPolicyConfigSchema{Properties: map[string]plugin.JSONSchema{
			"extraS3ManagedPolicyArns": stringListSchema(
				"Further managed policies (ARNs, or names of AWS managed policies) to treat as granting S3.", nil),
			"blockUnverifiableGrants": boolSchema(
				"Also block when a grant to an execution role cannot be verified: an AWS managed policy the pack "+
					"does not know, a customer managed policy outside the stack, or a value unknown during preview.", false),
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
	id, ok := awsfacts.ParsePolicyARN(g.policyARN)
	if !ok {
		return docVerdict{state: docMalformed, detail: fmt.Sprintf("%q is not an IAM policy ARN", g.policyARN)}, ""
	}
	if v, decided := managedPolicyVerdict(id, g.policyARN, c.ExtraS3ManagedPolicyArns); decided {
		return v, ""
	}
	if p != nil {
		return p.doc, what
	}
	return docVerdict{state: docUnknown, detail: fmt.Sprintf(
		"customer managed policy %s is not in this stack, so its document cannot be read", id.Name)}, ""
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
		return c.unverifiable(dv.detail, fix)
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
// files exception for the execution role itself.
func (c *execRoleConfig) judgeS3(l *link, dv docVerdict, final bool) judgement {
	if dv.doc == nil {
		return judgement{outcome: fail, detail: dv.detail}
	}
	files, filesUnknown := l.envFiles()
	allow := newEnvFileAllowance(files)
	var pending string
	for _, note := range dv.s3 {
		if l.grant.stmts != nil && !slices.Contains(l.grant.stmts, note.Index) {
			continue
		}
		if len(l.uses) == 0 {
			return judgement{outcome: fail, detail: note.String()}
		}
		covered, shaped, why := allow.check(&dv.doc.Statements[note.Index-1])
		beyond := iampolicy.StatementNote{Index: note.Index, Sid: note.Sid, Why: why}.String()
		switch {
		case covered:
			continue
		case shaped && (!final || filesUnknown):
			if pending == "" {
				pending = beyond
			}
		case shaped:
			return judgement{outcome: fail, detail: beyond + "; " + allow.need(),
				fix: "list the file in the environmentFiles of a task definition that uses this role, or remove the grant"}
		case len(files) > 0:
			return judgement{outcome: fail, detail: beyond + "; " + allow.need()}
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
	actGetBucketLocation = "s3:GetBucketLocation"
)

// check classifies one S3-granting Allow statement. covered: every S3 action on every S3 resource
// it names is s3:GetObject on a listed file or s3:GetBucketLocation on its bucket (a pair whose
// action does not apply to the resource's type grants nothing). shaped: it has that form, literal
// actions on concrete ARNs, but names something the task definitions do not list. why says what
// goes beyond the exception.
func (a envFileAllowance) check(st *iampolicy.Statement) (covered, shaped bool, why string) {
	if st.HasNotAction {
		return false, false, "NotAction grants every other action"
	}
	if !st.HasResource {
		return false, false, "NotResource applies to every other resource"
	}
	var acts []string
	for _, act := range st.Actions {
		if !mayBeS3Action(act) {
			continue
		}
		if !strings.EqualFold(act, actGetObject) && !strings.EqualFold(act, actGetBucketLocation) {
			return false, false, fmt.Sprintf("Action %q is more than %s and %s", act, actGetObject, actGetBucketLocation)
		}
		acts = append(acts, act)
	}
	covered = true
	for _, r := range st.Resources {
		if !mayBeS3Resource(r) {
			continue
		}
		if strings.ContainsAny(r, "*?") {
			return false, false, fmt.Sprintf("Resource %q is a pattern, not the environment files themselves", r)
		}
		isObject := isObjectARN(r)
		for _, act := range acts {
			switch get := strings.EqualFold(act, actGetObject); {
			case get && isObject && !slices.Contains(a.objects, r):
				covered, why = false, fmt.Sprintf("%s on %s, which no task definition using the role lists in environmentFiles", actGetObject, r)
			case !get && !isObject && !slices.Contains(a.buckets, r):
				covered, why = false, fmt.Sprintf("%s on %s, which holds none of the role's environment files", actGetBucketLocation, r)
			}
		}
	}
	return covered, true, why
}

// mayBeS3Action says whether an action pattern may name an action of the S3 family.
func mayBeS3Action(act string) bool { return iampolicy.DefaultCatalog().MayMatchFamily(act) }

// mayBeS3Resource says whether a resource may name an S3-family resource: any pattern, anything
// that is not an ARN, and the ARNs of the family's services.
func mayBeS3Resource(r string) bool {
	a, err := awsfacts.ParseARN(r)
	return err != nil || strings.ContainsAny(r, "*?") || iampolicy.DefaultCatalog().IsFamilyPrefix(a.Service)
}

// isObjectARN says whether an S3 ARN names an object (bucket/key) rather than a bucket.
func isObjectARN(r string) bool {
	a, err := awsfacts.ParseARN(r)
	return err == nil && strings.Contains(a.Resource, "/")
}
