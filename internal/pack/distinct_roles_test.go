package pack

import "testing"

func TestDistinctRoles(t *testing.T) {
	exec, task := role("app-exec", nil), role("app-task", nil)
	same := taskDef("app", "", "").set("executionRoleArn", computed()).set("taskRoleArn", computed()).
		dep("executionRoleArn", task.urn()).dep("taskRoleArn", task.urn())
	distinct := taskDef("app", "", "").set("executionRoleArn", computed()).set("taskRoleArn", computed()).
		dep("executionRoleArn", exec.urn()).dep("taskRoleArn", task.urn())
	runAdvisory(t, ECSDistinctRoles, []advisoryCase{
		{name: "two roles", fs: []fixture{taskDef("app", roleARN("app-exec"), roleARN("app-task"))}},
		{name: "two roles by dependency", stack: true, fs: []fixture{exec, task, distinct}},
		{name: "no task role", fs: []fixture{taskDef("app", roleARN("app-exec"), "")}},

		{name: "same ARN", fail: true, fs: []fixture{taskDef("app", roleARN("app-task"), roleARN("app-task"))}},
		{name: "same ARN, different case", fail: true, fs: []fixture{taskDef("app", roleARN("App-Task"), roleARN("app-task"))}},
		{name: "same role by dependency at preview", stack: true, fail: true, fs: []fixture{exec, task, same}},
	})
}
