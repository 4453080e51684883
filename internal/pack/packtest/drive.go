package packtest

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// Mode is one of the three ways the engine calls a policy pack.
type Mode int

const (
	// Update is an update with no preview (`pulumi up --skip-preview`, the Automation API's Up):
	// Analyze on each resource, in order, and the engine stops at the first mandatory violation.
	Update Mode = iota
	// Preview is Analyze on each resource, then AnalyzeStack on the whole stack.
	Preview
	// PolicyAnalyze is `pulumi policy analyze` as this pack relies on it: AnalyzeStack only, on
	// the stack's state, with no ConfigureStack.
	PolicyAnalyze
)

// Modes are the three modes.
var Modes = []Mode{Update, Preview, PolicyAnalyze}

func (m Mode) String() string {
	return [...]string{"update", "preview", "policy-analyze"}[m]
}

// Verdict is what a policy decided on a case.
type Verdict int

const (
	// Pass: no diagnostic of the policy.
	Pass Verdict = iota
	// Undecided: the policy says it cannot decide yet (advisory), and does not block.
	Undecided
	// Warn: an advisory violation.
	Warn
	// Block: a mandatory violation.
	Block
)

func (v Verdict) String() string { return [...]string{"pass", "undecided", "warn", "block"}[v] }

// Case is a set of resources and the verdict a policy must reach on it.
type Case struct {
	Name   string
	Policy string
	// Config is the policy configuration sent with Configure (nil: every default).
	Config map[string]plugin.AnalyzerPolicyConfig
	// StackConfig is the stack configuration sent with ConfigureStack (preview and update).
	StackConfig map[string]string
	Resources   []Resource
	// Want is the verdict in every mode, unless In says otherwise for a mode.
	Want Verdict
	In   map[Mode]Verdict
	// Path is what a violation's message must name (the resource or document the grant takes),
	// and a "cannot decide" message too when the case wants that verdict.
	Path string
	// Says are further words the policy's message must hold wherever the case wants a verdict
	// other than pass (the policy a grant comes from, the actions it grants, a date).
	Says []string
	// StopAt names the resource an update with no preview must stop at, when that matters.
	StopAt string
}

// Expect is the verdict the case wants in a mode.
func (c Case) Expect(m Mode) Verdict {
	if v, ok := c.In[m]; ok {
		return v
	}
	return c.Want
}

// Target is an analyzer the driver calls: the pack in-process, or its executable over gRPC.
type Target interface {
	Configure(context.Context, map[string]plugin.AnalyzerPolicyConfig) error
	ConfigureStack(pack.StackConfig)
	Analyze(context.Context, plugin.AnalyzerResource) (plugin.AnalyzeResponse, error)
	AnalyzeStack(context.Context, []plugin.AnalyzerStackResource) (plugin.AnalyzeResponse, error)
}

// Result is what a run of a case returned.
type Result struct {
	Diagnostics []plugin.AnalyzeDiagnostic
	// StoppedAt is the resource an update stopped at (its first mandatory violation), or "".
	StoppedAt resource.URN
}

// Run calls a fresh target on a case as the engine does in a mode.
func Run(ctx context.Context, t Target, c Case, m Mode) (Result, error) {
	var res Result
	if c.Config != nil {
		if err := t.Configure(ctx, c.Config); err != nil {
			return res, fmt.Errorf("configuring the pack: %w", err)
		}
	}
	if m != PolicyAnalyze {
		t.ConfigureStack(pack.StackConfig{Stack: "dev", Project: "railsapp", DryRun: m == Preview, Config: c.StackConfig})
		for _, r := range c.Resources {
			resp, err := t.Analyze(ctx, r.Input())
			if err != nil {
				return res, fmt.Errorf("Analyze(%s): %w", r.Name, err)
			}
			res.Diagnostics = append(res.Diagnostics, resp.Diagnostics...)
			if m == Update && hasMandatory(resp.Diagnostics) {
				res.StoppedAt = r.URN()
				return res, nil // the engine bails before this resource's step
			}
		}
	}
	if m != Update {
		states := make([]plugin.AnalyzerStackResource, len(c.Resources))
		for i, r := range c.Resources {
			states[i] = r.State()
		}
		resp, err := t.AnalyzeStack(ctx, states)
		if err != nil {
			return res, fmt.Errorf("AnalyzeStack: %w", err)
		}
		res.Diagnostics = append(res.Diagnostics, resp.Diagnostics...)
	}
	return res, nil
}

func hasMandatory(ds []plugin.AnalyzeDiagnostic) bool {
	for _, d := range ds {
		if d.EnforcementLevel == apitype.Mandatory {
			return true
		}
	}
	return false
}

// VerdictOf is the verdict of one policy in a result.
func VerdictOf(ds []plugin.AnalyzeDiagnostic, policy string) Verdict {
	v := Pass
	for _, d := range ds {
		if d.PolicyName != policy {
			continue
		}
		switch {
		case d.EnforcementLevel == apitype.Mandatory:
			return Block
		case strings.HasPrefix(d.Message, "Cannot decide yet: "):
			v = max(v, Undecided)
		default:
			v = max(v, Warn)
		}
	}
	return v
}

// Problems returns what is wrong with a result for the case in a mode ("" when nothing).
func (c Case) Problems(m Mode, res Result) []string {
	var out []string
	got, want := VerdictOf(res.Diagnostics, c.Policy), c.Expect(m)
	if got != want {
		out = append(out, fmt.Sprintf("%s: verdict %s, want %s", m, got, want))
	}
	if got == want && (got == Block || got == Undecided && c.Path != "") {
		named := false
		for _, d := range res.Diagnostics {
			if d.PolicyName == c.Policy && VerdictOf([]plugin.AnalyzeDiagnostic{d}, c.Policy) == got &&
				strings.Contains(d.Message, c.Path) && strings.Contains(d.Message, "Fix: ") &&
				containsAll(d.Message, c.Says) {
				named = true
			}
		}
		if !named {
			out = append(out, fmt.Sprintf("%s: no %s message names %q, %q and a fix", m, got, c.Path, c.Says))
		}
	}
	if m == Update && c.StopAt != "" && want == Block && res.StoppedAt.Name() != c.StopAt {
		out = append(out, fmt.Sprintf("update stopped at %q, want %q", res.StoppedAt.Name(), c.StopAt))
	}
	return out
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// Messages renders diagnostics for a test failure (the pack redacts credentials in them).
func Messages(ds []plugin.AnalyzeDiagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s %s on %s: %s\n", d.PolicyName, d.EnforcementLevel, d.URN.Name(), d.Message)
	}
	return b.String()
}

// Local returns the pack in-process, as the SDK's plugin.Analyzer (sdkplugin) sees it.
func Local() Target {
	p := pack.NewAnalyzer()
	return local{Analyzer: sdkplugin.New(p), p: p}
}

type local struct {
	plugin.Analyzer
	p *pack.Analyzer
}

func (l local) ConfigureStack(c pack.StackConfig) { l.p.ConfigureStack(c) }
