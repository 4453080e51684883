package pipelines_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// TestReleaseBuild runs `make release`'s script for one platform and the pack alone: the archive
// is the pack's directory form (executable and PulumiPolicy.yaml), the version stamped into the
// executable is PulumiPolicy.yaml's, SHA256SUMS matches, and another version is refused.
func TestReleaseBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the pack")
	}
	root := repoRoot(t)
	pol, err := workspace.LoadPolicyPack(filepath.Join(root, "policypack", "PulumiPolicy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := exec.Command(filepath.Join(root, "scripts", "release.sh"))
	// RELEASE_CACHED=1 builds with the test run's flags (no -trimpath, cgo as configured), reusing
	// its build cache: a cold build of every dependency costs minutes and checks nothing more here.
	cmd.Env = append(os.Environ(), "RELEASE_TARGETS=linux/amd64", "RELEASE_COMMANDS=keyless-policy", "RELEASE_DIR="+out,
		"RELEASE_CACHED=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", err, b)
	}
	name := "keyless-policy_" + pol.Version + "_linux_amd64"
	archive, err := os.ReadFile(filepath.Join(out, name+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(archive)
	if want := hex.EncodeToString(sum[:]) + "  " + name + ".tar.gz\n"; string(sums) != want {
		t.Errorf("SHA256SUMS = %q, want %q", sums, want)
	}

	files := map[string][]byte{}
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = b
	}
	exe := filepath.Join(t.TempDir(), "keyless-policy")
	if err := os.WriteFile(exe, files[name+"/keyless-policy"], 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := files[name+"/PulumiPolicy.yaml"]
	if yaml == nil {
		t.Fatalf("the archive lacks PulumiPolicy.yaml beside the executable: %v", keys(files))
	}
	// The engine prefers the YAML's version; it must be the executable's.
	info, err := exec.Command("go", "version", "-m", exe).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, info)
	}
	if want := "internal/pack.Version=" + pol.Version; !strings.Contains(string(info), want) {
		t.Errorf("the executable's build settings lack %q:\n%s", want, info)
	}

	cmd = exec.Command(filepath.Join(root, "scripts", "release.sh"), "99.0.0")
	cmd.Env = append(os.Environ(), "RELEASE_DIR="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "PulumiPolicy.yaml says version") {
		t.Errorf("a version other than PulumiPolicy.yaml's was not refused: %v\n%s", err, b)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
