// Command startbench measures the policy pack executable as the engine sees it, side by side with
// a pack that checks nothing (bench/cmd/nullpack, the floor of any Go pack built on the Pulumi
// SDK), starts of the two interleaved so that load from elsewhere hits both alike:
//
//   - start-up: from exec (with a dummy engine address as the only argument, as the engine passes
//     its own) to the port line on stdout, to the first answer (GetPluginInfo) and to
//     GetAnalyzerInfo over gRPC, which is when the engine can use the pack; and the CPU time the
//     pack process used by then (all its threads, from /proc/<pid>/task/*/schedstat), which other
//     load on the machine does not inflate the way it inflates wall time;
//   - memory: the pack process's peak resident set (VmHWM) when it has answered, and after it has
//     analysed a synthetic stack of K component instances through gRPC, call by call as the engine
//     sends them (GetPluginInfo, GetAnalyzerInfo, Configure, Remediate and Analyze per resource,
//     AnalyzeStack), with the engine's own client code (plugin.NewAnalyzerWithClient).
//
// Only the pack process is measured: the gRPC client here is this process's, as the engine's is
// the engine's. It builds the pack with harness/offline and the null pack with go build unless
// -pack and -null name executables, and writes its results as JSON (-out) for bench/run.sh.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/keyless-ecs/railsapp/bench/stats"
	"github.com/keyless-ecs/railsapp/bench/synth"
	"github.com/keyless-ecs/railsapp/harness/offline"
)

func main() {
	runs := flag.Int("runs", 15, "start-up measurements per executable (after one unmeasured warm-up start each)")
	initRuns := flag.Int("init-runs", 5, "starts per executable with GODEBUG=inittrace=1, to see what package initialisation costs")
	memRuns := flag.Int("mem-runs", 3, "memory measurements per executable (each analyses the K-instance stack)")
	k := flag.Int("k", 100, "component instances in the stack analysed before reading memory")
	pack := flag.String("pack", "", "policy pack executable (default: build ./policypack as a release is built)")
	null := flag.String("null", "", "null pack executable (default: build ./bench/cmd/nullpack as a release is built)")
	out := flag.String("out", "", "write the result as JSON to this file")
	flag.Parse()
	if err := run(context.Background(), *runs, *initRuns, *memRuns, *k, *pack, *null, *out); err != nil {
		fmt.Fprintln(os.Stderr, "startbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, runs, initRuns, memRuns, k int, pack, null, out string) error {
	if runs < 1 || memRuns < 1 || initRuns < 1 {
		return errors.New("-runs, -init-runs and -mem-runs must be at least 1")
	}
	if pack == "" || null == "" {
		dir, err := os.MkdirTemp("", "startbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if pack == "" {
			if pack, err = releaseBuild(ctx, dir, "keyless-policy", "./policypack"); err != nil {
				return err
			}
		}
		if null == "" {
			if null, err = releaseBuild(ctx, dir, "nullpack", "./bench/cmd/nullpack"); err != nil {
				return err
			}
		}
	}
	res := stats.Startup{K: k, Ours: stats.Arm{Path: pack}, Null: stats.Arm{Path: null}}
	arms := []*stats.Arm{&res.Ours, &res.Null}
	for _, a := range arms { // warm the page cache, unmeasured
		if _, err := startup(ctx, a.Path); err != nil {
			return err
		}
	}
	for i := range runs {
		for j := range arms {
			a := arms[(i+j)%len(arms)] // alternate which goes first
			s, err := startup(ctx, a.Path)
			if err != nil {
				return err
			}
			a.PortMS = append(a.PortMS, stats.MS(s.port))
			a.FirstMS = append(a.FirstMS, stats.MS(s.first))
			a.InfoMS = append(a.InfoMS, stats.MS(s.info))
			a.StartCPUMS = append(a.StartCPUMS, stats.MS(s.cpu))
			a.StartHWMMiB = append(a.StartHWMMiB, s.hwm)
		}
	}
	for i := range initRuns {
		for j := range arms {
			a := arms[(i+j)%len(arms)]
			in, err := inits(ctx, a.Path)
			if err != nil {
				return err
			}
			a.Inits = append(a.Inits, in)
		}
	}
	for i := range memRuns {
		for j := range arms {
			a := arms[(i+j)%len(arms)]
			m, err := memory(ctx, a.Path, k, a == &res.Ours)
			if err != nil {
				return err
			}
			res.Resources = m.resources
			a.HWMMiB = append(a.HWMMiB, m.hwm)
			a.RSSMiB = append(a.RSSMiB, m.rss)
			a.AnonMiB = append(a.AnonMiB, m.anon)
			a.AnalyzeMS = append(a.AnalyzeMS, stats.MS(m.analyze))
			a.AnalyzeStackMS = append(a.AnalyzeStackMS, stats.MS(m.analyzeStack))
			a.SessionCPUMS = append(a.SessionCPUMS, stats.MS(m.cpu))
			a.Diagnostics = m.diagnostics
		}
	}
	for _, a := range arms {
		a.Summarize()
		fmt.Fprintf(os.Stderr, "%s: port %.1f ms, GetPluginInfo %.1f ms, GetAnalyzerInfo %.1f ms (CPU %.1f ms, peak RSS %.1f MiB; "+
			"package init %.1f ms, %.1f MiB); after K=%d (%d resources): peak RSS %.1f MiB, RSS %.1f MiB (%.1f MiB anonymous), "+
			"session CPU %.0f ms, %d diagnostics (medians of %d, %d and %d)\n",
			filepath.Base(a.Path), a.Median.PortMS, a.Median.FirstMS, a.Median.InfoMS, a.Median.StartCPUMS, a.Median.StartHWMMiB,
			a.Median.InitTotal().MS, a.Median.InitTotal().MiB, k, res.Resources, a.Median.HWMMiB, a.Median.RSSMiB, a.Median.AnonMiB,
			a.Median.SessionCPUMS, a.Diagnostics, runs, initRuns, memRuns)
	}
	return stats.WriteJSON(out, res)
}

// releaseFlags are those scripts/release.sh builds the pack executable with: what organizations
// enforce. A plain `go build` links the C library dynamically (cgo), which costs the process about
// 2 MiB and a few milliseconds more at start-up.
var releaseFlags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w"}

// releaseBuild builds a main package of the repository into dir as a release is built.
func releaseBuild(ctx context.Context, dir, name, pkg string) (string, error) {
	root, err := offline.RepoRoot(".")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, "go", append(append([]string{"build"}, releaseFlags...), "-o", bin, pkg)...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building %s: %w", pkg, err)
	}
	return bin, nil
}

// proc is a running pack executable.
type proc struct {
	cmd  *exec.Cmd
	conn *grpc.ClientConn
}

// start starts the pack as the engine does (its only argument an engine address; a dummy one
// here, since nothing calls back), reads the port from the first line of its stdout and creates
// a client for it (which connects on the first call).
func start(ctx context.Context, pack string, env []string, stderr io.Writer) (*proc, error) {
	cmd := exec.CommandContext(ctx, pack, "127.0.0.1:1")
	cmd.Stderr = stderr
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", pack, err)
	}
	p := &proc{cmd: cmd}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("reading the port from %s: %w", pack, err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }() // later stdout lines are the engine's to relay
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port < 1 || port > 65535 {
		p.stop()
		return nil, fmt.Errorf("%s printed %q as its first line, not a port", pack, strings.TrimSpace(line))
	}
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("dialling the pack: %w", err)
	}
	p.conn = conn
	return p, nil
}

// stop ends the pack as the engine does: SIGINT, then a kill if it lingers.
func (p *proc) stop() {
	if p.conn != nil {
		_ = p.conn.Close()
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// startSample is one start-up: times from exec, the pack's CPU time and peak RSS once it answered.
type startSample struct {
	port, first, info, cpu time.Duration
	hwm                    float64
}

func startup(ctx context.Context, pack string) (startSample, error) {
	var s startSample
	t0 := time.Now()
	p, err := start(ctx, pack, nil, os.Stderr)
	if err != nil {
		return s, err
	}
	defer p.stop()
	s.port = time.Since(t0)
	c := pulumirpc.NewAnalyzerClient(p.conn)
	if _, err := c.GetPluginInfo(ctx, &emptypb.Empty{}, grpc.WaitForReady(true)); err != nil {
		return s, fmt.Errorf("GetPluginInfo: %w", err)
	}
	s.first = time.Since(t0)
	if _, err := c.GetAnalyzerInfo(ctx, &emptypb.Empty{}); err != nil {
		return s, fmt.Errorf("GetAnalyzerInfo: %w", err)
	}
	s.info = time.Since(t0)
	pid := p.cmd.Process.Pid
	if s.cpu, err = procCPU(pid); err != nil {
		return s, err
	}
	_, s.hwm, err = procMemory(pid)
	return s, err
}

// memSample is one session over the K-instance stack.
type memSample struct {
	resources, diagnostics int
	analyze, analyzeStack  time.Duration
	cpu                    time.Duration
	rss, hwm, anon         float64
}

// memory analyses the K-instance preview stack through gRPC, then reads the pack's CPU time and
// memory. mustReport: the pack must report the planted violations (not so the null pack).
func memory(ctx context.Context, pack string, k int, mustReport bool) (memSample, error) {
	var m memSample
	p, err := start(ctx, pack, nil, os.Stderr)
	if err != nil {
		return m, err
	}
	defer p.stop()
	a := plugin.NewAnalyzerWithClient("railsapp", pulumirpc.NewAnalyzerClient(p.conn))
	if _, err := a.GetPluginInfo(ctx); err != nil {
		return m, fmt.Errorf("GetPluginInfo: %w", err)
	}
	if err := synth.Configure(ctx, a); err != nil {
		return m, err
	}
	s := synth.Instances(k, synth.Preview)
	m.resources = len(s.Resources)
	t0 := time.Now()
	for _, r := range s.Inputs {
		// The engine asks every analyzer for remediations first, then analyses.
		if _, err := a.Remediate(ctx, r); err != nil {
			return m, fmt.Errorf("Remediate(%s): %w", r.URN, err)
		}
		resp, err := a.Analyze(ctx, r)
		if err != nil {
			return m, fmt.Errorf("Analyze(%s): %w", r.URN, err)
		}
		m.diagnostics += len(resp.Diagnostics)
	}
	m.analyze = time.Since(t0)
	t0 = time.Now()
	resp, err := a.AnalyzeStack(ctx, s.Resources)
	if err != nil {
		return m, fmt.Errorf("AnalyzeStack: %w", err)
	}
	m.analyzeStack = time.Since(t0)
	m.diagnostics += len(resp.Diagnostics)
	if mustReport && m.diagnostics == 0 {
		return m, errors.New("the pack reported nothing on a stack with planted violations")
	}
	pid := p.cmd.Process.Pid
	if m.cpu, err = procCPU(pid); err != nil {
		return m, err
	}
	if m.rss, m.hwm, err = procMemory(pid); err != nil {
		return m, err
	}
	m.anon, err = procAnonymous(pid)
	return m, err
}

// procCPU returns the CPU time pid has used so far, summed over its threads from
// /proc/<pid>/task/*/schedstat (nanoseconds on a CPU). /proc/<pid>/stat counts in clock ticks
// (10 ms), too coarse for a start-up of a few milliseconds.
func procCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("reading the pack's CPU time: no /proc/%d/task/*/schedstat", pid)
	}
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just ended
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("reading the pack's CPU time: %s: %w", t, err)
		}
		total += time.Duration(ns)
	}
	return total, nil
}

// procAnonymous reads how much of pid's resident set is anonymous memory (heap, stacks, runtime
// structures), in MiB; the rest is the executable's pages.
func procAnonymous(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, fmt.Errorf("reading the pack's memory: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "Anonymous:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no Anonymous line in /proc smaps_rollup")
}

// initGroups name the parts of an executable whose package initialisation startbench reports, by
// import path prefix; "other" is every other package (the rest of the SDK's dependencies, the
// standard library).
var initGroups = []struct{ name, prefix string }{
	{"pack", "github.com/keyless-ecs/railsapp/"},
	{"pulumi", "github.com/pulumi/pulumi/"},
	{"grpc", "google.golang.org/"},
}

// inits runs the executable once with GODEBUG=inittrace=1 until it prints its port, and sums
// the wall time and bytes of its package initialisation by group.
func inits(ctx context.Context, pack string) (map[string]stats.Init, error) {
	var trace strings.Builder
	p, err := start(ctx, pack, []string{"GODEBUG=inittrace=1"}, &trace)
	if err != nil {
		return nil, err
	}
	p.stop() // waits for the process, so the trace is complete
	out := map[string]stats.Init{}
	for _, line := range strings.Split(trace.String(), "\n") {
		// init <package> @<t> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs
		f := strings.Fields(line)
		if len(f) < 10 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		ms, err1 := strconv.ParseFloat(f[4], 64)
		bytes, err2 := strconv.ParseFloat(f[7], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		group := "other"
		for _, g := range initGroups {
			if strings.HasPrefix(f[1], g.prefix) {
				group = g.name
				break
			}
		}
		in := out[group]
		in.MS += ms
		in.MiB += bytes / (1 << 20)
		out[group] = in
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s printed no init trace", pack)
	}
	return out, nil
}

// procMemory reads VmRSS and VmHWM (peak resident set) of pid, in MiB.
func procMemory(pid int) (rss, hwm float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("reading the pack's memory: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || f[2] != "kB" {
			continue
		}
		kb, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	if rss == 0 || hwm == 0 {
		return 0, 0, errors.New("no VmRSS/VmHWM in /proc status")
	}
	return rss, hwm, nil
}
