package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUpDev is the README's first command (`go run ./harness/cmd/offline up dev`) in a temporary
// directory: it previews, updates with the policy pack, and prints policy results and outputs.
func TestUpDev(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine")
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"up", "dev", "--dir", t.TempDir()}, &out, &errOut)
	require.NoError(t, err, "stderr:\n%s\nstdout:\n%s", errOut.String(), out.String())
	text := out.String()
	for _, want := range []string{
		"Previewing update (dev)", "Updating (dev)",
		"== Policy results (preview) ==", "== Policy results (update) ==",
		"== Stack outputs ==", "storageYml: |", `bucket: <%= ENV.fetch("AWS_S3_BUCKET_NAME", nil) %>`,
		"taskDefinitionArn: arn:aws:ecs:",
	} {
		assert.Contains(t, text, want)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"up"}, {"deploy", "dev"}, {"analyze", "dev", "--no-policy"}, {"up", "staging", "--dir", "x"}} {
		var out, errOut bytes.Buffer
		assert.Error(t, run(context.Background(), args, &out, &errOut), "%v", args)
	}
}
