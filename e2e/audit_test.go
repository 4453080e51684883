package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/harness/offline"
	"github.com/keyless-ecs/railsapp/internal/audit"
	"github.com/keyless-ecs/railsapp/internal/audit/audittest"
	"github.com/keyless-ecs/railsapp/internal/report"
	"github.com/keyless-ecs/railsapp/internal/report/reporttest"
)

// The organization the audit tests run against: three stacks deployed for real by the engine
// (through the offline runner, without the pack, so the violating ones exist), copied by Pulumi's
// diy backend into 48 more stacks of three projects, and one stack whose state file is corrupt.
const (
	auditNoExecS3   = "no-s3-on-ecs-execution-role"
	auditNoKeys     = "no-embedded-aws-credentials"
	auditCorrupt    = "search/broken"
	auditExceptedAt = "billing/worker-07"
)

// auditTemplate is a stack deployed for real; copies of it carry its violations.
type auditTemplate struct {
	project, stack string
	program        pulumi.RunFunc // nil: the repository's program with Pulumi.<stack>.yaml
	blocking       bool
}

// auditOrg is the organization on a file:// backend and what each stack was copied from.
type auditOrg struct {
	dir, url  string
	templates map[string]auditTemplate // key: project/stack of the template
	origin    map[string]string        // project/stack of every healthy stack → its template's key
	keyID     string
	secret    string
	env       []string // what the CLI needs to read the backend
}

func TestAuditOrganization(t *testing.T) {
	org := buildAuditOrg(t)
	ctx := context.Background()
	judge, err := audit.NewJudge(ctx, "")
	require.NoError(t, err)
	src, err := audit.OpenDIY(ctx, org.url, nil)
	require.NoError(t, err)
	full, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Tool: report.Tool{Name: "keyless-audit", Version: "test"}, Concurrency: 2})
	require.NoError(t, err)

	t.Run("every stack, every violation, the corrupt one reported", func(t *testing.T) {
		require.Len(t, full.Stacks, len(org.origin)+1, "every stack of the backend, the corrupt one included")
		oracle := map[string][]string{}
		for key, tpl := range org.templates {
			oracle[key] = auditOracle(t, org, tpl.project, tpl.stack, "")
			if tpl.blocking {
				assert.True(t, slices.ContainsFunc(oracle[key], func(s string) bool { return strings.Contains(s, "|mandatory|") }),
					"template %s should have a mandatory violation", key)
			}
		}
		for _, s := range full.Stacks {
			name := s.Project + "/" + s.Name
			if name == auditCorrupt {
				assert.Equal(t, report.StatusError, s.Status)
				assert.NotEmpty(t, s.Error, "the corrupt state is reported with its reason")
				continue
			}
			key, ok := org.origin[name]
			require.True(t, ok, "unexpected stack %s", name)
			tpl := org.templates[key]
			got := violationKeys(s, s.Project, s.Name, tpl.project, tpl.stack)
			assert.Equal(t, oracle[key], got, "stack %s (a copy of %s): the audit's violations are policy analyze's", name, key)
			if tpl.blocking {
				assert.Equal(t, report.StatusFail, s.Status, name)
			} else {
				assert.NotEqual(t, report.StatusFail, s.Status, name)
			}
		}
		assert.Equal(t, report.ExitViolations|report.ExitErrors, full.ExitCode(), "violations and an unreadable stack")
		assert.Equal(t, 1, full.Summary.Errored)
	})

	t.Run("reports are valid and show no credential", func(t *testing.T) {
		checkReports(t, full, org.keyID, org.secret)
	})

	t.Run("shards 1/3..3/3 together are the whole audit", func(t *testing.T) {
		var parts []*report.Report
		seen := map[string]int{}
		for i := 1; i <= 3; i++ {
			sh := &report.Shard{Index: i, Count: 3}
			r, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Tool: full.Tool, Shard: sh, Concurrency: 2})
			require.NoError(t, err)
			assert.NotEmpty(t, r.Stacks, "shard %s has stacks", sh)
			for _, s := range r.Stacks {
				seen[s.FullName()]++
			}
			var buf bytes.Buffer
			require.NoError(t, report.Write(&buf, report.JSON, r))
			back, err := report.ReadJSON(&buf)
			require.NoError(t, err)
			parts = append(parts, back)
		}
		for name, n := range seen {
			assert.Equal(t, 1, n, "stack %s is in exactly one shard", name)
		}
		merged, missing, err := report.Merge(parts)
		require.NoError(t, err)
		assert.Empty(t, missing)
		merged.GeneratedAt, full.GeneratedAt = "", ""
		assert.Equal(t, full.Stacks, merged.Stacks)
		assert.Equal(t, full.Summary, merged.Summary)
		assert.Equal(t, full.ExitCode(), merged.ExitCode())
	})

	t.Run("exceptions in the policy config agree with policy analyze", func(t *testing.T) {
		tplKey := org.origin[auditExceptedAt]
		require.NotEmpty(t, tplKey)
		project, stack, _ := strings.Cut(auditExceptedAt, "/")
		var urns []string
		for _, s := range full.Stacks {
			if s.Project+"/"+s.Name == auditExceptedAt {
				for _, v := range s.Violations {
					if v.Policy == auditNoExecS3 {
						urns = append(urns, v.URN)
					}
				}
			}
		}
		require.NotEmpty(t, urns)
		cfg := writeJSON(t, map[string]any{"version": 2,
			"policies": map[string]any{"s3-bucket-tls-only": "disabled"},
			"exceptions": map[string]any{"EXC-7": map[string]any{"reason": "legacy worker, removal planned",
				"match": []any{map[string]any{"policies": []string{auditNoExecS3}, "targets": urns}}}}})
		j, err := audit.NewJudge(ctx, cfg)
		require.NoError(t, err)
		r, err := audit.Run(ctx, audit.Options{Source: src, Judge: j, Tool: full.Tool, Projects: []string{project}, StackGlobs: []string{stack}})
		require.NoError(t, err)
		require.Len(t, r.Stacks, 1)
		got := violationKeys(r.Stacks[0], project, stack, project, stack)
		assert.Equal(t, auditOracle(t, org, project, stack, cfg), got)
		assert.NotEqual(t, report.StatusFail, r.Stacks[0].Status, "the excepted violation no longer fails the stack")
		assert.True(t, strings.HasPrefix(r.Scope.PolicyConfigDigest, "sha256:"))
	})

	t.Run("filters", func(t *testing.T) {
		r, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Tool: full.Tool,
			Projects: []string{"billing", "search"}, StackGlobs: []string{"worker-0*", "search/*"}})
		require.NoError(t, err)
		for _, s := range r.Stacks {
			ok := (s.Project == "billing" && strings.HasPrefix(s.Name, "worker-0")) || s.Project == "search"
			assert.True(t, ok, "stack %s passed the filters", s.FullName())
		}
		assert.NotEmpty(t, r.Stacks)
		r, err = audit.Run(ctx, audit.Options{Source: src, Judge: judge, Tool: full.Tool, Organization: "acme"})
		require.NoError(t, err)
		assert.Empty(t, r.Stacks, "a self-managed backend's stacks are all in the organization named organization")
	})

	t.Run("through the Pulumi CLI", func(t *testing.T) {
		// `pulumi stack ls` reads every listed state and stops at a corrupt one, so this reads a
		// project without it; the audit through the backend package reports it instead.
		// A few stacks keep the number of CLI runs (one export each) small.
		cli := &audit.CLISource{CLI: shared.tools.CLI, Env: append(org.env, "PULUMI_BACKEND_URL="+org.url), Project: "railsapp"}
		globs := []string{"dev", "app-0[0-2]"}
		viaCLI, err := audit.Run(ctx, audit.Options{Source: cli, Judge: judge, Tool: full.Tool, Projects: []string{"railsapp"},
			StackGlobs: globs, Concurrency: 2})
		require.NoError(t, err)
		direct, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Tool: full.Tool, Projects: []string{"railsapp"}, StackGlobs: globs})
		require.NoError(t, err)
		require.Len(t, direct.Stacks, 4)
		assert.Equal(t, direct.Stacks, viaCLI.Stacks)
	})

	t.Run("an S3 state bucket", func(t *testing.T) {
		url := serveAsS3(t, org.dir)
		// The default AWS credential chain, as for a team's bucket; the fake server ignores them.
		t.Setenv("AWS_ACCESS_KEY_ID", "audit-test-key")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "audit-test-secret")
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		s3src, err := audit.OpenDIY(ctx, url, nil)
		require.NoError(t, err)
		r, err := audit.Run(ctx, audit.Options{Source: s3src, Judge: judge, Tool: full.Tool, Concurrency: 2})
		require.NoError(t, err)
		assert.Equal(t, full.Stacks, r.Stacks, "the same verdicts from the same states in a bucket")
		assert.NotContains(t, r.Scope.Backend, "endpoint", "the report's backend URL has no query")
	})
}

// TestPreviewEventsBecomeReports converts the Automation API's event stream of a preview that a
// mandatory policy stops, and checks the result in every format.
func TestPreviewEventsBecomeReports(t *testing.T) {
	ctx := context.Background()
	keyID, secret := fakeAccessKeyID(), fakeSecretAccessKey()
	s := session(t, offline.Options{Project: "search", Stack: "preview", Program: auditKeyInEnvProgram(keyID, secret),
		Config: auditRegion}, keyID, secret)
	judge, err := audit.NewJudge(ctx, "")
	require.NoError(t, err)
	ch := make(chan events.EngineEvent)
	conv := report.NewEvents(report.EventOptions{Tool: report.Tool{Name: "keyless-audit", Version: "test"},
		Packs: []report.PolicyPack{judge.Pack()}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			conv.Add(ev.EngineEvent)
		}
	}()
	_, err = s.Preview(ctx, optpreview.EventStreams(ch))
	<-done
	require.Error(t, err, "a mandatory violation fails the preview")
	r := conv.Report()
	require.Len(t, r.Stacks, 1)
	st := r.Stacks[0]
	assert.Equal(t, "search", st.Project)
	assert.Equal(t, "preview", st.Name)
	assert.Equal(t, report.KindPreview, r.Kind)
	assert.Equal(t, report.StatusFail, st.Status)
	assert.Empty(t, st.Error, "the failure is the violation, not an engine error")
	assert.Equal(t, report.ExitViolations, r.ExitCode())
	require.Len(t, r.PolicyPacks, 1, "the summary says the pack ran")
	assert.NotEmpty(t, r.PolicyPacks[0].Policies, "the pack's metadata (help text) is not in the events; it is the local pack's")
	found := false
	for _, v := range st.Violations {
		found = found || (v.Policy == auditNoKeys && v.Blocking())
	}
	assert.True(t, found, "the credential in the container environment is reported")
	checkReports(t, r, keyID, secret)
}

// buildAuditOrg deploys the templates for real and copies them into an organization.
func buildAuditOrg(t *testing.T) *auditOrg {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	org := &auditOrg{dir: dir, url: "file://" + filepath.ToSlash(dir), keyID: fakeAccessKeyID(), secret: fakeSecretAccessKey(),
		templates: map[string]auditTemplate{}, origin: map[string]string{}}
	org.env = []string{"PULUMI_CONFIG_PASSPHRASE=" + offline.Passphrase, "PULUMI_HOME=" + t.TempDir(),
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true", "PULUMI_SKIP_UPDATE_CHECK=1"}

	tpls := []auditTemplate{
		{project: "railsapp", stack: "dev"},
		{project: "billing", stack: "worker", program: auditExecRoleS3Program, blocking: true},
		{project: "search", stack: "indexer", program: auditKeyInEnvProgram(org.keyID, org.secret), blocking: true},
	}
	// A handful of real updates, in parallel; without the pack, so that the violating ones exist.
	t.Run("deploy", func(t *testing.T) {
		for _, tpl := range tpls {
			t.Run(tpl.project+"-"+tpl.stack, func(t *testing.T) {
				t.Parallel()
				opts := offline.Options{PolicyPacks: []string{}, Env: map[string]string{"PULUMI_BACKEND_URL": org.url}}
				var s *offline.Session
				if tpl.program == nil {
					s = realStack(t, tpl.stack, opts)
				} else {
					opts.Project, opts.Stack, opts.Program, opts.Config = tpl.project, tpl.stack, tpl.program, auditRegion
					s = session(t, opts, org.keyID, org.secret)
				}
				_, err := s.UpOnly(ctx)
				require.NoError(t, err)
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	// The audit decrypts the states' secrets as the CLI does, with the backend's passphrase.
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", offline.Passphrase)

	be, err := audittest.Open(ctx, org.url)
	require.NoError(t, err)
	deps := map[string]*apitype.UntypedDeployment{}
	for _, tpl := range tpls {
		key := tpl.project + "/" + tpl.stack
		org.templates[key] = tpl
		org.origin[key] = key
		deps[key], err = be.Export(ctx, "organization/"+key)
		require.NoError(t, err)
	}
	// 48 copies, 16 per project; every seventh of billing and every eleventh of search violates.
	for _, project := range []string{"railsapp", "billing", "search"} {
		for i := range 16 {
			name := fmt.Sprintf("%s-%02d", map[string]string{"railsapp": "app", "billing": "worker", "search": "shard"}[project], i)
			from := "railsapp/dev"
			switch {
			case project == "billing" && i%7 == 0:
				from = "billing/worker"
			case project == "search" && i%11 == 5:
				from = "search/indexer"
			}
			tpl := org.templates[from]
			dep, err := audittest.Rename(deps[from], tpl.project, tpl.stack, project, name)
			require.NoError(t, err)
			require.NoError(t, be.Create(ctx, project, name, dep))
			org.origin[project+"/"+name] = from
		}
	}
	// The corrupt one: a state file that is not JSON.
	require.NoError(t, be.Create(ctx, "search", "broken", deps["railsapp/dev"]))
	broken := filepath.Join(dir, ".pulumi", "stacks", "search", "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"version": 3, "checkpoint": {"latest": {"resources": [`), 0o600))
	return org
}

var auditRegion = map[string]auto.ConfigValue{"aws:region": {Value: "us-east-1"}}

// auditExecRoleS3Program grants S3 to the role a task definition uses as its execution role.
func auditExecRoleS3Program(ctx *pulumi.Context) error {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := iam.NewRole(ctx, "exec", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust)})
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(ctx, "exec-s3", &iam.RolePolicyArgs{Role: role.Name, Policy: pulumi.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::legacy-reports/*"}]}`)}); err != nil {
		return err
	}
	_, err = ecs.NewTaskDefinition(ctx, "task", &ecs.TaskDefinitionArgs{Family: pulumi.String("worker"),
		ContainerDefinitions:    pulumi.String(`[{"name":"worker","image":"busybox","essential":true}]`),
		ExecutionRoleArn:        role.Arn,
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		NetworkMode:             pulumi.String("awsvpc"), Cpu: pulumi.String("256"), Memory: pulumi.String("512")})
	return err
}

// auditKeyInEnvProgram puts an access key into a container's environment.
func auditKeyInEnvProgram(keyID, secret string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		containers, err := json.Marshal([]any{map[string]any{"name": "indexer", "image": "busybox", "essential": true,
			"environment": []any{map[string]string{"name": "AWS_ACCESS_KEY_ID", "value": keyID},
				map[string]string{"name": "AWS_SECRET_ACCESS_KEY", "value": secret}}}})
		if err != nil {
			return err
		}
		_, err = ecs.NewTaskDefinition(ctx, "task", &ecs.TaskDefinitionArgs{Family: pulumi.String("indexer"),
			ContainerDefinitions:    pulumi.String(string(containers)),
			RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
			NetworkMode:             pulumi.String("awsvpc"), Cpu: pulumi.String("256"), Memory: pulumi.String("512")})
		return err
	}
}

// auditOracle runs `pulumi policy analyze --file` (the real CLI and the pack executable) on the
// exported state of project/stack and converts its JSON events with the report package.
func auditOracle(t *testing.T, org *auditOrg, project, stack, config string) []string {
	t.Helper()
	ctx := context.Background()
	be, err := audittest.Open(ctx, org.url)
	require.NoError(t, err)
	dep, err := be.Export(ctx, "organization/"+project+"/"+stack)
	require.NoError(t, err)
	state := writeJSON(t, dep)
	args := []string{"policy", "analyze", "--json", "--file", state, "--policy-pack", shared.tools.PolicyPack}
	if config != "" {
		args = append(args, "--policy-pack-config", config)
	}
	cmd := exec.Command(shared.tools.CLI, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), org.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		// A mandatory violation exits 1; anything else is a failure of the oracle.
		require.Contains(t, stderr.String(), "mandatory policy violations", "policy analyze failed:\n%s", mask(stderr.String(), org.keyID, org.secret))
	}
	r, err := report.ReadEventLog(&stdout, report.EventOptions{Project: project, Stack: stack})
	require.NoError(t, err)
	require.Len(t, r.PolicyPacks, 1, "policy analyze ran the pack")
	return violationKeys(r.Stacks[0], project, stack, project, stack)
}

// violationKeys are a stack's violations as comparable strings, with URNs moved back to the
// template's project and stack.
func violationKeys(s report.Stack, project, stack, toProject, toStack string) []string {
	keys := []string{}
	from := "urn:pulumi:" + stack + "::" + project + "::"
	to := "urn:pulumi:" + toStack + "::" + toProject + "::"
	for _, v := range s.Violations {
		var exc []string
		for _, e := range v.Exceptions {
			exc = append(exc, e.ID)
		}
		urn := strings.Replace(v.URN, from, to, 1)
		urn = strings.Replace(urn, "pulumi:pulumi:Stack::"+project+"-"+stack, "pulumi:pulumi:Stack::"+toProject+"-"+toStack, 1)
		msg := strings.ReplaceAll(v.Message, project+"-"+stack, toProject+"-"+toStack)
		keys = append(keys, strings.Join([]string{v.Policy, v.Level, urn, strings.Join(exc, ","), msg}, "|"))
	}
	sort.Strings(keys)
	return keys
}

// checkReports validates r in every format and checks that none shows a credential.
func checkReports(t *testing.T, r *report.Report, secrets ...string) {
	t.Helper()
	reporttest.Check(t, r, secrets...)
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "file.json")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// serveAsS3 starts an S3-compatible server on loopback holding a copy of the file backend in
// dir, and returns the s3:// backend URL a team would log in to.
func serveAsS3(t *testing.T, dir string) string {
	t.Helper()
	mem := s3mem.New()
	faker := gofakes3.New(mem)
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	const bucket = "org-pulumi-state"
	require.NoError(t, mem.CreateBucket(bucket))
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = mem.PutObject(bucket, filepath.ToSlash(rel), map[string]string{}, bytes.NewReader(b), int64(len(b)), nil)
		return err
	}))
	return "s3://" + bucket + "?region=us-east-1&use_path_style=true&endpoint=" + srv.URL
}
