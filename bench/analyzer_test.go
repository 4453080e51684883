package bench

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
)

// newAnalyzer is the analyzer under measurement, as the policy pack executable serves it.
func newAnalyzer() *pack.Analyzer { return pack.NewAnalyzer() }

// packInputs and packStates are synth's resources in the pack's own types, converted once and
// outside any timing, so that the benchmarks measure the pack and not the conversion.
func packInputs(rs []plugin.AnalyzerResource) []pack.AnalyzerResource {
	out := make([]pack.AnalyzerResource, len(rs))
	for i, r := range rs {
		out[i] = sdkplugin.Resource(r)
	}
	return out
}

func packStates(rs []plugin.AnalyzerStackResource) []pack.AnalyzerStackResource {
	out := make([]pack.AnalyzerStackResource, len(rs))
	for i, r := range rs {
		out[i] = sdkplugin.StackResource(r)
	}
	return out
}
