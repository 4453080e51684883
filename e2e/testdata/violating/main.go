// Command violating grants S3 access to an ECS task execution role, which the policy pack's
// mandatory no-s3-on-ecs-execution-role forbids: e2e/cli_test.go runs it with `pulumi preview` and
// `pulumi up` to check that the pack blocks it whichever form --policy-pack takes.
package main

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() { pulumi.Run(run) }

func run(ctx *pulumi.Context) error {
	trust, err := jsonString(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}}})
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketV2(ctx, "files", &s3.BucketV2Args{Bucket: pulumi.String("violating-app-files")}); err != nil {
		return err
	}
	exec, err := iam.NewRole(ctx, "exec-role", &iam.RoleArgs{Name: pulumi.String("violating-exec"), AssumeRolePolicy: pulumi.String(trust)})
	if err != nil {
		return err
	}
	task, err := iam.NewRole(ctx, "task-role", &iam.RoleArgs{Name: pulumi.String("violating-task"), AssumeRolePolicy: pulumi.String(trust)})
	if err != nil {
		return err
	}
	s3Read, err := jsonString(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": []string{"s3:GetObject", "s3:PutObject"}, "Resource": "arn:aws:s3:::violating-app-files/*"}}})
	if err != nil {
		return err
	}
	grant, err := iam.NewRolePolicy(ctx, "exec-s3", &iam.RolePolicyArgs{Role: exec.Name, Policy: pulumi.String(s3Read)})
	if err != nil {
		return err
	}
	containers, err := jsonString([]any{map[string]any{"name": "web", "image": "nginx:latest", "essential": true}})
	if err != nil {
		return err
	}
	_, err = ecs.NewTaskDefinition(ctx, "task", &ecs.TaskDefinitionArgs{
		Family: pulumi.String("violating-server"), Cpu: pulumi.String("256"), Memory: pulumi.String("512"),
		NetworkMode: pulumi.String("awsvpc"), RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn: exec.Arn, TaskRoleArn: task.Arn, ContainerDefinitions: pulumi.String(containers),
	}, pulumi.DependsOn([]pulumi.Resource{grant}))
	return err
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
