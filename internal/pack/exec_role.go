package pack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// execRoleNoS3Policy blocks any S3 permission on an ECS task execution role. The execution role
// is what ECS itself uses to pull images, write logs and read injected secrets; the application's
// S3 access belongs on the task role, which is the only role the containers' SDKs see.
var execRoleNoS3Policy = &policy{
	info: plugin.AnalyzerPolicyInfo{
		Name:        NoS3OnExecutionRole,
		DisplayName: "No S3 access for ECS task execution roles",
		Description: "An ECS task execution role (named in a task definition's executionRoleArn, or carrying " +
			"AmazonECSTaskExecutionRolePolicy) must not be granted any S3 action by any path: RolePolicy, " +
			"RolePolicyAttachment, PolicyAttachment, the role's inlinePolicies or managedPolicyArns, or a bucket " +
			"policy naming the role.",
		Message: "Grant S3 to the task role (taskRoleArn) instead, scoped to the bucket; keep the execution role " +
			"to AmazonECSTaskExecutionRolePolicy (ECR pulls, logs) and secret reads.",
		EnforcementLevel: apitype.Mandatory,
		Severity:         apitype.PolicySeverityCritical,
		Type:             plugin.AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "ecs", "s3"},
		RemediationSteps: "1. Remove the S3 statements, S3 managed policies or bucket-policy principal from the " +
			"execution role.\n2. Attach an S3 policy scoped to the bucket (s3:ListBucket on the bucket, object " +
			"actions on bucket/*) to the task role instead.\n3. If one role is used as both task and execution " +
			"role, split it into two roles.",
		ConfigSchema: &plugin.AnalyzerPolicyConfigSchema{Properties: map[string]plugin.JSONSchema{
			propExtraS3ManagedPolicyArns: stringListSchema(
				"Further managed policies (ARNs, or names of AWS managed policies) to treat as granting S3.", nil),
			propBlockUnverifiable: boolSchema(
				"Also block when a grant to an execution role cannot be verified: a customer managed policy "+
					"outside the stack, or a value unknown during preview.", false),
		}},
	},
	analyze: analyzeExecRole,
	stack:   stackExecRole,
}

func analyzeExecRole(rc *resourceCtx) []finding {
	var out []finding
	var undecidedMsgs []string
	var violations []string
	for _, l := range rc.observations.links {
		g := l.grant
		switch g.v {
		case grantsS3, malformed:
			violations = append(violations, describeLink(rc.URN, l))
		case undecided, unresolved:
			undecidedMsgs = append(undecidedMsgs, describeLink(rc.URN, l))
		}
	}
	if len(violations) > 0 {
		out = append(out, finding{urn: rc.URN, msg: strings.Join(violations, "\n")})
	}
	if len(undecidedMsgs) > 0 {
		out = append(out, finding{urn: rc.URN, msg: strings.Join(undecidedMsgs, "\n"), undecided: !rc.settings.blockUnverifiableGrants})
	}
	return out
}

func describeLink(self resource.URN, l execLink) string {
	g := l.grant
	var b strings.Builder
	if g.source == self {
		fmt.Fprintf(&b, "%s %s role %q", capitalize(g.path), grantVerb(g.v, true), l.role)
	} else {
		fmt.Fprintf(&b, "Role %q %s %s in %s", l.role, grantVerb(g.v, false), g.path, g.source.Name())
	}
	fmt.Fprintf(&b, ", which is an ECS task execution role (%s)", strings.Join(l.via, "; "))
	if g.detail != "" {
		b.WriteString(": " + g.detail)
	}
	b.WriteString(".")
	return b.String()
}

func stackExecRole(g *graph) []finding {
	// Which roles are execution roles, and why.
	execVia := map[roleNode][]string{}
	var out []finding
	for i, f := range g.facts {
		for _, u := range f.execUses {
			nodes := g.roleNodes(u.target)
			if len(nodes) == 0 {
				if u.target.unknown && string(g.resources[i].Type) == typeTaskDefinition {
					out = append(out, finding{urn: u.source, undecided: true, msg: fmt.Sprintf(
						"the execution role of %s is not known and the engine reported no dependency on a role in this stack, "+
							"so the pack cannot tell which role it is; it is checked again when the value is known.",
						u.source.Name())})
				}
				continue
			}
			for _, n := range nodes {
				execVia[n] = append(execVia[n], u.via)
			}
		}
	}
	if len(execVia) == 0 {
		return out
	}
	for _, f := range g.facts {
		for _, gr := range f.grants {
			nodes := g.roleNodes(gr.target)
			for _, n := range nodes {
				vias, ok := execVia[n]
				if !ok || g.reportedInRun[g.nodeKey(n)] {
					continue
				}
				dv := gr.docVerdict
				path := gr.path
				if dv.v == unresolved {
					if pv, name, ok := g.resolvePolicy(gr); ok {
						dv = pv
						path += " of policy " + name
					} else if gr.policyARN != "" {
						dv = docVerdict{v: undecided, detail: fmt.Sprintf("the policy %s is outside the stack and its document cannot be read", gr.policyARN)}
					}
				}
				if dv.v == noS3 {
					continue
				}
				sort.Strings(vias)
				msg := fmt.Sprintf("%s %s role %q, which is an ECS task execution role (%s)",
					capitalize(path), grantVerb(dv.v, true), g.nodeDisplay(n), strings.Join(dedupe(vias), "; "))
				if dv.detail != "" {
					msg += ": " + dv.detail
				}
				msg += "."
				isUndecided := dv.v == undecided || dv.v == unresolved
				out = append(out, finding{urn: gr.source, msg: msg, undecided: isUndecided && !g.settings.blockUnverifiableGrants})
			}
			if len(nodes) == 0 && gr.target.unknown && gr.v != noS3 {
				// A grant to a role the pack cannot identify (unknown at preview, no dependency).
				out = append(out, finding{urn: gr.source, undecided: true, msg: fmt.Sprintf(
					"%s may grant S3, but the role it applies to is not known yet.", capitalize(gr.path))})
			}
		}
	}
	return out
}

// grantVerb words a grant by what the pack knows about it; active is "<grant> … role X",
// passive is "role X … <grant>".
func grantVerb(v verdict, active bool) string {
	switch {
	case v == grantsS3 && active:
		return "grants S3 to"
	case v == grantsS3:
		return "gets S3 from"
	case v == malformed && active:
		return "has a policy the pack cannot read (an unreadable policy is not accepted on an execution role) for"
	case v == malformed:
		return "has a policy the pack cannot read (an unreadable policy is not accepted on an execution role) from"
	case active:
		return "may grant S3 to"
	default:
		return "may get S3 from"
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func dedupe(xs []string) []string {
	out := xs[:0:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
