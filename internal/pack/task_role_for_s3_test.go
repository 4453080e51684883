package pack

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestTaskRoleForS3(t *testing.T) {
	withEnv := func(task, env string) fixture {
		return taskDef("app", roleARN("app-exec"), task).set("containerDefinitions", resource.NewStringProperty(containers(env, "")))
	}
	runAdvisory(t, ECSTaskRoleForS3, []advisoryCase{
		{name: "S3 with a task role", fs: []fixture{withEnv(roleARN("app-task"), `{"name":"S3_BUCKET","value":"uploads"}`)}},
		{name: "no S3, no task role", fs: []fixture{withEnv("", `{"name":"RAILS_ENV","value":"production"}`)}},
		{name: "task role unknown at preview", fs: []fixture{withEnv("", `{"name":"S3_BUCKET","value":"uploads"}`).set("taskRoleArn", computed())}},

		{name: "bucket variable without task role", fail: true, fs: []fixture{withEnv("", `{"name":"ACTIVE_STORAGE_BUCKET","value":"uploads"}`)}},
		{name: "s3:// value without task role", fail: true, fs: []fixture{withEnv("", `{"name":"UPLOADS","value":"s3://uploads/prefix"}`)}},
	})
}
