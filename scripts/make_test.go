// Package scripts holds no Go code: its tests check the Makefile and the build scripts next to it.
package scripts

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `make help` lists every target of the Makefile, each with its one-line description.
func TestMakeHelpListsEveryTarget(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make on PATH")
	}
	b, err := os.ReadFile("../Makefile")
	require.NoError(t, err)
	var targets []string
	for _, m := range regexp.MustCompile(`(?m)^([A-Za-z0-9_.-]+):`).FindAllStringSubmatch(string(b), -1) {
		if m[1] != ".PHONY" {
			targets = append(targets, m[1])
		}
	}
	require.Contains(t, targets, "demo")

	cmd := exec.Command("make", "--no-print-directory", "help")
	cmd.Dir = ".."
	out, err := cmd.Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, target := range targets {
		found := 0
		for _, line := range lines {
			if f := strings.Fields(line); len(f) > 1 && f[0] == target {
				found++
			}
		}
		assert.Equal(t, 1, found, "make help lists %s once, with a description:\n%s", target, out)
	}
	for _, phony := range regexp.MustCompile(`(?m)^\.PHONY:(.*)$`).FindAllStringSubmatch(string(b), -1) {
		for _, name := range strings.Fields(phony[1]) {
			assert.Contains(t, targets, name, ".PHONY names a target that exists")
		}
	}
}
