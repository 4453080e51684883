// Package packtest holds the policy pack's fixtures: resources shaped as the engine sends them,
// the verdict each policy must reach on them, and a driver that calls an analyzer the three ways
// the engine does. The pack's tests run them in-process; policypack's tests run the same cases
// against the built executable over gRPC.
package packtest

import (
	"maps"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Account is the account of the fixtures' stack.
const Account = "123456789012"

// Resource is one resource as the engine sends it: its checked inputs to Analyze, and its inputs
// plus outputs, with dependencies, to AnalyzeStack.
type Resource struct {
	Type, Name string
	Inputs     resource.PropertyMap
	Outputs    resource.PropertyMap
	Deps       map[resource.PropertyKey][]resource.URN
	Provider   *plugin.AnalyzerProviderResource
}

// URN is the resource's URN in the fixtures' stack.
func (r Resource) URN() resource.URN { return URN(r.Type, r.Name) }

// URN is the URN of a resource of the fixtures' stack.
func URN(typ, name string) resource.URN {
	return resource.URN("urn:pulumi:dev::railsapp::" + typ + "::" + name)
}

// Input is the resource as Analyze receives it.
func (r Resource) Input() plugin.AnalyzerResource {
	return plugin.AnalyzerResource{URN: r.URN(), Type: tokens.Type(r.Type), Name: r.Name, Properties: r.Inputs, Provider: r.Provider}
}

// State is the resource as AnalyzeStack receives it.
func (r Resource) State() plugin.AnalyzerStackResource {
	in := r.Input()
	props := r.Inputs.Copy()
	maps.Copy(props, r.Outputs)
	in.Properties = props
	var deps []resource.URN
	for _, k := range r.Inputs.StableKeys() {
		deps = append(deps, r.Deps[k]...)
	}
	for k, us := range r.Deps {
		if _, ok := r.Inputs[k]; !ok {
			deps = append(deps, us...)
		}
	}
	return plugin.AnalyzerStackResource{AnalyzerResource: in, Dependencies: deps, PropertyDependencies: r.Deps}
}

// Set returns the resource with an input set.
func (r Resource) Set(key string, v any) Resource {
	p := r.Inputs.Copy()
	p[resource.PropertyKey(key)] = value(v)
	r.Inputs = p
	return r
}

// Out returns the resource with an output set (seen by AnalyzeStack only).
func (r Resource) Out(key string, v any) Resource {
	p := r.Outputs.Copy()
	if p == nil {
		p = resource.PropertyMap{}
	}
	p[resource.PropertyKey(key)] = value(v)
	r.Outputs = p
	return r
}

// Dep returns the resource with property dependencies on other resources (AnalyzeStack only).
func (r Resource) Dep(key string, on ...Resource) Resource {
	d := maps.Clone(r.Deps)
	if d == nil {
		d = map[resource.PropertyKey][]resource.URN{}
	}
	for _, o := range on {
		d[resource.PropertyKey(key)] = append(d[resource.PropertyKey(key)], o.URN())
	}
	r.Deps = d
	return r
}

// Under returns the resource managed by an explicit provider.
func (r Resource) Under(p Resource) Resource {
	r.Provider = &plugin.AnalyzerProviderResource{URN: p.URN(), Type: tokens.Type(p.Type), Name: p.Name, Properties: p.Inputs}
	return r
}

func value(v any) resource.PropertyValue {
	if pv, ok := v.(resource.PropertyValue); ok {
		return pv
	}
	return resource.NewPropertyValue(v)
}

// Props builds a property map from plain values (resource.PropertyValue values are kept).
func Props(m map[string]any) resource.PropertyMap {
	return resource.NewPropertyMapFromMapRepl(m, nil, func(v any) (resource.PropertyValue, bool) {
		pv, ok := v.(resource.PropertyValue)
		return pv, ok
	})
}

// Computed is a value unknown during preview.
func Computed() resource.PropertyValue { return resource.MakeComputed(resource.NewStringProperty("")) }

// Secret wraps a value as a Pulumi secret.
func Secret(v any) resource.PropertyValue { return resource.MakeSecret(resource.NewPropertyValue(v)) }

// New builds a resource of any type.
func New(typ, name string, inputs map[string]any) Resource {
	return Resource{Type: typ, Name: name, Inputs: Props(inputs)}
}

// RoleARN is the ARN of a role of the fixtures' account.
func RoleARN(name string) string { return awsfacts.RoleARN("aws", Account, "", name) }

// PolicyARN is the ARN of a customer managed policy of the fixtures' account.
func PolicyARN(name string) string { return awsfacts.PolicyARN("aws", Account, "", name) }

// AWSManaged is the ARN of an AWS managed policy.
func AWSManaged(name string) string {
	return awsfacts.PolicyARN("aws", awsfacts.AWSManagedPolicyAccount, "", name)
}

// ExecPolicyARN is AmazonECSTaskExecutionRolePolicy's ARN.
var ExecPolicyARN = awsfacts.ExecutionRolePolicyARN("aws")

// ECSTrust trusts ECS tasks, with the confused-deputy conditions.
const ECSTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},` +
	`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},` +
	`"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"}}}]}`

// Role is a role of the stack trusted by ECS tasks; its ARN and unique ID are outputs.
func Role(name string, extra map[string]any) Resource {
	m := map[string]any{"name": name, "path": "/", "assumeRolePolicy": ECSTrust}
	maps.Copy(m, extra)
	return Resource{Type: awsfacts.TypeRole, Name: name, Inputs: Props(m)}.
		Out("arn", RoleARN(name)).Out("uniqueId", UniqueID(name))
}

// UniqueID is the unique ID the fixtures give a role (IAM: AROA and 17 characters).
func UniqueID(name string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := []byte(awsfacts.RoleUniqueIDPrefix)
	h := uint32(2166136261)
	for i := range len(name) {
		h = (h ^ uint32(name[i])) * 16777619
	}
	for range 17 {
		b = append(b, alphabet[h%32])
		h = h*1664525 + 1013904223
	}
	return string(b)
}

// TaskDef is a Fargate task definition naming an execution and a task role by ARN ("" for none).
func TaskDef(name, execARN, taskARN string) Resource {
	m := map[string]any{
		"family":                  name,
		"containerDefinitions":    `[{"name":"web","image":"app:1","environment":[{"name":"RAILS_ENV","value":"production"}]}]`,
		"requiresCompatibilities": []any{"FARGATE"},
	}
	if execARN != "" {
		m["executionRoleArn"] = execARN
	}
	if taskARN != "" {
		m["taskRoleArn"] = taskARN
	}
	return New(awsfacts.TypeTaskDefinition, name, m)
}

// RolePolicy is an inline role policy.
func RolePolicy(name, role string, doc any) Resource {
	return New(awsfacts.TypeRolePolicy, name, map[string]any{"name": name, "role": role, "policy": doc})
}

// Attachment attaches a managed policy to a role.
func Attachment(name, role, policyARN string) Resource {
	return New(awsfacts.TypeRolePolicyAttachment, name, map[string]any{"role": role, "policyArn": policyARN})
}

// Policy is a customer managed policy of the stack; its ARN is an output.
func Policy(name string, doc any) Resource {
	return New(awsfacts.TypePolicy, name, map[string]any{"name": name, "path": "/", "policy": doc}).Out("arn", PolicyARN(name))
}

// Bucket is a general purpose bucket; its ARN is an output.
func Bucket(name string) Resource {
	return New(awsfacts.TypeBucketV2, name, map[string]any{"bucket": name}).
		Out("id", name).Out("arn", awsfacts.BucketARN("aws", name))
}

// BucketPolicy is a bucket policy.
func BucketPolicy(name, bucket string, doc any) Resource {
	return New(awsfacts.TypeBucketPolicy, name, map[string]any{"bucket": bucket, "policy": doc})
}

// BucketSub is a bucket sub-resource (public access block, ACL, ownership …).
func BucketSub(typ, name, bucket string, m map[string]any) Resource {
	p := map[string]any{"bucket": bucket}
	maps.Copy(p, m)
	return New(typ, name, p)
}

// Provider is an explicit aws provider.
func Provider(name string, m map[string]any) Resource {
	return New(awsfacts.TypeProvider, name, m)
}
