// Command policypack serves the keyless-ECS policy pack to the Pulumi engine.
//
// Build it with `go build -o <file> ./policypack` and pass the file to `--policy-pack`, or pass
// this directory when the Go language host is installed (it compiles the directory itself). The
// engine starts the program with its address as the last argument and reads the port from the
// first line of stdout.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/packrpc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintf(os.Stderr, "policy pack %s: %v\n", pack.PackName, err)
		os.Exit(1)
	}
}

// run serves until the engine closes the connection (or cancel receives), writing the port to stdout.
func run(args []string, stdout io.Writer, cancel chan bool) error {
	// The engine may pass --logtostderr, -v=N and --tracing before its address; accept and ignore them.
	fs := flag.NewFlagSet(pack.PackName, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Bool("logtostderr", false, "log to stderr (ignored)")
	fs.Int("v", 0, "log verbosity (ignored)")
	fs.String("tracing", "", "tracing endpoint (ignored)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parsing arguments: %w", err)
	}

	srv := packrpc.New(pack.NewAnalyzer())
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterAnalyzerServer(s, srv)
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("starting the analyzer server: %w", err)
	}
	// The port must be the first and only line on stdout.
	if _, err := fmt.Fprintf(stdout, "%d\n", handle.Port); err != nil {
		return fmt.Errorf("writing the port: %w", err)
	}
	if err := <-handle.Done; err != nil {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}
