package pack_test

import (
	"context"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// leaks reports whether a diagnostic shows more than four characters of a fixture credential.
func leaks(d plugin.AnalyzeDiagnostic) bool {
	for _, v := range pt.FakeValues() {
		if strings.Contains(d.Message, v[:5]) || strings.Contains(d.Description, v[:5]) {
			return true
		}
	}
	return false
}

// TestNoCredentialInMessages: no diagnostic of any policy shows a credential, whatever the user
// put where the pack quotes them: resource and role names, property paths, statement IDs, values
// a parse error echoes.
func TestNoCredentialInMessages(t *testing.T) {
	key, secret := pt.FakeKeyID("AKIA"), pt.FakeSecret()
	keyed := "aws_secret_access_key=" + secret
	execARN := pt.RoleARN(key)
	adversarial := map[string][]pt.Resource{
		pack.NoS3OnExecutionRole: {pt.Role(key, nil),
			pt.RolePolicy("p-"+key, key, pt.Doc(map[string]any{"Sid": key, "Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
			pt.RolePolicy("bad", key, `{"Statement":{"Effect":"`+keyed+`","Action":"s3:*","Resource":"*"}}`),
			pt.TaskDef("app", execARN, "")},
		pack.NoEmbeddedAWSCredentials: {pt.New("railsapp:x:Y", key, map[string]any{"settings": map[string]any{key: key, "s": keyed}})},
		pack.S3BucketPrivate: {pt.BucketSub(awsfacts.TypeBucketOwnershipControls, "own", "b", map[string]any{"rule": map[string]any{"objectOwnership": key}}),
			pt.BucketSub(awsfacts.TypeBucketACLV2, key, "b", map[string]any{"acl": "public-read"})},
		pack.S3BucketTLSOnly:    {pt.BucketPolicy(key, "b", `{"Statement":[{"Effect":"`+key+`"}]}`)},
		pack.S3BucketEncryption: {pt.BucketSub(awsfacts.TypeBucketSSEV2, "sse", "b", map[string]any{"rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": keyed}}}})},
		pack.S3LeastPrivilege:   {pt.Policy("p", pt.Doc(map[string]any{"Sid": key, "Effect": "Allow", "Action": "s3:*", "Resource": "*"}))},
		pack.ECSTaskRoleTrust: {pt.Role("t", map[string]any{"assumeRolePolicy": pt.Doc(map[string]any{"Effect": "Allow",
			"Principal": map[string]any{"Service": awsfacts.ECSTasksPrincipal, "AWS": execARN}, "Action": []any{"sts:AssumeRole", key}})})},
		pack.ECSDistinctRoles:            {pt.TaskDef("app", execARN, execARN)},
		pack.ECSTaskRoleForS3:            {pt.TaskDef("app", execARN, "").Set("containerDefinitions", `[{"name":"`+key+`","environment":[{"name":"S3_BUCKET","value":"b"}]}]`)},
		pack.ECSCredentialChainUntouched: {pt.TaskDef("app", execARN, "").Set("containerDefinitions", `[{"name":"`+keyed+`","environment":[{"name":"AWS_PROFILE","value":"p"}]}]`)},
	}
	everyPolicy := map[string]plugin.AnalyzerPolicyConfig{}
	for _, name := range pack.PolicyNames() {
		everyPolicy[name] = plugin.AnalyzerPolicyConfig{EnforcementLevel: apitype.Mandatory}
	}
	for _, policy := range pack.PolicyNames() {
		rs, ok := adversarial[policy]
		if !ok {
			t.Errorf("no adversarial input for %s", policy)
			continue
		}
		var ds []plugin.AnalyzeDiagnostic
		ds = append(ds, analyze(t, configured(t, everyPolicy), rs...)...)
		ds = append(ds, analyzeStack(t, configured(t, everyPolicy), rs...)...)
		reported := false
		for _, d := range ds {
			reported = reported || d.PolicyName == policy
			if leaks(d) {
				// Name only the policy and resource: the message holds the value.
				t.Errorf("a %s diagnostic on a %s shows a credential", d.PolicyName, d.URN.Type())
			}
		}
		if !reported {
			t.Errorf("%s reported nothing on its adversarial input, so the test proves nothing", policy)
		}
	}

	// And every case of both mandatory policies, in every mode.
	for _, c := range append(pt.ExecRole(), pt.Credentials()...) {
		for _, m := range pt.Modes {
			res, err := pt.Run(context.Background(), pack.NewAnalyzer(), c, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range res.Diagnostics {
				if leaks(d) {
					t.Errorf("%s (%s): a %s diagnostic shows a credential", c.Name, m, d.PolicyName)
				}
			}
		}
	}
}
