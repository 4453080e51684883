package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"testing"
)

func TestDistinctRoles(t *testing.T) {
	exec, task := pt.Role("app-exec", nil), pt.Role("app-task", nil)
	same := pt.TaskDef("app", "", "").Set("executionRoleArn", pt.Computed()).Set("taskRoleArn", pt.Computed()).
		Dep("executionRoleArn", task).Dep("taskRoleArn", task)
	distinct := pt.TaskDef("app", "", "").Set("executionRoleArn", pt.Computed()).Set("taskRoleArn", pt.Computed()).
		Dep("executionRoleArn", exec).Dep("taskRoleArn", task)
	runAdvisory(t, pack.ECSDistinctRoles, []advisoryCase{
		{name: "two roles", rs: []pt.Resource{pt.TaskDef("app", pt.RoleARN("app-exec"), pt.RoleARN("app-task"))}},
		{name: "two roles by dependency", stack: true, rs: []pt.Resource{exec, task, distinct}},
		{name: "no task role", rs: []pt.Resource{pt.TaskDef("app", pt.RoleARN("app-exec"), "")}},

		{name: "same ARN", fail: true, rs: []pt.Resource{pt.TaskDef("app", pt.RoleARN("app-task"), pt.RoleARN("app-task"))}},
		{name: "same ARN, different case", fail: true, rs: []pt.Resource{pt.TaskDef("app", pt.RoleARN("App-Task"), pt.RoleARN("app-task"))}},
		{name: "same role by dependency at preview", stack: true, fail: true, rs: []pt.Resource{exec, task, same}},
	})
}
