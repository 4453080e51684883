package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"testing"
)

func TestTaskRoleForS3(t *testing.T) {
	withEnv := func(task, env string) pt.Resource {
		return pt.TaskDef("app", pt.RoleARN("app-exec"), task).Set("containerDefinitions", resource.NewStringProperty(pt.Containers(env, "")))
	}
	runAdvisory(t, pack.ECSTaskRoleForS3, []advisoryCase{
		{name: "S3 with a task role", rs: []pt.Resource{withEnv(pt.RoleARN("app-task"), `{"name":"S3_BUCKET","value":"uploads"}`)}},
		{name: "no S3, no task role", rs: []pt.Resource{withEnv("", `{"name":"RAILS_ENV","value":"production"}`)}},
		{name: "task role unknown at preview", rs: []pt.Resource{withEnv("", `{"name":"S3_BUCKET","value":"uploads"}`).Set("taskRoleArn", pt.Computed())}},

		{name: "bucket variable without task role", fail: true, rs: []pt.Resource{withEnv("", `{"name":"ACTIVE_STORAGE_BUCKET","value":"uploads"}`)}},
		{name: "s3:// value without task role", fail: true, rs: []pt.Resource{withEnv("", `{"name":"UPLOADS","value":"s3://uploads/prefix"}`)}},
	})
}
