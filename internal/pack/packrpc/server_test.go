package packrpc_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/packrpc"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
)

// sdkServer is the pack served by the SDK's own server, as the pack's executable served it before
// packrpc: plugin.NewAnalyzerServer, with a ConfigureStack that reaches the pack (the SDK's drops
// the stack's configuration).
type sdkServer struct {
	pulumirpc.AnalyzerServer
	p *pack.Analyzer
}

func newSDKServer() sdkServer {
	p := pack.NewAnalyzer()
	return sdkServer{AnalyzerServer: plugin.NewAnalyzerServer(sdkplugin.New(p)), p: p}
}

func (s sdkServer) ConfigureStack(_ context.Context, req *pulumirpc.AnalyzerStackConfigureRequest,
) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	s.p.ConfigureStack(pack.StackConfig{Stack: req.GetStack(), Project: req.GetProject(),
		Organization: req.GetOrganization(), DryRun: req.GetDryRun(), Config: req.GetConfig()})
	return &pulumirpc.AnalyzerStackConfigureResponse{}, nil
}

// tee is an AnalyzerClient that sends every request to packrpc and to the SDK's server, each
// serving a pack of its own, and records where their answers differ. It returns packrpc's.
type tee struct {
	ours, sdk pulumirpc.AnalyzerServer
	mu        sync.Mutex
	diffs     []string
}

func newTee() *tee { return &tee{ours: packrpc.New(pack.NewAnalyzer()), sdk: newSDKServer()} }

func call[Req, Resp proto.Message](c *tee, name string, req Req, f func(pulumirpc.AnalyzerServer, Req) (Resp, error)) (Resp, error) {
	ours, oerr := f(c.ours, req)
	sdk, serr := f(c.sdk, req)
	var diff string
	switch {
	case (oerr == nil) != (serr == nil):
		diff = fmt.Sprintf("%s: packrpc error %v, SDK error %v", name, oerr, serr)
	case oerr == nil && !proto.Equal(ours, sdk):
		// Diagnostics are not printed: a message may quote what a fixture planted.
		diff = fmt.Sprintf("%s: packrpc and the SDK's server answer differently", name)
	}
	if diff != "" {
		c.mu.Lock()
		c.diffs = append(c.diffs, diff)
		c.mu.Unlock()
	}
	return ours, oerr
}

func (c *tee) Analyze(ctx context.Context, in *pulumirpc.AnalyzeRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzeResponse, error) {
	return call(c, "Analyze("+in.GetName()+")", in, func(s pulumirpc.AnalyzerServer, r *pulumirpc.AnalyzeRequest) (*pulumirpc.AnalyzeResponse, error) {
		return s.Analyze(ctx, r)
	})
}

func (c *tee) AnalyzeStack(ctx context.Context, in *pulumirpc.AnalyzeStackRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzeResponse, error) {
	return call(c, "AnalyzeStack", in, func(s pulumirpc.AnalyzerServer, r *pulumirpc.AnalyzeStackRequest) (*pulumirpc.AnalyzeResponse, error) {
		return s.AnalyzeStack(ctx, r)
	})
}

func (c *tee) Remediate(ctx context.Context, in *pulumirpc.AnalyzeRequest, _ ...grpc.CallOption) (*pulumirpc.RemediateResponse, error) {
	return call(c, "Remediate("+in.GetName()+")", in, func(s pulumirpc.AnalyzerServer, r *pulumirpc.AnalyzeRequest) (*pulumirpc.RemediateResponse, error) {
		return s.Remediate(ctx, r)
	})
}

func (c *tee) GetAnalyzerInfo(ctx context.Context, in *emptypb.Empty, _ ...grpc.CallOption) (*pulumirpc.AnalyzerInfo, error) {
	return call(c, "GetAnalyzerInfo", in, func(s pulumirpc.AnalyzerServer, r *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
		return s.GetAnalyzerInfo(ctx, r)
	})
}

func (c *tee) GetPluginInfo(ctx context.Context, in *emptypb.Empty, _ ...grpc.CallOption) (*pulumirpc.PluginInfo, error) {
	return call(c, "GetPluginInfo", in, func(s pulumirpc.AnalyzerServer, r *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
		return s.GetPluginInfo(ctx, r)
	})
}

func (c *tee) Configure(ctx context.Context, in *pulumirpc.ConfigureAnalyzerRequest, _ ...grpc.CallOption) (*emptypb.Empty, error) {
	return call(c, "Configure", in, func(s pulumirpc.AnalyzerServer, r *pulumirpc.ConfigureAnalyzerRequest) (*emptypb.Empty, error) {
		return s.Configure(ctx, r)
	})
}

func (c *tee) Handshake(ctx context.Context, in *pulumirpc.AnalyzerHandshakeRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzerHandshakeResponse, error) {
	return call(c, "Handshake", in, func(s pulumirpc.AnalyzerServer, r *pulumirpc.AnalyzerHandshakeRequest) (*pulumirpc.AnalyzerHandshakeResponse, error) {
		return s.Handshake(ctx, r)
	})
}

func (c *tee) ConfigureStack(ctx context.Context, in *pulumirpc.AnalyzerStackConfigureRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	return call(c, "ConfigureStack", in, func(s pulumirpc.AnalyzerServer, r *pulumirpc.AnalyzerStackConfigureRequest) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
		return s.ConfigureStack(ctx, r)
	})
}

func (c *tee) Cancel(ctx context.Context, in *emptypb.Empty, _ ...grpc.CallOption) (*emptypb.Empty, error) {
	return call(c, "Cancel", in, func(s pulumirpc.AnalyzerServer, r *emptypb.Empty) (*emptypb.Empty, error) {
		return s.Cancel(ctx, r)
	})
}

// teeTarget drives a tee with the SDK's analyzer client, which marshals as the engine does.
type teeTarget struct {
	plugin.Analyzer
	c *tee
}

func (t teeTarget) ConfigureStack(c pack.StackConfig) {
	_, _ = t.c.ConfigureStack(context.Background(), &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: c.Stack, Project: c.Project, Organization: c.Organization, DryRun: c.DryRun, Config: c.Config})
}

// TestServerMatchesSDK runs every fixture of the mandatory policies (file assets and archives
// included) and the adversarial redaction cases, in the engine's three modes, through packrpc and
// through the SDK's server, and requires the same answer to every call.
func TestServerMatchesSDK(t *testing.T) {
	ctx := context.Background()
	files, err := pt.CredentialFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var cases []pt.Case
	cases = append(cases, pt.ExecRole()...)
	cases = append(cases, pt.Credentials()...)
	cases = append(cases, files...)
	cases = append(cases, pt.Adversarial()...)
	for _, c := range cases {
		for _, m := range pt.Modes {
			tc := newTee()
			a := teeTarget{Analyzer: plugin.NewAnalyzerWithClient(pack.PackName, tc), c: tc}
			if _, err := a.GetPluginInfo(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := a.GetAnalyzerInfo(ctx); err != nil {
				t.Fatal(err)
			}
			for _, r := range c.Resources {
				if _, err := a.Remediate(ctx, r.Input()); err != nil {
					t.Fatal(err)
				}
			}
			res, err := pt.Run(ctx, a, c, m)
			if err != nil {
				t.Fatalf("%s/%s, %s: %v", c.Policy, c.Name, m, err)
			}
			for _, d := range tc.diffs {
				t.Errorf("%s/%s, %s: %s", c.Policy, c.Name, m, d)
			}
			if len(res.Diagnostics) == 0 && c.Expect(m) == pt.Block {
				t.Errorf("%s/%s, %s: nothing reported: the comparison compared nothing", c.Policy, c.Name, m)
			}
		}
	}
}

// TestConfigureMatchesSDK sends configurations, valid and not, to both servers.
func TestConfigureMatchesSDK(t *testing.T) {
	ctx := context.Background()
	props := func(m map[string]any) *structpb.Struct {
		s, err := structpb.NewStruct(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, cfg := range map[string]map[string]*pulumirpc.PolicyConfig{
		"empty":            {},
		"mandatory":        {pack.NoS3OnExecutionRole: {EnforcementLevel: pulumirpc.EnforcementLevel_MANDATORY}},
		"disabled":         {pack.NoEmbeddedAWSCredentials: {EnforcementLevel: pulumirpc.EnforcementLevel_DISABLED}},
		"unknown policy":   {"no-such-policy": {EnforcementLevel: pulumirpc.EnforcementLevel_ADVISORY}},
		"bad level":        {pack.NoS3OnExecutionRole: {EnforcementLevel: pulumirpc.EnforcementLevel(42)}},
		"remediate level":  {pack.NoS3OnExecutionRole: {EnforcementLevel: pulumirpc.EnforcementLevel_REMEDIATE}},
		"unknown property": {pack.NoS3OnExecutionRole: {EnforcementLevel: pulumirpc.EnforcementLevel_MANDATORY, Properties: props(map[string]any{"nope": true})}},
		"property":         {pack.NoS3OnExecutionRole: {EnforcementLevel: pulumirpc.EnforcementLevel_MANDATORY, Properties: props(map[string]any{"blockUnverifiableGrants": true})}},
	} {
		tc := newTee()
		_, _ = tc.Configure(ctx, &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: cfg})
		_, _ = tc.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{EngineAddress: "127.0.0.1:1"})
		_, _ = tc.Cancel(ctx, &emptypb.Empty{})
		_, _ = tc.Analyze(ctx, &pulumirpc.AnalyzeRequest{Urn: string(pt.URN("aws:s3/bucket:Bucket", "b")), Type: "aws:s3/bucket:Bucket", Name: "b"})
		for _, d := range tc.diffs {
			t.Errorf("%s: %s", name, d)
		}
	}
}
