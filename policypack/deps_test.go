package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestExecutableLeavesOutSDKPlugin keeps the SDK's plugin package (and the workspace and JSON
// schema packages it brings) out of the pack's executable: Go runs the initialisation of every
// package linked, and theirs is half of a Go pack's start-up and several MiB of its memory, paid
// on every preview (packrpc serves the protocol without them).
func TestExecutableLeavesOutSDKPlugin(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH to list the pack's packages with")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 || !strings.Contains(string(out), "github.com/keyless-ecs/railsapp/internal/pack\n") {
		t.Fatalf("go list -deps listed %d packages, not the pack's: %.300s", len(deps), out)
	}
	for _, banned := range []string{
		"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin",
		"github.com/pulumi/pulumi/sdk/v3/go/common/workspace",
		"github.com/santhosh-tekuri/jsonschema/v5",
	} {
		if slices.Contains(deps, banned) {
			t.Errorf("the pack's executable links %s", banned)
		}
	}
}
