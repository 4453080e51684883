package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// buildPack builds this directory into an executable, as users and the offline runner do.
func buildPack(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH to build the pack with")
	}
	bin := filepath.Join(t.TempDir(), "keyless-policy")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build ./policypack: %v\n%s", err, out)
	}
	return bin
}

// remotePack is the executable started the way the engine starts a policy pack, reached through
// the engine's own analyzer client.
type remotePack struct {
	plugin.Analyzer
	client pulumirpc.AnalyzerClient
}

func (r *remotePack) ConfigureStack(c pack.StackConfig) {
	// The engine sends it before analysing; an error here shows up as a later failure.
	_, _ = r.client.ConfigureStack(context.Background(), &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: c.Stack, Project: c.Project, Organization: c.Organization, DryRun: c.DryRun, Config: c.Config,
	})
}

// startExecutable runs the executable with an engine address as its argument, reads the port from the
// first line of its stdout and connects. The process is stopped when the test ends.
func startExecutable(t *testing.T, bin string) *remotePack {
	t.Helper()
	cmd := exec.Command(bin, "--logtostderr", "-v=1", "127.0.0.1:1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the pack: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // the engine kills policy packs when it is done with them
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the port: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("first stdout line %q is not a port", line)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := pulumirpc.NewAnalyzerClient(conn)
	return &remotePack{Analyzer: plugin.NewAnalyzerWithClient(tokens.QName(pack.PackName), client), client: client}
}

// summary renders diagnostics in a stable order, for comparing two runs.
func summary(ds []plugin.AnalyzeDiagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = fmt.Sprintf("%s|%s|%s|%s", d.PolicyName, d.EnforcementLevel, d.URN, d.Message)
	}
	slices.Sort(out)
	return out
}

// TestBuiltPackOverGRPC drives the built executable, one process per case and mode as the engine
// runs one per operation, with every case of the mandatory policies in the three ways the engine
// calls a pack: Analyze only (an update with no preview), Analyze then AnalyzeStack (a preview),
// AnalyzeStack only (policy analyze). Its verdicts, and its diagnostics, must be those of the
// pack in-process.
func TestBuiltPackOverGRPC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the pack and starts it once per case and mode")
	}
	bin := buildPack(t)
	ctx := context.Background()
	for _, c := range append(packtest.ExecRole(), packtest.Credentials()...) {
		t.Run(c.Policy+"/"+c.Name, func(t *testing.T) {
			t.Parallel() // each run has its own process: they wait on process start-up, not on each other
			for _, m := range packtest.Modes {
				remote, err := packtest.Run(ctx, startExecutable(t, bin), c, m)
				if err != nil {
					t.Fatalf("%s over gRPC: %v", m, err)
				}
				local, err := packtest.Run(ctx, packtest.Local(), c, m)
				if err != nil {
					t.Fatalf("%s in-process: %v", m, err)
				}
				for _, p := range c.Problems(m, remote) {
					t.Errorf("over gRPC, %s", p)
				}
				if got, want := summary(remote.Diagnostics), summary(local.Diagnostics); !slices.Equal(got, want) {
					t.Errorf("%s: the executable's diagnostics differ from the pack in-process:\n%s\nin-process:\n%s",
						m, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				if remote.StoppedAt != local.StoppedAt {
					t.Errorf("%s: the update stops at %q over gRPC, at %q in-process", m, remote.StoppedAt.Name(), local.StoppedAt.Name())
				}
			}
		})
	}
}
