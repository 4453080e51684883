package pack_test

import (
	"context"
	"strings"
	"testing"

	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
)

// runCorpus runs every case in the engine's three modes on a fresh analyzer each time and checks
// the verdict, that violations name their path and fix, and where an update stops.
func runCorpus(t *testing.T, cases []pt.Case) {
	t.Helper()
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.Name] {
			t.Errorf("two cases named %q", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			for _, m := range pt.Modes {
				res, err := pt.Run(context.Background(), pt.Local(), c, m)
				if err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				if p := c.Problems(m, res); len(p) > 0 {
					t.Errorf("%s\n%s", strings.Join(p, "\n"), pt.Messages(res.Diagnostics))
				}
			}
		})
	}
}

// count returns how many cases want each verdict (in the update with no preview, the mode
// that can stop a create, or in any mode for block).
func count(cases []pt.Case) (block, pass int) {
	for _, c := range cases {
		switch c.Want {
		case pt.Block:
			block++
		case pt.Pass:
			pass++
		}
	}
	return block, pass
}

func TestExecutionRoleNoS3(t *testing.T) {
	cases := pt.ExecRole()
	runCorpus(t, cases)
	if block, pass := count(cases); block < 40 || pass < 25 {
		t.Errorf("need at least 40 violating and 25 safe cases, have %d and %d", block, pass)
	}
}

func TestNoEmbeddedCredentials(t *testing.T) {
	cases := pt.Credentials()
	runCorpus(t, cases)
	if block, pass := count(cases); block < 40 || pass < 25 {
		t.Errorf("need at least 40 violating and 25 safe cases, have %d and %d", block, pass)
	}
}
