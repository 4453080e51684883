// Command pulumi-resource-aws serves the offline stand-in for the aws provider (harness/fakeaws)
// as a provider plugin, so that the Pulumi CLI finds it on PATH in place of pulumi-aws, the way
// `pulumi preview` and `pulumi up` load any provider. Test harness only: never put it on the PATH
// of a real deployment.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/keyless-ecs/railsapp/harness/fakeaws"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "offline aws stand-in: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	// The engine passes its address last, possibly after logging and tracing flags; the stand-in
	// needs none of them.
	fs := flag.NewFlagSet("pulumi-resource-aws", flag.ContinueOnError)
	fs.Bool("logtostderr", false, "log to stderr (ignored)")
	fs.Int("v", 0, "log verbosity (ignored)")
	fs.String("tracing", "", "tracing endpoint (ignored)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parsing arguments: %w", err)
	}

	// Listen for the engine's interrupt before announcing the port: once the port is out, the
	// engine may stop the plugin at any moment, and an interrupt that comes before Notify would
	// kill the process instead of closing the server.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	srv, err := fakeaws.Start(fakeaws.Options{})
	if err != nil {
		return err
	}
	// The engine reads the port from the first line of stdout.
	if _, err := fmt.Printf("%d\n", srv.Port()); err != nil {
		_ = srv.Close()
		return fmt.Errorf("writing the port: %w", err)
	}
	<-sig
	return srv.Close()
}
