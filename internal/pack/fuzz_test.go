package pack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// FuzzExecutionRoleJoin feeds one arbitrary document to every place the execution-role join
// reads one (a role policy, a trust policy, a bucket and an access point policy) and the same
// text as a role name and an environment file, in an update and in AnalyzeStack. Nothing may
// panic, and no message may show the fixture's credential.
func FuzzExecutionRoleJoin(f *testing.F) {
	for _, s := range []string{
		pt.Doc(pt.To(pt.Allow("s3:GetObject", "*"), "*", "Condition", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})),
		pt.Doc(map[string]any{"Effect": "Allow", "NotPrincipal": map[string]any{"AWS": []any{"AROAABCDEFGHIJKLMNOPQ", "123456789012"}}, "Action": "s3:*", "Resource": "*"}),
		pt.Doc(pt.To(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole"}, map[string]any{"AWS": pt.RoleARN("app-exec")})),
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotLikeIfExists":{"aws:userid":["*:"]}}}]}`,
		`{"Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b/k","arn:aws:s3:::b","arn:aws:s3:::"]}}`,
		"exec-", "arn:aws:iam::123456789012:role/", "", "{",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		key := pt.FakeKeyID("AKIA")
		rs := []pt.Resource{
			pt.New(awsfacts.TypeRole, "exec", map[string]any{"namePrefix": doc, "assumeRolePolicy": doc,
				"inlinePolicies": []any{map[string]any{"name": doc, "policy": doc}}}),
			pt.Role("app-exec", map[string]any{"assumeRolePolicy": doc}),
			pt.RolePolicy("p", doc, doc),
			pt.Attachment("a", doc, doc),
			pt.BucketPolicy("bp", "b", doc),
			pt.New(awsfacts.TypeS3AccessPoint, "ap", map[string]any{"bucket": "b", "policy": doc}),
			pt.WithEnvFiles(pt.TaskDef("app", pt.RoleARN("app-exec"), doc), doc, "arn:aws:s3:::b/"+key),
			pt.TaskDef("other", doc, pt.RoleARN(doc)),
		}
		for _, m := range pt.Modes {
			res, err := pt.Run(context.Background(), pt.Local(), pt.Case{Policy: pack.NoS3OnExecutionRole, Resources: rs}, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diagnostics {
				if leaks(d) {
					t.Fatalf("a %s diagnostic shows a credential", d.PolicyName)
				}
			}
		}
	})
}

// fuzzTypes are the resource types the pack reads, and one it does not.
var fuzzTypes = []string{
	awsfacts.TypeRole, awsfacts.TypePolicy, awsfacts.TypeRolePolicy, awsfacts.TypeRolePolicyAttachment,
	awsfacts.TypeRolePolicyAttachmentsExclusive, awsfacts.TypePolicyAttachment, awsfacts.TypeUserPolicy,
	awsfacts.TypeGroupPolicy, awsfacts.TypeAccessKey, awsfacts.TypeTaskDefinition, awsfacts.TypeLambdaFunction,
	awsfacts.TypeSSMParameter, awsfacts.TypeBucketV2, awsfacts.TypeBucket, awsfacts.TypeBucketPolicy,
	awsfacts.TypeBucketPublicAccessBlock, awsfacts.TypeBucketOwnershipControls, awsfacts.TypeBucketACLV2,
	awsfacts.TypeBucketSSEV2, awsfacts.TypeS3AccessPoint, awsfacts.TypeS3ControlAccessPointPol,
	awsfacts.TypeS3ControlObjectLambdaPol, awsfacts.TypeS3ControlMultiRegionPol, awsfacts.TypeS3ControlBucketPolicy,
	awsfacts.TypeProvider, "random:index/randomString:RandomString",
}

// fuzzValue turns decoded JSON into a property value, with the wrappers the engine sends:
// "?" is a value unknown at preview, {"secret": v} a secret, {"output": v} a known output,
// {"unknownOutput": v} an unknown one.
func fuzzValue(v any) resource.PropertyValue {
	switch x := v.(type) {
	case string:
		if x == "?" {
			return resource.MakeComputed(resource.NewStringProperty(""))
		}
		return resource.NewStringProperty(x)
	case []any:
		arr := make([]resource.PropertyValue, len(x))
		for i, e := range x {
			arr[i] = fuzzValue(e)
		}
		return resource.NewArrayProperty(arr)
	case map[string]any:
		if len(x) == 1 {
			for k, e := range x {
				switch k {
				case "secret":
					return resource.MakeSecret(fuzzValue(e))
				case "output":
					return resource.NewOutputProperty(resource.Output{Element: fuzzValue(e), Known: true})
				case "unknownOutput":
					return resource.NewOutputProperty(resource.Output{Element: fuzzValue(e), Secret: true})
				}
			}
		}
		m := resource.PropertyMap{}
		for k, e := range x {
			m[resource.PropertyKey(k)] = fuzzValue(e)
		}
		return resource.NewObjectProperty(m)
	}
	return resource.NewPropertyValue(v)
}

// FuzzPropertyReaders gives one arbitrary property map, with every wrapper the engine uses, to
// a resource of every type the pack reads (and to its provider), each property also depending on
// a role of the stack, in the engine's three modes: whatever the shapes and wrappers, no property
// reader may panic and no message may show a credential.
func FuzzPropertyReaders(f *testing.F) {
	for _, s := range []string{
		`{"role":"app-exec","policy":{"secret":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"}}`,
		`{"policyArns":["arn:aws:iam::aws:policy/AmazonS3FullAccess","?",{"output":1}],"roleName":{"unknownOutput":"x"}}`,
		`{"roles":[null,"app-exec",{"secret":["a"]}],"policyArn":{"output":"arn:aws:iam::aws:policy/SecretsManagerReadWrite"}}`,
		`{"containerDefinitions":"[{\"name\":\"web\",\"environment\":[{\"name\":\"AWS_ACCESS_KEY_ID\",\"value\":\"?\"}],\"environmentFiles\":[{\"value\":\"arn:aws:s3:::b/k\"}]}]","executionRoleArn":"arn:aws:iam::123456789012:role/app-exec"}`,
		`{"containerDefinitions":[{"name":"web","secrets":{"secret":[{"name":"k","valueFrom":"?"}]}}],"taskRoleArn":"?"}`,
		`{"inlinePolicies":[{"name":"p","policy":"?"},{"policy":{"Statement":[]}},{}],"managedPolicyArns":"?","namePrefix":"exec-","assumeRolePolicy":{}}`,
		`{"details":[{"name":"m","policy":"{\"Statement\":[]}"}],"rule":[{"objectOwnership":"ObjectWriter"}],"accessKey":"?","allowedAccountIds":["123456789012"]}`,
		`{"environment":{"variables":{"AWS_SECRET_ACCESS_KEY":{"secret":"?"}}},"value":"abc","blockPublicAcls":"true","grants":[{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}]}`,
		`{"":null,"policy":1.5,"role":true,"arn":[],"uniqueId":{"a":{"b":{"c":"?"}}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var plain map[string]any
		if json.Unmarshal([]byte(text), &plain) != nil {
			return
		}
		props := fuzzValue(plain).ObjectValue()
		exec := pt.Role("app-exec", nil)
		provider := pt.Resource{Type: awsfacts.TypeProvider, Name: "fuzzed", Inputs: props}
		rs := []pt.Resource{exec, provider}
		for i, typ := range fuzzTypes {
			r := pt.Resource{Type: typ, Name: fmt.Sprintf("r%d", i), Inputs: props, Outputs: props}
			for k := range props {
				r = r.Dep(string(k), exec)
			}
			rs = append(rs, r.Under(provider))
		}
		rs = append(rs, pt.TaskDef("app", pt.RoleARN("app-exec"), ""))
		for _, m := range pt.Modes {
			res, err := pt.Run(context.Background(), pt.Local(), pt.Case{Policy: pack.NoS3OnExecutionRole, Resources: rs}, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diagnostics {
				if leaks(d) {
					t.Fatalf("a %s diagnostic shows a credential", d.PolicyName)
				}
			}
		}
	})
}

// FuzzConfigure gives the engine's policy configuration, decoded from arbitrary JSON as the
// engine decodes a --policy-pack-config file, to Configure: it either refuses it with an error
// that shows no credential, or accepts it and then analyses a stack without failing.
func FuzzConfigure(f *testing.F) {
	for _, s := range []string{
		`{"no-s3-on-ecs-execution-role":{"enforcementLevel":"mandatory","properties":{"extraS3ManagedPolicyArns":["arn:aws:iam::123456789012:policy/x"],"blockUnverifiableGrants":true}}}`,
		`{"no-s3-on-ecs-execution-role":{"properties":{"extraS3ManagedPolicyArns":["AmazonS3FullAccess"]}}}`,
		`{"no-s3-on-ecs-execution-role":{"properties":{"extraS3ManagedPolicyArns":"arn:aws:iam::aws:policy/AmazonS3FullAccess"}}}`,
		`{"no-embedded-aws-credentials":{"enforcementLevel":"advisory","properties":{"extraForbiddenEnvNames":["S3_KEY",1,null]}}}`,
		`{"s3-least-privilege":{"enforcementLevel":"remediate","properties":{"resourceWildcardAllowedActions":[]}},"s3-bucket-private":{"properties":{"scanAllStringInputs":false}}}`,
		`{"ecs-task-role-trust":{"enforcementLevel":"disabled","properties":{"requireConfusedDeputyConditions":"yes"}},"unknown-policy":{"enforcementLevel":"bogus"}}`,
		`{"no-s3-on-ecs-execution-role":{"enforcementLevel":"nope"}}`,
		`{}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var raw map[string]struct {
			EnforcementLevel apitype.EnforcementLevel `json:"enforcementLevel"`
			Properties       map[string]any           `json:"properties"`
		}
		if json.Unmarshal([]byte(text), &raw) != nil {
			return
		}
		cfg := map[string]plugin.AnalyzerPolicyConfig{}
		for name, c := range raw {
			cfg[name] = plugin.AnalyzerPolicyConfig{EnforcementLevel: c.EnforcementLevel, Properties: c.Properties}
		}
		a := pt.Local()
		if err := a.Configure(context.Background(), cfg); err != nil {
			for _, v := range pt.FakeValues() {
				if strings.Contains(err.Error(), v[:5]) {
					t.Fatal("a configuration error shows a credential")
				}
			}
			return
		}
		c := pt.Case{Resources: []pt.Resource{pt.Role("app-exec", nil),
			pt.RolePolicy("p", "app-exec", pt.Doc(pt.Allow("s3:*", "*"))), pt.TaskDef("app", pt.RoleARN("app-exec"), "")}}
		for _, m := range pt.Modes {
			if _, err := pt.Run(context.Background(), a, c, m); err != nil {
				t.Fatal(err)
			}
		}
	})
}
