package offline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// ModulePath is this repository's Go module; RepoRoot looks for its go.mod.
const ModulePath = "github.com/keyless-ecs/railsapp"

// PolicyPackExe is where BuildPolicyPack puts the policy pack executable, relative to the root.
const PolicyPackExe = ".bin/railsapp-policy"

// Tools are the executables an offline run needs.
type Tools struct {
	// CLI is the Pulumi CLI (scripts/pulumi.sh decides which one).
	CLI string
	// PolicyPack is the policy pack executable built from ./policypack.
	PolicyPack string
}

// RepoRoot finds the repository root (the directory whose go.mod declares ModulePath) from dir
// or one of its parents.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module "+ModulePath+"\n")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod for module %s in %s or its parents", ModulePath, dir)
		}
	}
}

// EnsureTools makes sure the Pulumi CLI and the policy pack executable exist under root,
// building what is missing (build logs go to log). The CLI is located or built by
// scripts/pulumi.sh; the policy pack is rebuilt every time (Go's build cache makes that quick),
// so a run never uses a stale pack.
func EnsureTools(ctx context.Context, root string, log io.Writer) (Tools, error) {
	cli, err := EnsureCLI(ctx, root, log)
	if err != nil {
		return Tools{}, err
	}
	pack, err := BuildPolicyPack(ctx, root, log)
	if err != nil {
		return Tools{}, err
	}
	return Tools{CLI: cli, PolicyPack: pack}, nil
}

// EnsureCLI returns the path of a usable Pulumi CLI by running scripts/pulumi.sh, which uses a
// `pulumi` on PATH at least as new as the pinned version or builds the pinned one into .bin/.
func EnsureCLI(ctx context.Context, root string, log io.Writer) (string, error) {
	if log == nil {
		log = io.Discard
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "pulumi.sh"))
	cmd.Dir = root
	cmd.Stdout = &out
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("locating or building the Pulumi CLI with scripts/pulumi.sh: %w", err)
	}
	path := strings.TrimSpace(out.String())
	if path == "" {
		return "", errors.New("scripts/pulumi.sh printed no path")
	}
	return path, nil
}

// BuildPolicyPack builds ./policypack into PolicyPackExe and returns its absolute path.
func BuildPolicyPack(ctx context.Context, root string, log io.Writer) (string, error) {
	if log == nil {
		log = io.Discard
	}
	out := filepath.Join(root, PolicyPackExe)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("building the policy pack: %w", err)
	}
	// Build beside the target and rename over it: test packages build the pack concurrently
	// while others run it, and a rename never disturbs a running executable.
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp, "./policypack")
	cmd.Dir = root
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the policy pack (go build -o %s ./policypack): %w", PolicyPackExe, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", fmt.Errorf("building the policy pack: %w", err)
	}
	return out, nil
}

// newPulumiCommand wraps the CLI at path for the Automation API, which only takes an
// installation root (<root>/bin/pulumi): it links the CLI into scratch/bin.
func newPulumiCommand(path, scratch string) (auto.PulumiCommand, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("using the Pulumi CLI %s: %w", path, err)
	}
	bin := filepath.Join(scratch, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, fmt.Errorf("using the Pulumi CLI %s: %w", path, err)
	}
	link := filepath.Join(bin, "pulumi")
	if target, err := os.Readlink(link); err != nil || target != abs {
		_ = os.Remove(link)
		if err := os.Symlink(abs, link); err != nil {
			return nil, fmt.Errorf("using the Pulumi CLI %s: %w", path, err)
		}
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: scratch})
	if err != nil {
		return nil, fmt.Errorf("using the Pulumi CLI %s: %w", path, err)
	}
	return cmd, nil
}
