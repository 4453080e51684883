package awsfacts

import (
	"strings"
	"testing"
)

func TestParseSecretValueFrom(t *testing.T) {
	const sm = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:"
	cases := []struct {
		in, action, grant string
		partial           bool
		jsonKey, stage    string
	}{
		{"arn:aws:ssm:ap-northeast-1:123456789012:parameter/app/prod/KEY", SSMGetParameters,
			"arn:aws:ssm:ap-northeast-1:123456789012:parameter/app/prod/KEY", false, "", ""},
		{sm + "app/db-AbCdEf", SecretsManagerGetSecretValue, sm + "app/db-AbCdEf", false, "", ""},
		{sm + "app/db", SecretsManagerGetSecretValue, sm + "app/db-??????", true, "", ""},
		{sm + "app/db-AbCdEf:password::", SecretsManagerGetSecretValue, sm + "app/db-AbCdEf", false, "password", ""},
		{sm + "app/db::AWSPREVIOUS:", SecretsManagerGetSecretValue, sm + "app/db-??????", true, "", "AWSPREVIOUS"},
		{"arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x-123456", SecretsManagerGetSecretValue,
			"arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x-123456", false, "", ""},
	}
	for _, c := range cases {
		ref, err := ParseSecretValueFrom(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if ref.Action() != c.action || ref.GrantResource() != c.grant || ref.Partial != c.partial ||
			ref.JSONKey != c.jsonKey || ref.VersionStage != c.stage {
			t.Errorf("%s: got %+v (action %s, grant %s)", c.in, ref, ref.Action(), ref.GrantResource())
		}
	}
	for in, want := range map[string]string{
		"RAILS_MASTER_KEY":                                                    "not an ARN",
		"arn:aws:s3:::bucket/key":                                             "not an SSM parameter or Secrets Manager secret",
		"arn:aws:ssm:ap-northeast-1:123:parameter/x":                          "12-digit account",
		"arn:aws:ssm:ap-northeast-1:123456789012:doc/x":                       "parameter/<name>",
		sm + "app/db-AbCdEf:password":                                         "exactly :<json-key>:<version-stage>:<version-id>",
		sm + "app/db-AbCdEf::AWSCURRENT:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0": "both a version stage and a version ID",
		sm + "app/db-AbCdEf:::short":                                          "version ID",
		sm + "app db":                                                         "letters, digits",
	} {
		_, err := ParseSecretValueFrom(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", in, err, want)
		}
	}
}
