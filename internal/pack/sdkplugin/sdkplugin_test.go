package sdkplugin_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
)

// TestPolicyTypesMatchSDK: policy types convert by value, so the two enumerations must agree.
func TestPolicyTypesMatchSDK(t *testing.T) {
	for p, s := range map[pack.AnalyzerPolicyType]plugin.AnalyzerPolicyType{
		pack.AnalyzerPolicyTypeUnknown:  plugin.AnalyzerPolicyTypeUnknown,
		pack.AnalyzerPolicyTypeResource: plugin.AnalyzerPolicyTypeResource,
		pack.AnalyzerPolicyTypeStack:    plugin.AnalyzerPolicyTypeStack,
	} {
		if plugin.AnalyzerPolicyType(p) != s {
			t.Errorf("pack's policy type %d is the SDK's %d", p, s)
		}
	}
}

// TestInfoKeepsEveryField: the description the SDK sees is the pack's, field for field.
func TestInfoKeepsEveryField(t *testing.T) {
	a := sdkplugin.New(pack.NewAnalyzer())
	got, err := a.GetAnalyzerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, err := pack.NewAnalyzer().GetAnalyzerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Policies) != len(want.Policies) || len(got.Policies) == 0 {
		t.Fatalf("%d policies, want %d", len(got.Policies), len(want.Policies))
	}
	for i, p := range want.Policies {
		g := got.Policies[i]
		if g.Name != p.Name || g.Description != p.Description || g.EnforcementLevel != p.EnforcementLevel ||
			g.Severity != p.Severity || g.RemediationSteps != p.RemediationSteps || g.URL != p.URL ||
			!reflect.DeepEqual(g.Tags, p.Tags) || (g.ConfigSchema == nil) != (p.ConfigSchema == nil) {
			t.Errorf("policy %s differs through the SDK's types", p.Name)
		}
		if p.ConfigSchema != nil && len(g.ConfigSchema.Properties) != len(p.ConfigSchema.Properties) {
			t.Errorf("policy %s: %d config properties, want %d", p.Name, len(g.ConfigSchema.Properties), len(p.ConfigSchema.Properties))
		}
	}
}
