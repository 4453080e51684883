// Command startbench measures the policy pack executable as the engine uses it:
//
//   - start-up: from starting the executable (with a dummy engine address, as the engine passes its
//     own) to the first answered GetAnalyzerInfo over gRPC, which is when the engine can use it;
//   - memory: its resident set (VmRSS, and the peak VmHWM) from /proc after it has analysed a
//     synthetic stack of K component instances through gRPC, call by call as the engine sends it
//     (GetPluginInfo, GetAnalyzerInfo, Configure, Analyze per resource, AnalyzeStack), with the
//     engine's own client code (plugin.NewAnalyzerWithClient).
//
// It builds the pack with harness/offline (scripts/build.sh policy-pack: .bin/keyless-policy) unless
// -pack names an executable, and writes its results as JSON (-out) for bench/run.sh.
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
	runs := flag.Int("runs", 15, "start-up measurements (after one unmeasured warm-up start)")
	k := flag.Int("k", 100, "component instances in the stack analysed before reading memory")
	pack := flag.String("pack", "", "policy pack executable (default: build ./policypack with harness/offline)")
	out := flag.String("out", "", "write the result as JSON to this file")
	flag.Parse()
	if err := run(*runs, *k, *pack, *out); err != nil {
		fmt.Fprintln(os.Stderr, "startbench:", err)
		os.Exit(1)
	}
}

func run(runs, k int, pack, out string) error {
	ctx := context.Background()
	if pack == "" {
		root, err := offline.RepoRoot(".")
		if err != nil {
			return err
		}
		if pack, err = offline.BuildPolicyPack(ctx, root, os.Stderr); err != nil {
			return err
		}
	}
	res := stats.Startup{Pack: pack, K: k}
	for i := 0; i <= runs; i++ {
		d, err := startup(ctx, pack)
		if err != nil {
			return err
		}
		if i > 0 { // the first start warms the page cache
			res.StartupMS = append(res.StartupMS, stats.MS(d))
		}
	}
	res.StartupMedianMS, res.StartupMinMS = stats.Median(res.StartupMS), minOf(res.StartupMS)
	if err := memory(ctx, pack, &res); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "start-up: median %.1f ms, min %.1f ms over %d runs; K=%d (%d resources): VmRSS %.1f MB, VmHWM %.1f MB, Remediate+Analyze %.0f ms, AnalyzeStack %.0f ms, pack CPU %.0f ms, %d diagnostics\n",
		res.StartupMedianMS, res.StartupMinMS, len(res.StartupMS), res.K, res.Resources, res.VmRSSMB, res.VmHWMMB,
		res.AnalyzeMS, res.AnalyzeStkMS, res.PackCPUMS, res.Diagnostics)
	return stats.WriteJSON(out, res)
}

// proc is a running pack executable.
type proc struct {
	cmd  *exec.Cmd
	conn *grpc.ClientConn
}

// start starts the pack as the engine does (its only argument an engine address; a dummy one
// here, since nothing calls back) and dials the port it prints on stdout's first line.
func start(ctx context.Context, pack string) (*proc, error) {
	cmd := exec.CommandContext(ctx, pack, "127.0.0.1:1")
	cmd.Stderr = os.Stderr
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

// startup is one start-to-first-GetAnalyzerInfo measurement.
func startup(ctx context.Context, pack string) (time.Duration, error) {
	t0 := time.Now()
	p, err := start(ctx, pack)
	if err != nil {
		return 0, err
	}
	defer p.stop()
	if _, err := pulumirpc.NewAnalyzerClient(p.conn).GetAnalyzerInfo(ctx, &emptypb.Empty{}, grpc.WaitForReady(true)); err != nil {
		return 0, fmt.Errorf("GetAnalyzerInfo: %w", err)
	}
	return time.Since(t0), nil
}

// memory analyses the K-instance preview stack through gRPC, then reads the pack's memory.
func memory(ctx context.Context, pack string, res *stats.Startup) error {
	p, err := start(ctx, pack)
	if err != nil {
		return err
	}
	defer p.stop()
	a := plugin.NewAnalyzerWithClient("railsapp", pulumirpc.NewAnalyzerClient(p.conn))
	if _, err := a.GetPluginInfo(ctx); err != nil {
		return fmt.Errorf("GetPluginInfo: %w", err)
	}
	if err := synth.Configure(ctx, a); err != nil {
		return err
	}
	s := synth.Instances(res.K, synth.Preview)
	res.Resources = len(s.Resources)
	t0 := time.Now()
	for _, r := range s.Inputs {
		// The engine asks every analyzer for remediations first, then analyses.
		if _, err := a.Remediate(ctx, r); err != nil {
			return fmt.Errorf("Remediate(%s): %w", r.URN, err)
		}
		resp, err := a.Analyze(ctx, r)
		if err != nil {
			return fmt.Errorf("Analyze(%s): %w", r.URN, err)
		}
		res.Diagnostics += len(resp.Diagnostics)
	}
	res.AnalyzeMS = stats.MS(time.Since(t0))
	t0 = time.Now()
	resp, err := a.AnalyzeStack(ctx, s.Resources)
	if err != nil {
		return fmt.Errorf("AnalyzeStack: %w", err)
	}
	res.AnalyzeStkMS = stats.MS(time.Since(t0))
	res.Diagnostics += len(resp.Diagnostics)
	if res.Diagnostics == 0 {
		return errors.New("the pack reported nothing on a stack with planted violations")
	}
	if res.PackCPUMS, err = procCPU(p.cmd.Process.Pid); err != nil {
		return err
	}
	res.VmRSSMB, res.VmHWMMB, err = procMemory(p.cmd.Process.Pid)
	return err
}

// procCPU reads the user+sys CPU time of pid from /proc/<pid>/stat, in milliseconds.
func procCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("reading the pack's CPU time: %w", err)
	}
	// The fields after the command name (which is in parentheses and may hold spaces).
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat line")
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("malformed /proc stat line")
	}
	const clockTicks = 100 // USER_HZ on Linux
	return (utime + stime) * 1000 / clockTicks, nil
}

// procMemory reads VmRSS and VmHWM (peak resident set) of pid, in MB (2^20 bytes).
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

func minOf(xs []float64) float64 {
	m := 0.0
	for i, x := range xs {
		if i == 0 || x < m {
			m = x
		}
	}
	return m
}
