package pack_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// fuzzCredentials runs resources through every mode and checks what holds whatever the input:
// nothing panics, the policy reaches want (Pass means "anything"), and no message shows the
// planted key ID unless the input itself holds part of it.
func fuzzCredentials(t *testing.T, input string, want pt.Verdict, rs ...pt.Resource) {
	t.Helper()
	plantedInInput := pt.Leaks(input)
	for _, m := range pt.Modes {
		res, err := pt.Run(context.Background(), pt.Local(), pt.Case{Policy: pack.NoEmbeddedAWSCredentials, Resources: rs}, m)
		if err != nil {
			t.Fatal(err)
		}
		if want != pt.Pass {
			if got := pt.VerdictOf(res.Diagnostics, pack.NoEmbeddedAWSCredentials); got != want {
				t.Fatalf("%s: verdict %s, want %s", m, got, want)
			}
		}
		for _, d := range res.Diagnostics {
			if !plantedInInput && leaks(d) {
				t.Fatalf("%s: a %s diagnostic shows a credential", m, d.PolicyName)
			}
		}
	}
}

// FuzzCredentialWalk puts one arbitrary string everywhere the property walk reads (a value, a
// map key, a variable name and value, a list element, a parameter name, asset text, an archive
// member's name and text, JSON inputs when it parses), beside a key ID in a fixed place: the key
// must still be found, in every mode, and never shown.
func FuzzCredentialWalk(f *testing.F) {
	for _, s := range []string{
		"", "x", "AWS_ACCESS_KEY_ID", "aws_secret_access_key=", `{"name":"AWS_SECRET_ACCESS_KEY","value":"v"}`,
		`{"a":{"b":[1,"c",{"d":null}]},"AWS_SESSION_TOKEN":"t"}`, "export AWS_ACCESS_KEY_ID=$(x)\n", "--aws-secret-access-key",
		"AKIAIOSFODNN7EXAMPLE", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x", "\x00\xff", "a/b/../.env", "[[[[",
		"ZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPSQoeCkK",
	} {
		f.Add(s)
	}
	key := pt.FakeKeyID("AKIA")
	f.Fuzz(func(t *testing.T, s string) {
		settings := map[string]any{"planted": key, "value": s, s: s, "list": []any{s, "--x", s},
			"vars": []any{map[string]any{"name": s, "value": s}, map[string]any{"key": s, "valueFrom": s}}}
		var parsed map[string]any
		if json.Unmarshal([]byte(s), &parsed) == nil {
			settings["json"] = parsed
		}
		comp := pt.New("railsapp:x:Y", "c", map[string]any{"settings": settings})
		param := pt.New(awsfacts.TypeSSMParameter, "p", map[string]any{"name": s, "value": s, "type": "String"})
		obj := pt.New(awsfacts.TypeBucketObjectV2, "o", map[string]any{"bucket": "b", "key": s}).Set("source", pt.TextAsset(s))
		fn := pt.New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"environment": map[string]any{"variables": map[string]any{s: s}}}).
			Set("code", pt.AssetArchive(map[string]any{s: s, "lib": map[string]any{s + ".env": s}}))
		fuzzCredentials(t, s, pt.Block, comp)
		fuzzCredentials(t, s, pt.Pass, param, obj, fn)
	})
}

// FuzzContainerDefinitions feeds arbitrary text as a task definition's containerDefinitions,
// and as every field of a container that also sets AWS_ACCESS_KEY_ID to it. Text that is not a
// JSON list is a violation (the pack cannot verify it); a credential variable set to anything
// but "" always is; nothing panics or shows the planted key.
func FuzzContainerDefinitions(f *testing.F) {
	for _, s := range []string{
		pt.Containers(`{"name":"RAILS_ENV","value":"production"}`, ""),
		pt.Container(`"command":["a","b"],"healthCheck":{"command":["CMD","x"]},"logConfiguration":{"options":{"a":"b"}}`),
		`[{"ENVIRONMENT":[{"NAME":"x","VALUE":1}]}]`, `[{"name":"web",`, `{}`, `[]`, `null`, `[1,"a",null,[{}]]`, "", " ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		raw := pt.TaskDef("app", "", "").Set("containerDefinitions", s)
		want := pt.Pass
		var list []any
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			want = pt.Block
		}
		fuzzCredentials(t, s, want, raw)

		q := strconv.Quote(s)
		if !json.Valid([]byte(q)) {
			return // Go quoting that is not JSON (invalid UTF-8): the wrapped form would be malformed
		}
		every := pt.Container(`"environment":[{"name":"AWS_ACCESS_KEY_ID","value":` + q + `},{"name":` + q + `,"value":` + q + `}],` +
			`"secrets":[{"name":` + q + `,"valueFrom":` + q + `}],"command":[` + q + `,` + q + `],"entryPoint":[` + q + `],` +
			`"dockerLabels":{` + q + `:` + q + `},"logConfiguration":{"logDriver":"awslogs","options":{` + q + `:` + q + `},` +
			`"secretOptions":[{"name":` + q + `,"valueFrom":` + q + `}]},"healthCheck":{"command":[` + q + `]},` +
			`"repositoryCredentials":{"credentialsParameter":` + q + `}`)
		want = pt.Pass
		if s != "" {
			want = pt.Block
		}
		fuzzCredentials(t, s, want, pt.TaskDef("app", "", "").Set("containerDefinitions", resource.NewStringProperty(every)))
	})
}
