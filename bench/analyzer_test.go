package bench

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/keyless-ecs/railsapp/internal/pack"
)

// newAnalyzer is the analyzer under measurement, as the policy pack executable serves it.
func newAnalyzer() plugin.Analyzer { return pack.NewAnalyzer() }
