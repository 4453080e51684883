package pack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The types below are the analyzer protocol's, field for field as the SDK's plugin package
// declares them (same names, same fields, same order), so that sdkplugin converts between the two
// with Go conversions and fails to compile if the SDK ever changes one. The pack declares its own
// because importing plugin links the SDK's workspace package, whose initialisation compiles
// Pulumi's project JSON schema: about half of a Go pack's start-up and several MiB of its memory,
// paid on every preview for code the pack never runs (BENCHMARKS.md).

// AnalyzerResource is a resource as Analyze receives it: its checked inputs.
type AnalyzerResource struct {
	URN        resource.URN
	Type       tokens.Type
	Name       string
	Properties resource.PropertyMap
	Options    AnalyzerResourceOptions
	Provider   *AnalyzerProviderResource
}

// AnalyzerStackResource is a resource as AnalyzeStack receives it: its state, with the engine's
// dependency graph.
type AnalyzerStackResource struct {
	AnalyzerResource
	Parent               resource.URN
	Dependencies         []resource.URN
	PropertyDependencies map[resource.PropertyKey][]resource.URN
}

// AnalyzerResourceOptions are the resource options the engine sends with a resource.
type AnalyzerResourceOptions struct {
	Protect                 bool
	IgnoreChanges           []string
	DeleteBeforeReplace     *bool
	AdditionalSecretOutputs []resource.PropertyKey
	AliasURNs               []resource.URN
	Aliases                 []resource.Alias
	CustomTimeouts          resource.CustomTimeouts
	Parent                  resource.URN
}

// AnalyzerProviderResource is the provider a resource is managed by.
type AnalyzerProviderResource struct {
	URN        resource.URN
	Type       tokens.Type
	Name       string
	Properties resource.PropertyMap
}

// AnalyzeDiagnostic is one finding of one policy.
type AnalyzeDiagnostic struct {
	PolicyName        string
	PolicyPackName    string
	PolicyPackVersion string
	Description       string
	Message           string
	EnforcementLevel  apitype.EnforcementLevel
	URN               resource.URN
	Severity          apitype.PolicySeverity
}

// AnalyzeResponse is what Analyze and AnalyzeStack answer.
type AnalyzeResponse struct {
	Diagnostics   []AnalyzeDiagnostic
	NotApplicable []PolicyNotApplicable
}

// PolicyNotApplicable says that a policy did not apply to a resource, and why.
type PolicyNotApplicable struct {
	PolicyName string
	Reason     string
}

// AnalyzerInfo describes the pack and its policies.
type AnalyzerInfo struct {
	Name           string
	DisplayName    string
	Version        string
	SupportsConfig bool
	Policies       []AnalyzerPolicyInfo
	InitialConfig  map[string]AnalyzerPolicyConfig
	Description    string
	Readme         string
	Provider       string
	Tags           []string
	Repository     string
}

// AnalyzerPolicyType says whether a policy checks resources or the stack.
type AnalyzerPolicyType int

const (
	AnalyzerPolicyTypeUnknown AnalyzerPolicyType = iota
	AnalyzerPolicyTypeResource
	AnalyzerPolicyTypeStack
)

// AnalyzerPolicyInfo describes one policy.
type AnalyzerPolicyInfo struct {
	Name             string
	DisplayName      string
	Description      string
	EnforcementLevel apitype.EnforcementLevel
	Message          string
	ConfigSchema     *AnalyzerPolicyConfigSchema
	Type             AnalyzerPolicyType
	Severity         apitype.PolicySeverity
	Framework        *AnalyzerPolicyComplianceFramework
	Tags             []string
	RemediationSteps string
	URL              string
}

// JSONSchema is one property's JSON schema.
type JSONSchema map[string]any

// AnalyzerPolicyConfigSchema is the JSON schema of a policy's configuration.
type AnalyzerPolicyConfigSchema struct {
	Properties map[string]JSONSchema
	Required   []string
}

// AnalyzerPolicyConfig is one policy's configuration: its level and its properties.
type AnalyzerPolicyConfig struct {
	EnforcementLevel apitype.EnforcementLevel
	Properties       map[string]any
}

// AnalyzerPolicyComplianceFramework names the compliance framework a policy belongs to.
type AnalyzerPolicyComplianceFramework struct {
	Name          string
	Version       string
	Reference     string
	Specification string
}
