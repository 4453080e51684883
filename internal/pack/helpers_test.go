package pack_test

import (
	"context"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// analyze feeds resources to Analyze one by one, in order, as the engine does, and returns
// every diagnostic.
func analyze(t *testing.T, a plugin.Analyzer, rs ...pt.Resource) []plugin.AnalyzeDiagnostic {
	t.Helper()
	var out []plugin.AnalyzeDiagnostic
	for _, r := range rs {
		resp, err := a.Analyze(context.Background(), r.Input())
		if err != nil {
			t.Fatalf("Analyze(%s): %v", r.Name, err)
		}
		out = append(out, resp.Diagnostics...)
	}
	return out
}

// analyzeStack calls AnalyzeStack on the resources' state.
func analyzeStack(t *testing.T, a plugin.Analyzer, rs ...pt.Resource) []plugin.AnalyzeDiagnostic {
	t.Helper()
	states := make([]plugin.AnalyzerStackResource, len(rs))
	for i, r := range rs {
		states[i] = r.State()
	}
	resp, err := a.AnalyzeStack(context.Background(), states)
	if err != nil {
		t.Fatalf("AnalyzeStack: %v", err)
	}
	return resp.Diagnostics
}

// filter returns the diagnostics of one policy at one level.
func filter(ds []plugin.AnalyzeDiagnostic, policy string, level apitype.EnforcementLevel) []plugin.AnalyzeDiagnostic {
	var out []plugin.AnalyzeDiagnostic
	for _, d := range ds {
		if d.PolicyName == policy && d.EnforcementLevel == level {
			out = append(out, d)
		}
	}
	return out
}

func configured(t *testing.T, cfg map[string]plugin.AnalyzerPolicyConfig) plugin.Analyzer {
	t.Helper()
	a := newPack()
	if err := a.Configure(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return a
}

// advisoryCase is a pass or fail fixture of one advisory policy.
type advisoryCase struct {
	name  string
	stack bool // run AnalyzeStack instead of Analyze in order
	rs    []pt.Resource
	fail  bool
}

// runAdvisory checks that each case reports (or does not report) the policy at its default
// advisory level, and that making the policy mandatory turns the warning into a block.
func runAdvisory(t *testing.T, policy string, cases []advisoryCase) {
	t.Helper()
	var fails, passes int
	for _, c := range cases {
		if c.fail {
			fails++
		} else {
			passes++
		}
		t.Run(c.name, func(t *testing.T) {
			for _, level := range []apitype.EnforcementLevel{apitype.Advisory, apitype.Mandatory} {
				a := configured(t, map[string]plugin.AnalyzerPolicyConfig{policy: {EnforcementLevel: level}})
				var ds []plugin.AnalyzeDiagnostic
				if c.stack {
					ds = analyzeStack(t, a, c.rs...)
				} else {
					ds = analyze(t, a, c.rs...)
				}
				got := filter(ds, policy, level)
				if c.fail && len(got) == 0 {
					t.Fatalf("%s: no %s diagnostic; got:\n%s", level, policy, pt.Messages(ds))
				}
				if !c.fail && len(got) > 0 {
					t.Fatalf("%s: unexpected diagnostic:\n%s", level, pt.Messages(got))
				}
			}
		})
	}
	if fails == 0 || passes == 0 {
		t.Fatalf("need pass and fail fixtures, have %d failing and %d passing", fails, passes)
	}
}

// Documents the advisory fixtures share.
var (
	taskS3JSON = pt.Doc(pt.Allow("s3:ListBucket", "arn:aws:s3:::uploads"),
		pt.Allow([]any{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, "arn:aws:s3:::uploads/*"))
	ecrLogsJSON = pt.Doc(pt.Allow([]any{"ecr:GetAuthorizationToken", "logs:PutLogEvents"}, "*"))
	tlsPolicy   = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*",` +
		`"Action":"s3:*","Resource":["arn:aws:s3:::uploads","arn:aws:s3:::uploads/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
)

// newPack is the pack as the engine's SDK sees it: a plugin.Analyzer.
func newPack() plugin.Analyzer { return sdkplugin.New(pack.NewAnalyzer()) }
