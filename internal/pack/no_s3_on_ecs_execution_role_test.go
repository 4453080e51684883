package pack_test

import (
	"testing"

	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// TestUpOrderingBlocksSecondArrival simulates an update with no preview: whichever of the grant
// and the task definition arrives second must be the one blocked, before it is created.
func TestUpOrderingBlocksSecondArrival(t *testing.T) {
	exec := pt.Role("app-exec", nil)
	grant := pt.Attachment("exec-s3", "app-exec", pt.AWSManaged("AmazonS3FullAccess"))
	td := pt.TaskDef("app", pt.RoleARN("app-exec"), "")
	for _, order := range [][]pt.Resource{{exec, grant, td}, {exec, td, grant}} {
		c := pt.Case{Policy: pack.NoS3OnExecutionRole, Resources: order, Want: pt.Block, StopAt: order[2].Name, Path: "exec-s3"}
		res, err := pt.Run(t.Context(), pack.NewAnalyzer(), c, pt.Update)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range c.Problems(pt.Update, res) {
			t.Errorf("order %s → %s → %s: %s", order[0].Name, order[1].Name, order[2].Name, p)
		}
	}
}

// TestAnalyzeAgainReplacesWhatAResourceSaid covers the update pass after a preview pass in the
// same process: a resource analysed again with a fixed document no longer counts.
func TestAnalyzeAgainReplacesWhatAResourceSaid(t *testing.T) {
	a := pack.NewAnalyzer()
	exec := pt.Role("app-exec", nil)
	analyze(t, a, exec, pt.RolePolicy("exec-p", "app-exec", pt.Doc(pt.Allow("s3:*", "*"))))
	ds := analyze(t, a, pt.RolePolicy("exec-p", "app-exec", pt.Doc(pt.Allow("logs:PutLogEvents", "*"))), pt.TaskDef("app", pt.RoleARN("app-exec"), ""))
	if got := filter(ds, pack.NoS3OnExecutionRole, apitype.Mandatory); len(got) > 0 {
		t.Fatalf("stale grant reported:\n%s", pt.Messages(got))
	}
}

func TestStackDoesNotRepeatWhatAnalyzeReported(t *testing.T) {
	a := pack.NewAnalyzer()
	rs := []pt.Resource{pt.Role("app-exec", nil), pt.RolePolicy("exec-s3", "app-exec", pt.Doc(pt.Allow("s3:*", "*"))), pt.TaskDef("app", pt.RoleARN("app-exec"), "")}
	first := analyze(t, a, rs...)
	if len(filter(first, pack.NoS3OnExecutionRole, apitype.Mandatory)) != 1 {
		t.Fatalf("want one violation from Analyze:\n%s", pt.Messages(first))
	}
	if got := filter(analyzeStack(t, a, rs...), pack.NoS3OnExecutionRole, apitype.Mandatory); len(got) != 0 {
		t.Fatalf("AnalyzeStack repeated the violation:\n%s", pt.Messages(got))
	}
}
