package pack

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestCredentialChainUntouched(t *testing.T) {
	td := func(defs string) fixture {
		return taskDef("app", roleARN("app-exec"), roleARN("app-task")).set("containerDefinitions", resource.NewStringProperty(defs))
	}
	runAdvisory(t, ECSCredentialChainUntouched, []advisoryCase{
		{name: "plain environment", fs: []fixture{td(containers(`{"name":"AWS_REGION","value":"us-east-1"}`, ""))}},
		{name: "unknown at preview", fs: []fixture{taskDef("app", "", "").set("containerDefinitions", computed())}},

		{name: "AWS_PROFILE", fail: true, fs: []fixture{td(containers(`{"name":"AWS_PROFILE","value":"prod"}`, ""))}},
		{name: "full credentials URI as a secret", fail: true, fs: []fixture{td(containers("",
			`{"name":"AWS_CONTAINER_CREDENTIALS_FULL_URI","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/u"}`))}},
		{name: "environment files", fail: true, fs: []fixture{td(`[{"name":"web","image":"app:1","environmentFiles":[{"value":"arn:aws:s3:::cfg/app.env","type":"s3"}]}]`)}},
	})
}
