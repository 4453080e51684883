// Command offline runs the program through the real Pulumi engine without AWS: the pinned CLI,
// a file backend under .offline/, the offline stand-in for the aws provider and the policy pack
// executable (see harness/offline).
//
//	go run ./harness/cmd/offline [flags] <preview|up|destroy|analyze> <stack>
//
// preview and up enforce the policy pack (up previews first and stops on a mandatory
// violation, as `pulumi up` does); analyze runs `pulumi policy analyze` on the exported state.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/app"
	"github.com/keyless-ecs/railsapp/harness/offline"
)

const usage = `usage: go run ./harness/cmd/offline [flags] <preview|up|destroy|analyze> <stack>

Runs the program offline through the real Pulumi engine, with a stand-in for the aws provider
and the policy pack enforced. State lives under .offline/ (delete it to start over).

flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\nerror: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("offline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noPolicy := fs.Bool("no-policy", false, "run without the policy pack")
	packConfig := fs.String("policy-pack-config", "", "policy pack config file (`pulumi ... --policy-pack-config`)")
	dir := fs.String("dir", "", "directory for the offline backend, PULUMI_HOME and workspace (default <repo>/.offline)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	// Flags may come before or after the positional arguments.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 2 {
		fs.Usage()
		return errors.New("expected an operation and a stack")
	}
	op, stack := pos[0], pos[1]
	switch op {
	case "preview", "up", "destroy", "analyze":
	default:
		fs.Usage()
		return fmt.Errorf("unknown operation %q", op)
	}
	if op == "analyze" && *noPolicy {
		return errors.New("analyze needs the policy pack; drop --no-policy")
	}

	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := offline.RepoRoot(cwd)
	if err != nil {
		return err
	}
	stackFile := filepath.Join(root, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(stackFile); err != nil {
		return fmt.Errorf("no stack config %s (stacks are dev and prod): %w", stackFile, err)
	}
	projectFile := filepath.Join(root, "Pulumi.yaml")
	if _, err := os.Stat(projectFile); err != nil {
		projectFile = ""
	}
	if *dir == "" {
		*dir = filepath.Join(root, ".offline")
	}

	fmt.Fprintln(stderr, "Preparing the Pulumi CLI and the policy pack (built into .bin/ on first use)...")
	opts := offline.Options{
		Dir: *dir, Stack: stack, Program: app.Run,
		ProjectFile: projectFile, StackConfigFile: stackFile,
		Progress: stdout,
	}
	if opts.CLI, err = offline.EnsureCLI(ctx, root, stderr); err != nil {
		return err
	}
	if !*noPolicy && op != "destroy" {
		pack, err := offline.BuildPolicyPack(ctx, root, stderr)
		if err != nil {
			return err
		}
		opts.PolicyPacks = []string{pack}
		if *packConfig != "" {
			abs, err := filepath.Abs(*packConfig)
			if err != nil {
				return err
			}
			opts.PolicyPackConfigs = []string{abs}
		}
	}

	s, err := offline.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "Offline %s of stack %q (backend %s, aws provider: offline stand-in on port %d)\n\n",
		op, stack, filepath.Join(*dir, "state"), s.Provider().Port())

	switch op {
	case "preview":
		rep, err := s.Preview(ctx)
		offline.PrintReport(stdout, rep)
		return explain(err, rep)
	case "up":
		// Preview first, as `pulumi up` does, and stop there if it fails.
		pre, err := s.Preview(ctx)
		offline.PrintReport(stdout, pre)
		if err != nil {
			return explain(fmt.Errorf("%w: %w", offline.ErrPreviewFailed, err), pre)
		}
		fmt.Fprintln(stdout)
		rep, err := s.UpOnly(ctx)
		offline.PrintReport(stdout, rep)
		if err != nil {
			return explain(err, rep)
		}
		return nil
	case "destroy":
		rep, err := s.Destroy(ctx)
		return explain(err, rep)
	default: // analyze
		rep, err := s.Analyze(ctx)
		offline.PrintReport(stdout, rep)
		return explain(err, rep)
	}
}

// explain shortens an Automation API error (which embeds the CLI's whole output, already
// printed above) to what went wrong.
func explain(err error, rep *offline.Report) error {
	if err == nil {
		return nil
	}
	var lines []string
	if rep != nil {
		if b := rep.Blocking(); len(b) > 0 {
			names := map[string]bool{}
			for _, p := range b {
				names[p.Policy] = true
			}
			for n := range names {
				lines = append(lines, "mandatory policy violated: "+n)
			}
		}
		for _, d := range rep.Diagnostics {
			lines = append(lines, d)
		}
	}
	msg := err.Error()
	if i := strings.Index(msg, "\ncode:"); i >= 0 {
		msg = msg[:i]
	}
	if len(lines) == 0 {
		return errors.New(msg)
	}
	return fmt.Errorf("%s\n  %s", firstLine(msg), strings.Join(lines, "\n  "))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
