package pack_test

import (
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/iamdata"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// TestUpOrderingBlocksSecondArrival simulates an update with no preview: whichever of the grant
// and the task definition arrives second must be the one blocked, before it is created.
func TestUpOrderingBlocksSecondArrival(t *testing.T) {
	exec := pt.Role("app-exec", nil)
	grant := pt.Attachment("exec-s3", "app-exec", pt.AWSManaged("AmazonS3FullAccess"))
	td := pt.TaskDef("app", pt.RoleARN("app-exec"), "")
	for _, order := range [][]pt.Resource{{exec, grant, td}, {exec, td, grant}} {
		c := pt.Case{Policy: pack.NoS3OnExecutionRole, Resources: order, Want: pt.Block, StopAt: order[2].Name, Path: "exec-s3"}
		res, err := pt.Run(t.Context(), pt.Local(), c, pt.Update)
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
	a := newPack()
	exec := pt.Role("app-exec", nil)
	analyze(t, a, exec, pt.RolePolicy("exec-p", "app-exec", pt.Doc(pt.Allow("s3:*", "*"))))
	ds := analyze(t, a, pt.RolePolicy("exec-p", "app-exec", pt.Doc(pt.Allow("logs:PutLogEvents", "*"))), pt.TaskDef("app", pt.RoleARN("app-exec"), ""))
	if got := filter(ds, pack.NoS3OnExecutionRole, apitype.Mandatory); len(got) > 0 {
		t.Fatalf("stale grant reported:\n%s", pt.Messages(got))
	}
}

func TestStackDoesNotRepeatWhatAnalyzeReported(t *testing.T) {
	a := newPack()
	rs := []pt.Resource{pt.Role("app-exec", nil), pt.RolePolicy("exec-s3", "app-exec", pt.Doc(pt.Allow("s3:*", "*"))), pt.TaskDef("app", pt.RoleARN("app-exec"), "")}
	first := analyze(t, a, rs...)
	if len(filter(first, pack.NoS3OnExecutionRole, apitype.Mandatory)) != 1 {
		t.Fatalf("want one violation from Analyze:\n%s", pt.Messages(first))
	}
	if got := filter(analyzeStack(t, a, rs...), pack.NoS3OnExecutionRole, apitype.Mandatory); len(got) != 0 {
		t.Fatalf("AnalyzeStack repeated the violation:\n%s", pt.Messages(got))
	}
}

// TestExtraS3ManagedPolicyArns: the list takes customer managed policy ARNs only. A name or an AWS
// managed policy (judged from AWS's data) is refused with what to do instead, and the refusal
// never echoes a credential.
func TestExtraS3ManagedPolicyArns(t *testing.T) {
	configure := func(list ...any) error {
		return newPack().Configure(t.Context(), map[string]plugin.AnalyzerPolicyConfig{
			pack.NoS3OnExecutionRole: {Properties: map[string]any{"extraS3ManagedPolicyArns": list}}})
	}
	if err := configure("arn:aws:iam::123456789012:policy/org/data-lake", "arn:aws-us-gov:iam::123456789012:policy/x"); err != nil {
		t.Fatalf("customer managed policy ARNs refused: %v", err)
	}
	for entry, want := range map[string][]string{
		"AmazonS3FullAccess":                                       {"is not a policy ARN", "arn:aws:iam::<account>:policy/<path><name>", "need no entry"},
		"arn:aws:iam::aws:policy/AmazonS3FullAccess":               {"is an AWS managed policy", "snapshot of " + iamdata.SnapshotDate(), "remove it", "blockUnverifiableGrants"},
		"arn:aws:iam::123456789012:role/data-lake":                 {"is not a policy ARN"},
		"arn:aws:iam::123456789012:policy/" + pt.FakeKeyID("AKIA"): nil, // a valid ARN: accepted
		"aws_secret_access_key=" + pt.FakeSecret():                 {"is not a policy ARN"},
	} {
		err := configure(entry)
		if want == nil {
			if err != nil {
				t.Errorf("%q refused: %v", entry[:8], err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%q accepted", entry[:8])
			continue
		}
		msg := err.Error()
		for _, w := range append(want, pack.NoS3OnExecutionRole, "extraS3ManagedPolicyArns") {
			if !strings.Contains(msg, w) {
				t.Errorf("%q: the error does not say %q: %s", entry[:8], w, awscreds.RedactAll(msg))
			}
		}
		if strings.Contains(msg, pt.FakeSecret()[:5]) {
			t.Errorf("the error shows the secret")
		}
	}
}

// TestExtraS3ManagedPolicyMatchesTheWholeARN: a listed policy is matched by partition, account,
// path and name (in any letter case), not by its name alone.
func TestExtraS3ManagedPolicyMatchesTheWholeARN(t *testing.T) {
	listed := "arn:aws:iam::123456789012:policy/org/Data-Lake"
	for arn, want := range map[string]pt.Verdict{
		"arn:aws:iam::123456789012:policy/org/data-lake":        pt.Block,
		"arn:aws:iam::123456789012:policy/data-lake":            pt.Undecided, // another path: another policy
		"arn:aws:iam::999999999999:policy/org/Data-Lake":        pt.Undecided, // another account
		"arn:aws-us-gov:iam::123456789012:policy/org/Data-Lake": pt.Undecided,
	} {
		c := pt.Case{Policy: pack.NoS3OnExecutionRole, Want: want, Path: "lake",
			Config: map[string]plugin.AnalyzerPolicyConfig{pack.NoS3OnExecutionRole: {
				Properties: map[string]any{"extraS3ManagedPolicyArns": []any{listed}}}},
			Resources: []pt.Resource{pt.Role("app-exec", nil), pt.Attachment("lake", "app-exec", arn), pt.TaskDef("app", pt.RoleARN("app-exec"), "")}}
		for _, m := range pt.Modes {
			res, err := pt.Run(t.Context(), pt.Local(), c, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range c.Problems(m, res) {
				t.Errorf("%s: %s", arn, p)
			}
		}
	}
}
