package pack

import "testing"

func TestTaskRoleTrust(t *testing.T) {
	noCond := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	mixed := `{"Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole",` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	anyone := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com","AWS":"*"},"Action":"sts:*",` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	task := func(trust string) fixture { return role("app-task", map[string]any{"assumeRolePolicy": trust}) }
	td := taskDef("app", roleARN("app-exec"), roleARN("app-task"))
	runAdvisory(t, ECSTaskRoleTrust, []advisoryCase{
		{name: "ECS only with confused-deputy conditions", stack: true, fs: []fixture{task(ecsTrust), td}},
		{name: "execution role without conditions is not a task role", stack: true, fs: []fixture{role("app-exec",
			map[string]any{"assumeRolePolicy": noCond}), td}},
		{name: "a role ECS does not assume", fs: []fixture{role("ci", map[string]any{"assumeRolePolicy": `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}}`})}},

		{name: "task role without conditions (stack)", stack: true, fail: true, fs: []fixture{task(noCond), td}},
		{name: "task role without conditions, task definition first", fail: true, fs: []fixture{td, task(noCond)}},
		{name: "ECS and EC2 trusted together", fail: true, fs: []fixture{task(mixed)}},
		{name: "ECS and any AWS principal, sts:*", fail: true, fs: []fixture{task(anyone)}},
	})
}
