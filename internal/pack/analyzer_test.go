package pack_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// TestConcurrentAnalyze calls Analyze from many goroutines, as the engine does (run with -race),
// and checks that every execution role granted S3 is still caught.
func TestConcurrentAnalyze(t *testing.T) {
	a := newPack()
	const apps = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	blocked := map[string]bool{}
	for i := range apps {
		exec := fmt.Sprintf("exec-%d", i)
		rs := []pt.Resource{pt.Role(exec, nil), pt.RolePolicy("p-"+exec, exec, pt.Doc(pt.Allow("s3:*", "*"))), pt.TaskDef(fmt.Sprintf("app-%d", i), pt.RoleARN(exec), "")}
		for _, r := range rs {
			wg.Go(func() {
				resp, err := a.Analyze(context.Background(), r.Input())
				if err != nil {
					t.Error(err)
					return
				}
				if len(filter(resp.Diagnostics, pack.NoS3OnExecutionRole, apitype.Mandatory)) > 0 {
					mu.Lock()
					blocked[exec] = true
					mu.Unlock()
				}
			})
		}
		wg.Go(func() {
			_, _ = a.GetAnalyzerInfo(context.Background())
			_ = a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{pack.S3BucketEncryption: {EnforcementLevel: apitype.Advisory}})
		})
	}
	wg.Wait()
	// Whatever the interleaving, the later of grant and task definition saw the earlier one.
	if len(blocked) != apps {
		t.Fatalf("%d of %d execution roles with S3 were blocked", len(blocked), apps)
	}
}

func TestConfigure(t *testing.T) {
	a := newPack()
	err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{
		pack.NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Mandatory, Properties: map[string]any{"extraForbiddenEnvNames": "not-a-list"}},
	})
	if err == nil || !strings.Contains(err.Error(), "extraForbiddenEnvNames") {
		t.Fatalf("a property of the wrong type: err = %v", err)
	}
	if err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{
		"policy-from-a-newer-pack": {EnforcementLevel: apitype.Mandatory},
		pack.S3BucketPrivate:       {EnforcementLevel: apitype.Remediate},
	}); err != nil {
		t.Fatal(err)
	}
	// Nothing here remediates: a remediate level reports as mandatory (as the engine would).
	ds := analyze(t, a, pt.BucketSub(awsfacts.TypeBucketACLV2, "acl", "b", map[string]any{"acl": "public-read"}))
	if len(filter(ds, pack.S3BucketPrivate, apitype.Mandatory)) != 1 {
		t.Fatalf("remediate level not reported as mandatory:\n%s", pt.Messages(ds))
	}
}

// TestPropertiesBelongToTheirPolicy: a property set under one policy never changes another. The
// credential scan is switched off only by its own policy's scanAllStringInputs; the same key under
// s3-bucket-private is refused, since it is not that policy's.
func TestPropertiesBelongToTheirPolicy(t *testing.T) {
	// An object, not a parameter: parameters, like containers, are read whatever scanAllStringInputs says.
	param := pt.New(awsfacts.TypeBucketObjectV2, "object", map[string]any{"bucket": "b", "key": "k", "content": pt.FakeKeyID("AKIA")})
	scanned := func(a plugin.Analyzer) bool {
		return len(filter(analyze(t, a, param), pack.NoEmbeddedAWSCredentials, apitype.Mandatory)) > 0
	}
	if !scanned(newPack()) {
		t.Fatal("the default configuration does not scan string inputs")
	}
	a := newPack()
	err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{
		pack.S3BucketPrivate: {EnforcementLevel: apitype.Advisory, Properties: map[string]any{"scanAllStringInputs": false}},
	})
	if err == nil || !strings.Contains(err.Error(), pack.NoEmbeddedAWSCredentials) {
		t.Fatalf("scanAllStringInputs under %s: err = %v, want a refusal naming the policy it belongs to", pack.S3BucketPrivate, err)
	}
	if !scanned(a) {
		t.Fatal("a refused configuration changed the credential scan")
	}
	a = configured(t, map[string]plugin.AnalyzerPolicyConfig{
		pack.S3BucketPrivate:          {EnforcementLevel: apitype.Advisory},
		pack.NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Mandatory, Properties: map[string]any{"scanAllStringInputs": true}},
		pack.S3LeastPrivilege:         {Properties: map[string]any{"resourceWildcardAllowedActions": []any{}}},
	})
	if !scanned(a) {
		t.Fatal("configuring other policies switched the credential scan off")
	}
	a = configured(t, map[string]plugin.AnalyzerPolicyConfig{
		pack.NoEmbeddedAWSCredentials: {Properties: map[string]any{"scanAllStringInputs": false}},
	})
	if scanned(a) {
		t.Fatal("scanAllStringInputs: false under its own policy did not switch the scan off")
	}
}

// TestSchemaDefaultsAreTheDefaults: configuring every policy with its schema's defaults, as the
// engine does, behaves like no configuration at all, and every declared property is accepted.
func TestSchemaDefaultsAreTheDefaults(t *testing.T) {
	info, err := newPack().GetAnalyzerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]plugin.AnalyzerPolicyConfig{}
	for _, p := range info.Policies {
		c := plugin.AnalyzerPolicyConfig{EnforcementLevel: p.EnforcementLevel}
		if p.ConfigSchema != nil {
			c.Properties = map[string]any{}
			for k, s := range p.ConfigSchema.Properties {
				d, ok := s["default"]
				if !ok {
					d = map[string]any{"array": []any{}, "boolean": false}[s["type"].(string)]
				}
				c.Properties[k] = d
			}
		}
		cfg[p.Name] = c
	}
	for _, c := range append(pt.ExecRole(), pt.Credentials()...) {
		if c.Config != nil {
			continue
		}
		c.Config = cfg
		res, err := pt.Run(context.Background(), pt.Local(), c, pt.Update)
		if err != nil {
			t.Fatal(err)
		}
		if p := c.Problems(pt.Update, res); len(p) > 0 {
			t.Errorf("%s with the schema defaults: %s", c.Name, strings.Join(p, "; "))
		}
	}
}

func TestAnalyzerInfo(t *testing.T) {
	info, err := newPack().GetAnalyzerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]apitype.EnforcementLevel{}
	for _, p := range info.Policies {
		levels[p.Name] = p.EnforcementLevel
		if p.ConfigSchema != nil {
			if _, ok := p.ConfigSchema.Properties["enforcementLevel"]; ok {
				t.Errorf("%s declares enforcementLevel, which the engine injects", p.Name)
			}
		}
	}
	if levels[pack.NoS3OnExecutionRole] != apitype.Mandatory || levels[pack.NoEmbeddedAWSCredentials] != apitype.Mandatory {
		t.Fatal("mandatory policies are not mandatory by default")
	}
	for name, l := range levels {
		if name != pack.NoS3OnExecutionRole && name != pack.NoEmbeddedAWSCredentials && l != apitype.Advisory {
			t.Errorf("%s is %s by default, want advisory", name, l)
		}
	}
	if len(info.Policies) != len(pack.PolicyNames()) {
		t.Errorf("GetAnalyzerInfo has %d policies, PolicyNames %d", len(info.Policies), len(pack.PolicyNames()))
	}
	pi, err := newPack().GetPluginInfo(context.Background())
	if err != nil || pi.Version == nil || pi.Version.String() != pack.Version {
		t.Fatalf("GetPluginInfo = %v, %v", pi, err)
	}
}

func TestCancel(t *testing.T) {
	a := newPack()
	_ = a.Cancel(context.Background())
	if _, err := a.Analyze(context.Background(), pt.Role("x", nil).Input()); err == nil {
		t.Fatal("Analyze after Cancel succeeded")
	}
}
