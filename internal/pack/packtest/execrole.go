package packtest

import (
	"encoding/json"
	"fmt"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iamdata"
	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// jsonOf renders static fixture data as JSON.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fixture data: %v", err)) // static data: a programming error
	}
	return string(b)
}

// Doc is an IAM policy document with the given statements.
func Doc(stmts ...map[string]any) string {
	list := make([]any, len(stmts))
	for i, s := range stmts {
		list[i] = s
	}
	return jsonOf(map[string]any{"Version": awsfacts.IAMPolicyVersion, "Statement": list})
}

// Allow is an Allow statement of actions on resources.
func Allow(actions any, resources any) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resources}
}

// To returns a resource policy statement with a principal (and more fields).
func To(st map[string]any, principal any, more ...any) map[string]any {
	out := map[string]any{"Principal": principal}
	for k, v := range st {
		out[k] = v
	}
	for i := 0; i+1 < len(more); i += 2 {
		out[more[i].(string)] = more[i+1]
	}
	return out
}

func aws(p any) map[string]any { return map[string]any{"AWS": p} }

func where(typ, name string) string { return fmt.Sprintf("%s %q", typ, name) }

// WithEnvFiles returns a task definition whose container loads environment files from S3.
func WithEnvFiles(td Resource, files ...string) Resource {
	var efs []any
	for _, f := range files {
		efs = append(efs, map[string]any{"value": f, "type": "s3"})
	}
	return td.Set("containerDefinitions", jsonOf([]any{map[string]any{"name": "web", "image": "app:1", "environmentFiles": efs}}))
}

func mandatoryWith(props map[string]any) map[string]plugin.AnalyzerPolicyConfig {
	return map[string]plugin.AnalyzerPolicyConfig{pack.NoS3OnExecutionRole: {EnforcementLevel: apitype.Mandatory, Properties: props}}
}

// ExecRole returns the cases of no-s3-on-ecs-execution-role: every path by which S3 reaches an
// execution role, the set-ups that must pass, and those the pack cannot decide.
func ExecRole() []Case {
	return forPolicy(pack.NoS3OnExecutionRole, execRoleCases())
}

func execRoleCases() []Case {
	const (
		uploads    = "arn:aws:s3:::uploads"
		objects    = "arn:aws:s3:::uploads/*"
		envFile    = "arn:aws:s3:::config-bucket/app/prod.env"
		envBucket  = "arn:aws:s3:::config-bucket"
		apObjects  = "arn:aws:s3:us-east-1:123456789012:accesspoint/uploads-ap/object/*"
		otherAcct  = "999999999999"
		generated  = "exec-20260801120000000000000001" // what the provider makes of namePrefix "exec-"
		consoleDef = "ecsTaskExecutionRole"
		// An AWS managed policy name the data does not hold, and what messages about it say.
		newerThanData = "ZzExamplePolicyAddedAfterTheSnapshot"
		notInData     = "not in the pack's AWS data"
	)
	snapshot := "snapshot of " + iamdata.SnapshotDate()
	var (
		execARN, taskARN = RoleARN("app-exec"), RoleARN("app-task")
		exec, task       = Role("app-exec", nil), Role("app-task", nil)
		td               = TaskDef("app", execARN, taskARN)
		execManaged      = Attachment("exec-managed", "app-exec", ExecPolicyARN)
		s3Star           = Doc(Allow("s3:*", "*"))
		getObjects       = Doc(Allow("s3:GetObject", objects))
		taskS3           = Doc(Allow("s3:ListBucket", uploads), Allow([]any{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, objects))
		ecrLogs          = Doc(Allow([]any{"ecr:GetAuthorizationToken", "logs:PutLogEvents"}, "*"))
		anyone           = "*"
		trustExec        = Doc(To(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole"}, aws(execARN)))
		unknownTD        = TaskDef("app", "", "").Set("executionRoleArn", Computed()).Set("taskRoleArn", Computed()).
					Dep("executionRoleArn", exec).Dep("taskRoleArn", task)
	)
	bp := func(name string, doc any) Resource { return BucketPolicy(name, "uploads", doc) }
	rp, att := RolePolicy, Attachment
	resPolicy := func(st map[string]any) string { return Doc(st) }

	p := awsfacts.TypeRolePolicy
	return []Case{
		// Today's paths.
		{Name: "role policy s3:* as a JSON string", Want: Block, Path: where(p, "exec-s3"),
			Resources: []Resource{exec, task, rp("exec-s3", "app-exec", s3Star), td}},
		{Name: "role policy object form, upper-case S3:GET*", Want: Block, Path: where(p, "exec-s3"),
			Resources: []Resource{exec, task, rp("exec-s3", "app-exec", map[string]any{
				"Statement": map[string]any{"Effect": "Allow", "Action": []any{"logs:PutLogEvents", "S3:GET*"}, "Resource": "*"}}), td}},
		{Name: "attachment of AmazonS3ReadOnlyAccess", Want: Block, Path: where(awsfacts.TypeRolePolicyAttachment, "exec-ro"),
			Resources: []Resource{exec, task, att("exec-ro", "app-exec", AWSManaged("AmazonS3ReadOnlyAccess")), td}},
		{Name: "attachment of a customer managed policy of the stack", Want: Block, Path: where(awsfacts.TypeRolePolicyAttachment, "exec-uploads"),
			Resources: []Resource{exec, task, Policy("uploads", taskS3), att("exec-uploads", "app-exec", PolicyARN("uploads")), td}},
		{Name: "PolicyAttachment roles list with AmazonS3FullAccess", Want: Block, Path: where(awsfacts.TypePolicyAttachment, "s3-all"),
			Resources: []Resource{exec, task, New(awsfacts.TypePolicyAttachment, "s3-all", map[string]any{
				"roles": []any{"other", "app-exec"}, "policyArn": AWSManaged("AmazonS3FullAccess")}), td}},
		{Name: "the role's inline policy Allow NotAction iam:*", Want: Block, Path: `inline policy "all-but-iam" (aws:iam/role:Role "app-exec")`,
			Resources: []Resource{Role("app-exec", map[string]any{"inlinePolicies": []any{map[string]any{"name": "all-but-iam",
				"policy": `{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`}}}), task, td}},
		{Name: "the role's managedPolicyArns with AmazonS3FullAccess", Want: Block, Path: "managedPolicyArns",
			Resources: []Resource{Role("app-exec", map[string]any{"managedPolicyArns": []any{ExecPolicyARN, AWSManaged("AmazonS3FullAccess")}}), task, td}},
		{Name: "bucket policy naming the execution role", Want: Block, Path: where(awsfacts.TypeBucketPolicy, "uploads-policy"),
			Resources: []Resource{exec, task, td, bp("uploads-policy", resPolicy(To(Allow("s3:GetObject", objects), aws(execARN))))}},
		{Name: "bucket policy naming a session of the execution role", Want: Block, Path: where(awsfacts.TypeBucketPolicy, "uploads-policy"),
			Resources: []Resource{exec, task, td, bp("uploads-policy", resPolicy(To(Allow("s3:GetObject", objects),
				aws("arn:aws:sts::123456789012:assumed-role/app-exec/ecs-task-1"))))}},
		{Name: "NotAction that leaves out three S3 namespaces but not S3 Tables", Want: Block, Path: where(p, "exec-na"),
			Resources: []Resource{exec, rp("exec-na", "app-exec", `{"Statement":{"Effect":"Allow","NotAction":["S3:*","s3-object-lambda:*","s3express:*"],"Resource":"*"}}`), td}},
		{Name: "execution role by its managed policy, no task definition", Want: Block, Path: where(p, "exec-star"),
			Resources: []Resource{exec, execManaged, rp("exec-star", "app-exec", Doc(Allow("*", "*")))}},
		{Name: "one role as task and execution role", Want: Block, Path: where(p, "task-s3"),
			Resources: []Resource{task, rp("task-s3", "app-task", taskS3), TaskDef("app", taskARN, taskARN)}},
		{Name: "secret-wrapped policy document", Want: Block, Path: where(p, "exec-s3"),
			Resources: []Resource{exec, task, rp("exec-s3", "app-exec", "").Set("policy", Secret(s3Star)), td}},
		{Name: "malformed policy document on the execution role", Want: Block, Path: where(p, "exec-bad"),
			Resources: []Resource{exec, task, rp("exec-bad", "app-exec", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject",`), td}},
		{Name: "role outside the stack named by a literal ARN with a path", Want: Block, Path: where(awsfacts.TypeRolePolicyAttachment, "ext-s3"),
			Resources: []Resource{att("ext-s3", "shared-exec", AWSManaged("AmazonS3FullAccess")),
				TaskDef("app", awsfacts.RoleARN("aws", Account, "/ecs/", "shared-exec"), "")}},
		{Name: "role name in another letter case", Want: Block, Path: where(p, "exec-s3"),
			Resources: []Resource{rp("exec-s3", "App-Exec", s3Star), TaskDef("app", execARN, "")}},
		{Name: "question-mark wildcard in the service", Want: Block, Path: where(p, "exec-s3"),
			Resources: []Resource{exec, rp("exec-s3", "app-exec", Doc(Allow("s?:Put*", "*"))), td}},
		{Name: "configured extra managed policy", Want: Block, Path: where(awsfacts.TypeRolePolicyAttachment, "lake"),
			Config:    mandatoryWith(map[string]any{"extraS3ManagedPolicyArns": []any{"arn:aws:iam::123456789012:policy/org/data-lake"}}),
			Resources: []Resource{exec, att("lake", "app-exec", "arn:aws:iam::123456789012:policy/org/data-lake"), td}},
		{Name: "preview: unknown ARNs linked by property dependencies", Want: Block, In: map[Mode]Verdict{Update: Pass},
			Path: where(p, "exec-s3"),
			Resources: []Resource{exec.Set("arn", Computed()), task.Set("arn", Computed()),
				rp("exec-s3", "app-exec", s3Star).Dep("role", exec), unknownTD}},
		{Name: "preview: attachment to a stack policy by dependency", Want: Block, In: map[Mode]Verdict{Update: Pass},
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-uploads"),
			Resources: []Resource{exec, task, Policy("uploads", taskS3).Out("arn", Computed()),
				att("exec-uploads", "app-exec", "").Set("policyArn", Computed()).Dep("role", exec).Dep("policyArn", Policy("uploads", taskS3)),
				unknownTD}},
		{Name: "grant after the task definition, in state order", Want: Block, Path: where(p, "exec-s3"), StopAt: "exec-s3",
			Resources: []Resource{td, exec, rp("exec-s3", "app-exec", s3Star)}},
		{Name: "AWS managed policy not in the snapshot, blockUnverifiableGrants", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-new"), Says: []string{notInData, snapshot},
			Config:    mandatoryWith(map[string]any{"blockUnverifiableGrants": true}),
			Resources: []Resource{exec, task, att("exec-new", "app-exec", AWSManaged(newerThanData)), td}},
		{Name: "customer managed policy outside the stack, blockUnverifiableGrants", Want: Block, Path: where(awsfacts.TypeRolePolicyAttachment, "ext"),
			Config:    mandatoryWith(map[string]any{"blockUnverifiableGrants": true}),
			Resources: []Resource{exec, att("ext", "app-exec", PolicyARN("outside")), td}},
		{Name: "legacy bucket with an inline policy naming the execution role", Want: Block, Path: where(awsfacts.TypeBucketV2, "legacy"),
			Resources: []Resource{exec, td, New(awsfacts.TypeBucketV2, "legacy", map[string]any{"bucket": "legacy",
				"policy": resPolicy(To(Allow("s3:GetObject", "arn:aws:s3:::legacy/*"), aws(execARN)))})}},

		// AWS managed policies, judged from AWS's data.
		{Name: "AWS managed policy granting S3 without S3 in its name", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-sm"), Says: []string{"SecretsManagerReadWrite", "s3:GetObject", snapshot},
			Resources: []Resource{exec, task, att("exec-sm", "app-exec", AWSManaged("SecretsManagerReadWrite")), td}},
		{Name: "service-role AWS managed policy granting S3 (AWSGlueServiceRole)", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-glue"), Says: []string{"AWSGlueServiceRole", "s3:GetObject", "s3:PutObject"},
			Resources: []Resource{exec, task, td, att("exec-glue", "app-exec", awsfacts.PolicyARN("aws", "aws", "/service-role/", "AWSGlueServiceRole"))}},
		{Name: "AWS managed policy granting S3 in the role's managedPolicyArns (AmazonAthenaFullAccess)", Want: Block,
			Path: "managedPolicyArns", Says: []string{"AmazonAthenaFullAccess", "S3-family actions, among them s3:GetObject"},
			Resources: []Resource{Role("app-exec", map[string]any{"managedPolicyArns": []any{ExecPolicyARN, AWSManaged("AmazonAthenaFullAccess")}}), td}},
		{Name: "deprecated AWS managed policy granting S3 (AWSCloudTrailReadOnlyAccess)", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-trail"), Says: []string{"AWSCloudTrailReadOnlyAccess", "deprecated", "s3:GetObject"},
			Resources: []Resource{exec, task, td, att("exec-trail", "app-exec", AWSManaged("AWSCloudTrailReadOnlyAccess"))}},
		{Name: "AWS managed policy with NotAction (PowerUserAccess)", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-power"), Says: []string{"PowerUserAccess", "NotAction", "and those AWS adds"},
			Resources: []Resource{exec, task, td, att("exec-power", "app-exec", AWSManaged("PowerUserAccess"))}},
		{Name: "GovCloud partition ARN of AmazonS3ReadOnlyAccess", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-gov"), Says: []string{"AmazonS3ReadOnlyAccess", "s3:GetObject"},
			Resources: []Resource{exec, task, td, att("exec-gov", "app-exec", awsfacts.PolicyARN("aws-us-gov", "aws", "", "AmazonS3ReadOnlyAccess"))}},
		{Name: "China partition ARN of AmazonS3FullAccess in exclusive attachments", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-cn"), Says: []string{"AmazonS3FullAccess", "s3:PutObject"},
			Resources: []Resource{exec, td, New(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-cn", map[string]any{
				"roleName": "app-exec", "policyArns": []any{awsfacts.ExecutionRolePolicyARN("aws-cn"), awsfacts.PolicyARN("aws-cn", "aws", "", "AmazonS3FullAccess")}})}},
		{Name: "AWS managed policy name at the wrong path, blockUnverifiableGrants", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-path"), Says: []string{ExecPolicyARN, "correct the ARN"},
			Config:    mandatoryWith(map[string]any{"blockUnverifiableGrants": true}),
			Resources: []Resource{exec, task, td, att("exec-path", "app-exec", AWSManaged(awsfacts.ExecutionRolePolicyName))}},

		// Exclusive attachments.
		{Name: "RolePolicyAttachmentsExclusive with AmazonS3FullAccess", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-exclusive"),
			Resources: []Resource{exec, task, New(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-exclusive", map[string]any{
				"roleName": "app-exec", "policyArns": []any{ExecPolicyARN, AWSManaged("AmazonS3FullAccess")}}), td}},
		{Name: "RolePolicyAttachmentsExclusive with a stack policy, execution role by managedPolicyArns", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-exclusive"), StopAt: "exec-exclusive",
			Resources: []Resource{Role("app-exec", map[string]any{"managedPolicyArns": []any{ExecPolicyARN}}), Policy("uploads", taskS3),
				New(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-exclusive", map[string]any{
					"roleName": "app-exec", "policyArns": []any{PolicyARN("uploads")}}), td}},

		// Access points.
		{Name: "access point policy naming the execution role", Want: Block, Path: where(awsfacts.TypeS3AccessPoint, "uploads-ap"),
			Resources: []Resource{exec, task, td, New(awsfacts.TypeS3AccessPoint, "uploads-ap", map[string]any{"bucket": "uploads",
				"name": "uploads-ap", "policy": resPolicy(To(Allow("s3:GetObject", apObjects), aws(execARN)))})}},
		{Name: "s3control AccessPointPolicy naming the execution role", Want: Block, Path: where(awsfacts.TypeS3ControlAccessPointPol, "ap-policy"),
			Resources: []Resource{exec, task, td, New(awsfacts.TypeS3ControlAccessPointPol, "ap-policy", map[string]any{
				"accessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/uploads-ap",
				"policy":         resPolicy(To(Allow("s3:*", apObjects), aws(execARN)))})}},
		{Name: "Object Lambda access point policy naming the execution role", Want: Block,
			Path: where(awsfacts.TypeS3ControlObjectLambdaPol, "olap-policy"),
			Resources: []Resource{exec, task, td, New(awsfacts.TypeS3ControlObjectLambdaPol, "olap-policy", map[string]any{"name": "olap",
				"policy": resPolicy(To(Allow("s3-object-lambda:GetObject", "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/olap"), aws(execARN)))})}},
		{Name: "Multi-Region access point policy naming the execution role", Want: Block,
			Path: where(awsfacts.TypeS3ControlMultiRegionPol, "mrap-policy"),
			Resources: []Resource{exec, task, td, New(awsfacts.TypeS3ControlMultiRegionPol, "mrap-policy", map[string]any{
				"details": map[string]any{"name": "mrap", "policy": resPolicy(To(Allow("s3:GetObject",
					"arn:aws:s3::123456789012:accesspoint/mrap.mrap/object/*"), aws(execARN)))}})}},
		{Name: "bucket policy delegating to access points, access point policy naming the execution role", Want: Block,
			Path: where(awsfacts.TypeS3ControlAccessPointPol, "ap-policy"),
			Resources: []Resource{exec, task, td,
				bp("delegate", resPolicy(To(Allow("*", []any{uploads, objects}), aws(anyone),
					"Condition", map[string]any{"StringEquals": map[string]any{"s3:DataAccessPointAccount": Account}}))),
				New(awsfacts.TypeS3ControlAccessPointPol, "ap-policy", map[string]any{
					"accessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/uploads-ap",
					"policy":         resPolicy(To(Allow("s3:GetObject", apObjects), aws(execARN)))})}},
		{Name: "S3 on Outposts bucket policy naming the execution role", Want: Block, Path: where(awsfacts.TypeS3ControlBucketPolicy, "op-policy"),
			Resources: []Resource{exec, td, New(awsfacts.TypeS3ControlBucketPolicy, "op-policy", map[string]any{
				"bucket": "arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-1/bucket/b",
				"policy": resPolicy(To(Allow("*", "arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-1/bucket/b/object/*"), aws(execARN)))})}},

		// Principal "*" narrowed to the role, NotPrincipal, unique IDs.
		{Name: `Principal "*" with StringEquals aws:PrincipalArn`, Want: Block, Path: where(awsfacts.TypeBucketPolicy, "by-arn"),
			Resources: []Resource{exec, task, td, bp("by-arn", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringEquals": map[string]any{"aws:PrincipalArn": execARN}})))}},
		{Name: `{"AWS": "*"} with ArnLike aws:PrincipalArn pattern`, Want: Block, Path: where(awsfacts.TypeBucketPolicy, "by-pattern"),
			Resources: []Resource{exec, task, td, bp("by-pattern", resPolicy(To(Allow("s3:PutObject", objects), aws(anyone),
				"Condition", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/app-*"}})))}},
		{Name: `Principal "*" with aws:PrincipalAccount of the stack`, Want: Block, Path: where(awsfacts.TypeBucketPolicy, "by-account"),
			Resources: []Resource{exec, task, td, bp("by-account", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": Account}})))}},
		{Name: `Principal "*" with StringLike aws:PrincipalArn "*"`, Want: Block, Path: where(awsfacts.TypeBucketPolicy, "any-arn"),
			Resources: []Resource{exec, td, bp("any-arn", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringLike": map[string]any{"aws:PrincipalArn": "*"}})))}},
		{Name: `Principal "*" with ArnNotLike aws:PrincipalArn of another role`, Want: Block, Path: where(awsfacts.TypeBucketPolicy, "all-but"),
			Resources: []Resource{exec, task, td, bp("all-but", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"ArnNotLikeIfExists": map[string]any{"aws:PrincipalArn": taskARN}})))}},
		{Name: "access point policy with Principal \"*\" and aws:PrincipalArn", Want: Block, Path: where(awsfacts.TypeS3AccessPoint, "uploads-ap"),
			Resources: []Resource{exec, task, td, New(awsfacts.TypeS3AccessPoint, "uploads-ap", map[string]any{"bucket": "uploads",
				"policy": resPolicy(To(Allow("s3:GetObject", apObjects), anyone,
					"Condition", map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": execARN}}))})}},
		{Name: "Allow with NotPrincipal that leaves the execution role in", Want: Block, Path: where(awsfacts.TypeBucketPolicy, "not-principal"),
			Resources: []Resource{exec, task, td, bp("not-principal", Doc(map[string]any{"Effect": "Allow",
				"NotPrincipal": aws(taskARN), "Action": "s3:GetObject", "Resource": objects}))}},
		{Name: "access point policy Allow with NotPrincipal", Want: Block, Path: where(awsfacts.TypeS3ControlAccessPointPol, "ap-policy"),
			Resources: []Resource{exec, td, New(awsfacts.TypeS3ControlAccessPointPol, "ap-policy", map[string]any{
				"accessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/uploads-ap",
				"policy": Doc(map[string]any{"Effect": "Allow", "NotPrincipal": aws("arn:aws:iam::123456789012:role/ops"),
					"Action": "s3:*", "Resource": apObjects})})}},
		{Name: "bucket policy naming the execution role by its unique ID", Want: Block, In: map[Mode]Verdict{Update: Undecided},
			Path:      where(awsfacts.TypeBucketPolicy, "by-id"),
			Resources: []Resource{exec, task, td, bp("by-id", resPolicy(To(Allow("s3:GetObject", objects), aws(UniqueID("app-exec")))))}},
		{Name: `Principal "*" with aws:userid of the role's sessions`, Want: Block, In: map[Mode]Verdict{Update: Undecided},
			Path: where(awsfacts.TypeBucketPolicy, "by-userid"),
			Resources: []Resource{exec, task, td, bp("by-userid", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringLike": map[string]any{"aws:userid": UniqueID("app-exec") + ":*"}})))}},

		// Roles the execution role can become.
		{Name: "a role the execution role can assume carries S3", Want: Block, Path: where(p, "reader-s3"), StopAt: "reader-s3",
			Resources: []Resource{exec, task, td, Role("reader", map[string]any{"assumeRolePolicy": trustExec}),
				rp("reader-s3", "reader", getObjects)}},
		{Name: "two hops: execution role → mid → reader with S3", Want: Block, Path: where(awsfacts.TypeRolePolicyAttachment, "reader-s3"),
			Resources: []Resource{exec, td, Role("mid", map[string]any{"assumeRolePolicy": trustExec}),
				Role("reader", map[string]any{"assumeRolePolicy": Doc(To(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole"},
					aws(RoleARN("mid"))))}),
				att("reader-s3", "reader", AWSManaged("AmazonS3ReadOnlyAccess"))}},
		{Name: "assumable role with S3 declared before the task definition", Want: Block,
			Path: `inline policy "read" (aws:iam/role:Role "reader")`, StopAt: "app",
			Resources: []Resource{exec, Role("reader", map[string]any{"assumeRolePolicy": trustExec,
				"inlinePolicies": []any{map[string]any{"name": "read", "policy": getObjects}}}), task, td}},

		// Roles named when created.
		{Name: "namePrefix role with an inline S3 policy, before its task definition", Want: Block,
			Path: `inline policy "uploads" (aws:iam/role:Role "exec")`, StopAt: "app",
			Resources: []Resource{New(awsfacts.TypeRole, "exec", map[string]any{"namePrefix": "exec-", "assumeRolePolicy": ECSTrust,
				"inlinePolicies": []any{map[string]any{"name": "uploads", "policy": getObjects}}}).
				Out("name", generated).Out("arn", RoleARN(generated)),
				task, TaskDef("app", RoleARN(generated), taskARN)}},
		{Name: "namePrefix role with exclusive S3 attachments by its generated name", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-exclusive"), StopAt: "app",
			Resources: []Resource{New(awsfacts.TypeRole, "exec", map[string]any{"namePrefix": "exec-", "assumeRolePolicy": ECSTrust}).
				Out("name", generated).Out("arn", RoleARN(generated)),
				New(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-exclusive", map[string]any{
					"roleName": generated, "policyArns": []any{AWSManaged("AmazonS3FullAccess")}}),
				TaskDef("app", RoleARN(generated), "")}},
		{Name: "role with a path, task definition ARN with the path", Want: Block, Path: where(p, "exec-s3"),
			Resources: []Resource{Role("app-exec", map[string]any{"path": "/ecs/"}).Out("arn", awsfacts.RoleARN("aws", Account, "/ecs/", "app-exec")),
				rp("exec-s3", "app-exec", getObjects), TaskDef("app", awsfacts.RoleARN("aws", Account, "/ecs/", "app-exec"), "")}},

		// In an update, the grant itself is blocked once the role is known to be an execution role.
		{Name: "known by its trust and AmazonECSTaskExecutionRolePolicy: the grant is blocked", Want: Block,
			Path: where(p, "exec-s3"), StopAt: "exec-s3",
			Resources: []Resource{exec, execManaged, rp("exec-s3", "app-exec", getObjects), task, td}},
		{Name: "known from an earlier task definition: the grant is blocked", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-ro"), StopAt: "exec-ro",
			Resources: []Resource{exec, task, td, att("exec-ro", "app-exec", AWSManaged("AmazonS3ReadOnlyAccess"))}},

		// The environmentFiles exception, and what goes beyond it.
		{Name: "environment files: s3:PutObject as well", Want: Block, Path: where(p, "exec-env"),
			Resources: []Resource{exec, task, WithEnvFiles(td, envFile),
				rp("exec-env", "app-exec", Doc(Allow([]any{"s3:GetObject", "s3:PutObject"}, envFile), Allow("s3:GetBucketLocation", envBucket)))}},
		{Name: "environment files: s3:GetObject on the whole bucket", Want: Block, Path: where(p, "exec-env"),
			Resources: []Resource{exec, task, WithEnvFiles(td, envFile),
				rp("exec-env", "app-exec", Doc(Allow("s3:GetObject", envBucket+"/*"), Allow("s3:GetBucketLocation", envBucket)))}},
		{Name: "environment files: s3:GetObject on a file no task definition lists", Want: Block, In: map[Mode]Verdict{Update: Undecided},
			Path: where(p, "exec-env"),
			Resources: []Resource{exec, task, WithEnvFiles(td, envFile),
				rp("exec-env", "app-exec", Doc(Allow("s3:GetObject", "arn:aws:s3:::config-bucket/app/other.env")))}},
		{Name: "environment files: s3:GetBucketLocation on another bucket", Want: Block, In: map[Mode]Verdict{Update: Undecided},
			Path: where(p, "exec-env"),
			Resources: []Resource{exec, task, WithEnvFiles(td, envFile),
				rp("exec-env", "app-exec", Doc(Allow("s3:GetObject", envFile), Allow("s3:GetBucketLocation", "arn:aws:s3:::uploads")))}},
		{Name: "environment files: a narrow grant while the task definition lists none", Want: Block, In: map[Mode]Verdict{Update: Undecided},
			Path:      where(p, "exec-env"),
			Resources: []Resource{exec, task, td, rp("exec-env", "app-exec", Doc(Allow("s3:GetObject", envFile)))}},
		{Name: "environment files: s3:Get* on the file", Want: Block, Path: where(p, "exec-env"),
			Resources: []Resource{exec, WithEnvFiles(td, envFile), rp("exec-env", "app-exec", Doc(Allow("s3:Get*", envFile)))}},
		{Name: "environment files: a bucket policy statement within them, then one granting s3:* to the role", Want: Block,
			Path: where(awsfacts.TypeBucketPolicy, "config-policy"), Says: []string{"statement 2"},
			Resources: []Resource{exec, task, WithEnvFiles(td, envFile), BucketPolicy("config-policy", "config-bucket", Doc(
				To(Allow("s3:GetObject", envFile), aws(execARN)), To(Allow("s3:*", envBucket+"/*"), aws(execARN))))}},

		// Several grants in one place, each judged: one that passes does not hide the next.
		{Name: "the role's managedPolicyArns: a policy granting no S3, then AmazonS3FullAccess", Want: Block,
			Path: "managedPolicyArns", Says: []string{"AmazonS3FullAccess"},
			Resources: []Resource{Role("app-exec", map[string]any{"managedPolicyArns": []any{
				AWSManaged("AmazonEC2ContainerRegistryReadOnly"), AWSManaged("AmazonS3FullAccess")}}), task, td}},
		{Name: "exclusive attachments: a policy granting no S3, then AmazonS3FullAccess", Want: Block,
			Path: where(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-all"), Says: []string{"AmazonS3FullAccess"},
			Resources: []Resource{exec, task, td, New(awsfacts.TypeRolePolicyAttachmentsExclusive, "exec-all", map[string]any{
				"roleName": "app-exec", "policyArns": []any{AWSManaged("AmazonEC2ContainerRegistryReadOnly"), AWSManaged("AmazonS3FullAccess")}})}},

		// Compliant.
		{Name: "execution role with only the managed execution policy, S3 on the task role", Want: Pass,
			Resources: []Resource{exec, task, execManaged, rp("task-s3", "app-task", taskS3), td}},
		{Name: "execution role reads secrets and writes logs", Want: Pass,
			Resources: []Resource{exec, task, rp("exec-secrets", "app-exec", Doc(Allow("secretsmanager:GetSecretValue",
				"arn:aws:secretsmanager:us-east-1:123456789012:secret:app-*"))), rp("exec-logs", "app-exec", ecrLogs), td}},
		{Name: "deny-only S3 statement", Want: Pass,
			Resources: []Resource{exec, rp("exec-deny", "app-exec", `{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`), td}},
		{Name: "NotAction that leaves out the whole S3 family", Want: Pass,
			Resources: []Resource{exec, rp("exec-na", "app-exec", `{"Statement":{"Effect":"Allow","NotAction":["S3*:*"],"Resource":"*"}}`), td}},
		{Name: "bucket policy naming the task role", Want: Pass,
			Resources: []Resource{exec, task, td, bp("uploads-policy", resPolicy(To(Allow("s3:*", objects), aws(taskARN))))}},
		{Name: "every action, but only on a log group", Want: Pass,
			Resources: []Resource{exec, rp("exec-logs", "app-exec", Doc(Allow("*", "arn:aws:logs:us-east-1:123456789012:log-group:app:*"))), td}},
		{Name: "S3 on a role no task definition uses as its execution role", Want: Pass,
			Resources: []Resource{Role("batch", nil), rp("batch-s3", "batch", s3Star), td}},
		{Name: "services that only look like S3", Want: Pass,
			Resources: []Resource{exec, rp("exec-q", "app-exec", Doc(Allow([]any{"sqs:*", "sns:Publish", "ssm:GetParameters"}, "*"))), td}},
		{Name: "preview: S3 on the task role linked by dependencies", Want: Pass,
			Resources: []Resource{exec.Set("arn", Computed()), task.Set("arn", Computed()), rp("task-s3", "app-task", taskS3).Dep("role", task), unknownTD}},
		{Name: "disabled by configuration", Want: Pass,
			Config:    map[string]plugin.AnalyzerPolicyConfig{pack.NoS3OnExecutionRole: {EnforcementLevel: apitype.Disabled}},
			Resources: []Resource{exec, rp("exec-s3", "app-exec", s3Star), td}},
		{Name: "the ActiveStorage component's own shape", Want: Pass,
			Resources: []Resource{exec, task, execManaged, Policy("uploads", taskS3), att("task-uploads", "app-task", PolicyARN("uploads")), td}},
		{Name: "another account's role of the same name in a bucket policy", Want: Pass,
			Resources: []Resource{Role(consoleDef, nil), Attachment("exec-managed", consoleDef, ExecPolicyARN), TaskDef("app", RoleARN(consoleDef), ""),
				bp("partner", resPolicy(To(Allow("s3:GetObject", objects), aws(awsfacts.RoleARN("aws", otherAcct, "", consoleDef)))))}},
		{Name: "another account's role of the same name, by provider account", Want: Pass,
			Resources: func() []Resource {
				mine := Provider("mine", map[string]any{"region": "us-east-1", "allowedAccountIds": []any{Account}})
				theirs := Provider("theirs", map[string]any{"region": "us-east-1", "allowedAccountIds": []any{otherAcct}})
				return []Resource{mine, theirs, rp("their-exec-s3", consoleDef, getObjects).Under(theirs),
					TaskDef("app", RoleARN(consoleDef), "").Under(mine)}
			}()},
		{Name: "environment files: exactly what ECS needs", Want: Pass,
			Resources: []Resource{exec, task, WithEnvFiles(td, envFile),
				rp("exec-env", "app-exec", Doc(Allow("s3:GetObject", envFile), Allow("s3:GetBucketLocation", envBucket)))}},
		{Name: "environment files: both actions in one statement", Want: Pass,
			Resources: []Resource{exec, WithEnvFiles(td, envFile),
				rp("exec-env", "app-exec", Doc(Allow([]any{"s3:GetObject", "s3:GetBucketLocation"}, []any{envFile, envBucket})))}},
		{Name: "environment files of two task definitions", Want: Pass,
			Resources: []Resource{exec, WithEnvFiles(td, envFile), WithEnvFiles(TaskDef("worker", execARN, ""), "arn:aws:s3:::config-bucket/app/worker.env"),
				rp("exec-env", "app-exec", Doc(Allow("s3:GetObject", []any{envFile, "arn:aws:s3:::config-bucket/app/worker.env"}),
					Allow("s3:GetBucketLocation", envBucket)))}},
		{Name: `Principal "*" narrowed by VPC endpoint only`, Want: Pass,
			Resources: []Resource{exec, td, bp("vpce", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringEquals": map[string]any{"aws:SourceVpce": "vpce-1a2b3c4d"}})))}},
		{Name: `Principal "*" with aws:PrincipalArn of the task role`, Want: Pass,
			Resources: []Resource{exec, task, td, bp("by-arn", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringEquals": map[string]any{"aws:PrincipalArn": taskARN}})))}},
		{Name: `Principal "*" with aws:PrincipalAccount of another account`, Want: Pass,
			Resources: []Resource{exec, task, td, bp("by-account", resPolicy(To(Allow("s3:GetObject", objects), anyone,
				"Condition", map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": otherAcct}})))}},
		{Name: "Allow with NotPrincipal that leaves the execution role out", Want: Pass,
			Resources: []Resource{exec, td, bp("not-principal", Doc(map[string]any{"Effect": "Allow",
				"NotPrincipal": aws([]any{execARN, taskARN}), "Action": "s3:GetObject", "Resource": objects}))}},
		{Name: "Deny with NotPrincipal naming the execution role", Want: Pass,
			Resources: []Resource{exec, td, bp("deny-others", Doc(map[string]any{"Effect": "Deny",
				"NotPrincipal": aws(execARN), "Action": "s3:*", "Resource": objects}))}},
		{Name: "a role only the task role can assume carries S3", Want: Pass,
			Resources: []Resource{exec, task, td, Role("reader", map[string]any{"assumeRolePolicy": Doc(To(map[string]any{
				"Effect": "Allow", "Action": "sts:AssumeRole"}, aws(taskARN)))}), rp("reader-s3", "reader", getObjects)}},
		{Name: "a role trusting the account (not the role) carries S3", Want: Pass,
			Resources: []Resource{exec, td, Role("reader", map[string]any{"assumeRolePolicy": Doc(To(map[string]any{
				"Effect": "Allow", "Action": "sts:AssumeRole"}, aws("arn:aws:iam::123456789012:root")))}), rp("reader-s3", "reader", getObjects)}},
		{Name: "AmazonECSTaskExecutionRolePolicy on a role ECS tasks cannot assume", Want: Pass,
			Resources: []Resource{Role("builder", map[string]any{"assumeRolePolicy": Doc(To(map[string]any{"Effect": "Allow",
				"Action": "sts:AssumeRole"}, map[string]any{"Service": "codebuild.amazonaws.com"}))}),
				Attachment("builder-ecr", "builder", ExecPolicyARN), rp("builder-s3", "builder", s3Star)}},
		{Name: "bucket policy naming the task role by its unique ID", Want: Pass,
			In:        map[Mode]Verdict{Update: Undecided, Preview: Undecided},
			Resources: []Resource{exec, task, td, bp("by-id", resPolicy(To(Allow("s3:GetObject", objects), aws(UniqueID("app-task")))))}},
		{Name: "namePrefix role that is not the execution role", Want: Pass,
			Resources: []Resource{New(awsfacts.TypeRole, "reader", map[string]any{"namePrefix": "reader-", "assumeRolePolicy": ECSTrust,
				"inlinePolicies": []any{map[string]any{"name": "read", "policy": getObjects}}}).Out("name", "reader-20260801120000000000000002"),
				exec, td}},
		{Name: "access point policy naming the task role", Want: Pass,
			Resources: []Resource{exec, task, td, New(awsfacts.TypeS3AccessPoint, "uploads-ap", map[string]any{"bucket": "uploads",
				"policy": resPolicy(To(Allow("s3:GetObject", apObjects), aws(taskARN)))})}},
		{Name: "bucket policy delegating to access points, alone", Want: Pass,
			Resources: []Resource{exec, td, bp("delegate", resPolicy(To(Allow("*", []any{uploads, objects}), aws(anyone),
				"Condition", map[string]any{"StringEquals": map[string]any{"s3:DataAccessPointAccount": Account}})))}},
		{Name: "AWS managed policy known to grant no S3", Want: Pass,
			Resources: []Resource{exec, att("exec-ecr", "app-exec", AWSManaged("AmazonEC2ContainerRegistryReadOnly")), td}},
		{Name: "AWS managed policies of the data that grant no S3, in managedPolicyArns", Want: Pass,
			Resources: []Resource{Role("app-exec", map[string]any{"managedPolicyArns": []any{ExecPolicyARN,
				AWSManaged("CloudWatchLogsFullAccess"), AWSManaged("AmazonSSMReadOnlyAccess"), AWSManaged("AWSXrayWriteOnlyAccess")}}), td}},
		{Name: "deprecated AWS managed policy that grants no S3", Want: Pass,
			Resources: []Resource{exec, td, att("exec-ecs", "app-exec", AWSManaged("AmazonEC2ContainerServiceFullAccess"))}},
		{Name: "GovCloud execution role with its execution and ECR policies", Want: Pass,
			Resources: []Resource{
				Role("app-exec", nil).Out("arn", awsfacts.RoleARN("aws-us-gov", Account, "", "app-exec")),
				Attachment("exec-managed", "app-exec", awsfacts.ExecutionRolePolicyARN("aws-us-gov")),
				att("exec-ecr", "app-exec", awsfacts.PolicyARN("aws-us-gov", "aws", "", "AmazonEC2ContainerRegistryPullOnly")),
				TaskDef("app", awsfacts.RoleARN("aws-us-gov", Account, "", "app-exec"), "")}},
		{Name: "an organization's extra S3 policy attached to the task role", Want: Pass,
			Config:    mandatoryWith(map[string]any{"extraS3ManagedPolicyArns": []any{"arn:aws:iam::123456789012:policy/org/data-lake"}}),
			Resources: []Resource{exec, task, execManaged, att("lake", "app-task", "arn:aws:iam::123456789012:policy/org/data-lake"), td}},

		// Cannot decide: the pack says so, and does not block unless configured to.
		{Name: "preview: unknown document on the execution role", Want: Undecided,
			Resources: []Resource{exec, rp("exec-x", "app-exec", "").Set("policy", Computed()), td}},
		{Name: "AWS managed policy not in the snapshot", Want: Undecided,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-new"), Says: []string{newerThanData, notInData, snapshot, "check the ARN"},
			Resources: []Resource{exec, task, att("exec-new", "app-exec", AWSManaged(newerThanData)), td}},
		{Name: "AmazonECSTaskExecutionRolePolicy at the wrong path", Want: Undecided,
			Path: where(awsfacts.TypeRolePolicyAttachment, "exec-path"), Says: []string{ExecPolicyARN, "which grants no S3", "correct the ARN"},
			Resources: []Resource{exec, task, td, att("exec-path", "app-exec", AWSManaged(awsfacts.ExecutionRolePolicyName))}},
		{Name: "AmazonS3FullAccess at the wrong path", Want: Undecided,
			Path:      where(awsfacts.TypeRolePolicyAttachment, "exec-path"),
			Says:      []string{AWSManaged("AmazonS3FullAccess"), "s3:PutObject", "must not carry either"},
			Resources: []Resource{exec, task, td, att("exec-path", "app-exec", awsfacts.PolicyARN("aws", "aws", "/service-role/", "AmazonS3FullAccess"))}},
		{Name: "customer managed policy outside the stack", Want: Undecided,
			Path: where(awsfacts.TypeRolePolicyAttachment, "ext"), Says: []string{"extraS3ManagedPolicyArns"},
			Resources: []Resource{exec, att("ext", "app-exec", PolicyARN("outside")), td}},
	}
}

// forPolicy sets the policy of every case.
func forPolicy(policy string, cs []Case) []Case {
	for i := range cs {
		cs[i].Policy = policy
	}
	return cs
}
