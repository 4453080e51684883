// Package sdkplugin makes the pack the SDK's plugin.Analyzer. The pack declares the protocol's
// types itself (so that its executable does not link the SDK's plugin package); this package
// converts them. Where the SDK declares a type field for field as the pack does, the conversion
// is a Go conversion, which stops compiling if the SDK changes the type.
package sdkplugin

import (
	"context"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// New returns p as a plugin.Analyzer.
func New(p *pack.Analyzer) plugin.Analyzer { return analyzer{p} }

type analyzer struct{ p *pack.Analyzer }

func (a analyzer) Name() tokens.QName               { return a.p.Name() }
func (a analyzer) Close() error                     { return a.p.Close() }
func (a analyzer) Cancel(ctx context.Context) error { return a.p.Cancel(ctx) }

func (a analyzer) Analyze(ctx context.Context, r plugin.AnalyzerResource) (plugin.AnalyzeResponse, error) {
	resp, err := a.p.Analyze(ctx, Resource(r))
	return response(resp), err
}

func (a analyzer) AnalyzeStack(ctx context.Context, rs []plugin.AnalyzerStackResource) (plugin.AnalyzeResponse, error) {
	in := make([]pack.AnalyzerStackResource, len(rs))
	for i, r := range rs {
		in[i] = StackResource(r)
	}
	resp, err := a.p.AnalyzeStack(ctx, in)
	return response(resp), err
}

// Remediate changes nothing: no policy of the pack rewrites resources.
func (a analyzer) Remediate(context.Context, plugin.AnalyzerResource) (plugin.RemediateResponse, error) {
	return plugin.RemediateResponse{}, nil
}

func (a analyzer) GetAnalyzerInfo(ctx context.Context) (plugin.AnalyzerInfo, error) {
	info, err := a.p.GetAnalyzerInfo(ctx)
	if err != nil {
		return plugin.AnalyzerInfo{}, err
	}
	return Info(info), nil
}

func (a analyzer) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v, err := a.p.PluginVersion()
	if err != nil {
		return plugin.PluginInfo{}, err
	}
	return plugin.PluginInfo{Version: &v}, nil
}

func (a analyzer) Configure(ctx context.Context, cfg map[string]plugin.AnalyzerPolicyConfig) error {
	var in map[string]pack.AnalyzerPolicyConfig
	if cfg != nil {
		in = make(map[string]pack.AnalyzerPolicyConfig, len(cfg))
		for name, c := range cfg {
			in[name] = pack.AnalyzerPolicyConfig(c)
		}
	}
	return a.p.Configure(ctx, in)
}

// Resource converts a resource as the SDK declares it to the pack's.
func Resource(r plugin.AnalyzerResource) pack.AnalyzerResource {
	return pack.AnalyzerResource{
		URN:        r.URN,
		Type:       r.Type,
		Name:       r.Name,
		Properties: r.Properties,
		Options:    pack.AnalyzerResourceOptions(r.Options),
		Provider:   (*pack.AnalyzerProviderResource)(r.Provider),
	}
}

// StackResource converts a resource state as the SDK declares it to the pack's.
func StackResource(r plugin.AnalyzerStackResource) pack.AnalyzerStackResource {
	return pack.AnalyzerStackResource{
		AnalyzerResource:     Resource(r.AnalyzerResource),
		Parent:               r.Parent,
		Dependencies:         r.Dependencies,
		PropertyDependencies: r.PropertyDependencies,
	}
}

func response(r pack.AnalyzeResponse) plugin.AnalyzeResponse {
	var out plugin.AnalyzeResponse
	for _, d := range r.Diagnostics {
		out.Diagnostics = append(out.Diagnostics, plugin.AnalyzeDiagnostic(d))
	}
	for _, n := range r.NotApplicable {
		out.NotApplicable = append(out.NotApplicable, plugin.PolicyNotApplicable(n))
	}
	return out
}

// Info converts the pack's description to the SDK's.
func Info(info pack.AnalyzerInfo) plugin.AnalyzerInfo {
	out := plugin.AnalyzerInfo{
		Name:           info.Name,
		DisplayName:    info.DisplayName,
		Version:        info.Version,
		SupportsConfig: info.SupportsConfig,
		Description:    info.Description,
		Readme:         info.Readme,
		Provider:       info.Provider,
		Tags:           info.Tags,
		Repository:     info.Repository,
	}
	for _, p := range info.Policies {
		pi := plugin.AnalyzerPolicyInfo{
			Name:             p.Name,
			DisplayName:      p.DisplayName,
			Description:      p.Description,
			EnforcementLevel: p.EnforcementLevel,
			Message:          p.Message,
			Type:             plugin.AnalyzerPolicyType(p.Type),
			Severity:         p.Severity,
			Framework:        (*plugin.AnalyzerPolicyComplianceFramework)(p.Framework),
			Tags:             p.Tags,
			RemediationSteps: p.RemediationSteps,
			URL:              p.URL,
		}
		if s := p.ConfigSchema; s != nil {
			pi.ConfigSchema = &plugin.AnalyzerPolicyConfigSchema{Required: s.Required}
			if s.Properties != nil {
				pi.ConfigSchema.Properties = make(map[string]plugin.JSONSchema, len(s.Properties))
				for k, v := range s.Properties {
					pi.ConfigSchema.Properties[k] = plugin.JSONSchema(v)
				}
			}
		}
		out.Policies = append(out.Policies, pi)
	}
	if info.InitialConfig != nil {
		out.InitialConfig = make(map[string]plugin.AnalyzerPolicyConfig, len(info.InitialConfig))
		for k, v := range info.InitialConfig {
			out.InitialConfig[k] = plugin.AnalyzerPolicyConfig(v)
		}
	}
	return out
}
