package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/harness/offline"
)

const (
	policyExecRoleS3 = "no-s3-on-ecs-execution-role"
	policyNoKeys     = "no-embedded-aws-credentials"

	execPolicyArn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
	bucketName    = "bad-app-files"
)

var ecsTrust = mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
	"Effect": "Allow", "Principal": map[string]any{"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}}})

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // static test data
	}
	return string(b)
}

func s3Doc(actionKey string, actions any, resources ...string) string {
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", actionKey: actions, "Resource": resources}}})
}

// world is the usual shape of an ECS service's IAM: a bucket, a task role, an execution role
// carrying the managed execution policy, and a task definition using both roles.
type world struct {
	ctx      *pulumi.Context
	bucket   *s3.BucketV2
	taskRole *iam.Role
	execRole *iam.Role
	// grants are resources the task definition must wait for (as the component does).
	grants []pulumi.Resource
}

type worldOpts struct {
	noManagedExecPolicy bool
	execRoleArgs        *iam.RoleArgs
	env                 []map[string]string
	secrets             []map[string]string
	provider            pulumi.ProviderResource
}

func newWorld(ctx *pulumi.Context, o worldOpts) (*world, error) {
	var opts []pulumi.ResourceOption
	if o.provider != nil {
		opts = append(opts, pulumi.Provider(o.provider))
	}
	w := &world{ctx: ctx}
	var err error
	if w.bucket, err = s3.NewBucketV2(ctx, "files", &s3.BucketV2Args{Bucket: pulumi.String(bucketName)}, opts...); err != nil {
		return nil, err
	}
	if w.taskRole, err = iam.NewRole(ctx, "task-role", &iam.RoleArgs{Name: pulumi.String("bad-task"),
		AssumeRolePolicy: pulumi.String(ecsTrust)}, opts...); err != nil {
		return nil, err
	}
	execArgs := o.execRoleArgs
	if execArgs == nil {
		execArgs = &iam.RoleArgs{}
	}
	execArgs.Name = pulumi.String("bad-exec")
	execArgs.AssumeRolePolicy = pulumi.String(ecsTrust)
	if w.execRole, err = iam.NewRole(ctx, "exec-role", execArgs, opts...); err != nil {
		return nil, err
	}
	if !o.noManagedExecPolicy {
		a, err := iam.NewRolePolicyAttachment(ctx, "exec-managed", &iam.RolePolicyAttachmentArgs{
			Role: w.execRole.Name, PolicyArn: pulumi.String(execPolicyArn)}, opts...)
		if err != nil {
			return nil, err
		}
		w.grants = append(w.grants, a)
	}
	return w, nil
}

// taskDefinition registers the Fargate task definition naming both roles.
func (w *world) taskDefinition(o worldOpts, extra ...pulumi.ResourceOption) (*ecs.TaskDefinition, error) {
	container := map[string]any{"name": "web", "image": "nginx:latest", "essential": true,
		"portMappings": []any{map[string]any{"containerPort": 3000}}}
	if o.env != nil {
		container["environment"] = o.env
	}
	if o.secrets != nil {
		container["secrets"] = o.secrets
	}
	opts := append([]pulumi.ResourceOption{pulumi.DependsOn(w.grants)}, extra...)
	if o.provider != nil {
		opts = append(opts, pulumi.Provider(o.provider))
	}
	return ecs.NewTaskDefinition(w.ctx, "task", &ecs.TaskDefinitionArgs{
		Family: pulumi.String("bad-server"), Cpu: pulumi.String("256"), Memory: pulumi.String("512"),
		NetworkMode: pulumi.String("awsvpc"), RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn: w.execRole.Arn, TaskRoleArn: w.taskRole.Arn,
		ContainerDefinitions: pulumi.String(mustJSON([]any{container})),
	}, opts...)
}

// violation is a program that breaks a mandatory policy.
type violation struct {
	name    string
	policy  string
	program pulumi.RunFunc
	config  map[string]auto.ConfigValue
	// absentAfterUp are resources a bare update must not have created: the offending resource,
	// or the task definition that would use the offending role.
	absentAfterUp []string
	secrets       []string
	// undecidedAtPreview: the offending value is unknown during preview, so the preview may
	// report the policy without blocking (saying it cannot decide); the update must block.
	undecidedAtPreview bool
}

// grantCase builds a program whose grant step adds S3 access to the execution role.
func grantCase(name string, o worldOpts, grant func(w *world) (pulumi.Resource, error)) violation {
	return violation{name: name, policy: policyExecRoleS3, absentAfterUp: []string{"task"},
		program: func(ctx *pulumi.Context) error {
			w, err := newWorld(ctx, o)
			if err != nil {
				return err
			}
			if grant != nil {
				g, err := grant(w)
				if err != nil {
					return err
				}
				w.grants = append(w.grants, g)
			}
			_, err = w.taskDefinition(o)
			return err
		}}
}

func violations() []violation {
	bucketArn := "arn:aws:s3:::" + bucketName
	objects := bucketArn + "/*"
	var vs []violation

	vs = append(vs,
		grantCase("RolePolicy on the execution role", worldOpts{}, func(w *world) (pulumi.Resource, error) {
			return iam.NewRolePolicy(w.ctx, "exec-s3", &iam.RolePolicyArgs{Role: w.execRole.Name,
				Policy: pulumi.String(s3Doc("Action", []string{"s3:GetObject", "s3:PutObject"}, objects))})
		}),
		grantCase("RolePolicyAttachment of an in-stack policy given as an object", worldOpts{}, func(w *world) (pulumi.Resource, error) {
			p, err := iam.NewPolicy(w.ctx, "s3-all", &iam.PolicyArgs{Policy: pulumi.Map{
				"Version": pulumi.String("2012-10-17"),
				"Statement": pulumi.Array{pulumi.Map{"Effect": pulumi.String("Allow"),
					"Action": pulumi.String("S3:*"), "Resource": pulumi.String("*")}}}})
			if err != nil {
				return nil, err
			}
			return iam.NewRolePolicyAttachment(w.ctx, "exec-s3-attach", &iam.RolePolicyAttachmentArgs{
				Role: w.execRole.Name, PolicyArn: p.Arn})
		}),
		grantCase("RolePolicyAttachment of AmazonS3FullAccess", worldOpts{}, func(w *world) (pulumi.Resource, error) {
			return iam.NewRolePolicyAttachment(w.ctx, "exec-s3-full", &iam.RolePolicyAttachmentArgs{
				Role: w.execRole.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")})
		}),
		grantCase("PolicyAttachment listing the execution role", worldOpts{}, func(w *world) (pulumi.Resource, error) {
			p, err := iam.NewPolicy(w.ctx, "s3-read", &iam.PolicyArgs{
				Policy: pulumi.String(s3Doc("Action", "s3:Get*", objects))})
			if err != nil {
				return nil, err
			}
			return iam.NewPolicyAttachment(w.ctx, "exec-s3-policy-attachment", &iam.PolicyAttachmentArgs{
				Name: pulumi.String("exec-s3"), PolicyArn: p.Arn, Roles: pulumi.Array{w.execRole.Name}})
		}),
		grantCase("inline policy with NotAction on the execution role", worldOpts{execRoleArgs: &iam.RoleArgs{
			InlinePolicies: iam.RoleInlinePolicyArray{iam.RoleInlinePolicyArgs{Name: pulumi.String("all-but-iam"),
				Policy: pulumi.String(s3Doc("NotAction", "iam:*", "*"))}}}}, nil),
		grantCase("managedPolicyArns with AmazonS3ReadOnlyAccess", worldOpts{execRoleArgs: &iam.RoleArgs{
			ManagedPolicyArns: pulumi.StringArray{pulumi.String(execPolicyArn),
				pulumi.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")}}}, nil),
		grantCase("bucket policy whose principal is the execution role", worldOpts{}, func(w *world) (pulumi.Resource, error) {
			// The principal ARN is built from the role's name, so it is known at preview.
			doc := mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::123456789012:role/bad-exec"},
				"Action": "s3:GetObject", "Resource": objects}}})
			return s3.NewBucketPolicy(w.ctx, "files-policy", &s3.BucketPolicyArgs{Bucket: w.bucket.ID(), Policy: pulumi.String(doc)})
		}),
		grantCase("execution role known only from the task definition", worldOpts{noManagedExecPolicy: true},
			func(w *world) (pulumi.Resource, error) {
				return iam.NewRolePolicy(w.ctx, "exec-s3", &iam.RolePolicyArgs{Role: w.execRole.Name,
					Policy: pulumi.String(s3Doc("Action", "s3:ListBucket", bucketArn))})
			}),
	)

	// The same grant with the principal taken from the role's ARN output: the document is unknown
	// during preview, so the pack may only say it cannot decide yet; the update must still stop.
	late := grantCase("bucket policy whose principal is the execution role's ARN output", worldOpts{},
		func(w *world) (pulumi.Resource, error) {
			doc := w.execRole.Arn.ApplyT(func(arn string) string {
				return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"AWS": arn}, "Action": "s3:GetObject", "Resource": objects}}})
			}).(pulumi.StringOutput)
			return s3.NewBucketPolicy(w.ctx, "files-policy", &s3.BucketPolicyArgs{Bucket: w.bucket.ID(), Policy: doc})
		})
	late.undecidedAtPreview = true
	vs = append(vs, late)

	// One role as task and execution role, with the task's S3 policy: it is an execution role.
	vs = append(vs, violation{name: "one role as task and execution role", policy: policyExecRoleS3,
		absentAfterUp: []string{"task"},
		program: func(ctx *pulumi.Context) error {
			w, err := newWorld(ctx, worldOpts{})
			if err != nil {
				return err
			}
			p, err := iam.NewPolicy(ctx, "app-s3", &iam.PolicyArgs{
				Policy: pulumi.String(s3Doc("Action", []string{"s3:GetObject", "s3:PutObject"}, "arn:aws:s3:::"+bucketName+"/*"))})
			if err != nil {
				return err
			}
			a, err := iam.NewRolePolicyAttachment(ctx, "shared-role-s3", &iam.RolePolicyAttachmentArgs{
				Role: w.execRole.Name, PolicyArn: p.Arn})
			if err != nil {
				return err
			}
			w.grants = append(w.grants, a)
			w.taskRole = w.execRole
			_, err = w.taskDefinition(worldOpts{})
			return err
		}})

	// The grant arrives after the task definition: the grant itself must be stopped.
	vs = append(vs, violation{name: "grant registered after the task definition", policy: policyExecRoleS3,
		absentAfterUp: []string{"late-exec-s3"},
		program: func(ctx *pulumi.Context) error {
			w, err := newWorld(ctx, worldOpts{noManagedExecPolicy: true})
			if err != nil {
				return err
			}
			td, err := w.taskDefinition(worldOpts{})
			if err != nil {
				return err
			}
			_, err = iam.NewRolePolicy(ctx, "late-exec-s3", &iam.RolePolicyArgs{Role: w.execRole.Name,
				Policy: pulumi.String(s3Doc("Action", "s3:*", objects))}, pulumi.DependsOn([]pulumi.Resource{td}))
			return err
		}})

	// Embedded keys.
	keyID, secret := fakeAccessKeyID(), fakeSecretAccessKey()
	vs = append(vs,
		violation{name: "iam.AccessKey", policy: policyNoKeys, absentAfterUp: []string{"deployer-key"},
			program: func(ctx *pulumi.Context) error {
				u, err := iam.NewUser(ctx, "deployer", &iam.UserArgs{Name: pulumi.String("deployer")})
				if err != nil {
					return err
				}
				_, err = iam.NewAccessKey(ctx, "deployer-key", &iam.AccessKeyArgs{User: u.Name})
				return err
			}},
		violation{name: "explicit provider with static keys", policy: policyNoKeys,
			absentAfterUp: []string{"static", "files"}, secrets: []string{keyID, secret},
			program: func(ctx *pulumi.Context) error {
				p, err := aws.NewProvider(ctx, "static", &aws.ProviderArgs{Region: pulumi.String("us-east-1"),
					AccessKey: pulumi.String(keyID), SecretKey: pulumi.String(secret)})
				if err != nil {
					return err
				}
				_, err = s3.NewBucketV2(ctx, "files", &s3.BucketV2Args{Bucket: pulumi.String(bucketName)}, pulumi.Provider(p))
				return err
			}},
		violation{name: "aws:accessKey in stack config", policy: policyNoKeys,
			absentAfterUp: []string{"files"}, secrets: []string{keyID, secret},
			config: map[string]auto.ConfigValue{
				"aws:accessKey": {Value: keyID, Secret: true},
				"aws:secretKey": {Value: secret, Secret: true},
			},
			program: func(ctx *pulumi.Context) error {
				_, err := s3.NewBucketV2(ctx, "files", &s3.BucketV2Args{Bucket: pulumi.String(bucketName)})
				return err
			}},
		violation{name: "AWS_ACCESS_KEY_ID in the container environment", policy: policyNoKeys,
			absentAfterUp: []string{"task"}, secrets: []string{keyID, secret},
			program: func(ctx *pulumi.Context) error {
				o := worldOpts{env: []map[string]string{{"name": "AWS_ACCESS_KEY_ID", "value": keyID},
					{"name": "AWS_SECRET_ACCESS_KEY", "value": secret}}}
				w, err := newWorld(ctx, o)
				if err != nil {
					return err
				}
				_, err = w.taskDefinition(o)
				return err
			}},
		violation{name: "credential name among the container secrets", policy: policyNoKeys,
			absentAfterUp: []string{"task"},
			program: func(ctx *pulumi.Context) error {
				o := worldOpts{secrets: []map[string]string{{"name": "AWS_SECRET_ACCESS_KEY",
					"valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/app/aws-secret"}}}
				w, err := newWorld(ctx, o)
				if err != nil {
					return err
				}
				_, err = w.taskDefinition(o)
				return err
			}},
		violation{name: "access key in a plaintext SSM parameter", policy: policyNoKeys,
			absentAfterUp: []string{"app-settings"}, secrets: []string{keyID, secret},
			program: func(ctx *pulumi.Context) error {
				_, err := ssm.NewParameter(ctx, "app-settings", &ssm.ParameterArgs{Type: pulumi.String("String"),
					Value: pulumi.String(fmt.Sprintf("aws_access_key_id=%s\naws_secret_access_key=%s\n", keyID, secret))})
				return err
			}},
	)
	return vs
}

// TestRuleBreakingProgramsAreBlocked: each way of granting S3 to an execution role and each way
// of embedding a key is blocked at preview (the runner's up then stops with nothing in the
// state), and a bare Automation API Up, which skips the preview, still fails before the
// offending resource (or the task definition using the offending role) exists.
func TestRuleBreakingProgramsAreBlocked(t *testing.T) {
	vs := violations()
	require.GreaterOrEqual(t, len(vs), 8)
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			config := map[string]auto.ConfigValue{"aws:region": {Value: "us-east-1"}}
			for k, val := range v.config {
				config[k] = val
			}
			opts := offline.Options{Stack: "dev", Program: v.program, Config: config}

			t.Run("runner up stops at preview", func(t *testing.T) {
				s := session(t, opts, v.secrets...)
				rep, err := s.Up(ctx)
				require.Error(t, err)
				require.NotNil(t, rep.Preview)
				requireNoLeak(t, rep.Preview, v.secrets...)
				if v.undecidedAtPreview && !errors.Is(err, offline.ErrPreviewFailed) {
					assert.True(t, rep.Preview.HasPolicy(v.policy, ""),
						"preview says %s cannot decide yet; got %v", v.policy, policyNames(rep.Preview))
					assert.True(t, rep.HasPolicy(v.policy, "mandatory"),
						"the update blocks on %s; got %v", v.policy, policyNames(rep))
					requireNoLeak(t, rep, v.secrets...)
					st := stackState(t, s)
					for _, name := range v.absentAfterUp {
						_, found := st.find(name)
						assert.False(t, found, "%s was created; state: %v", name, st.names())
					}
					return
				}
				require.True(t, errors.Is(err, offline.ErrPreviewFailed), "the update was attempted: %v", mask(err.Error(), v.secrets...))
				assert.True(t, rep.Preview.HasPolicy(v.policy, "mandatory"),
					"preview reports %s as mandatory; got %v", v.policy, policyNames(rep.Preview))
				assert.Empty(t, stackState(t, s).programResources(), "nothing in the state")
			})

			t.Run("bare Automation Up fails before the offending resource", func(t *testing.T) {
				s := session(t, opts, v.secrets...)
				rep, err := s.UpOnly(ctx)
				require.Error(t, err, "the update must fail")
				assert.True(t, rep.HasPolicy(v.policy, "mandatory"),
					"update reports %s as mandatory; got %v", v.policy, policyNames(rep))
				requireNoLeak(t, rep, v.secrets...)
				st := stackState(t, s)
				for _, name := range v.absentAfterUp {
					_, found := st.find(name)
					assert.False(t, found, "%s was created; state: %v", name, st.names())
				}
				t.Logf("created before the block: %v", st.programResources())
			})
		})
	}
}

func policyNames(rep *offline.Report) []string {
	if rep == nil {
		return nil
	}
	var out []string
	for _, p := range rep.Policy {
		out = append(out, p.Level+":"+p.Policy)
	}
	return out
}
