// Package pack is the keyless-ECS policy pack: a plugin.Analyzer that blocks S3 access on ECS
// task execution roles and embedded AWS credentials, and warns about the S3 and ECS settings
// around them. policypack/main.go serves it over gRPC; tests and benchmarks call it directly.
package pack

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// PackName is the policy pack's name as the engine reports it.
const PackName = "keyless-ecs-s3"

// Version is the pack's version (semver). Release builds stamp it with
// -ldflags "-X github.com/keyless-ecs/railsapp/internal/pack.Version=<version>".
var Version = "0.1.0"

// StackConfig is what the engine tells the analyzer about the stack in ConfigureStack. It is not
// sent by `pulumi policy analyze` or `policy publish`, so nothing may depend on it being set.
type StackConfig struct {
	Stack, Project, Organization string
	DryRun                       bool
	// Config is the stack's decrypted configuration ("aws:region" → "us-east-1").
	Config map[string]string
}

// Analyzer implements plugin.Analyzer. It is safe for concurrent use: the engine runs Analyze
// calls in parallel.
type Analyzer struct {
	settings atomic.Pointer[settings]
	stack    atomic.Pointer[StackConfig]
	mem      *memory
	docs     *docCache
	canceled atomic.Bool
}

var _ plugin.Analyzer = (*Analyzer)(nil)

// NewAnalyzer returns the policy pack with every policy at its default enforcement level.
func NewAnalyzer() *Analyzer {
	a := &Analyzer{mem: newMemory(), docs: newDocCache()}
	a.settings.Store(defaultSettings())
	return a
}

// ConfigureStack records the stack configuration sent by the engine's ConfigureStack RPC.
func (a *Analyzer) ConfigureStack(c StackConfig) { a.stack.Store(&c) }

// Name returns the pack's name.
func (a *Analyzer) Name() tokens.QName { return tokens.QName(PackName) }

// Close releases nothing: the analyzer holds no OS resources.
func (a *Analyzer) Close() error { return nil }

// Cancel makes later calls return an error, as the engine expects after it cancels.
func (a *Analyzer) Cancel(context.Context) error {
	a.canceled.Store(true)
	return nil
}

// GetPluginInfo returns the pack's version (NewAnalyzerServer panics on a nil version).
func (a *Analyzer) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v, err := semver.ParseTolerant(Version)
	if err != nil {
		return plugin.PluginInfo{}, fmt.Errorf("policy pack version %q is not semver: %w", Version, err)
	}
	return plugin.PluginInfo{Version: &v}, nil
}

// GetAnalyzerInfo describes the pack and every policy, with its default level and config schema.
func (a *Analyzer) GetAnalyzerInfo(context.Context) (plugin.AnalyzerInfo, error) {
	policies := make([]plugin.AnalyzerPolicyInfo, 0, len(allPolicies))
	for _, p := range allPolicies {
		policies = append(policies, p.info)
	}
	return plugin.AnalyzerInfo{
		Name:           PackName,
		DisplayName:    "Keyless ECS and S3",
		Version:        Version,
		SupportsConfig: true,
		Policies:       policies,
		Description: "Blocks S3 access on ECS task execution roles and embedded AWS access keys; " +
			"warns about bucket, IAM and ECS settings around a keyless Rails-on-Fargate deployment.",
		Provider: "aws",
		Tags:     []string{"aws", "s3", "ecs", "iam", "credentials"},
	}, nil
}

// Configure applies the engine's policy configuration: enforcement levels (including disabled)
// and each policy's properties, validated against the schemas the pack declares.
func (a *Analyzer) Configure(_ context.Context, cfg map[string]plugin.AnalyzerPolicyConfig) error {
	s, err := parseSettings(cfg)
	if err != nil {
		return err
	}
	a.settings.Store(s)
	return nil
}

// Remediate changes nothing: no policy in this pack rewrites resources.
func (a *Analyzer) Remediate(context.Context, plugin.AnalyzerResource) (plugin.RemediateResponse, error) {
	return plugin.RemediateResponse{}, nil
}

// Analyze checks one resource before its step. It also remembers, for the rest of the run, what
// the resource grants to which role and which roles it uses, so that whichever of a grant and a
// task definition arrives second is blocked.
func (a *Analyzer) Analyze(_ context.Context, r plugin.AnalyzerResource) (plugin.AnalyzeResponse, error) {
	if a.canceled.Load() {
		return plugin.AnalyzeResponse{}, fmt.Errorf("analyzer %s was canceled", PackName)
	}
	s := a.settings.Load()
	rc := &resourceCtx{AnalyzerResource: r, settings: s, stack: a.stack.Load(), mem: a.mem, docs: a.docs}
	rc.facts = extractFacts(r.URN, string(r.Type), r.Properties, nil, s.extraS3ManagedPolicyArns, a.docs)
	rc.observations = a.mem.record(r.URN, &rc.facts)

	var resp plugin.AnalyzeResponse
	for _, p := range allPolicies {
		level := s.level(p.info.Name)
		if level == apitype.Disabled || p.analyze == nil {
			continue
		}
		for _, f := range p.analyze(rc) {
			resp.Diagnostics = append(resp.Diagnostics, p.diagnostic(r.URN, f, level))
		}
	}
	return resp, nil
}

// AnalyzeStack checks the whole stack with the engine's dependency graph. It runs after every
// step: in a preview it still fails the preview; in an update it reports after the fact.
func (a *Analyzer) AnalyzeStack(_ context.Context, resources []plugin.AnalyzerStackResource) (plugin.AnalyzeResponse, error) {
	if a.canceled.Load() {
		return plugin.AnalyzeResponse{}, fmt.Errorf("analyzer %s was canceled", PackName)
	}
	s := a.settings.Load()
	g := buildGraph(resources, s, a.docs)
	g.reportedInRun = a.mem.reportedRoles()

	var resp plugin.AnalyzeResponse
	for _, p := range allPolicies {
		level := s.level(p.info.Name)
		if level == apitype.Disabled || p.stack == nil {
			continue
		}
		for _, f := range p.stack(g) {
			resp.Diagnostics = append(resp.Diagnostics, p.diagnostic(f.urn, f, level))
		}
	}
	sort.SliceStable(resp.Diagnostics, func(i, j int) bool {
		if resp.Diagnostics[i].URN != resp.Diagnostics[j].URN {
			return resp.Diagnostics[i].URN < resp.Diagnostics[j].URN
		}
		return resp.Diagnostics[i].PolicyName < resp.Diagnostics[j].PolicyName
	})
	return resp, nil
}

// finding is one violation. undecided findings say that a decision cannot be made yet (values
// unknown during preview); they are reported at advisory level so that they never block.
type finding struct {
	urn       resource.URN
	msg       string
	undecided bool
}

func (p *policy) diagnostic(urn resource.URN, f finding, level apitype.EnforcementLevel) plugin.AnalyzeDiagnostic {
	msg := f.msg
	if f.undecided {
		level = apitype.Advisory
		msg = "Cannot decide yet: " + msg
	} else if p.info.Message != "" && !strings.Contains(msg, p.info.Message) {
		msg = msg + "\n" + p.info.Message
	}
	if level == apitype.Remediate {
		// Nothing here remediates; the engine would downgrade it to mandatory anyway.
		level = apitype.Mandatory
	}
	return plugin.AnalyzeDiagnostic{
		PolicyName:        p.info.Name,
		PolicyPackName:    PackName,
		PolicyPackVersion: Version,
		Description:       p.info.Description,
		Message:           msg,
		EnforcementLevel:  level,
		URN:               urn,
		Severity:          p.info.Severity,
	}
}

// resourceCtx is what a per-resource check sees.
type resourceCtx struct {
	plugin.AnalyzerResource
	settings     *settings
	stack        *StackConfig
	mem          *memory
	docs         *docCache
	facts        facts
	observations observations
}
