package pack_test

import (
	"context"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// leaks reports whether a diagnostic shows a credential the fixtures plant.
func leaks(d plugin.AnalyzeDiagnostic) bool { return pt.Leaks(d.Message) || pt.Leaks(d.Description) }

// TestNoCredentialInMessages: no diagnostic of any policy shows a credential, whatever the user
// put where the pack quotes them (resource and role names, property paths and map keys, names,
// statement IDs, malformed documents, stack config), in the engine's three modes. Each policy
// must report something on its adversarial input, or the test would prove nothing for it. A
// failure names the policy, the mode and the resource, never the message.
func TestNoCredentialInMessages(t *testing.T) {
	targeted := map[string]bool{}
	for _, c := range pt.Adversarial() {
		targeted[c.Policy] = true
		reported := false
		for _, m := range pt.Modes {
			res, err := pt.Run(context.Background(), pt.Local(), c, m)
			if err != nil {
				t.Fatal(err)
			}
			reported = reported || pt.VerdictOf(res.Diagnostics, c.Policy) != pt.Pass
			for _, d := range res.Diagnostics {
				if leaks(d) {
					t.Errorf("%s (%s): a %s diagnostic on a %s shows a credential", c.Name, m, d.PolicyName, d.URN.Type())
				}
			}
		}
		if !reported {
			t.Errorf("%s reported nothing on its adversarial input, so the test proves nothing", c.Policy)
		}
	}
	for _, name := range pack.PolicyNames() {
		if !targeted[name] {
			t.Errorf("no adversarial input for %s", name)
		}
	}

	// And every case of both mandatory policies, in every mode.
	for _, c := range append(pt.ExecRole(), pt.Credentials()...) {
		for _, m := range pt.Modes {
			res, err := pt.Run(context.Background(), pt.Local(), c, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diagnostics {
				if leaks(d) {
					t.Errorf("%s (%s): a %s diagnostic shows a credential", c.Name, m, d.PolicyName)
				}
			}
		}
	}
}
