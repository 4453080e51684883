package pack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// taskRoleTrustConfig is the config of ecs-task-role-trust.
type taskRoleTrustConfig struct {
	RequireConfusedDeputyConditions bool `json:"requireConfusedDeputyConditions"`
}

// ecsTaskRoleTrustPolicy warns when an ECS task role can be assumed by more than ECS tasks, or
// without the confused-deputy conditions AWS recommends (aws:SourceAccount / aws:SourceArn).
var ecsTaskRoleTrustPolicy = newPolicy(spec[taskRoleTrustConfig]{
	info: AnalyzerPolicyInfo{
		Name:        ECSTaskRoleTrust,
		DisplayName: "ECS task roles trust only ECS tasks, with confused-deputy conditions",
		Description: "A role trusted by ecs-tasks.amazonaws.com trusts no other principal and only for " +
			"sts:AssumeRole/sts:TagSession; a role used as a task role also conditions its trust on " +
			"aws:SourceAccount or aws:SourceArn.",
		Message: "Trust only {\"Service\":\"ecs-tasks.amazonaws.com\"} for sts:AssumeRole, with " +
			"Condition ArnLike aws:SourceArn arn:aws:ecs:<region>:<account>:* and StringEquals aws:SourceAccount <account>.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityMedium,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "ecs"},
		RemediationSteps: "Edit the role's assumeRolePolicy: keep one Allow statement for the ecs-tasks.amazonaws.com " +
			"service principal and sts:AssumeRole, and add the aws:SourceAccount / aws:SourceArn conditions.",
		ConfigSchema: &AnalyzerPolicyConfigSchema{Properties: map[string]JSONSchema{
			"requireConfusedDeputyConditions": boolSchema(
				"Require aws:SourceAccount or aws:SourceArn conditions on task role trust policies.", true),
		}},
	},
	types:         []string{awsfacts.TypeRole},
	usesJoin:      true, // whether a role is a task role
	checkResource: checkTaskRoleTrust,
	checkStack:    stackTaskRoleTrust,
})

func checkTaskRoleTrust(rc *resourceCtx, c *taskRoleTrustConfig) []finding {
	if rc.facts == nil || rc.facts.role == nil {
		return nil
	}
	msgs, conds := trustProblems(rc.facts.role.trust.doc)
	if rc.isTaskRole && c.RequireConfusedDeputyConditions {
		msgs = append(msgs, conds...)
	}
	if len(msgs) == 0 {
		return nil
	}
	return []finding{{urn: rc.URN, outcome: fail, msg: strings.Join(msgs, "\n")}}
}

// trustProblems checks a trust policy that trusts ECS tasks: general problems, and missing
// confused-deputy conditions (which matter for task roles). Roles not trusted by ECS tasks are
// out of scope.
func trustProblems(doc *iampolicy.Document) (msgs, conds []string) {
	if doc == nil {
		return nil, nil
	}
	trustsECS := false
	for i, s := range doc.Statements {
		if s.Effect != iampolicy.Allow || s.Principal == nil || !slices.Contains(s.Principal.Services(), awsfacts.ECSTasksPrincipal) {
			continue
		}
		trustsECS = true
		var others []string
		for _, svc := range s.Principal.Services() {
			if svc != awsfacts.ECSTasksPrincipal {
				others = append(others, "Service:"+svc)
			}
		}
		others = append(others, s.Principal.Others()...)
		if len(others) > 0 {
			msgs = append(msgs, fmt.Sprintf("Trust statement %d also trusts %s.", i+1, strings.Join(others, ", ")))
		}
		for _, a := range s.Actions {
			if !strings.EqualFold(a, "sts:AssumeRole") && !strings.EqualFold(a, "sts:TagSession") {
				msgs = append(msgs, fmt.Sprintf("Trust statement %d allows %q; ECS tasks need only sts:AssumeRole.", i+1, a))
			}
		}
		if s.HasNotAction {
			msgs = append(msgs, fmt.Sprintf("Trust statement %d uses NotAction.", i+1))
		}
		if !s.HasCondition("aws:SourceAccount", "aws:SourceArn") {
			conds = append(conds, fmt.Sprintf("Trust statement %d has no aws:SourceAccount or aws:SourceArn condition (confused deputy).", i+1))
		}
	}
	if !trustsECS {
		return nil, nil
	}
	return msgs, conds
}

func stackTaskRoleTrust(sc *stackCtx, c *taskRoleTrustConfig) []finding {
	// Only the condition check depends on the task-role link; the rest is reported by Analyze.
	if !c.RequireConfusedDeputyConditions {
		return nil
	}
	done := map[resource.URN]bool{}
	var out []finding
	for _, f := range sc.join.facts {
		for _, u := range f.taskUses {
			for _, d := range sc.join.resolve(u.role) {
				// Roles Analyze did not see got the whole check, on their state, already.
				if d.urn == "" || done[d.urn] || !sc.wasAnalyzed(d.urn) {
					continue
				}
				done[d.urn] = true
				if _, conds := trustProblems(d.trust.doc); len(conds) > 0 {
					out = append(out, finding{urn: d.urn, outcome: fail, msg: strings.Join(conds, "\n") +
						fmt.Sprintf(" The role is the task role of %s.", u.source.Name())})
				}
			}
		}
	}
	return out
}
