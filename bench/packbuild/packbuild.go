// Package packbuild builds the executables the benchmarks start (the policy pack, the null pack,
// the rusage wrapper) the way scripts/release.sh builds the pack organizations enforce: static
// (CGO_ENABLED=0), -trimpath, stripped. A plain `go build` links the C library dynamically, which
// costs a pack process about 2 MiB of resident memory and a few milliseconds more at start-up, so
// measuring that build would charge the pack for what its users never run.
package packbuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Flags are the go build flags of a release, besides CGO_ENABLED=0 and the version stamp.
var Flags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w"}

// Release builds the main package pkg of the module at root into dir/name and returns its
// absolute path.
func Release(ctx context.Context, root, dir, name, pkg string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	args := append(append([]string{"build"}, Flags...), "-o", bin, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building %s (go %v): %w", pkg, args, err)
	}
	return bin, nil
}
