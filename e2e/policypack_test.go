package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPolicyPackLoadsWithPulumisLoader: users with a full Pulumi install run
// `pulumi preview --policy-pack ./policypack`, which reads PulumiPolicy.yaml with this loader.
func TestPolicyPackLoadsWithPulumisLoader(t *testing.T) {
	pack, err := workspace.LoadPolicyPack(filepath.Join(shared.root, "policypack", "PulumiPolicy.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "go", pack.Runtime.Name())
	assert.NotEmpty(t, pack.Version, "a version, shown in the engine's policy summary")
	assert.NotEmpty(t, pack.Description)
}

// TestPolicyPackBuildsAsAProgram builds the directory the way the Go language host does
// (`go build` inside the PulumiPolicy.yaml directory, output elsewhere).
func TestPolicyPackBuildsAsAProgram(t *testing.T) {
	dir := filepath.Join(shared.root, "policypack")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", filepath.Join(t.TempDir(), "pack"), ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build in %s:\n%s", dir, out)
}
