// Package packrpc serves the pack over the engine's analyzer gRPC protocol.
//
// It answers every call as the SDK's plugin.NewAnalyzerServer answers it for the same analyzer,
// without importing the SDK's plugin package: that package links the SDK's workspace package,
// whose initialisation (compiling Pulumi's project JSON schema) is half of a Go pack's start-up and
// several MiB of its memory, on every preview (BENCHMARKS.md). The price is this file and
// properties.go, which mirror the SDK's; TestServerMatchesSDK and FuzzPropertiesMatchSDK hold the
// two to the same answers, and a dependency test keeps plugin out of the pack's executable.
package packrpc

import (
	"context"
	"fmt"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Server is the pack's pulumirpc.AnalyzerServer.
type Server struct {
	pulumirpc.UnsafeAnalyzerServer // a new RPC must be added here, not answered "unimplemented"
	p                              *pack.Analyzer
}

var _ pulumirpc.AnalyzerServer = (*Server)(nil)

// New returns the server of p.
func New(p *pack.Analyzer) *Server { return &Server{p: p} }

// Handshake answers as the SDK does: the pack needs nothing from it.
func (s *Server) Handshake(context.Context, *pulumirpc.AnalyzerHandshakeRequest,
) (*pulumirpc.AnalyzerHandshakeResponse, error) {
	return &pulumirpc.AnalyzerHandshakeResponse{}, nil
}

// ConfigureStack passes the stack, its configuration and the dry-run flag on to the pack (the
// SDK's server drops them).
func (s *Server) ConfigureStack(_ context.Context, req *pulumirpc.AnalyzerStackConfigureRequest,
) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	s.p.ConfigureStack(pack.StackConfig{
		Stack:        req.GetStack(),
		Project:      req.GetProject(),
		Organization: req.GetOrganization(),
		DryRun:       req.GetDryRun(),
		Config:       req.GetConfig(),
	})
	return &pulumirpc.AnalyzerStackConfigureResponse{}, nil
}

// Analyze checks one resource.
func (s *Server) Analyze(ctx context.Context, req *pulumirpc.AnalyzeRequest) (*pulumirpc.AnalyzeResponse, error) {
	r, err := analyzerResource(req.GetUrn(), req.GetType(), req.GetName(), req.GetProperties(),
		req.GetOptions(), req.GetProvider(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.p.Analyze(ctx, r)
	if err != nil {
		return nil, err
	}
	return marshalResponse(resp)
}

// AnalyzeStack checks the whole stack.
func (s *Server) AnalyzeStack(ctx context.Context, req *pulumirpc.AnalyzeStackRequest,
) (*pulumirpc.AnalyzeResponse, error) {
	resources := make([]pack.AnalyzerStackResource, len(req.GetResources()))
	providers := map[string]*pack.AnalyzerProviderResource{}
	for i, r := range req.GetResources() {
		ar, err := analyzerResource(r.GetUrn(), r.GetType(), r.GetName(), r.GetProperties(),
			r.GetOptions(), r.GetProvider(), providers)
		if err != nil {
			return nil, err
		}
		propertyDeps := make(map[resource.PropertyKey][]resource.URN)
		for k, v := range r.GetPropertyDependencies() {
			if len(v.GetUrns()) > 0 {
				propertyDeps[resource.PropertyKey(k)] = urns(v.GetUrns())
			}
		}
		resources[i] = pack.AnalyzerStackResource{
			AnalyzerResource:     ar,
			Parent:               resource.URN(r.GetParent()),
			Dependencies:         urns(r.GetDependencies()),
			PropertyDependencies: propertyDeps,
		}
	}
	resp, err := s.p.AnalyzeStack(ctx, resources)
	if err != nil {
		return nil, err
	}
	return marshalResponse(resp)
}

// Remediate changes nothing: no policy of the pack rewrites resources, so the resource is not
// even decoded (the engine calls Remediate for every resource, before Analyze).
func (s *Server) Remediate(context.Context, *pulumirpc.AnalyzeRequest) (*pulumirpc.RemediateResponse, error) {
	return &pulumirpc.RemediateResponse{}, nil
}

// GetAnalyzerInfo describes the pack and its policies.
func (s *Server) GetAnalyzerInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	info, err := s.p.GetAnalyzerInfo(ctx)
	if err != nil {
		return nil, err
	}
	out := &pulumirpc.AnalyzerInfo{
		Name:           info.Name,
		DisplayName:    info.DisplayName,
		Version:        info.Version,
		SupportsConfig: info.SupportsConfig,
		InitialConfig:  make(map[string]*pulumirpc.PolicyConfig, len(info.InitialConfig)),
		Description:    info.Description,
		Readme:         info.Readme,
		Provider:       info.Provider,
		Tags:           info.Tags,
		Repository:     info.Repository,
	}
	for _, p := range info.Policies {
		level, err := marshalEnforcementLevel(p.EnforcementLevel)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p.Name, err)
		}
		schema, err := marshalConfigSchema(p.ConfigSchema)
		if err != nil {
			return nil, fmt.Errorf("policy %s: config schema: %w", p.Name, err)
		}
		pi := &pulumirpc.PolicyInfo{
			Name:             p.Name,
			DisplayName:      p.DisplayName,
			Description:      p.Description,
			Message:          p.Message,
			EnforcementLevel: level,
			ConfigSchema:     schema,
			PolicyType:       policyTypes[p.Type],
			Severity:         policySeverities[p.Severity],
			Tags:             p.Tags,
			RemediationSteps: p.RemediationSteps,
			Url:              p.URL,
		}
		if f := p.Framework; f != nil {
			pi.Framework = &pulumirpc.PolicyComplianceFramework{
				Name: f.Name, Version: f.Version, Reference: f.Reference, Specification: f.Specification,
			}
		}
		out.Policies = append(out.Policies, pi)
	}
	for name, c := range info.InitialConfig {
		level, err := marshalEnforcementLevel(c.EnforcementLevel)
		if err != nil {
			return nil, fmt.Errorf("initial config of policy %s: %w", name, err)
		}
		props, err := structpb.NewStruct(c.Properties)
		if err != nil {
			return nil, fmt.Errorf("initial config of policy %s: %w", name, err)
		}
		out.InitialConfig[name] = &pulumirpc.PolicyConfig{EnforcementLevel: level, Properties: props}
	}
	return out, nil
}

// GetPluginInfo reports the pack's version.
func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	v, err := s.p.PluginVersion()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.PluginInfo{Version: v.String()}, nil
}

// Configure applies the engine's policy configuration.
func (s *Server) Configure(ctx context.Context, req *pulumirpc.ConfigureAnalyzerRequest) (*emptypb.Empty, error) {
	cfg := make(map[string]pack.AnalyzerPolicyConfig, len(req.GetPolicyConfig()))
	for name, c := range req.GetPolicyConfig() {
		level, err := unmarshalEnforcementLevel(c.GetEnforcementLevel())
		if err != nil {
			return nil, err
		}
		cfg[name] = pack.AnalyzerPolicyConfig{EnforcementLevel: level, Properties: c.GetProperties().AsMap()}
	}
	if err := s.p.Configure(ctx, cfg); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Cancel makes the pack refuse later calls.
func (s *Server) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	if err := s.p.Cancel(ctx); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// analyzerResource decodes a resource. providers, if not nil, holds the providers decoded so far
// in this request: the engine sends each resource's provider with it, and a stack's resources
// share a few providers, each with one URN and one set of inputs in the state, so each is decoded
// once and shared (the pack only reads them).
func analyzerResource(urn, typ, name string, props *structpb.Struct, opts *pulumirpc.AnalyzerResourceOptions,
	provider *pulumirpc.AnalyzerProviderResource, providers map[string]*pack.AnalyzerProviderResource,
) (pack.AnalyzerResource, error) {
	pm, err := unmarshalProperties(props)
	if err != nil {
		return pack.AnalyzerResource{}, err
	}
	r := pack.AnalyzerResource{
		URN:        resource.URN(urn),
		Type:       tokens.Type(typ),
		Name:       name,
		Properties: pm,
		Options:    resourceOptions(opts),
	}
	if provider == nil {
		return r, nil
	}
	if p, ok := providers[provider.GetUrn()]; ok {
		r.Provider = p
		return r, nil
	}
	pp, err := unmarshalProperties(provider.GetProperties())
	if err != nil {
		return pack.AnalyzerResource{}, err
	}
	r.Provider = &pack.AnalyzerProviderResource{
		URN:        resource.URN(provider.GetUrn()),
		Type:       tokens.Type(provider.GetType()),
		Name:       provider.GetName(),
		Properties: pp,
	}
	if providers != nil {
		providers[provider.GetUrn()] = r.Provider
	}
	return r, nil
}

func resourceOptions(opts *pulumirpc.AnalyzerResourceOptions) pack.AnalyzerResourceOptions {
	if opts == nil {
		return pack.AnalyzerResourceOptions{}
	}
	var out pack.AnalyzerResourceOptions
	out.Protect = opts.GetProtect()
	out.IgnoreChanges = opts.GetIgnoreChanges()
	if opts.GetDeleteBeforeReplace() {
		b := true
		out.DeleteBeforeReplace = &b
	}
	if t := opts.GetCustomTimeouts(); t != nil {
		out.CustomTimeouts = resource.CustomTimeouts{
			Create: t.GetCreate(), Update: t.GetUpdate(), Delete: t.GetDelete(), Read: t.GetRead(),
		}
	}
	if keys := opts.GetAdditionalSecretOutputs(); keys != nil {
		out.AdditionalSecretOutputs = make([]resource.PropertyKey, len(keys))
		for i, k := range keys {
			out.AdditionalSecretOutputs[i] = resource.PropertyKey(k)
		}
	}
	out.AliasURNs = urns(opts.GetAliases())
	out.Parent = resource.URN(opts.GetParent())
	return out
}

// urns converts as the SDK's slice.Map does: nil stays nil, empty stays empty.
func urns(ss []string) []resource.URN {
	if ss == nil {
		return nil
	}
	out := make([]resource.URN, len(ss))
	for i, s := range ss {
		out[i] = resource.URN(s)
	}
	return out
}

func marshalResponse(r pack.AnalyzeResponse) (*pulumirpc.AnalyzeResponse, error) {
	out := &pulumirpc.AnalyzeResponse{}
	for _, d := range r.Diagnostics {
		level, err := marshalEnforcementLevel(d.EnforcementLevel)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", d.PolicyName, err)
		}
		out.Diagnostics = append(out.Diagnostics, &pulumirpc.AnalyzeDiagnostic{
			PolicyName:        d.PolicyName,
			PolicyPackName:    d.PolicyPackName,
			PolicyPackVersion: d.PolicyPackVersion,
			Description:       d.Description,
			Message:           d.Message,
			EnforcementLevel:  level,
			Urn:               string(d.URN),
			Severity:          policySeverities[d.Severity],
		})
	}
	for _, n := range r.NotApplicable {
		out.NotApplicable = append(out.NotApplicable,
			&pulumirpc.PolicyNotApplicable{PolicyName: n.PolicyName, Reason: n.Reason})
	}
	return out, nil
}

// enforcementLevels pairs the pack's levels with the protocol's, both ways.
var enforcementLevels = []struct {
	level apitype.EnforcementLevel
	rpc   pulumirpc.EnforcementLevel
}{
	{apitype.Advisory, pulumirpc.EnforcementLevel_ADVISORY},
	{apitype.Mandatory, pulumirpc.EnforcementLevel_MANDATORY},
	{apitype.Remediate, pulumirpc.EnforcementLevel_REMEDIATE},
	{apitype.Disabled, pulumirpc.EnforcementLevel_DISABLED},
}

// marshalEnforcementLevel refuses a level the protocol has no value for (the SDK panics).
func marshalEnforcementLevel(l apitype.EnforcementLevel) (pulumirpc.EnforcementLevel, error) {
	for _, e := range enforcementLevels {
		if e.level == l {
			return e.rpc, nil
		}
	}
	return 0, fmt.Errorf("unrecognized enforcement level %q", l)
}

func unmarshalEnforcementLevel(l pulumirpc.EnforcementLevel) (apitype.EnforcementLevel, error) {
	for _, e := range enforcementLevels {
		if e.rpc == l {
			return e.level, nil
		}
	}
	return "", fmt.Errorf("invalid enforcement level %d", l)
}

// policyTypes and policySeverities map to the protocol's values; anything else is the protocol's
// zero value, unknown or unspecified, as the SDK answers.
var policyTypes = map[pack.AnalyzerPolicyType]pulumirpc.PolicyType{
	pack.AnalyzerPolicyTypeResource: pulumirpc.PolicyType_POLICY_TYPE_RESOURCE,
	pack.AnalyzerPolicyTypeStack:    pulumirpc.PolicyType_POLICY_TYPE_STACK,
}

var policySeverities = map[apitype.PolicySeverity]pulumirpc.PolicySeverity{
	apitype.PolicySeverityLow:      pulumirpc.PolicySeverity_POLICY_SEVERITY_LOW,
	apitype.PolicySeverityMedium:   pulumirpc.PolicySeverity_POLICY_SEVERITY_MEDIUM,
	apitype.PolicySeverityHigh:     pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
	apitype.PolicySeverityCritical: pulumirpc.PolicySeverity_POLICY_SEVERITY_CRITICAL,
}

func marshalConfigSchema(s *pack.AnalyzerPolicyConfigSchema) (*pulumirpc.PolicyConfigSchema, error) {
	if s == nil {
		return nil, nil
	}
	props := make(map[string]any, len(s.Properties))
	for k, v := range s.Properties {
		props[k] = map[string]any(v)
	}
	properties, err := structpb.NewStruct(props)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.PolicyConfigSchema{Properties: properties, Required: s.Required}, nil
}
