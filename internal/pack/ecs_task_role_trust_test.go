package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"testing"
)

func TestTaskRoleTrust(t *testing.T) {
	noCond := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	mixed := `{"Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole",` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	anyone := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com","AWS":"*"},"Action":"sts:*",` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	task := func(trust string) pt.Resource { return pt.Role("app-task", map[string]any{"assumeRolePolicy": trust}) }
	td := pt.TaskDef("app", pt.RoleARN("app-exec"), pt.RoleARN("app-task"))
	runAdvisory(t, pack.ECSTaskRoleTrust, []advisoryCase{
		{name: "ECS only with confused-deputy conditions", stack: true, rs: []pt.Resource{task(pt.ECSTrust), td}},
		{name: "execution role without conditions is not a task role", stack: true, rs: []pt.Resource{pt.Role("app-exec",
			map[string]any{"assumeRolePolicy": noCond}), td}},
		{name: "a role ECS does not assume", rs: []pt.Resource{pt.Role("ci", map[string]any{"assumeRolePolicy": `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}}`})}},

		{name: "task role without conditions (stack)", stack: true, fail: true, rs: []pt.Resource{task(noCond), td}},
		{name: "task role without conditions, task definition first", fail: true, rs: []pt.Resource{td, task(noCond)}},
		{name: "ECS and EC2 trusted together", fail: true, rs: []pt.Resource{task(mixed)}},
		{name: "ECS and any AWS principal, sts:*", fail: true, rs: []pt.Resource{task(anyone)}},
	})
}
