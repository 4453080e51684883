package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/keyless-ecs/railsapp/bench/synth"
	"github.com/keyless-ecs/railsapp/internal/pack/packrpc"
)

// BenchmarkAnalyzeGRPC is BenchmarkAnalyze over the engine's protocol: the analyzer served as the
// pack's executable serves it (packrpc on a loopback gRPC server) and called
// with the engine's own client (plugin.NewAnalyzerWithClient), Remediate then Analyze for each
// resource, as the engine does. Client and server share this process, so the time covers both
// ends of every call: the difference from BenchmarkAnalyze is the protocol's cost, which the pack
// cannot avoid. Preview values only, and no 10,000 case, to keep the CI run short.
func BenchmarkAnalyzeGRPC(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("preview/N=%d", n), func(b *testing.B) {
			s := synth.Resources(n, synth.Preview)
			ctx := context.Background()
			b.ReportAllocs()
			passes := 0
			for b.Loop() {
				b.StopTimer()
				a, stop := served(b)
				b.StartTimer()
				for _, r := range s.Inputs {
					if _, err := a.Remediate(ctx, r); err != nil {
						b.Fatalf("Remediate(%s): %v", r.URN, err)
					}
					if _, err := a.Analyze(ctx, r); err != nil {
						b.Fatalf("Analyze(%s): %v", r.URN, err)
					}
				}
				b.StopTimer()
				stop()
				b.StartTimer()
				passes++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(passes*n), "ns/resource")
		})
	}
}

// served starts a fresh analyzer behind a gRPC server and returns the engine's client for it.
func served(tb testing.TB) (plugin.Analyzer, func()) {
	tb.Helper()
	cancel := make(chan bool)
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterAnalyzerServer(s, packrpc.New(newAnalyzer()))
			return nil
		},
	})
	if err != nil {
		tb.Fatalf("serving the analyzer: %v", err)
	}
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", h.Port),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		tb.Fatalf("dialling the analyzer: %v", err)
	}
	a := plugin.NewAnalyzerWithClient("bench", pulumirpc.NewAnalyzerClient(conn))
	if err := synth.Configure(context.Background(), a); err != nil {
		tb.Fatal(err)
	}
	return a, func() {
		_ = conn.Close()
		close(cancel)
		<-h.Done
	}
}
