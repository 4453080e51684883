package pack_test

import (
	"context"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
)

// FuzzExecutionRoleJoin feeds one arbitrary document to every place the execution-role join
// reads one (a role policy, a trust policy, a bucket and an access point policy) and the same
// text as a role name and an environment file, in an update and in AnalyzeStack. Nothing may
// panic, and no message may show the fixture's credential.
func FuzzExecutionRoleJoin(f *testing.F) {
	for _, s := range []string{
		pt.Doc(pt.To(pt.Allow("s3:GetObject", "*"), "*", "Condition", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})),
		pt.Doc(map[string]any{"Effect": "Allow", "NotPrincipal": map[string]any{"AWS": []any{"AROAABCDEFGHIJKLMNOPQ", "123456789012"}}, "Action": "s3:*", "Resource": "*"}),
		pt.Doc(pt.To(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole"}, map[string]any{"AWS": pt.RoleARN("app-exec")})),
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotLikeIfExists":{"aws:userid":["*:"]}}}]}`,
		`{"Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b/k","arn:aws:s3:::b","arn:aws:s3:::"]}}`,
		"exec-", "arn:aws:iam::123456789012:role/", "", "{",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		key := pt.FakeKeyID("AKIA")
		rs := []pt.Resource{
			pt.New(awsfacts.TypeRole, "exec", map[string]any{"namePrefix": doc, "assumeRolePolicy": doc,
				"inlinePolicies": []any{map[string]any{"name": doc, "policy": doc}}}),
			pt.Role("app-exec", map[string]any{"assumeRolePolicy": doc}),
			pt.RolePolicy("p", doc, doc),
			pt.Attachment("a", doc, doc),
			pt.BucketPolicy("bp", "b", doc),
			pt.New(awsfacts.TypeS3AccessPoint, "ap", map[string]any{"bucket": "b", "policy": doc}),
			pt.WithEnvFiles(pt.TaskDef("app", pt.RoleARN("app-exec"), doc), doc, "arn:aws:s3:::b/"+key),
			pt.TaskDef("other", doc, pt.RoleARN(doc)),
		}
		for _, m := range pt.Modes {
			res, err := pt.Run(context.Background(), pack.NewAnalyzer(), pt.Case{Policy: pack.NoS3OnExecutionRole, Resources: rs}, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diagnostics {
				if leaks(d) {
					t.Fatalf("a %s diagnostic shows a credential", d.PolicyName)
				}
			}
		}
	})
}
