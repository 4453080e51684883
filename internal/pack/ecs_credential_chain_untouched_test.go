package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"testing"
)

func TestCredentialChainUntouched(t *testing.T) {
	td := func(defs string) pt.Resource {
		return pt.TaskDef("app", pt.RoleARN("app-exec"), pt.RoleARN("app-task")).Set("containerDefinitions", resource.NewStringProperty(defs))
	}
	runAdvisory(t, pack.ECSCredentialChainUntouched, []advisoryCase{
		{name: "plain environment", rs: []pt.Resource{td(pt.Containers(`{"name":"AWS_REGION","value":"us-east-1"}`, ""))}},
		{name: "unknown at preview", rs: []pt.Resource{pt.TaskDef("app", "", "").Set("containerDefinitions", pt.Computed())}},

		{name: "AWS_PROFILE", fail: true, rs: []pt.Resource{td(pt.Containers(`{"name":"AWS_PROFILE","value":"prod"}`, ""))}},
		{name: "full credentials URI as a secret", fail: true, rs: []pt.Resource{td(pt.Containers("",
			`{"name":"AWS_CONTAINER_CREDENTIALS_FULL_URI","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/u"}`))}},
		{name: "environment files", fail: true, rs: []pt.Resource{td(`[{"name":"web","image":"app:1","environmentFiles":[{"value":"arn:aws:s3:::cfg/app.env","type":"s3"}]}]`)}},
	})
}
