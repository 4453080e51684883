// Package e2e drives the real Pulumi engine offline: the pinned CLI, file backends, the stand-in
// aws provider and the policy pack. Most tests run programs inline through the Automation API
// (the product's main job per stack, programs that break the rules, bad config); cli_test.go runs
// the program as teams do, with `pulumi preview`/`pulumi up` from Pulumi.yaml through the Go
// language host, when one is available. Every test uses its own temporary backend and PULUMI_HOME.
package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/harness/offline"
)

// env is what TestMain prepared: the repository root and the tools.
type env struct {
	root  string
	tools offline.Tools
}

var shared env

// TestMain prepares the tools once for every test of the package: the Pulumi CLI (located, or
// built on first use) and the policy pack, side by side. It waits for the builds however long they
// take on a busy machine; other test packages that need the CLI at the same time wait for the same
// build (scripts/pulumi.sh builds under a lock). `go test`'s own -timeout still applies: `make e2e`
// turns it off.
func TestMain(m *testing.M) {
	root, err := offline.RepoRoot(".")
	if err == nil {
		shared.root = root
		shared.tools, err = offline.EnsureTools(context.Background(), root, os.Stderr)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: cannot prepare the Pulumi CLI and the policy pack: %v\n"+
			"(scripts/build.sh pulumi policy-pack shows why; VERBOSE=1 shows the builds' output)\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// lockedBuffer collects the engine's progress output of one test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// session opens an offline stack in a fresh temporary directory, with the policy pack unless
// opts.PolicyPacks is already set. On failure (or with -v) the engine output is logged, with the
// given secrets masked to their first four characters.
func session(t *testing.T, opts offline.Options, secrets ...string) *offline.Session {
	t.Helper()
	ctx := context.Background()
	opts.Dir = t.TempDir()
	opts.CLI = shared.tools.CLI
	if opts.PolicyPacks == nil {
		opts.PolicyPacks = []string{shared.tools.PolicyPack}
	}
	progress := &lockedBuffer{}
	opts.Progress = progress
	s, err := offline.Open(ctx, opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Close()
		if t.Failed() || testing.Verbose() {
			t.Logf("engine output:\n%s", mask(progress.String(), secrets...))
		}
	})
	return s
}

// realStack opens the repository's program with its real Pulumi.yaml and Pulumi.<stack>.yaml.
func realStack(t *testing.T, stack string, opts offline.Options, secrets ...string) *offline.Session {
	t.Helper()
	opts.Stack = stack
	opts.Program = programUnderTest
	opts.ProjectFile = filepath.Join(shared.root, "Pulumi.yaml")
	opts.StackConfigFile = filepath.Join(shared.root, "Pulumi."+stack+".yaml")
	return session(t, opts, secrets...)
}

// mask hides secret values in text, keeping their first four characters.
func mask(text string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) > 4 {
			text = strings.ReplaceAll(text, s, s[:4]+"…")
		}
	}
	return text
}

// requireNoLeak fails if a policy message shows a secret (without printing it).
func requireNoLeak(t *testing.T, rep *offline.Report, secrets ...string) {
	t.Helper()
	if rep == nil {
		return
	}
	for _, p := range rep.Policy {
		for _, s := range secrets {
			if s != "" && strings.Contains(p.Message, s) {
				t.Errorf("policy %s shows a credential value (starts %q) in its message", p.Policy, s[:4])
			}
		}
	}
}

// state lists the resources in a stack's state.
type state []apitype.ResourceV3

func stackState(t *testing.T, s *offline.Session) state {
	t.Helper()
	res, err := s.Resources(context.Background())
	require.NoError(t, err)
	return res
}

// find returns the resource with this logical name, if any.
func (st state) find(name string) (apitype.ResourceV3, bool) {
	for _, r := range st {
		if r.URN.Name() == name {
			return r, true
		}
	}
	return apitype.ResourceV3{}, false
}

// programResources are the resources a program registered (not the stack, not providers).
func (st state) programResources() []string {
	var out []string
	for _, r := range st {
		t := string(r.Type)
		if t == "pulumi:pulumi:Stack" || strings.HasPrefix(t, "pulumi:providers:") {
			continue
		}
		out = append(out, fmt.Sprintf("%s (%s)", r.URN.Name(), t))
	}
	return out
}

func (st state) names() []string {
	out := make([]string, 0, len(st))
	for _, r := range st {
		out = append(out, fmt.Sprintf("%s (%s)", r.URN.Name(), r.Type))
	}
	return out
}

// fakeAccessKeyID returns a random, well-formed long-term access key ID. It is assembled at run
// time (so repository scanners have nothing to flag) and is never one of AWS's documentation
// examples, which scanners and the pack deliberately ignore.
func fakeAccessKeyID() string {
	return "AK" + "IA" + randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
}

// fakeSecretAccessKey returns a random 40-character secret access key.
func fakeSecretAccessKey() string {
	return randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)
}

func randomFrom(alphabet string, n int) string {
	var b strings.Builder
	for range n {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}
