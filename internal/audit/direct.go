package audit

import (
	"context"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// directClient is a pulumirpc.AnalyzerClient that calls an AnalyzerServer in the same process.
// The requests and responses are the same protocol messages the engine and a plugin exchange;
// only the socket is gone, which keeps thousands of stacks from costing thousands of servers.
type directClient struct{ srv pulumirpc.AnalyzerServer }

var _ pulumirpc.AnalyzerClient = directClient{}

func (c directClient) Analyze(ctx context.Context, in *pulumirpc.AnalyzeRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzeResponse, error) {
	return c.srv.Analyze(ctx, in)
}

func (c directClient) AnalyzeStack(ctx context.Context, in *pulumirpc.AnalyzeStackRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzeResponse, error) {
	return c.srv.AnalyzeStack(ctx, in)
}

func (c directClient) Remediate(ctx context.Context, in *pulumirpc.AnalyzeRequest, _ ...grpc.CallOption) (*pulumirpc.RemediateResponse, error) {
	return c.srv.Remediate(ctx, in)
}

func (c directClient) GetAnalyzerInfo(ctx context.Context, in *emptypb.Empty, _ ...grpc.CallOption) (*pulumirpc.AnalyzerInfo, error) {
	return c.srv.GetAnalyzerInfo(ctx, in)
}

func (c directClient) GetPluginInfo(ctx context.Context, in *emptypb.Empty, _ ...grpc.CallOption) (*pulumirpc.PluginInfo, error) {
	return c.srv.GetPluginInfo(ctx, in)
}

func (c directClient) Configure(ctx context.Context, in *pulumirpc.ConfigureAnalyzerRequest, _ ...grpc.CallOption) (*emptypb.Empty, error) {
	return c.srv.Configure(ctx, in)
}

func (c directClient) Handshake(ctx context.Context, in *pulumirpc.AnalyzerHandshakeRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzerHandshakeResponse, error) {
	return c.srv.Handshake(ctx, in)
}

func (c directClient) ConfigureStack(ctx context.Context, in *pulumirpc.AnalyzerStackConfigureRequest, _ ...grpc.CallOption) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	return c.srv.ConfigureStack(ctx, in)
}

func (c directClient) Cancel(ctx context.Context, in *emptypb.Empty, _ ...grpc.CallOption) (*emptypb.Empty, error) {
	return c.srv.Cancel(ctx, in)
}
