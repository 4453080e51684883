package pack

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// syntheticStack returns n resources shaped like n/5 copies of the component's IAM and ECS part.
func syntheticStack(n int) []fixture {
	var fs []fixture
	for i := 0; len(fs) < n; i++ {
		exec, task := fmt.Sprintf("exec-%d", i), fmt.Sprintf("task-%d", i)
		fs = append(fs, role(exec, nil), role(task, nil),
			attachment("exec-policy-"+exec, exec, execPolicyARN).dep("role", urnOf(typeRole, exec)),
			rolePolicy("task-s3-"+task, task, strings.ReplaceAll(taskS3JSON, "uploads", "uploads-"+task)).dep("role", urnOf(typeRole, task)),
			taskDef(fmt.Sprintf("app-%d", i), roleARN(exec), roleARN(task)).
				dep("executionRoleArn", urnOf(typeRole, exec)).dep("taskRoleArn", urnOf(typeRole, task)))
	}
	return fs[:n]
}

func BenchmarkAnalyzeStack10k(b *testing.B) {
	fs := syntheticStack(10000)
	rs := make([]plugin.AnalyzerStackResource, len(fs))
	for i, f := range fs {
		rs[i] = f.stackResource()
	}
	a := NewAnalyzer()
	b.ResetTimer()
	for range b.N {
		if _, err := a.AnalyzeStack(context.Background(), rs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyzePerResource(b *testing.B) {
	fs := syntheticStack(10000)
	rs := make([]plugin.AnalyzerResource, len(fs))
	for i, f := range fs {
		rs[i] = f.resource()
	}
	a := NewAnalyzer()
	b.ResetTimer()
	for i := range b.N {
		if _, err := a.Analyze(context.Background(), rs[i%len(rs)]); err != nil {
			b.Fatal(err)
		}
	}
}
