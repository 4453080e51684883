package bench

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/keyless-ecs/railsapp/bench/synth"
	"github.com/keyless-ecs/railsapp/internal/pack"
)

// found maps instance -> mandatory policy -> number of diagnostics on the instance's resources.
type found map[int]map[string]int

func collect(t *testing.T, s *synth.Stack, diags []pack.AnalyzeDiagnostic, into found) {
	t.Helper()
	for _, d := range diags {
		if d.EnforcementLevel != apitype.Mandatory {
			continue
		}
		inst, ok := s.Instance[d.URN]
		if !ok {
			t.Errorf("mandatory %s diagnostic on a resource outside the stack (%q)", d.PolicyName, d.URN)
			continue
		}
		if into[inst] == nil {
			into[inst] = map[string]int{}
		}
		into[inst][d.PolicyName]++
	}
}

// TestSyntheticViolationsAreFound proves the benchmarks measure real work: on the synthetic
// stacks, the pack reports every planted violation on the instance that carries it, and no
// mandatory violation on the compliant instances.
//   - As the engine runs it (one analyzer: Analyze on every resource, then AnalyzeStack), every
//     violation is reported, in preview and in update.
//   - Analyze alone finds every violation in the update pass (where it is the only call that can
//     stop a create) and the embedded credentials in preview too.
//   - AnalyzeStack alone, on a fresh analyzer as BenchmarkAnalyzeStack runs it, finds every S3
//     grant to an execution role through the dependency graph, unknowns included.
func TestSyntheticViolationsAreFound(t *testing.T) {
	ctx := context.Background()
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			s := synth.Instances(40, mode)

			perRes, run := found{}, found{}
			a := configured(t)
			states := packStates(s.Resources)
			for _, r := range packInputs(s.Inputs) {
				resp, err := a.Analyze(ctx, r)
				if err != nil {
					t.Fatalf("Analyze(%s): %v", r.URN, err)
				}
				collect(t, s, resp.Diagnostics, perRes)
				collect(t, s, resp.Diagnostics, run)
			}
			resp, err := a.AnalyzeStack(ctx, states)
			if err != nil {
				t.Fatalf("AnalyzeStack: %v", err)
			}
			collect(t, s, resp.Diagnostics, run)
			if resp, err = configured(t).AnalyzeStack(ctx, states); err != nil {
				t.Fatalf("AnalyzeStack: %v", err)
			}
			stack := found{}
			collect(t, s, resp.Diagnostics, stack)

			for i, k := range s.Kinds {
				if k == synth.Clean {
					for p, c := range run[i] {
						t.Errorf("compliant instance app%d got %d mandatory %s diagnostics", i, c, p)
					}
					for p, c := range stack[i] {
						t.Errorf("AnalyzeStack: compliant instance app%d got %d mandatory %s diagnostics", i, c, p)
					}
					continue
				}
				if run[i][k.Policy()] == 0 {
					t.Errorf("app%d (%s) not reported by %s in a whole run", i, k, k.Policy())
				}
				if mode == synth.Update || k.Policy() == synth.PolicyNoEmbeddedCreds {
					if perRes[i][k.Policy()] == 0 {
						t.Errorf("Analyze: app%d (%s) not reported by %s", i, k, k.Policy())
					}
				}
				if k.Policy() == synth.PolicyNoS3OnExecutionRole && stack[i][k.Policy()] == 0 {
					t.Errorf("AnalyzeStack: app%d (%s) not reported by %s", i, k, k.Policy())
				}
			}
		})
	}
}
