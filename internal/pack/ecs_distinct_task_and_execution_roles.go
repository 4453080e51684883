package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// ecsDistinctRolesPolicy warns when one role is both task and execution role (checkov
// CKV_AWS_249, here also by dependency when the ARNs are unknown at preview): the application
// would then hold the image-pull, log and secret-read permissions, and S3 would sit on an
// execution role.
var ecsDistinctRolesPolicy = newPolicy(spec[noConfig]{
	info: AnalyzerPolicyInfo{
		Name:             ECSDistinctRoles,
		DisplayName:      "ECS task and execution roles are different roles",
		Description:      "A task definition's taskRoleArn and executionRoleArn name different roles.",
		Message:          "Create two roles: an execution role with AmazonECSTaskExecutionRolePolicy, and a task role with the application's permissions.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityHigh,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "ecs"},
		RemediationSteps: "Split the role: keep it as the execution role and create a task role for the application.",
	},
	types:         []string{awsfacts.TypeTaskDefinition},
	usesJoin:      true, // role identities
	checkResource: checkDistinctRoles,
	checkStack:    stackDistinctRoles,
})

func checkDistinctRoles(rc *resourceCtx, _ *noConfig) []finding {
	if rc.facts == nil || len(rc.facts.execUses) == 0 || len(rc.facts.taskUses) == 0 {
		return nil
	}
	exec, task := rc.facts.execUses[0].role, rc.facts.taskUses[0].role
	if sameNamedRole(exec, task) {
		return []finding{{urn: rc.URN, outcome: fail, msg: fmt.Sprintf("Role %q is both the task role and the execution role.", exec.text)}}
	}
	return nil
}

// sameNamedRole compares two role ARNs of one task definition (one account) by name, as IAM
// keeps role names unique whatever their letter case.
func sameNamedRole(a, b roleRef) bool {
	return a.id.Name != "" && b.id.Name != "" && a.id.Account == b.id.Account && strings.EqualFold(a.id.Name, b.id.Name)
}

func stackDistinctRoles(sc *stackCtx, _ *noConfig) []finding {
	var out []finding
	j := sc.join
	for _, i := range sc.byType[awsfacts.TypeTaskDefinition] {
		f := j.facts[sc.resources[i].URN]
		if f == nil || len(f.execUses) == 0 || len(f.taskUses) == 0 {
			continue
		}
		exec, task := f.execUses[0].role, f.taskUses[0].role
		if !exec.unknown && !task.unknown {
			continue // both known: Analyze decided
		}
		for _, e := range j.resolve(exec) {
			if e.urn != "" && j.refIs(task, e) {
				out = append(out, finding{urn: f.urn, outcome: fail, msg: fmt.Sprintf(
					"Role %s is both the task role and the execution role.", e.display())})
			}
		}
	}
	return out
}
