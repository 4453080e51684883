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
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// ModulePath is this repository's Go module; RepoRoot looks for its go.mod.
const ModulePath = "github.com/keyless-ecs/railsapp"

// Where scripts/build.sh puts the executables it builds, relative to the repository root.
const (
	// PolicyPackExe is the policy pack executable, built from ./policypack.
	PolicyPackExe = ".bin/keyless-policy"
	// ProviderPluginExe is the offline stand-in for the aws provider as a plugin executable, built
	// from ./harness/fakeaws/cmd/pulumi-resource-aws. It sits alone in its folder, so that folder
	// can go on the PATH of a test's CLI without putting anything else there, and never on the
	// PATH of a real deployment.
	ProviderPluginExe = ".bin/fakeaws/pulumi-resource-aws"
)

// ErrNoLanguageHost is returned (wrapped) by EnsureLanguageHost when no Go language host can be
// had: none next to the CLI, none on PATH and no source to build one from.
var ErrNoLanguageHost = errors.New("no Go language host (pulumi-language-go)")

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

// EnsureTools makes sure the policy pack executable and the Pulumi CLI exist under root
// (progress goes to log). The policy pack is rebuilt every time by scripts/build.sh (Go's build
// cache makes that quick), so a run never uses a stale pack; then EnsureCLI locates or builds the
// CLI, once: build.sh would locate it too, but keeps the path to itself.
func EnsureTools(ctx context.Context, root string, log io.Writer) (Tools, error) {
	if err := build(ctx, root, log, "policy-pack"); err != nil {
		return Tools{}, err
	}
	cli, err := EnsureCLI(ctx, root, log)
	if err != nil {
		return Tools{}, err
	}
	return Tools{CLI: cli, PolicyPack: filepath.Join(root, PolicyPackExe)}, nil
}

// EnsureCLI returns the path of a usable Pulumi CLI by running scripts/pulumi.sh, which uses a
// `pulumi` on PATH at least as new as the pinned version or builds the pinned one into .bin/.
// Concurrent callers wait for one build.
func EnsureCLI(ctx context.Context, root string, log io.Writer) (string, error) {
	path, err := script(ctx, root, log, "pulumi.sh", "cli")
	if err != nil {
		return "", fmt.Errorf("locating or building the Pulumi CLI with scripts/pulumi.sh: %w", err)
	}
	return path, nil
}

// EnsureLanguageHost returns the path of the Go language host (pulumi-language-go) that the CLI
// from EnsureCLI runs, by running `scripts/pulumi.sh language-host`: the one next to the CLI, else
// one on PATH linked into .bin/, else one built into .bin/ from the language host's source (see
// the script). The error wraps ErrNoLanguageHost, with the reason, when there is none.
func EnsureLanguageHost(ctx context.Context, root string, log io.Writer) (string, error) {
	var reason bytes.Buffer
	if log == nil {
		log = io.Discard
	}
	path, err := script(ctx, root, io.MultiWriter(log, &reason), "pulumi.sh", "language-host")
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		// The script's last line says why.
		lines := strings.Split(strings.TrimSpace(reason.String()), "\n")
		return "", fmt.Errorf("%w: %s", ErrNoLanguageHost, lines[len(lines)-1])
	}
	if err != nil {
		return "", fmt.Errorf("locating or building the Go language host with scripts/pulumi.sh: %w", err)
	}
	return path, nil
}

// BuildProviderPlugin builds the stand-in aws provider plugin into ProviderPluginExe and returns
// its absolute path. Put its folder on the CLI's PATH (see CLIEnv) and the engine runs it as it
// runs pulumi-aws.
func BuildProviderPlugin(ctx context.Context, root string, log io.Writer) (string, error) {
	if err := build(ctx, root, log, "fakeaws"); err != nil {
		return "", err
	}
	return filepath.Join(root, ProviderPluginExe), nil
}

// build runs scripts/build.sh with the given tools: it builds them in parallel and renames each
// into place, so that concurrent builds never show another process a half-written executable.
func build(ctx context.Context, root string, log io.Writer, tools ...string) error {
	if _, err := script(ctx, root, log, "build.sh", tools...); err != nil {
		return fmt.Errorf("building %s with scripts/build.sh: %w", strings.Join(tools, ", "), err)
	}
	return nil
}

// script runs scripts/<name> in root with its progress going to log, and returns its stdout.
func script(ctx context.Context, root string, log io.Writer, name string, args ...string) (string, error) {
	if log == nil {
		log = io.Discard
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", name), args...)
	cmd.Dir = root
	cmd.Stdout = &out
	cmd.Stderr = log
	// A cancelled build kills the script, not the go builds it started in the background, which
	// hold its output pipes until they finish: stop waiting for those shortly after.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return "", err
	}
	path := strings.TrimSpace(out.String())
	if path == "" && name == "pulumi.sh" {
		return "", errors.New("scripts/pulumi.sh printed no path")
	}
	return path, nil
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
