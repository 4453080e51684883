package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/keyless-ecs/railsapp/bench/auditgen"
	"github.com/keyless-ecs/railsapp/internal/audit"
	"github.com/keyless-ecs/railsapp/internal/report"
)

// BenchmarkAudit audits a generated organization of 60 stacks (15 resources each, every tenth
// violating) on a file:// backend, as keyless-audit does: list, read, judge, report. One op is the
// whole audit; stacks/s is the number to watch. The 1,000-stack run with peak memory is
// bench/cmd/auditbench (numbers in BENCHMARKS.md).
func BenchmarkAudit(b *testing.B) {
	const n = 60
	ctx := context.Background()
	url := "file://" + filepath.ToSlash(b.TempDir())
	violating, err := auditgen.Generate(ctx, url, n)
	if err != nil {
		b.Fatal(err)
	}
	judge, err := audit.NewJudge(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	src, err := audit.OpenDIY(ctx, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Tool: report.Tool{Name: "bench"}})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Stacks) != n || rep.Summary.Errored != 0 || rep.Summary.Failed != violating {
			b.Fatalf("audit: %d stacks, %d failed (want %d), %d errors", len(rep.Stacks), rep.Summary.Failed, violating, rep.Summary.Errored)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stacks/s")
}
