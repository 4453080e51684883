package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// taskRoleForS3Policy warns about task definitions whose containers are configured for S3 but
// that name no task role: the SDK then finds no credentials (or falls back to keys).
var ecsTaskRoleForS3Policy = newPolicy(spec[noConfig]{
	info: AnalyzerPolicyInfo{
		Name:        ECSTaskRoleForS3,
		DisplayName: "Task definitions that use S3 have a task role",
		Description: "A task definition whose container environment refers to S3 (a variable name containing " +
			"S3 or BUCKET, or a value with s3://, an S3 ARN or an S3 endpoint) sets taskRoleArn.",
		Message:          "Set taskRoleArn to a role trusted by ecs-tasks.amazonaws.com with an S3 policy scoped to the bucket.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityMedium,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"ecs", "s3"},
		RemediationSteps: "Create a task role (see ActiveStorage component) and set taskRoleArn on the task definition.",
	},
	types:         []string{awsfacts.TypeTaskDefinition},
	checkResource: checkTaskRoleForS3,
})

func checkTaskRoleForS3(rc *resourceCtx, _ *noConfig) []finding {
	if t := getString(rc.Properties, "taskRoleArn"); t.state == unknown || (t.known() && t.s != "") {
		return nil
	}
	cs, state, err := rc.containers.get()
	if state != known || err != nil {
		return nil
	}
	for _, c := range cs {
		for _, e := range c.Environment {
			if usesS3(e.Name, e.Value) {
				return []finding{{urn: rc.URN, outcome: fail, msg: fmt.Sprintf(
					"Container %q is configured for S3 (variable %s) but the task definition has no taskRoleArn.", c.Name, e.Name)}}
			}
		}
	}
	return nil
}

func usesS3(name, value string) bool {
	n := strings.ToUpper(name)
	for _, tok := range strings.FieldsFunc(n, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if tok == "S3" || tok == "BUCKET" {
			return true
		}
	}
	v := strings.ToLower(value)
	return strings.HasPrefix(v, "s3://") || strings.Contains(v, "arn:aws:s3:::") ||
		strings.Contains(v, ".s3.amazonaws.com") || strings.Contains(v, "s3.amazonaws.com/") ||
		strings.Contains(v, ".s3.") && strings.Contains(v, "amazonaws.com")
}
