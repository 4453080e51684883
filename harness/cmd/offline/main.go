// Command offline runs the program through the real Pulumi engine without AWS: the pinned CLI,
// a file backend under .offline/, the offline stand-in for the aws provider and the policy pack
// executable (see harness/offline). `go run ./harness/cmd/offline help` explains every operation
// and flag.
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
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/keyless-ecs/railsapp/harness/offline"
	"github.com/keyless-ecs/railsapp/internal/app"
)

const usage = `Runs the program offline through the real Pulumi engine: the pinned Pulumi CLI, a file backend
under .offline/ (delete it to start over), the offline stand-in for the aws provider, and the
policy pack executable (.bin/keyless-policy) enforced as in CI. Nothing touches AWS.

usage: go run ./harness/cmd/offline [flags] <operation> <stack> [output name]
       (make demo builds it with progress into .bin/offline and runs: .bin/offline up dev)

operations:
  preview <stack>        pulumi preview with the policy pack; fails on a mandatory violation
  up <stack>             preview, then update if the preview passed (as pulumi up does); prints
                         the policy results of both and the stack outputs once
  destroy <stack>        delete the stack's resources (prod, whose data is protected, refuses
                         before any step and says how to really delete it)
  analyze <stack>        pulumi policy analyze on the exported state of the deployed stack
  output <stack> [name]  print the stack's outputs, or one output's raw value
  env [stack]            print the export lines (backend, PULUMI_HOME, passphrase, PATH) with
                         which the pinned pulumi CLI reaches the offline stacks
  help                   print this help

  <stack> is dev or prod (any Pulumi.<stack>.yaml at the repository root). Its config is
  checked first: a railsapp: key the program does not know stops the run.

flags (before or after the operation):
  --no-policy                   run without the policy pack (the results then say "policy pack not run")
  --policy-pack-config <file>   the pack's config, as for pulumi --policy-pack-config: levels,
                                properties, exceptions; a policy name the pack does not have is an error
  --json                        print the policy results (and up's outputs) as one JSON document on
                                stdout; the engine's progress goes to stderr
  --dir <dir>                   where the backend, PULUMI_HOME and workspace live (default <repo>/.offline)
  -v, --verbose                 show the builds' own output (go: downloading …)
  -h, --help                    print this help

examples:
  go run ./harness/cmd/offline up dev
  go run ./harness/cmd/offline preview prod --policy-pack-config policy.json
  go run ./harness/cmd/offline output dev storageYml >> config/storage.yml
  eval "$(go run ./harness/cmd/offline env dev)" && pulumi stack select dev && pulumi stack output storageYml
  go run ./harness/cmd/offline analyze dev --json | jq '.reports[0].violations'
  go run ./harness/cmd/offline destroy dev

On failure the last line says why.
`

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		// The last line says why.
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(os.Stderr, "\nerror: %v (`go run ./harness/cmd/offline help` explains every operation and flag)\n", err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "\nerror: %s\n", summary(err))
		os.Exit(1)
	}
}

// options are the parsed command line.
type options struct {
	op, stack, name string
	noPolicy        bool
	packConfig      string
	jsonOut         bool
	dir             string
	verbose         bool
}

// defineFlags declares the flags; usage explains each (a test checks that).
func defineFlags(fs *flag.FlagSet, o *options) {
	fs.BoolVar(&o.noPolicy, "no-policy", false, "")
	fs.StringVar(&o.packConfig, "policy-pack-config", "", "")
	fs.BoolVar(&o.jsonOut, "json", false, "")
	fs.StringVar(&o.dir, "dir", "", "")
	fs.BoolVar(&o.verbose, "v", false, "")
	fs.BoolVar(&o.verbose, "verbose", false, "")
}

// parse reads the command line; help is set when it asks for the help.
func parse(args []string) (o options, help bool, err error) {
	fs := flag.NewFlagSet("offline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	defineFlags(fs, &o)
	// Flags may come before or after the positional arguments.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, true, nil
			}
			return o, false, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) == 0 {
		return o, false, usageError{"expected an operation (preview, up, destroy, analyze, output, env, help) and a stack"}
	}
	o.op = pos[0]
	switch o.op {
	case "help":
		return o, true, nil
	case "preview", "up", "destroy", "analyze":
		if len(pos) != 2 {
			return o, false, usageError{fmt.Sprintf("%s takes one stack (dev or prod)", o.op)}
		}
	case "output":
		if len(pos) < 2 || len(pos) > 3 {
			return o, false, usageError{"output takes a stack and, optionally, the name of one output"}
		}
		if len(pos) == 3 {
			o.name = pos[2]
		}
	case "env":
		if len(pos) > 2 {
			return o, false, usageError{"env takes at most a stack"}
		}
	default:
		return o, false, usageError{fmt.Sprintf("unknown operation %q (preview, up, destroy, analyze, output, env, help)", o.op)}
	}
	if len(pos) > 1 {
		o.stack = pos[1]
	}
	if o.op == "analyze" && o.noPolicy {
		return o, false, usageError{"analyze needs the policy pack; drop --no-policy"}
	}
	if o.packConfig != "" && (o.noPolicy || !slices.Contains([]string{"preview", "up", "analyze"}, o.op)) {
		return o, false, usageError{"--policy-pack-config applies to preview, up and analyze with the policy pack"}
	}
	return o, false, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, help, err := parse(args)
	if help {
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	if err != nil {
		return err
	}
	if o.verbose {
		// The build scripts read it.
		if err := os.Setenv("VERBOSE", "1"); err != nil {
			return err
		}
	}

	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := offline.RepoRoot(cwd)
	if err != nil {
		return err
	}
	if o.dir == "" {
		o.dir = filepath.Join(root, ".offline")
	}
	if o.dir, err = filepath.Abs(o.dir); err != nil {
		return err
	}
	if o.op == "env" {
		return printEnv(ctx, root, o, stdout, stderr)
	}

	projectFile := filepath.Join(root, "Pulumi.yaml")
	stackFile := filepath.Join(root, "Pulumi."+o.stack+".yaml")
	if err := checkStackConfig(projectFile, stackFile); err != nil {
		return err
	}
	var packConfig string
	if o.packConfig != "" {
		if packConfig, err = filepath.Abs(o.packConfig); err != nil {
			return err
		}
		if err := checkPolicyPackConfig(ctx, packConfig); err != nil {
			return err
		}
	}

	// With --json, stdout carries only the JSON document.
	progress := stdout
	if o.jsonOut {
		progress = stderr
	}
	withPolicy := !o.noPolicy && slices.Contains([]string{"preview", "up", "analyze"}, o.op)
	opts := offline.Options{
		Dir: o.dir, Stack: o.stack, Program: app.Run,
		ProjectFile: projectFile, StackConfigFile: stackFile,
		Progress: progress,
	}
	if withPolicy {
		fmt.Fprintln(stderr, "Preparing the Pulumi CLI and the policy pack (built into .bin/ when missing)...")
		tools, err := offline.EnsureTools(ctx, root, stderr)
		if err != nil {
			return err
		}
		opts.CLI, opts.PolicyPacks = tools.CLI, []string{tools.PolicyPack}
		if packConfig != "" {
			opts.PolicyPackConfigs = []string{packConfig}
		}
	} else if opts.CLI, err = offline.EnsureCLI(ctx, root, stderr); err != nil {
		return err
	}

	s, err := offline.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if o.op == "output" {
		return printOutputs(ctx, s, o, stdout)
	}
	fmt.Fprintf(progress, "Offline %s of stack %q (backend %s, aws provider: offline stand-in on port %d)\n\n",
		o.op, o.stack, filepath.Join(o.dir, "state"), s.Provider().Port())

	res := &result{opts: o, out: progress}
	switch o.op {
	case "preview":
		rep, err := s.Preview(ctx)
		res.add(rep)
		res.fail(err, rep, "")
	case "up":
		// Preview first, as `pulumi up` does, and stop there if it fails. The engine does not print
		// outputs; they are printed once at the end, storageYml as a block to paste.
		pre, err := s.Preview(ctx, optpreview.SuppressOutputs())
		res.add(pre)
		if res.fail(err, pre, "stopped at the preview, nothing was changed") {
			break
		}
		fmt.Fprintln(progress)
		rep, err := s.UpOnly(ctx, optup.SuppressOutputs())
		res.add(rep)
		if !res.fail(err, rep, "") {
			res.outputs = rep.Outputs
		}
	case "destroy":
		rep, err := s.Destroy(ctx)
		if res.fail(err, rep, "") && refusedByGuard(err, rep) {
			res.err = fmt.Errorf("%w; %s", res.err, reallyDelete(o.stack))
		}
	default: // analyze
		rep, err := s.Analyze(ctx)
		res.add(rep)
		res.fail(err, rep, "")
	}
	return res.finish(stdout)
}
