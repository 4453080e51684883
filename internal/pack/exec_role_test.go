package pack

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

const (
	s3StarJSON   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	ecrLogsJSON  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","logs:PutLogEvents"],"Resource":"*"}]}`
	secretsJSON  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:app-*"}}`
	taskS3JSON   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::uploads"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::uploads/*"}]}`
	malformedDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",`
)

type execCase struct {
	name  string
	mode  string // "analyze": Analyze in order (update, no preview); "stack": AnalyzeStack only
	cfg   map[string]plugin.AnalyzerPolicyConfig
	fs    []fixture
	block bool // a mandatory no-s3-on-ecs-execution-role violation is expected
}

func execCases() []execCase {
	exec := role("app-exec", nil)
	task := role("app-task", nil)
	td := taskDef("app", roleARN("app-exec"), roleARN("app-task"))
	tdUnknown := taskDef("app", "", "").
		set("executionRoleArn", computed()).set("taskRoleArn", computed()).
		dep("executionRoleArn", exec.urn()).dep("taskRoleArn", task.urn())

	return []execCase{
		// Violations: every grant path, letter case and wildcard forms, strings and objects,
		// secrets, unknowns, malformed input.
		{name: "role policy s3:* JSON string", mode: "analyze", block: true,
			fs: []fixture{exec, task, rolePolicy("exec-s3", "app-exec", s3StarJSON), td}},
		{name: "role policy object form, upper-case S3:GET*", mode: "analyze", block: true,
			fs: []fixture{exec, task, rolePolicy("exec-s3", "app-exec", map[string]any{
				"Statement": map[string]any{"Effect": "Allow", "Action": []any{"logs:PutLogEvents", "S3:GET*"}, "Resource": "*"}}), td}},
		{name: "attachment of AmazonS3ReadOnlyAccess", mode: "analyze", block: true,
			fs: []fixture{exec, task, attachment("exec-ro", "app-exec", awsManaged("AmazonS3ReadOnlyAccess")), td}},
		{name: "attachment of a policy in the stack", mode: "analyze", block: true,
			fs: []fixture{exec, task, iamPolicy("uploads", taskS3JSON),
				attachment("exec-uploads", "app-exec", "arn:aws:iam::"+account+":policy/uploads"), td}},
		{name: "PolicyAttachment roles list with AmazonS3FullAccess", mode: "analyze", block: true,
			fs: []fixture{exec, task, {typ: typePolicyAttach, name: "s3-all", props: props(map[string]any{
				"roles": []any{"other", "app-exec"}, "policyArn": awsManaged("AmazonS3FullAccess")})}, td}},
		{name: "role inline policy Allow NotAction iam:*", mode: "analyze", block: true,
			fs: []fixture{role("app-exec", map[string]any{"inlinePolicies": []any{map[string]any{"name": "all-but-iam",
				"policy": `{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}`}}}), task, td}},
		{name: "role managedPolicyArns AmazonS3FullAccess", mode: "analyze", block: true,
			fs: []fixture{role("app-exec", map[string]any{"managedPolicyArns": []any{execPolicyARN, awsManaged("AmazonS3FullAccess")}}), task, td}},
		{name: "bucket policy naming the execution role", mode: "analyze", block: true,
			fs: []fixture{exec, task, bucketPolicy("uploads-policy", "uploads", `{"Statement":[{"Effect":"Allow",`+
				`"Principal":{"AWS":"`+roleARN("app-exec")+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"}]}`), td}},
		{name: "execution role by its managed policy, no task definition", mode: "analyze", block: true,
			fs: []fixture{exec, attachment("exec-policy", "app-exec", execPolicyARN), rolePolicy("exec-star", "app-exec",
				`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}},
		{name: "one role as task and execution role", mode: "analyze", block: true,
			fs: []fixture{task, rolePolicy("task-s3", "app-task", taskS3JSON), taskDef("app", roleARN("app-task"), roleARN("app-task"))}},
		{name: "secret-wrapped policy document", mode: "analyze", block: true,
			fs: []fixture{exec, task, rolePolicy("exec-s3", "app-exec", "").set("policy", secret(s3StarJSON)), td}},
		{name: "malformed policy document on the execution role", mode: "analyze", block: true,
			fs: []fixture{exec, task, rolePolicy("exec-bad", "app-exec", malformedDoc), td}},
		{name: "role outside the stack named by literal ARN", mode: "analyze", block: true,
			fs: []fixture{attachment("ext-s3", "shared-exec", awsManaged("AmazonS3FullAccess")),
				taskDef("app", "arn:aws:iam::"+account+":role/ecs/shared-exec", "")}},
		{name: "role name in different letter case", mode: "analyze", block: true,
			fs: []fixture{rolePolicy("exec-s3", "App-Exec", s3StarJSON), taskDef("app", roleARN("app-exec"), "")}},
		{name: "question-mark wildcard service", mode: "analyze", block: true,
			fs: []fixture{exec, rolePolicy("exec-s3", "app-exec", `{"Statement":{"Effect":"Allow","Action":"s?:Put*","Resource":"*"}}`), td}},
		{name: "configured extra managed policy", mode: "analyze", block: true,
			cfg: map[string]plugin.AnalyzerPolicyConfig{NoS3OnExecutionRole: {EnforcementLevel: apitype.Mandatory,
				Properties: map[string]any{propExtraS3ManagedPolicyArns: []any{"arn:aws:iam::" + account + ":policy/org/data-lake"}}}},
			fs: []fixture{exec, attachment("lake", "app-exec", "arn:aws:iam::"+account+":policy/org/data-lake"), td}},
		{name: "preview: unknown ARNs linked by property dependencies", mode: "stack", block: true,
			fs: []fixture{exec.set("arn", computed()), task.set("arn", computed()),
				rolePolicy("exec-s3", "app-exec", s3StarJSON).dep("role", exec.urn()), tdUnknown}},
		{name: "preview: attachment to an in-stack policy by dependency", mode: "stack", block: true,
			fs: []fixture{exec.set("arn", computed()), task, iamPolicy("uploads", taskS3JSON).set("arn", computed()),
				attachment("exec-uploads", "app-exec", "").set("policyArn", computed()).
					dep("role", exec.urn()).dep("policyArn", urnOf(typePolicy, "uploads")), tdUnknown}},
		{name: "policy analyze: grant after the task definition in state order", mode: "stack", block: true,
			fs: []fixture{td, exec, rolePolicy("exec-s3", "app-exec", s3StarJSON)}},

		// Compliant.
		{name: "execution role with only the managed execution policy, S3 on the task role", mode: "analyze",
			fs: []fixture{exec, task, attachment("exec-policy", "app-exec", execPolicyARN),
				rolePolicy("task-s3", "app-task", taskS3JSON), td}},
		{name: "execution role reads secrets", mode: "analyze",
			fs: []fixture{exec, task, rolePolicy("exec-secrets", "app-exec", secretsJSON), rolePolicy("exec-logs", "app-exec", ecrLogsJSON), td}},
		{name: "deny-only S3 statement", mode: "analyze",
			fs: []fixture{exec, rolePolicy("exec-deny", "app-exec", `{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`), td}},
		{name: "NotAction that excludes every S3 namespace", mode: "analyze",
			fs: []fixture{exec, rolePolicy("exec-na", "app-exec", `{"Statement":{"Effect":"Allow","NotAction":["S3:*","s3-object-lambda:*","s3express:*"],"Resource":"*"}}`), td}},
		{name: "bucket policy naming the task role", mode: "analyze",
			fs: []fixture{exec, task, bucketPolicy("uploads-policy", "uploads", `{"Statement":[{"Effect":"Allow",`+
				`"Principal":{"AWS":"`+roleARN("app-task")+`"},"Action":"s3:*","Resource":"arn:aws:s3:::uploads/*"}]}`), td}},
		{name: "S3 actions only on a log group", mode: "analyze",
			fs: []fixture{exec, rolePolicy("exec-logs", "app-exec", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:app:*"}}`), td}},
		{name: "S3 on a role no task definition uses for execution", mode: "analyze",
			fs: []fixture{role("batch", nil), rolePolicy("batch-s3", "batch", s3StarJSON), td}},
		{name: "lookalike services s3tables and sqs", mode: "analyze",
			fs: []fixture{exec, rolePolicy("exec-q", "app-exec", `{"Statement":{"Effect":"Allow","Action":["s3tables:GetTable","sqs:*"],"Resource":"*"}}`), td}},
		{name: "preview: unknown document on the execution role is not blocked", mode: "analyze",
			fs: []fixture{exec, rolePolicy("exec-x", "app-exec", "").set("policy", computed()), td}},
		{name: "preview: S3 on the task role linked by dependencies", mode: "stack",
			fs: []fixture{exec.set("arn", computed()), task.set("arn", computed()),
				rolePolicy("task-s3", "app-task", taskS3JSON).dep("role", task.urn()), tdUnknown}},
		{name: "disabled by configuration", mode: "analyze",
			cfg: map[string]plugin.AnalyzerPolicyConfig{NoS3OnExecutionRole: {EnforcementLevel: apitype.Disabled}},
			fs:  []fixture{exec, rolePolicy("exec-s3", "app-exec", s3StarJSON), td}},
		{name: "the component's own shape", mode: "stack",
			fs: []fixture{exec, task, attachment("exec-policy", "app-exec", execPolicyARN), iamPolicy("uploads", taskS3JSON),
				attachment("task-uploads", "app-task", "arn:aws:iam::"+account+":policy/uploads"), td}},
	}
}

func TestExecutionRoleNoS3(t *testing.T) {
	var blocking, passing int
	for _, c := range execCases() {
		if c.block {
			blocking++
		} else {
			passing++
		}
		t.Run(c.name, func(t *testing.T) {
			a := NewAnalyzer()
			if c.cfg != nil {
				if err := a.Configure(context.Background(), c.cfg); err != nil {
					t.Fatal(err)
				}
			}
			var ds []plugin.AnalyzeDiagnostic
			if c.mode == "stack" {
				ds = runStack(t, a, c.fs...)
			} else {
				ds = flatten(runAnalyze(t, a, c.fs...))
			}
			got := filter(ds, NoS3OnExecutionRole, apitype.Mandatory)
			if c.block && len(got) == 0 {
				t.Fatalf("no mandatory violation; diagnostics:\n%s", messages(ds))
			}
			if !c.block && len(got) > 0 {
				t.Fatalf("unexpected violation:\n%s", messages(got))
			}
			for _, d := range got {
				if !strings.Contains(d.Message, "task role") {
					t.Errorf("message does not say what to change: %s", d.Message)
				}
			}
		})
	}
	if blocking < 10 || passing < 10 {
		t.Fatalf("need at least 10 violating and 10 compliant fixtures, have %d and %d", blocking, passing)
	}
}

func TestExecutionRoleUnknownSaysSo(t *testing.T) {
	a := NewAnalyzer()
	exec := role("app-exec", nil)
	ds := flatten(runAnalyze(t, a, exec, rolePolicy("exec-x", "app-exec", "").set("policy", computed()),
		taskDef("app", roleARN("app-exec"), "")))
	adv := filter(ds, NoS3OnExecutionRole, apitype.Advisory)
	if len(adv) == 0 || !strings.Contains(adv[0].Message, "Cannot decide yet") || !strings.Contains(adv[0].Message, "not known yet") {
		t.Fatalf("want an advisory that says the decision cannot be made yet, got:\n%s", messages(ds))
	}

	// Organizations that prefer to fail closed can block on undecidable grants.
	a = NewAnalyzer()
	if err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{NoS3OnExecutionRole: {
		EnforcementLevel: apitype.Mandatory, Properties: map[string]any{propBlockUnverifiable: true}}}); err != nil {
		t.Fatal(err)
	}
	ds = flatten(runAnalyze(t, a, exec, attachment("ext", "app-exec", "arn:aws:iam::"+account+":policy/outside"),
		taskDef("app", roleARN("app-exec"), "")))
	if len(filter(ds, NoS3OnExecutionRole, apitype.Mandatory)) == 0 {
		t.Fatalf("blockUnverifiableGrants did not block a policy outside the stack:\n%s", messages(ds))
	}
}

// TestUpOrderingBlocksSecondArrival simulates the engine in an Automation API Up: no preview,
// per-resource Analyze only, and the update stops at the first mandatory violation. Whichever of
// the grant and the task definition arrives second must be the one blocked, before it is created.
func TestUpOrderingBlocksSecondArrival(t *testing.T) {
	exec := role("app-exec", nil)
	grant := attachment("exec-s3", "app-exec", awsManaged("AmazonS3FullAccess"))
	td := taskDef("app", roleARN("app-exec"), "")
	for _, order := range [][]fixture{{exec, grant, td}, {exec, td, grant}} {
		a := NewAnalyzer()
		var blockedAt resource.URN
		for _, f := range order {
			resp, err := a.Analyze(context.Background(), f.resource())
			if err != nil {
				t.Fatal(err)
			}
			if len(filter(resp.Diagnostics, NoS3OnExecutionRole, apitype.Mandatory)) > 0 {
				blockedAt = f.urn()
				break // the engine bails before this resource's step
			}
		}
		second := order[2].urn()
		if blockedAt != second {
			t.Errorf("order %s → %s → %s: blocked at %q, want the second arrival %q",
				order[0].name, order[1].name, order[2].name, blockedAt.Name(), second.Name())
		}
	}
}

// TestAnalyzeAgainReplacesWhatAResourceSaid covers the update pass after a preview pass in the
// same process: a resource analysed again with a fixed document no longer counts.
func TestAnalyzeAgainReplacesWhatAResourceSaid(t *testing.T) {
	a := NewAnalyzer()
	exec := role("app-exec", nil)
	runAnalyze(t, a, exec, rolePolicy("exec-p", "app-exec", s3StarJSON))
	ds := flatten(runAnalyze(t, a, rolePolicy("exec-p", "app-exec", ecrLogsJSON), taskDef("app", roleARN("app-exec"), "")))
	if got := filter(ds, NoS3OnExecutionRole, apitype.Mandatory); len(got) > 0 {
		t.Fatalf("stale grant reported:\n%s", messages(got))
	}
}

func TestStackDoesNotRepeatWhatAnalyzeReported(t *testing.T) {
	a := NewAnalyzer()
	fs := []fixture{role("app-exec", nil), rolePolicy("exec-s3", "app-exec", s3StarJSON), taskDef("app", roleARN("app-exec"), "")}
	first := flatten(runAnalyze(t, a, fs...))
	if len(filter(first, NoS3OnExecutionRole, apitype.Mandatory)) != 1 {
		t.Fatalf("want one violation from Analyze:\n%s", messages(first))
	}
	if got := filter(runStack(t, a, fs...), NoS3OnExecutionRole, apitype.Mandatory); len(got) != 0 {
		t.Fatalf("AnalyzeStack repeated the violation:\n%s", messages(got))
	}
}
