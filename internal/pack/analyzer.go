// Package pack is the keyless-ECS policy pack: an analyzer that blocks S3 access on ECS task
// execution roles and embedded AWS credentials, and warns about the S3 and ECS settings around
// them. packrpc serves it over the engine's gRPC protocol (policypack/main.go); sdkplugin makes it
// the SDK's plugin.Analyzer, which tests, benchmarks and the audit use. The pack speaks the
// protocol's types (protocol.go) but does not import the SDK's plugin package.
//
// Each policy is one value in the file named after it (policy.go says what a policy is). The
// execution-role join (join.go) is the one place that knows which roles are execution roles and
// what each role is granted; Analyze feeds it one resource at a time, AnalyzeStack the whole stack.
package pack

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blang/semver"
	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
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

// Analyzer is the pack: the methods of plugin.Analyzer on the pack's own protocol types, but no
// Remediate (no policy remediates) and PluginVersion for GetPluginInfo (sdkplugin adapts it;
// packrpc serves it). It is safe for concurrent use: the engine runs Analyze
// calls in parallel.
type Analyzer struct {
	cfg      atomic.Pointer[configuredPack]
	stack    atomic.Pointer[StackConfig]
	run      *runState
	docs     *docCache
	canceled atomic.Bool
}

// NewAnalyzer returns the policy pack with every policy at its default enforcement level and
// every property at the default its schema declares.
func NewAnalyzer() *Analyzer {
	cp, err := newConfiguredPack(nil)
	if err != nil {
		// The defaults are the pack's own; TestDefaultsDecode keeps them valid.
		panic(fmt.Sprintf("policy pack %s: invalid defaults: %v", PackName, err))
	}
	a := &Analyzer{run: newRunState(), docs: newDocCache()}
	a.cfg.Store(cp)
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

// PluginVersion returns the pack's version as GetPluginInfo reports it.
func (a *Analyzer) PluginVersion() (semver.Version, error) {
	v, err := semver.ParseTolerant(Version)
	if err != nil {
		return semver.Version{}, fmt.Errorf("policy pack version %q is not semver: %w", Version, err)
	}
	return v, nil
}

// GetAnalyzerInfo describes the pack and every policy, with its default level and config schema.
func (a *Analyzer) GetAnalyzerInfo(context.Context) (AnalyzerInfo, error) {
	policies := make([]AnalyzerPolicyInfo, 0, len(allPolicies))
	for _, p := range allPolicies {
		policies = append(policies, p.info)
	}
	return AnalyzerInfo{
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
// and each policy's own properties.
func (a *Analyzer) Configure(_ context.Context, cfg map[string]AnalyzerPolicyConfig) error {
	cp, err := newConfiguredPack(cfg)
	if err != nil {
		return err
	}
	a.cfg.Store(cp)
	return nil
}

// isJoinType holds the resource types the execution-role join reads.
var isJoinType = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range joinTypes {
		m[t] = true
	}
	return m
}()

// Analyze checks one resource before its step. It also feeds the run's execution-role join, so
// that whichever of a grant and the use of a role as an execution role arrives second is blocked.
func (a *Analyzer) Analyze(_ context.Context, r AnalyzerResource) (AnalyzeResponse, error) {
	if a.canceled.Load() {
		return AnalyzeResponse{}, fmt.Errorf("analyzer %s was canceled", PackName)
	}
	cp := a.cfg.Load()
	typ := string(r.Type)
	rc := &resourceCtx{AnalyzerResource: &r, stack: a.stack.Load(), docs: a.docs, run: a.run,
		containers: containersOnce{props: r.Properties}}
	a.run.markAnalyzed(r.URN)
	if cp.usesJoin && isJoinType[typ] {
		rc.facts = extractFacts(&r, nil, a.docs, &rc.containers)
		j := a.run.join.Load()
		j.mu.Lock()
		j.record(rc.facts)
		rc.links = j.linksCompletedBy(r.URN)
		if rc.facts.role != nil {
			rc.isTaskRole = j.isTaskRole(rc.facts.role)
		}
		j.mu.Unlock()
	}
	var resp AnalyzeResponse
	for _, bp := range cp.forType(typ) {
		for _, f := range bp.checks.resource(rc) {
			resp.Diagnostics = append(resp.Diagnostics, bp.diagnostic(f))
		}
	}
	return resp, nil
}

// AnalyzeStack checks the whole stack with the engine's dependency graph. It runs after every
// step: in a preview it still fails the preview; in an update it reports after the fact.
func (a *Analyzer) AnalyzeStack(_ context.Context, resources []AnalyzerStackResource) (AnalyzeResponse, error) {
	if a.canceled.Load() {
		return AnalyzeResponse{}, fmt.Errorf("analyzer %s was canceled", PackName)
	}
	cp := a.cfg.Load()
	a.run.join.Store(newJoin(0))
	sc := newStackCtx(resources, a.docs)
	// checked says which resources get their resource checks here: those Analyze has not seen in
	// this run (`policy analyze` as AnalyzeStack alone, an audit of a state), on their state.
	sc.wasAnalyzed = a.run.wasAnalyzed
	checked := func(r *AnalyzerStackResource) bool { return !sc.wasAnalyzed(r.URN) }
	// The container definitions the join parses are parsed once for the resource checks too.
	containers := make([]*containersOnce, len(resources))
	if cp.usesJoin {
		facts := make([]*resourceFacts, len(resources))
		forEach(len(resources), func(i int) {
			r := &resources[i]
			if !isJoinType[string(r.Type)] {
				return
			}
			var c *containersOnce
			if string(r.Type) == awsfacts.TypeTaskDefinition {
				c = &containersOnce{props: r.Properties}
			}
			facts[i] = extractFacts(&r.AnalyzerResource, r.PropertyDependencies, a.docs, c)
			if c != nil && c.treeDone && checked(r) {
				containers[i] = c
			}
		})
		facts = slices.DeleteFunc(facts, func(f *resourceFacts) bool { return f == nil || f.empty() })
		sc.join = newJoin(len(facts))
		for _, f := range facts {
			sc.join.record(f)
		}
		sc.reported = a.run.reportedLinks()
	}
	found := make([][]AnalyzeDiagnostic, len(resources))
	forEach(len(resources), func(i int) {
		r := &resources[i]
		if !checked(r) {
			return
		}
		rc := &resourceCtx{AnalyzerResource: &r.AnalyzerResource, docs: a.docs, run: a.run}
		if c := containers[i]; c != nil {
			rc.containers = *c
			containers[i] = nil
		} else {
			rc.containers.props = r.Properties
		}
		if sc.join != nil {
			if rc.facts = sc.join.facts[r.URN]; rc.facts != nil && rc.facts.role != nil {
				rc.isTaskRole = sc.join.isTaskRole(rc.facts.role)
			}
		}
		for _, bp := range cp.forType(string(r.Type)) {
			for _, f := range bp.checks.resource(rc) {
				found[i] = append(found[i], bp.diagnostic(f))
			}
		}
	})
	var resp AnalyzeResponse
	resp.Diagnostics = slices.Concat(found...)
	for _, bp := range cp.enabled {
		if bp.checks.stack == nil {
			continue
		}
		for _, f := range bp.checks.stack(sc) {
			resp.Diagnostics = append(resp.Diagnostics, bp.diagnostic(f))
		}
	}
	slices.SortStableFunc(resp.Diagnostics, func(x, y AnalyzeDiagnostic) int {
		return cmp.Or(cmp.Compare(x.URN, y.URN), cmp.Compare(x.PolicyName, y.PolicyName))
	})
	return resp, nil
}

// forEach calls fn for every index below n, on as many goroutines as the process has cores.
// AnalyzeStack is one call for the whole stack (unlike Analyze, which the engine calls for many
// resources at once), so it spreads its per-resource work over the cores itself; fn may only
// write what belongs to its index.
func forEach(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// diagnostic builds every diagnostic the pack reports. It is the one place messages leave the
// pack, so it is where credential-shaped values are redacted: messages quote property paths,
// resource and role names, statement IDs and parse errors, any of which a user controls.
func (bp *boundPolicy) diagnostic(f finding) AnalyzeDiagnostic {
	level, msg := bp.level, f.msg
	if f.outcome == cannotDecide {
		level = apitype.Advisory
		msg = "Cannot decide yet: " + msg
	} else if !strings.Contains(msg, "Fix: ") {
		msg += "\nFix: " + bp.info.Message
	}
	return AnalyzeDiagnostic{
		PolicyName:        bp.info.Name,
		PolicyPackName:    PackName,
		PolicyPackVersion: Version,
		Description:       bp.info.Description,
		Message:           awscreds.RedactAll(msg),
		EnforcementLevel:  level,
		URN:               f.urn,
		Severity:          bp.info.Severity,
	}
}

// resourceCtx is what a resource check sees.
type resourceCtx struct {
	*AnalyzerResource
	stack      *StackConfig
	docs       *docCache
	run        *runState
	containers containersOnce // the container definitions, parsed once
	// For the resource types of the join, when a policy that uses it is enabled:
	facts      *resourceFacts
	links      []link // grants to execution roles this resource completes
	isTaskRole bool   // a task definition names this role as its task role
}

// runState is what one analyzer remembers across the calls of a run (one process per run).
type runState struct {
	// join is what Analyze has recorded. AnalyzeStack, the run's last call (the engine starts a
	// pack process per preview and per update), builds its own from the whole stack and lets this
	// one go first, so the two are not held at once; were Analyze called again, it would start over.
	join     atomic.Pointer[join]
	mu       sync.RWMutex
	reported map[linkID]bool // links Analyze reported as violations
	analyzed map[resource.URN]bool
}

func newRunState() *runState {
	r := &runState{reported: map[linkID]bool{}, analyzed: map[resource.URN]bool{}}
	r.join.Store(newJoin(0))
	return r
}

func (r *runState) markAnalyzed(urn resource.URN) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.analyzed[urn] = true
}

// wasAnalyzed says whether Analyze saw the resource in this run.
func (r *runState) wasAnalyzed(urn resource.URN) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.analyzed[urn]
}

func (r *runState) markReported(id linkID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reported[id] = true
}

// reportedLinks returns the links Analyze already reported in this run, so that AnalyzeStack
// does not report the same problem twice.
func (r *runState) reportedLinks() map[linkID]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.reported)
}
