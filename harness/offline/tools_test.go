package offline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRepo is a repository root with the real scripts and tools/go.mod, and a fake Pulumi CLI
// (a script that reports the pinned version) in its own folder.
type fakeRepo struct {
	root, cliDir string
}

func newFakeRepo(t *testing.T) fakeRepo {
	t.Helper()
	real, err := RepoRoot(".")
	require.NoError(t, err)
	r := fakeRepo{root: t.TempDir(), cliDir: t.TempDir()}
	for _, f := range []string{"scripts/pulumi.sh", "scripts/lib.sh", "tools/go.mod"} {
		b, err := os.ReadFile(filepath.Join(real, f))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(r.root, filepath.Dir(f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(r.root, f), b, 0o755))
	}
	mod, err := os.ReadFile(filepath.Join(real, "tools/go.mod"))
	require.NoError(t, err)
	var pinned string
	for _, line := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "github.com/pulumi/pulumi/pkg/v3" {
			pinned = f[1]
		}
		if f := strings.Fields(line); len(f) == 3 && f[0] == "require" && f[1] == "github.com/pulumi/pulumi/pkg/v3" {
			pinned = f[2]
		}
	}
	require.NotEmpty(t, pinned, "tools/go.mod pins the Pulumi CLI")
	writeExe(t, filepath.Join(r.cliDir, "pulumi"), "echo "+pinned)
	t.Setenv("PULUMI_OFFLINE_CLI", filepath.Join(r.cliDir, "pulumi"))
	t.Setenv("PULUMI_LANGHOST_SRC", filepath.Join(r.root, "no-such-source"))
	// Only the system's tools on PATH: no Pulumi install.
	t.Setenv("PATH", "/usr/bin:/bin")
	return r
}

func writeExe(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
}

func TestEnsureCLIChecksTheVersion(t *testing.T) {
	r := newFakeRepo(t)
	ctx := context.Background()
	cli, err := EnsureCLI(ctx, r.root, nil)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(r.cliDir, "pulumi"), cli)

	writeExe(t, filepath.Join(r.cliDir, "pulumi"), "echo v3.100.0")
	_, err = EnsureCLI(ctx, r.root, nil)
	assert.ErrorContains(t, err, "scripts/pulumi.sh")
}

// EnsureTools builds the policy pack with the real scripts/build.sh and runs the CLI once, for
// its version check: the CLI is located once per run.
func TestEnsureToolsLocatesTheCLIOnce(t *testing.T) {
	goExe, err := exec.LookPath("go")
	require.NoError(t, err)
	r := newFakeRepo(t)
	real, err := RepoRoot(".")
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(real, "scripts", "build.sh"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(r.root, "scripts", "build.sh"), b, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(r.root, "go.mod"), []byte("module example.com/fake\n\ngo 1.21\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(r.root, "policypack"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(r.root, "policypack", "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	t.Setenv("PATH", filepath.Dir(goExe)+":/usr/bin:/bin")

	runs := filepath.Join(t.TempDir(), "runs")
	cli := filepath.Join(r.cliDir, "pulumi")
	pinned, err := exec.Command(cli).Output()
	require.NoError(t, err)
	writeExe(t, cli, "echo x >> "+runs+"; echo "+strings.TrimSpace(string(pinned)))

	tools, err := EnsureTools(context.Background(), r.root, nil)
	require.NoError(t, err)
	assert.Equal(t, cli, tools.CLI)
	assert.FileExists(t, tools.PolicyPack)
	assert.Equal(t, filepath.Join(r.root, PolicyPackExe), tools.PolicyPack)
	n, err := os.ReadFile(runs)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(n), "x"), "the CLI is version-checked once")
}

func TestEnsureLanguageHost(t *testing.T) {
	ctx := context.Background()

	t.Run("the one next to the CLI", func(t *testing.T) {
		r := newFakeRepo(t)
		writeExe(t, filepath.Join(r.cliDir, "pulumi-language-go"), "exit 0")
		got, err := EnsureLanguageHost(ctx, r.root, nil)
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(r.cliDir, "pulumi-language-go"), got)
	})

	t.Run("one on PATH, linked into .bin", func(t *testing.T) {
		r := newFakeRepo(t)
		installed := filepath.Join(t.TempDir(), "pulumi-language-go")
		writeExe(t, installed, "exit 0")
		t.Setenv("PATH", filepath.Dir(installed)+":/usr/bin:/bin")
		got, err := EnsureLanguageHost(ctx, r.root, nil)
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(r.root, ".bin", "pulumi-language-go"), got)
		target, err := os.Readlink(got)
		require.NoError(t, err)
		assert.Equal(t, installed, target)
	})

	t.Run("built from source, again only when the source changes", func(t *testing.T) {
		r := newFakeRepo(t)
		src := t.TempDir()
		count := filepath.Join(t.TempDir(), "builds")
		writeExe(t, filepath.Join(src, "build.sh"), `echo x >> `+count+`; printf '#!/bin/sh\n' > "$1/pulumi-language-go"; chmod +x "$1/pulumi-language-go"`)
		require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n"), 0o644))
		old := time.Now().Add(-time.Hour) // older than the build, whatever the file system's clock granularity
		require.NoError(t, os.Chtimes(filepath.Join(src, "main.go"), old, old))
		require.NoError(t, os.Chtimes(filepath.Join(src, "build.sh"), old, old))
		require.NoError(t, os.Chtimes(src, old, old))
		t.Setenv("PULUMI_LANGHOST_SRC", src)

		builds := func() int {
			b, err := os.ReadFile(count)
			require.NoError(t, err)
			return strings.Count(string(b), "x")
		}
		for range 2 {
			got, err := EnsureLanguageHost(ctx, r.root, nil)
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(r.root, ".bin", "pulumi-language-go"), got)
			assert.FileExists(t, got)
		}
		assert.Equal(t, 1, builds(), "an up-to-date build is kept")

		future := time.Now().Add(time.Hour)
		require.NoError(t, os.Chtimes(filepath.Join(src, "main.go"), future, future))
		_, err := EnsureLanguageHost(ctx, r.root, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, builds(), "a changed source is built again")
	})

	t.Run("none", func(t *testing.T) {
		r := newFakeRepo(t)
		_, err := EnsureLanguageHost(ctx, r.root, nil)
		require.ErrorIs(t, err, ErrNoLanguageHost)
		assert.Contains(t, err.Error(), "no-such-source", "the error says where the source was looked for")
	})
}
