package fakeaws

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Server is a stand-in provider served over gRPC on a loopback port.
type Server struct {
	Provider *Provider
	port     int
	cancel   chan bool
	done     <-chan error
}

// Start serves a new Provider on a free loopback port. Attach the engine to it with
// EnvVar(); stop it with Close.
func Start(opts Options) (*Server, error) {
	p := New(opts)
	cancel := make(chan bool)
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, plugin.NewProviderServer(p))
			return nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("serving the offline aws provider: %w", err)
	}
	return &Server{Provider: p, port: h.Port, cancel: cancel, done: h.Done}, nil
}

// Port is the loopback port the provider listens on.
func (s *Server) Port() int { return s.port }

// EnvVar is the PULUMI_DEBUG_PROVIDERS value that makes the engine attach to this server
// instead of looking for a pulumi-resource-aws plugin.
func (s *Server) EnvVar() string { return fmt.Sprintf("aws:%d", s.port) }

// Close stops the server and waits for it.
func (s *Server) Close() error {
	close(s.cancel)
	return <-s.done
}
