// Command nullpack is a policy pack that checks nothing: one advisory policy that never reports,
// served as a Go pack usually is, by the SDK's plugin.NewAnalyzerServer: the floor of a pack built
// the usual way. The real pack's executable serves the same protocol through packrpc, which leaves
// the SDK's plugin package and its initialisation out. enginebench
// runs it as a third arm of the A/B (-null-pack) to separate what any policy pack costs in the
// engine (process start, a Remediate and an Analyze call per resource, the policy summary events)
// from what our policies add on top. It is a measuring device, never a pack to deploy with.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	// Accept the flags the engine may pass before its address, like the real pack.
	fs := flag.NewFlagSet("nullpack", flag.ContinueOnError)
	fs.Bool("logtostderr", false, "")
	fs.Int("v", 0, "")
	fs.String("tracing", "", "")
	if err := fs.Parse(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "nullpack:", err)
		os.Exit(1)
	}
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{Init: func(s *grpc.Server) error {
		pulumirpc.RegisterAnalyzerServer(s, plugin.NewAnalyzerServer(null{}))
		return nil
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "nullpack:", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", h.Port)
	if err := <-h.Done; err != nil {
		fmt.Fprintln(os.Stderr, "nullpack:", err)
		os.Exit(1)
	}
}

// null is an analyzer with one policy that never reports.
type null struct{}

func (null) Close() error                 { return nil }
func (null) Name() tokens.QName           { return "bench-null" }
func (null) Cancel(context.Context) error { return nil }

func (null) Analyze(context.Context, plugin.AnalyzerResource) (plugin.AnalyzeResponse, error) {
	return plugin.AnalyzeResponse{}, nil
}

func (null) AnalyzeStack(context.Context, []plugin.AnalyzerStackResource) (plugin.AnalyzeResponse, error) {
	return plugin.AnalyzeResponse{}, nil
}

func (null) Remediate(context.Context, plugin.AnalyzerResource) (plugin.RemediateResponse, error) {
	return plugin.RemediateResponse{}, nil
}

func (null) GetAnalyzerInfo(context.Context) (plugin.AnalyzerInfo, error) {
	return plugin.AnalyzerInfo{Name: "bench-null", Version: "0.0.1", Policies: []plugin.AnalyzerPolicyInfo{{
		Name: "nothing", Description: "reports nothing", EnforcementLevel: apitype.Advisory,
		Type: plugin.AnalyzerPolicyTypeResource,
	}}}, nil
}

func (null) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v := semver.MustParse("0.0.1")
	return plugin.PluginInfo{Version: &v}, nil
}

func (null) Configure(context.Context, map[string]plugin.AnalyzerPolicyConfig) error { return nil }
