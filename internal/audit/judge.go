package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/pkg/v3/backend/httpstate/client"
	backendsecrets "github.com/pulumi/pulumi/pkg/v3/backend/secrets"
	resourceanalyzer "github.com/pulumi/pulumi/pkg/v3/resource/analyzer"
	"github.com/pulumi/pulumi/pkg/v3/resource/deploy"
	pkgplugin "github.com/pulumi/pulumi/pkg/v3/resource/plugin"
	"github.com/pulumi/pulumi/pkg/v3/resource/stack"
	"github.com/pulumi/pulumi/pkg/v3/secrets"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/packrpc"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
	"github.com/keyless-ecs/railsapp/internal/report"
)

// Judge judges deployments exactly as `pulumi policy analyze --file` does: Pulumi's own
// deserialization (decrypting secrets when it can, judging them as "[secret]" when it cannot),
// Pulumi's own policy config reconciliation and exceptions, and deploy.AnalyzeSnapshot driving
// the pack through the engine's analyzer client, with the pack in-process instead of in a
// plugin process. It is safe for concurrent use; every deployment gets a fresh analyzer, as
// every `policy analyze` run starts a fresh pack.
type Judge struct {
	config     map[string]pkgplugin.AnalyzerPolicyConfig
	exceptions resourceanalyzer.PolicyExceptions
	pack       report.PolicyPack
	digest     string
	secrets    secrets.Provider
	warnings   []string
}

// NewJudge loads the pack's metadata and, if configPath is set, the --policy-pack-config file
// (version 2: enforcement levels, properties validated against the pack's schemas, exceptions).
func NewJudge(ctx context.Context, configPath string) (*Judge, error) {
	an := newAnalyzer()
	info, err := an.GetAnalyzerInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the policy pack's metadata: %w", err)
	}
	j := &Judge{secrets: backendsecrets.NewProvider(noCloudClient)}
	var fromFile map[string]pkgplugin.AnalyzerPolicyConfig
	if configPath != "" {
		raw, err := os.ReadFile(configPath)
		if err != nil {
			return nil, fmt.Errorf("reading the policy config: %w", err)
		}
		sum := sha256.Sum256(raw)
		j.digest = "sha256:" + hex.EncodeToString(sum[:])
		file, err := resourceanalyzer.LoadPolicyPackConfigFile(configPath)
		if err != nil {
			return nil, fmt.Errorf("loading the policy config %s: %w", configPath, err)
		}
		fromFile = file.Config
		j.exceptions = file.Exceptions
		j.warnings = file.Exceptions.UnknownPolicyWarnings(info.Name, info.Policies)
	}
	// The engine's own steps (engine.LoadLocalPolicyPackAnalyzers): defaults from the pack's
	// schemas, then the file, then validation.
	cfg, problems, err := resourceanalyzer.ReconcilePolicyPackConfig(info.Policies, info.InitialConfig, fromFile)
	if err != nil {
		return nil, fmt.Errorf("reconciling the policy config: %w", err)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("validating the policy config: %s", strings.Join(problems, "; "))
	}
	j.config = cfg
	levels := map[string]string{}
	for name, c := range cfg {
		levels[name] = string(c.EnforcementLevel)
	}
	packInfo, err := pack.NewAnalyzer().GetAnalyzerInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the policy pack's metadata: %w", err)
	}
	j.pack = report.PolicyPackFromInfo(sdkplugin.Info(packInfo), levels)
	return j, nil
}

// noCloudClient answers the service secrets manager: the audit holds no Pulumi Cloud login, so
// such secrets are judged as "[secret]", as `policy analyze --file` does without a login.
func noCloudClient(context.Context, string, bool) (*client.Client, error) {
	return nil, errors.New("no Pulumi Cloud login: use `pulumi stack export --show-secrets` (the CLI source's --show-secrets)")
}

// Pack is the pack's metadata with the enforcement levels in force.
func (j *Judge) Pack() report.PolicyPack { return j.pack }

// ConfigDigest is "sha256:<hex>" of the policy config file, or "" without one.
func (j *Judge) ConfigDigest() string { return j.digest }

// Warnings are problems of the policy config that do not stop the audit (exceptions naming
// policies the pack does not have).
func (j *Judge) Warnings() []string { return slices.Clone(j.warnings) }

// Judge judges one stack's deployment. It never fails: a deployment that cannot be read or
// judged gives a stack with Error set.
func (j *Judge) Judge(ctx context.Context, ref StackRef, dep *apitype.UntypedDeployment) (st report.Stack) {
	st = ref.stack()
	defer func() {
		// Pulumi's deserializer and the pack assume well-formed states; one that breaks them is
		// this stack's problem, not the audit's.
		if p := recover(); p != nil {
			st.Violations = nil
			st.Error = fmt.Sprintf("judging the state failed: %v", p)
		}
	}()
	snap, warn, err := j.snapshot(ctx, dep)
	if err != nil {
		st.Error = err.Error()
		return st
	}
	if warn != "" {
		st.Warnings = append(st.Warnings, warn)
	}
	for _, r := range snap.Resources {
		if !r.Delete {
			st.Resources++
		}
	}
	if st.Resources == 0 {
		return st
	}

	an := newAnalyzer()
	if err := an.Configure(ctx, j.config); err != nil {
		st.Error = fmt.Sprintf("configuring the policy pack: %v", err)
		return st
	}
	ev := &collector{}
	exceptions := map[pkgplugin.Analyzer]resourceanalyzer.PolicyExceptions{an: j.exceptions}
	if _, err := deploy.AnalyzeSnapshot(ctx, snap, []pkgplugin.Analyzer{an}, exceptions, ev); err != nil {
		st.Error = fmt.Sprintf("running policy analysis: %v", err)
		return st
	}
	st.Violations = ev.violations
	st.Warnings = append(st.Warnings, ev.warnings...)
	return st
}

// snapshot deserializes a deployment the way `policy analyze --file` does: decrypting with the
// usual secrets managers (passphrase from PULUMI_CONFIG_PASSPHRASE[_FILE], cloud KMS with the
// ambient credentials), else with secrets blinded to "[secret]"; and no invalid URN.
func (j *Judge) snapshot(ctx context.Context, dep *apitype.UntypedDeployment) (*deploy.Snapshot, string, error) {
	if dep == nil || len(dep.Deployment) == 0 {
		return nil, "", errors.New("the stack has no deployment")
	}
	var warn string
	snap, err := stack.DeserializeUntypedDeployment(ctx, dep, j.secrets)
	if err != nil {
		var blindErr error
		snap, blindErr = stack.DeserializeUntypedDeployment(ctx, dep, backendsecrets.BlindingProvider)
		if blindErr != nil {
			return nil, "", fmt.Errorf("reading the state: %w", err)
		}
		warn = fmt.Sprintf("secrets could not be decrypted (%v); they were judged as \"[secret]\"", err)
	}
	if snap == nil {
		return nil, "", errors.New("reading the state: no snapshot")
	}
	for _, r := range snap.Resources {
		if !r.URN.IsValid() {
			return nil, "", fmt.Errorf("the state has a resource with an invalid URN %q", r.URN)
		}
	}
	return snap, warn, nil
}

// newAnalyzer is the pack behind the engine's own analyzer client (pkg's plugin.analyzer, which
// filters and marshals properties, converts diagnostics and fills in severities) talking to the
// pack's gRPC server (packrpc, which unmarshals them, as the pack's executable serves it), with
// direct calls in place of the network: the pack sees exactly what it sees as a plugin process.
func newAnalyzer() pkgplugin.Analyzer {
	srv := packrpc.New(pack.NewAnalyzer())
	return pkgplugin.NewAnalyzerWithClient(tokens.QName(pack.PackName), directClient{srv})
}

// collector gathers what deploy.AnalyzeSnapshot reports (it calls from several goroutines).
type collector struct {
	mu         sync.Mutex
	violations []report.Violation
	warnings   []string
}

var _ deploy.PolicyEvents = (*collector)(nil)

func (c *collector) OnPolicyViolation(urn resource.URN, d pkgplugin.AnalyzeDiagnostic, exceptions []apitype.PolicyEventException) {
	v := report.Violation{PolicyPack: d.PolicyPackName, PolicyPackVersion: d.PolicyPackVersion, Policy: d.PolicyName,
		Level: string(d.EnforcementLevel), Severity: string(d.Severity), URN: string(urn), Message: d.Message}
	for _, e := range exceptions {
		v.Exceptions = append(v.Exceptions, report.Exception{ID: e.ID, Reason: e.Reason})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = append(c.violations, v)
}

// OnPolicyRemediation records what a remediation would change; `policy analyze` reports it
// without failing, and so does the audit (this pack has no remediations).
func (c *collector) OnPolicyRemediation(urn resource.URN, rem pkgplugin.Remediation, _, _ property.Map) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warnings = append(c.warnings, fmt.Sprintf("policy %s would remediate %s", rem.PolicyName, urn))
}

func (c *collector) OnPolicyAnalyzeSummary(pkgplugin.PolicySummary)      {}
func (c *collector) OnPolicyRemediateSummary(pkgplugin.PolicySummary)    {}
func (c *collector) OnPolicyAnalyzeStackSummary(pkgplugin.PolicySummary) {}
