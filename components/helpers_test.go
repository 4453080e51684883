package components

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/keyless-ecs/railsapp/harness/awsmock"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

const (
	testAccount = "111122223333"
	testRegion  = "ap-northeast-1"
	testImage   = "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/railsapp:latest"
)

// Resource type tokens (pulumi-aws v6).
const (
	tBucket     = awsfacts.TypeBucketV2
	tPAB        = awsfacts.TypeBucketPublicAccessBlock
	tOwnership  = awsfacts.TypeBucketOwnershipControls
	tSSE        = awsfacts.TypeBucketSSEV2
	tBucketPol  = awsfacts.TypeBucketPolicy
	tLifecycle  = awsfacts.TypeBucketLifecycleV2
	tVersioning = awsfacts.TypeBucketVersioningV2
	tCORS       = awsfacts.TypeBucketCorsV2
	tPolicy     = awsfacts.TypePolicy
	tRole       = awsfacts.TypeRole
	tAttach     = awsfacts.TypeRolePolicyAttachment
	tRolePolicy = awsfacts.TypeRolePolicy
	tLogGroup   = awsfacts.TypeLogGroup
	tTaskDef    = awsfacts.TypeTaskDefinition
)

func validArgs() *ActiveStorageArgs {
	return &ActiveStorageArgs{Environment: "dev", BucketName: "dev-images-example-com", Image: testImage}
}

// unprotected is validArgs for a disposable stack: nothing protected, retained or versioned.
func unprotected() *ActiveStorageArgs {
	a := validArgs()
	a.ProtectBucket, a.RetainBucket, a.Versioning = pulumi.BoolRef(false), pulumi.BoolRef(false), pulumi.BoolRef(false)
	return a
}

// guardType is the destroy guard's type token as the mocks see it.
const guardType = DestroyGuardType

// run is one program run with mocks: the component plus its awaited outputs.
type run struct {
	mocks *awsmock.Mocks
	comp  *ActiveStorage
	outs  map[string]internals.UnsafeAwaitOutputResult
}

func runComponent(t *testing.T, args *ActiveStorageArgs, dryRun bool, opts ...pulumi.ResourceOption) (*run, error) {
	t.Helper()
	return runNamed(t, "railsapp", args, dryRun, opts...)
}

func runNamed(t *testing.T, name string, args *ActiveStorageArgs, dryRun bool, opts ...pulumi.ResourceOption) (*run, error) {
	t.Helper()
	r := &run{mocks: awsmock.New(testAccount, testRegion, dryRun), outs: map[string]internals.UnsafeAwaitOutputResult{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		comp, err := NewActiveStorage(ctx, name, args, opts...)
		if err != nil {
			return err
		}
		r.comp = comp
		for name, o := range map[string]pulumi.Output{
			"bucketName": comp.BucketName, "bucketArn": comp.BucketArn, "taskRoleArn": comp.TaskRoleArn,
			"executionRoleArn": comp.ExecutionRoleArn, "taskDefinitionArn": comp.TaskDefinitionArn,
			"taskPolicy": comp.TaskPolicy, "storageYml": comp.StorageYml, "logGroupName": comp.LogGroupName,
		} {
			res, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
			if err != nil {
				return err
			}
			r.outs[name] = res
		}
		return nil
	}, pulumi.WithMocks("railsapp", "dev", r.mocks), func(ri *pulumi.RunInfo) { ri.DryRun = dryRun })
	return r, err
}

func mustRun(t *testing.T, args *ActiveStorageArgs, dryRun bool) *run {
	t.Helper()
	r, err := runComponent(t, args, dryRun)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return r
}

// one returns the only resource of a type.
func (r *run) one(t *testing.T, token string) pulumi.MockResourceArgs {
	t.Helper()
	rs := r.mocks.ByType(token)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", token, len(rs))
	}
	return rs[0]
}

func (r *run) named(t *testing.T, name string) pulumi.MockResourceArgs {
	t.Helper()
	res, ok := r.mocks.ByName(name)
	if !ok {
		t.Fatalf("no resource named %q", name)
	}
	return res
}

func (r *run) outString(t *testing.T, name string) string {
	t.Helper()
	o, ok := r.outs[name]
	if !ok || !o.Known {
		t.Fatalf("output %s is not known", name)
	}
	s, ok := o.Value.(string)
	if !ok {
		t.Fatalf("output %s is %T, want string", name, o.Value)
	}
	return s
}

func input(res pulumi.MockResourceArgs, path ...string) resource.PropertyValue {
	v := resource.NewObjectProperty(res.Inputs)
	for _, p := range path {
		switch {
		case v.IsObject():
			v = v.ObjectValue()[resource.PropertyKey(p)]
		default:
			return resource.PropertyValue{}
		}
	}
	return v
}

func inputString(t *testing.T, res pulumi.MockResourceArgs, path ...string) string {
	t.Helper()
	v := input(res, path...)
	if !v.IsString() {
		t.Fatalf("%s input %v is %v, want a known string", res.Name, path, v)
	}
	return v.StringValue()
}

// jsonInput decodes a JSON document input (IAM policy, container definitions).
func jsonInput(t *testing.T, res pulumi.MockResourceArgs, key string, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(inputString(t, res, key)), into); err != nil {
		t.Fatalf("%s.%s is not JSON: %v", res.Name, key, err)
	}
}

// doc is a decoded IAM policy document as the component writes it (lists everywhere).
type doc struct {
	Version   string
	Statement []struct {
		Sid       string
		Effect    string
		Principal any
		Action    []string
		Resource  []string
		Condition map[string]map[string]string
	}
}

// grants flattens a document's Allow statements into "action on resource" strings, sorted.
func (d doc) grants() []string {
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			for _, r := range s.Resource {
				out = append(out, a+" on "+r)
			}
		}
	}
	sort.Strings(out)
	return out
}
