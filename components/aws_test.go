package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secretsGrant returns the execution role's inline policy grants for these secrets.
func secretsGrant(t *testing.T, secrets map[string]string, keys ...string) []string {
	t.Helper()
	args := validArgs()
	args.Secrets = secrets
	args.SecretsKMSKeyArns = keys
	return inlineGrants(t, mustRun(t, args, false), "railsapp-execution-role-secrets", "devEcsTaskExecutionRole")
}

// inlineGrants returns the grants of the inline role policy name, checking it is role's.
func inlineGrants(t *testing.T, r *run, name, role string) []string {
	t.Helper()
	rp := r.named(t, name)
	assert.Equal(t, role, inputString(t, rp, "role"))
	var d doc
	jsonInput(t, rp, "policy", &d)
	return d.grants()
}

// Every form ECS accepts for a secret is granted so the task can start: IAM matches a secret's
// full ARN, so a partial ARN is granted with -??????, and the JSON-key and version forms grant
// the secret itself.
func TestSecretsGrantWhatIAMMatches(t *testing.T) {
	const sm = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:"
	const ssm = "arn:aws:ssm:ap-northeast-1:111122223333:parameter/railsapp/dev/RAILS_MASTER_KEY"
	cases := []struct {
		name, valueFrom, grant string
	}{
		{"full ARN", sm + "railsapp/db-AbCdEf", "secretsmanager:GetSecretValue on " + sm + "railsapp/db-AbCdEf"},
		{"partial ARN", sm + "railsapp/db", "secretsmanager:GetSecretValue on " + sm + "railsapp/db-??????"},
		{"JSON key", sm + "railsapp/db-AbCdEf:password::", "secretsmanager:GetSecretValue on " + sm + "railsapp/db-AbCdEf"},
		{"version stage", sm + "railsapp/db-AbCdEf::AWSPREVIOUS:", "secretsmanager:GetSecretValue on " + sm + "railsapp/db-AbCdEf"},
		{"version ID", sm + "railsapp/db-AbCdEf:::0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "secretsmanager:GetSecretValue on " + sm + "railsapp/db-AbCdEf"},
		{"JSON key of a partial ARN", sm + "railsapp/db:password::", "secretsmanager:GetSecretValue on " + sm + "railsapp/db-??????"},
		{"SSM parameter", ssm, "ssm:GetParameters on " + ssm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, []string{tc.grant}, secretsGrant(t, map[string]string{"SECRET": tc.valueFrom}))
		})
	}

	// ECS gets the reference exactly as configured.
	args := validArgs()
	args.Secrets = map[string]string{"DB_PASSWORD": sm + "railsapp/db-AbCdEf:password::"}
	var defs []containerDef
	jsonInput(t, mustRun(t, args, false).one(t, tTaskDef), "containerDefinitions", &defs)
	assert.Equal(t, []struct{ Name, ValueFrom string }{{"DB_PASSWORD", sm + "railsapp/db-AbCdEf:password::"}}, defs[0].Secrets)
}

// Secrets encrypted with customer managed keys: the execution role gets exactly kms:Decrypt on
// exactly those keys, and the task role nothing.
func TestSecretsKMSKeysDecryptOnly(t *testing.T) {
	const key = "arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	const param = "arn:aws:ssm:ap-northeast-1:111122223333:parameter/railsapp/dev/RAILS_MASTER_KEY"
	assert.Equal(t, []string{"kms:Decrypt on " + key, "ssm:GetParameters on " + param},
		secretsGrant(t, map[string]string{"RAILS_MASTER_KEY": param}, key))

	args := validArgs()
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": param}
	args.SecretsKMSKeyArns = []string{key}
	var d doc
	jsonInput(t, mustRun(t, args, false).one(t, tPolicy), "policy", &d)
	assert.NotContains(t, d.grants(), "kms:Decrypt on "+key, "the task role gets no secrets key")
}

// kmsKeyArn must be a key of the stack's region and partition: S3 accepts another region's key
// at PutBucketEncryption, and every upload fails afterwards.
func TestKMSKeyMustBeInTheStacksRegion(t *testing.T) {
	cases := map[string]string{
		"other region":    "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"other partition": "arn:aws-cn:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"bad account":     "arn:aws:kms:ap-northeast-1:1111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
	}
	for name, key := range cases {
		t.Run(name, func(t *testing.T) {
			args := validArgs()
			args.KMSKeyArn = key
			r, err := runComponent(t, args, false)
			var ae *ArgsError
			require.ErrorAs(t, err, &ae)
			require.Len(t, ae.Problems, 1)
			assert.Equal(t, "kmsKeyArn", ae.Problems[0].Field)
			assert.Empty(t, r.mocks.Resources(), "nothing registered")
		})
	}
	args := validArgs()
	args.KMSKeyArn = "arn:aws:kms:ap-northeast-1:999988887777:key/mrk-0123456789abcdef0123456789abcdef"
	_, err := runComponent(t, args, false)
	assert.NoError(t, err, "a key of another account in the stack's region is fine")
}

// ECS Exec: exactly the four ssmmessages actions for the task role, an init process in the
// container; the execution role is unchanged. Off by default.
func TestExecCommand(t *testing.T) {
	args := validArgs()
	args.EnableExecCommand = true
	r := mustRun(t, args, false)
	assert.Equal(t, []string{"ssmmessages:CreateControlChannel on *", "ssmmessages:CreateDataChannel on *",
		"ssmmessages:OpenControlChannel on *", "ssmmessages:OpenDataChannel on *"},
		inlineGrants(t, r, "railsapp-task-role-exec", "devEcsTaskRole"))
	var defs []map[string]any
	jsonInput(t, r.one(t, tTaskDef), "containerDefinitions", &defs)
	assert.Equal(t, map[string]any{"initProcessEnabled": true}, defs[0]["linuxParameters"])
	assert.Len(t, r.mocks.ByType(tAttach), 2, "no new attachment on either role")

	off := mustRun(t, validArgs(), false)
	_, has := off.mocks.ByName("railsapp-task-role-exec")
	assert.False(t, has)
	var offDefs []map[string]any
	jsonInput(t, off.one(t, tTaskDef), "containerDefinitions", &offDefs)
	assert.NotContains(t, offDefs[0], "linuxParameters")
}
