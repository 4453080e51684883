// Package awsfacts holds the facts about AWS that the program, the policy pack and the test
// harness share, written once: pulumi-aws resource type tokens, ARN forms (built and parsed with
// aws-sdk-go-v2's aws/arn), partitions and regions, S3 bucket naming rules, IAM name rules, the
// ECS service principal and execution-role managed policy, Fargate task sizes and CloudWatch Logs
// retention values. Anything that must agree between what the program creates and what the pack
// checks belongs here, not in either of them.
package awsfacts
