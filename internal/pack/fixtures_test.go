package pack

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Test fixtures: resources shaped as the engine sends them (checked inputs in Analyze, outputs
// plus dependencies in AnalyzeStack).

const account = "123456789012"

func urnOf(typ, name string) resource.URN {
	return resource.URN("urn:pulumi:dev::railsapp::" + typ + "::" + name)
}

func roleARN(name string) string { return "arn:aws:iam::" + account + ":role/" + name }

type fixture struct {
	typ   string
	name  string
	props resource.PropertyMap
	deps  map[resource.PropertyKey][]resource.URN
}

func (f fixture) urn() resource.URN { return urnOf(f.typ, f.name) }

func (f fixture) resource() plugin.AnalyzerResource {
	return plugin.AnalyzerResource{URN: f.urn(), Type: tokens.Type(f.typ), Name: f.name, Properties: f.props}
}

func (f fixture) stackResource() plugin.AnalyzerStackResource {
	var deps []resource.URN
	for _, d := range f.deps {
		deps = append(deps, d...)
	}
	return plugin.AnalyzerStackResource{AnalyzerResource: f.resource(), Dependencies: deps, PropertyDependencies: f.deps}
}

func (f fixture) dep(key resource.PropertyKey, urns ...resource.URN) fixture {
	if f.deps == nil {
		f.deps = map[resource.PropertyKey][]resource.URN{}
	}
	f.deps[key] = append(f.deps[key], urns...)
	return f
}

func (f fixture) set(key resource.PropertyKey, v resource.PropertyValue) fixture {
	p := f.props.Copy()
	p[key] = v
	f.props = p
	return f
}

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func computed() resource.PropertyValue { return resource.MakeComputed(resource.NewStringProperty("")) }

func secret(v any) resource.PropertyValue { return resource.MakeSecret(resource.NewPropertyValue(v)) }

const ecsTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},` +
	`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},` +
	`"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"}}}]}`

func role(name string, extra map[string]any) fixture {
	m := map[string]any{"name": name, "arn": roleARN(name), "assumeRolePolicy": ecsTrust}
	for k, v := range extra {
		m[k] = v
	}
	return fixture{typ: typeRole, name: name, props: props(m)}
}

func taskDef(name, execARN, taskARN string) fixture {
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
	return fixture{typ: typeTaskDefinition, name: name, props: props(m)}
}

func rolePolicy(name, roleName string, doc any) fixture {
	return fixture{typ: typeRolePolicy, name: name, props: props(map[string]any{"role": roleName, "policy": doc})}
}

func attachment(name, roleName, policyARN string) fixture {
	return fixture{typ: typeRolePolicyAttach, name: name, props: props(map[string]any{"role": roleName, "policyArn": policyARN})}
}

func iamPolicy(name string, doc any) fixture {
	return fixture{typ: typePolicy, name: name, props: props(map[string]any{
		"name": name, "arn": "arn:aws:iam::" + account + ":policy/" + name, "policy": doc})}
}

func bucketPolicy(name, bucket string, doc any) fixture {
	return fixture{typ: typeBucketPolicy, name: name, props: props(map[string]any{"bucket": bucket, "policy": doc})}
}

func awsManaged(name string) string { return "arn:aws:iam::aws:policy/" + name }

var execPolicyARN = "arn:aws:iam::aws:policy/service-role/" + execManagedPolicyName

// run feeds fixtures to Analyze one by one, in order, as the engine does in an update with no
// preview, and returns the diagnostics per URN.
func runAnalyze(t *testing.T, a *Analyzer, fs ...fixture) map[resource.URN][]plugin.AnalyzeDiagnostic {
	t.Helper()
	out := map[resource.URN][]plugin.AnalyzeDiagnostic{}
	for _, f := range fs {
		resp, err := a.Analyze(context.Background(), f.resource())
		if err != nil {
			t.Fatalf("Analyze(%s): %v", f.name, err)
		}
		out[f.urn()] = append(out[f.urn()], resp.Diagnostics...)
	}
	return out
}

func runStack(t *testing.T, a *Analyzer, fs ...fixture) []plugin.AnalyzeDiagnostic {
	t.Helper()
	rs := make([]plugin.AnalyzerStackResource, len(fs))
	for i, f := range fs {
		rs[i] = f.stackResource()
	}
	resp, err := a.AnalyzeStack(context.Background(), rs)
	if err != nil {
		t.Fatalf("AnalyzeStack: %v", err)
	}
	return resp.Diagnostics
}

// filter returns the diagnostics of one policy at one level.
func filter(ds []plugin.AnalyzeDiagnostic, policy string, level apitype.EnforcementLevel) []plugin.AnalyzeDiagnostic {
	var out []plugin.AnalyzeDiagnostic
	for _, d := range ds {
		if d.PolicyName == policy && d.EnforcementLevel == level {
			out = append(out, d)
		}
	}
	return out
}

func flatten(m map[resource.URN][]plugin.AnalyzeDiagnostic) []plugin.AnalyzeDiagnostic {
	var out []plugin.AnalyzeDiagnostic
	for _, ds := range m {
		out = append(out, ds...)
	}
	return out
}

func messages(ds []plugin.AnalyzeDiagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(string(d.URN.Name()) + ": " + d.Message + "\n")
	}
	return b.String()
}

// advisoryCase is a pass or fail fixture of one advisory policy.
type advisoryCase struct {
	name  string
	stack bool // run AnalyzeStack instead of Analyze in order
	fs    []fixture
	fail  bool
}

// runAdvisory checks that each case reports (or does not report) the policy at its default
// advisory level, and that making the policy mandatory turns the warning into a block.
func runAdvisory(t *testing.T, policy string, cases []advisoryCase) {
	t.Helper()
	var fails, passes int
	for _, c := range cases {
		if c.fail {
			fails++
		} else {
			passes++
		}
		t.Run(c.name, func(t *testing.T) {
			for _, level := range []apitype.EnforcementLevel{apitype.Advisory, apitype.Mandatory} {
				a := NewAnalyzer()
				if level != apitype.Advisory {
					if err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{policy: {EnforcementLevel: level}}); err != nil {
						t.Fatal(err)
					}
				}
				var ds []plugin.AnalyzeDiagnostic
				if c.stack {
					ds = runStack(t, a, c.fs...)
				} else {
					ds = flatten(runAnalyze(t, a, c.fs...))
				}
				got := filter(ds, policy, level)
				if c.fail && len(got) == 0 {
					t.Fatalf("%s: no %s diagnostic; got:\n%s", level, policy, messages(ds))
				}
				if !c.fail && len(got) > 0 {
					t.Fatalf("%s: unexpected diagnostic:\n%s", level, messages(got))
				}
			}
		})
	}
	if fails == 0 || passes == 0 {
		t.Fatalf("need pass and fail fixtures, have %d failing and %d passing", fails, passes)
	}
}

func bucket(name string) fixture {
	return fixture{typ: typeBucketV2, name: name, props: props(map[string]any{
		"bucket": name, "id": name, "arn": "arn:aws:s3:::" + name})}
}

func bucketSub(typ, name, bucketName string, m map[string]any) fixture {
	p := map[string]any{"bucket": bucketName}
	for k, v := range m {
		p[k] = v
	}
	return fixture{typ: typ, name: name, props: props(p)}
}

const tlsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*",` +
	`"Action":"s3:*","Resource":["arn:aws:s3:::uploads","arn:aws:s3:::uploads/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
