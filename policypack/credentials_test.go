package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/pack/packtest"
)

// TestBuiltPackRedactsAndReadsFiles drives the built executable over gRPC, in the engine's three
// modes, with the inputs that plant credentials where every policy quotes the user (no message
// may show one; each policy must report something), and with the credential cases whose assets
// and archives are files on disk (the executable reads them as the pack in-process does).
func TestBuiltPackRedactsAndReadsFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the pack and starts it once per case and mode")
	}
	bin := buildPack(t)
	files, err := packtest.CredentialFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range packtest.Adversarial() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			reported := false
			for _, m := range packtest.Modes {
				res, err := packtest.Run(ctx, startExecutable(t, bin), c, m)
				if err != nil {
					t.Fatalf("%s over gRPC: %v", m, err)
				}
				reported = reported || packtest.VerdictOf(res.Diagnostics, c.Policy) != packtest.Pass
				for _, d := range res.Diagnostics {
					// Name only the policy and resource type: the message holds the value.
					if packtest.Leaks(d.Message) || packtest.Leaks(d.Description) {
						t.Errorf("%s: a %s diagnostic on a %s shows a credential", m, d.PolicyName, d.URN.Type())
					}
				}
			}
			if !reported {
				t.Errorf("%s reported nothing over gRPC on its adversarial input", c.Policy)
			}
		})
	}
	for _, c := range files {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			for _, m := range packtest.Modes {
				remote, err := packtest.Run(ctx, startExecutable(t, bin), c, m)
				if err != nil {
					t.Fatalf("%s over gRPC: %v", m, err)
				}
				for _, p := range c.Problems(m, remote) {
					t.Errorf("over gRPC, %s", p)
				}
				local, err := packtest.Run(ctx, packtest.Local(), c, m)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := summary(remote.Diagnostics), summary(local.Diagnostics); !slices.Equal(got, want) {
					t.Errorf("%s: the executable's diagnostics differ from the pack in-process:\n%s\nin-process:\n%s",
						m, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}
