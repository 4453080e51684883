package bench

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/keyless-ecs/railsapp/bench/synth"
	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/pack/sdkplugin"
)

// sizes are the stack sizes, in resources, the issue asks for.
var sizes = []int{10, 100, 1000, 10000}

var modes = []synth.Mode{synth.Preview, synth.Update}

// BenchmarkAnalyze runs the per-resource `Analyze` call over a whole stack, in registration order,
// as the engine does in one pass, on a fresh, configured analyzer each time (the pack remembers
// grants within a run). One op is one pass over N resources; ns/resource is the number to watch,
// and it must stay flat as N grows.
func BenchmarkAnalyze(b *testing.B) {
	for _, mode := range modes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/N=%d", mode, n), func(b *testing.B) {
				inputs := packInputs(synth.Resources(n, mode).Inputs)
				ctx := context.Background()
				b.ReportAllocs()
				passes, diags := 0, 0
				cpu0 := cpuTime()
				for b.Loop() {
					b.StopTimer()
					a := configured(b)
					b.StartTimer()
					diags = analyzeAll(ctx, b, a, inputs)
					passes++
				}
				cpu := cpuTime() - cpu0
				perResource(b, passes*n, cpu, diags, func() { analyzeAll(ctx, b, configured(b), inputs) }, n)
			})
		}
	}
}

// BenchmarkAnalyzeStack runs the stack-level `AnalyzeStack` call over the whole stack (outputs,
// dependencies, property dependencies) on one configured analyzer.
func BenchmarkAnalyzeStack(b *testing.B) {
	for _, mode := range modes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/N=%d", mode, n), func(b *testing.B) {
				states := packStates(synth.Resources(n, mode).Resources)
				ctx := context.Background()
				a := configured(b)
				b.ReportAllocs()
				passes, diags := 0, 0
				cpu0 := cpuTime()
				for b.Loop() {
					diags = analyzeStack(ctx, b, a, states)
					passes++
				}
				cpu := cpuTime() - cpu0
				perResource(b, passes*n, cpu, diags, func() { analyzeStack(ctx, b, a, states) }, n)
			})
		}
	}
}

func analyzeAll(ctx context.Context, tb testing.TB, a *pack.Analyzer, rs []pack.AnalyzerResource) int {
	diags := 0
	for _, r := range rs {
		resp, err := a.Analyze(ctx, r)
		if err != nil {
			tb.Fatalf("Analyze(%s): %v", r.URN, err)
		}
		diags += len(resp.Diagnostics)
	}
	return diags
}

func analyzeStack(ctx context.Context, tb testing.TB, a *pack.Analyzer, rs []pack.AnalyzerStackResource) int {
	resp, err := a.AnalyzeStack(ctx, rs)
	if err != nil {
		tb.Fatalf("AnalyzeStack: %v", err)
	}
	return len(resp.Diagnostics)
}

// perResource reports the per-resource metrics: wall time, and CPU time (this process's user and
// system time over the loop, garbage collection included), which other load on a shared machine
// inflates much less. Allocations are measured on one extra, untimed pass, since -benchmem's
// allocs/op is per pass over the stack.
func perResource(b *testing.B, resources int, cpu time.Duration, diags int, onePass func(), n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(resources), "ns/resource")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(resources), "cpu-ns/resource")
	b.ReportMetric(float64(diags), "diags/op")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	onePass()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/resource")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n), "B/resource")
}

// cpuTime is the CPU time (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// configured returns a fresh analyzer, configured.
func configured(tb testing.TB) *pack.Analyzer {
	tb.Helper()
	a := newAnalyzer()
	configure(tb, a)
	return a
}

// configure configures a as the engine does: every policy at its declared enforcement level,
// with the pack's initial config.
func configure(tb testing.TB, a *pack.Analyzer) {
	tb.Helper()
	if err := synth.Configure(context.Background(), sdkplugin.New(a)); err != nil {
		tb.Fatal(err)
	}
}
