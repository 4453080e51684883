package pack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// distinctRolesPolicy warns when one role is both task and execution role (checkov CKV_AWS_249,
// here also by dependency when the ARNs are unknown at preview): the application would then hold
// the image-pull, log and secret-read permissions, and S3 would sit on an execution role.
var distinctRolesPolicy = &policy{
	info: plugin.AnalyzerPolicyInfo{
		Name:             ECSDistinctRoles,
		DisplayName:      "ECS task and execution roles are different roles",
		Description:      "A task definition's taskRoleArn and executionRoleArn name different roles.",
		Message:          "Create two roles: an execution role with AmazonECSTaskExecutionRolePolicy, and a task role with the application's permissions.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityHigh,
		Type:             plugin.AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "ecs"},
		RemediationSteps: "Split the role: keep it as the execution role and create a task role for the application.",
	},
	analyze: analyzeDistinctRoles,
	stack:   stackDistinctRoles,
}

func analyzeDistinctRoles(rc *resourceCtx) []finding {
	if string(rc.Type) != typeTaskDefinition {
		return nil
	}
	var exec, task roleTarget
	for _, u := range rc.facts.execUses {
		exec = u.target
	}
	for _, u := range rc.facts.taskUses {
		task = u.target
	}
	if exec.key != "" && exec.key == task.key {
		return []finding{{urn: rc.URN, msg: fmt.Sprintf("Role %q is both the task role and the execution role.", displayRole(exec))}}
	}
	return nil
}

func stackDistinctRoles(g *graph) []finding {
	var out []finding
	for _, i := range g.byType[typeTaskDefinition] {
		f := g.facts[i]
		if len(f.execUses) == 0 || len(f.taskUses) == 0 {
			continue
		}
		exec, task := f.execUses[0].target, f.taskUses[0].target
		if !exec.unknown && !task.unknown {
			continue // both known: Analyze decided
		}
		taskNodes := map[roleNode]bool{}
		for _, n := range g.roleNodes(task) {
			taskNodes[n] = true
		}
		for _, n := range g.roleNodes(exec) {
			if taskNodes[n] {
				out = append(out, finding{urn: g.resources[i].URN, msg: fmt.Sprintf(
					"Role %s is both the task role and the execution role.", g.nodeDisplay(n))})
			}
		}
	}
	return out
}
