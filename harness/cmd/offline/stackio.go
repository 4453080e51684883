package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/keyless-ecs/railsapp/harness/offline"
)

// printEnv prints the export lines with which the pinned CLI reaches the offline stacks from any
// folder (`pulumi stack output storageYml`, `pulumi stack export`, `pulumi stack history`), for a
// shell's eval.
func printEnv(ctx context.Context, root string, o options, stdout, stderr io.Writer) error {
	cli, err := offline.EnsureCLI(ctx, root, stderr)
	if err != nil {
		return err
	}
	env := offline.BackendEnv(o.dir)
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(stdout, "export %s=%s\n", k, shellQuote(env[k]))
	}
	// Put the pinned CLI first on PATH unless `pulumi` already is that CLI.
	if onPath, err := exec.LookPath("pulumi"); err != nil || !sameFile(onPath, cli) {
		fmt.Fprintf(stdout, "export PATH=%s:\"$PATH\"\n", shellQuote(filepath.Dir(cli)))
	}
	stack := o.stack
	if stack == "" {
		stack = "dev"
	}
	fmt.Fprintf(stdout, "# then, in %s: pulumi stack select %s && pulumi stack output storageYml\n", root, stack)
	return nil
}

// printOutputs prints the stack's outputs, or the raw value of one (to redirect into a file).
func printOutputs(ctx context.Context, s *offline.Session, o options, stdout io.Writer) error {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return err
	}
	return writeOutputs(outs, o, stdout)
}

// writeOutputs is printOutputs once the outputs are read. A secret value is never written.
func writeOutputs(outs auto.OutputMap, o options, stdout io.Writer) error {
	if len(outs) == 0 {
		return fmt.Errorf("stack %q has no outputs yet: run `up %s` first", o.stack, o.stack)
	}
	if o.name == "" {
		if o.jsonOut {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(offline.MaskedOutputs(outs))
		}
		offline.PrintOutputs(stdout, outs)
		return nil
	}
	v, ok := outs[o.name]
	if !ok {
		return fmt.Errorf("stack %q has no output %q (it has %s)", o.stack, o.name,
			strings.Join(slices.Sorted(maps.Keys(outs)), ", "))
	}
	if v.Secret {
		return fmt.Errorf("output %q of stack %q is a secret; it is not printed", o.name, o.stack)
	}
	if str, ok := v.Value.(string); ok && !o.jsonOut {
		_, err := fmt.Fprint(stdout, strings.TrimRight(str, "\n")+"\n")
		return err
	}
	b, err := json.Marshal(v.Value)
	if err != nil {
		return fmt.Errorf("output %q: %w", o.name, err)
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sameFile(a, b string) bool {
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}
