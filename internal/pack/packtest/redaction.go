package packtest

import (
	"encoding/base64"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// leakWindow is how many characters of a planted credential in a row count as showing it: more
// than the four of a key ID's prefix, which messages may show.
const leakWindow = 8

// Leaks reports whether text shows a credential the fixtures plant: leakWindow characters in a
// row of one of FakeValues, or anything the scanner still finds (a key in base64, say). It never
// says which, so a failing test does not print the value either.
func Leaks(text string) bool {
	for _, v := range FakeValues() {
		for i := 0; i+leakWindow <= len(v); i++ {
			if strings.Contains(text, v[i:i+leakWindow]) {
				return true
			}
		}
	}
	return len(awscreds.Scan(text)) > 0
}

// EveryPolicyAdvisory enables every policy of the pack at advisory, so that an update with no
// preview does not stop before the last resource and every policy sees every input.
func EveryPolicyAdvisory() map[string]plugin.AnalyzerPolicyConfig {
	cfg := map[string]plugin.AnalyzerPolicyConfig{}
	for _, name := range pack.PolicyNames() {
		cfg[name] = plugin.AnalyzerPolicyConfig{EnforcementLevel: apitype.Advisory}
	}
	return cfg
}

// Adversarial returns, for every policy of the pack, inputs that put credentials wherever the
// policy quotes what the user wrote: resource and role names (so URNs), property paths and map
// keys, variable and container names, statement IDs, actions, malformed documents, canned ACL
// and algorithm values, stack config keys and values. Each case's Policy is the policy it
// targets, which must report something on it (else the case proves nothing); every policy is
// enabled, and no message of any may show a planted credential.
func Adversarial() []Case {
	key, asia, secret, token := FakeKeyID("AKIA"), FakeKeyID("ASIA"), FakeSecret(), FakeToken()
	keyed := "aws_secret_access_key=" + secret
	encoded := base64.StdEncoding.EncodeToString([]byte(keyed))
	execARN := RoleARN(key)
	cases := []Case{
		{Policy: pack.NoS3OnExecutionRole, Resources: []Resource{Role(key, nil),
			RolePolicy("p-"+key, key, Doc(map[string]any{"Sid": key, "Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
			RolePolicy("bad-"+asia, key, `{"Statement":{"Sid":"`+keyed+`","Effect":"`+keyed+`","Action":"s3:*","Resource":"*"}}`),
			RolePolicy("broken", key, `{"Statement":[{"Effect":"Allow","Action":"`+encoded+`",`),
			Attachment("att-"+key, key, AWSManaged(key)),
			TaskDef("app-"+key, execARN, "")}},
		{Policy: pack.NoEmbeddedAWSCredentials,
			StackConfig: map[string]string{"railsapp:" + key: "x", "railsapp:token": token, "railsapp:" + secret: keyed},
			Resources: []Resource{
				New("railsapp:x:Y", key, map[string]any{"settings": map[string]any{key: key, secret: keyed, "t": token,
					"e": encoded, "nested": map[string]any{"aws_secret_access_key": secret}}}),
				New(awsfacts.TypeStack, "railsapp-dev", map[string]any{}),
				TaskDef("td-"+key, "", "").Set("containerDefinitions", Container(`"command":["--aws-secret-access-key","`+secret+`"],`+
					`"environment":[{"name":"`+key+`","value":"`+secret+`"},{"name":"AWS_SECRET_ACCESS_KEY","value":"`+secret+`"}],`+
					`"dockerLabels":{"`+key+`":"`+encoded+`"}`)),
				TaskDef("broken-"+key, "", "").Set("containerDefinitions", `[{"name":"`+key+`","command":["`+secret+`"`),
				New(awsfacts.TypeLambdaFunction, "fn", map[string]any{}).Set("code", AssetArchive(map[string]any{
					key + "/.env": "AWS_SECRET_ACCESS_KEY=" + secret + "\n", "creds-" + secret: keyed})),
			}},
		{Policy: pack.S3BucketPrivate, Resources: []Resource{
			BucketSub(awsfacts.TypeBucketOwnershipControls, "own-"+key, key, map[string]any{"rule": map[string]any{"objectOwnership": key}}),
			BucketSub(awsfacts.TypeBucketACLV2, key, key, map[string]any{"acl": "public-read"}),
			BucketPolicy("bp-"+key, key, Doc(map[string]any{"Sid": keyed, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}))}},
		{Policy: pack.S3BucketTLSOnly, Resources: []Resource{Bucket(key),
			BucketPolicy(key, key, `{"Statement":[{"Effect":"`+key+`","Sid":"`+secret+`"}]}`),
			BucketPolicy("broken-"+key, key, `{"Statement":[`+encoded)}},
		{Policy: pack.S3BucketEncryption, Resources: []Resource{Bucket("b-" + key),
			BucketSub(awsfacts.TypeBucketSSEV2, "sse-"+key, key, map[string]any{"rules": []any{map[string]any{
				"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": keyed}}}})}},
		{Policy: pack.S3LeastPrivilege, Resources: []Resource{
			Policy("p-"+key, Doc(map[string]any{"Sid": key, "Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
			Role("r-"+key, map[string]any{"inlinePolicies": []any{map[string]any{"name": keyed,
				"policy": Doc(map[string]any{"Sid": secret, "Effect": "Allow", "NotAction": "s3:" + key, "Resource": "*"})}}})}},
		{Policy: pack.ECSTaskRoleTrust, Resources: []Resource{
			Role("t-"+key, map[string]any{"assumeRolePolicy": Doc(map[string]any{"Effect": "Allow", "Sid": keyed,
				"Principal": map[string]any{"Service": awsfacts.ECSTasksPrincipal, "AWS": execARN}, "Action": []any{"sts:AssumeRole", key}})}),
			TaskDef("td-"+key, RoleARN("x"), RoleARN("t-"+key))}},
		{Policy: pack.ECSDistinctRoles, Resources: []Resource{TaskDef("app-"+key, execARN, execARN)}},
		{Policy: pack.ECSTaskRoleForS3, Resources: []Resource{TaskDef("app-"+key, execARN, "").
			Set("containerDefinitions", `[{"name":"`+key+`","environment":[{"name":"S3_`+key+`","value":"s3://`+keyed+`"}]}]`)}},
		{Policy: pack.ECSCredentialChainUntouched, Resources: []Resource{TaskDef("app-"+key, execARN, "").
			Set("containerDefinitions", `[{"name":"`+keyed+`","environment":[{"name":"AWS_PROFILE","value":"`+key+`"}],`+
				`"environmentFiles":[{"value":"arn:aws:s3:::b/`+key+`.env","type":"s3"}]}]`)}},
	}
	for i := range cases {
		// Their verdicts are not the point (Want stays unset): what the messages show is.
		cases[i].Name = "credentials planted for " + cases[i].Policy
		cases[i].Config = EveryPolicyAdvisory()
	}
	return cases
}
