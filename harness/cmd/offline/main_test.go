package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/harness/offline"
	"github.com/keyless-ecs/railsapp/internal/pack"
)

func runArgs(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestUpDev is the README's first command (`make demo`: the runner's `up dev`) in a temporary
// directory: it previews, updates with the policy pack, prints the policy results of both and
// the outputs once, leaves no copy of the stack's config behind, and `output` then prints
// storageYml raw.
func TestUpDev(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine")
	}
	dir := t.TempDir()
	out, errOut, err := runArgs(t, "up", "dev", "--dir", dir)
	require.NoError(t, err, "stderr:\n%s\nstdout:\n%s", errOut, out)
	for _, want := range []string{
		"Previewing update (dev)", "Updating (dev)",
		"== Policy results (preview) ==", "== Policy results (update) ==", "no violations (",
		"== Stack outputs ==", "storageYml: |", `bucket: <%= ENV.fetch("AWS_S3_BUCKET_NAME", nil) %>`,
		"taskDefinitionArn: arn:aws:ecs:",
	} {
		assert.Contains(t, out, want)
	}
	assert.Equal(t, 1, strings.Count(out, "bucketName"), "outputs are printed once:\n%s", out)
	assert.NoFileExists(t, filepath.Join(dir, "work", "Pulumi.dev.yaml"), "no copy of the stack config is left behind")

	yml, _, err := runArgs(t, "output", "dev", "storageYml", "--dir", dir)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(yml, "amazon:\n  service: S3\n"), "raw storageYml, ready for config/storage.yml:\n%s", yml)

	js, _, err := runArgs(t, "analyze", "dev", "--json", "--dir", dir)
	require.NoError(t, err)
	var doc jsonResult
	require.NoError(t, json.Unmarshal([]byte(js), &doc), "stdout is one JSON document:\n%s", js)
	assert.True(t, doc.OK)
	require.Len(t, doc.Reports, 1)
	assert.True(t, doc.Reports[0].PolicyRan)
	assert.Empty(t, doc.Reports[0].Violations)
	assert.NoFileExists(t, filepath.Join(dir, "work", "dev.state.json"), "the exported state is not left behind")
}

// Without the pack there is no verdict: the results say the pack did not run, never "no violations".
func TestNoPolicySaysThePackDidNotRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine")
	}
	out, errOut, err := runArgs(t, "preview", "dev", "--no-policy", "--dir", t.TempDir())
	require.NoError(t, err, "stderr:\n%s", errOut)
	assert.Contains(t, out, "policy pack not run: none given")
	assert.NotContains(t, out, "no violations")
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"-help"}, {"up", "dev", "--help"}} {
		out, errOut, err := runArgs(t, args...)
		require.NoError(t, err, "%v exits 0", args)
		assert.Equal(t, usage, out, "%v prints the help on stdout", args)
		assert.Empty(t, errOut)
	}
	// Every operation and every flag is explained, and there are examples.
	for _, op := range []string{"preview", "up", "destroy", "analyze", "output", "env", "help"} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^  `+op+` `), usage, "operation %s", op)
	}
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	var o options
	defineFlags(fs, &o)
	fs.VisitAll(func(f *flag.Flag) {
		documented := `(?m)^  (-\w, )?--` + regexp.QuoteMeta(f.Name) + `\b`
		if len(f.Name) == 1 { // a short alias, listed first
			documented = `(?m)^  -` + f.Name + `, --\w`
		}
		assert.Regexp(t, regexp.MustCompile(documented), usage, "flag %s", f.Name)
	})
	assert.Contains(t, usage, "examples:\n  go run ./harness/cmd/offline up dev\n")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{}, {"up"}, {"deploy", "dev"}, {"analyze", "dev", "--no-policy"}, {"up", "dev", "extra"},
		{"up", "dev", "--bogus"}, {"destroy", "dev", "--policy-pack-config", "p.json"}, {"output"},
	} {
		_, _, err := runArgs(t, args...)
		var u usageError
		assert.True(t, errors.As(err, &u), "%v is a usage error (exit 2), got %v", args, err)
	}
	_, _, err := runArgs(t, "up", "staging", "--dir", t.TempDir())
	assert.ErrorContains(t, err, "no stack config Pulumi.staging.yaml (stacks here: dev, prod)")
}

// A railsapp: key the program does not read stops the run before anything is built or run,
// naming the key, what it probably meant, and the known keys.
func TestUnknownConfigKeysAreRefused(t *testing.T) {
	root, err := offline.RepoRoot(".")
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(root, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	stack := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	typo := strings.Replace(string(b), "railsapp:bucketName:", "railsapp:bucketname:", 1)
	require.NotEqual(t, string(b), typo)
	require.NoError(t, os.WriteFile(stack, []byte(typo+"  railsapp:cpuArchitecure: ARM64\n"), 0o644))

	err = checkStackConfig(filepath.Join(root, "Pulumi.yaml"), stack)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "railsapp:bucketname (did you mean railsapp:bucketName?)")
	assert.Contains(t, msg, "railsapp:cpuArchitecure (did you mean railsapp:cpuArchitecture?)")
	assert.Contains(t, msg, "nothing was run")
	assert.Contains(t, msg, "Known keys: railsapp:")

	for _, s := range []string{"dev", "prod"} {
		assert.NoError(t, checkStackConfig(filepath.Join(root, "Pulumi.yaml"), filepath.Join(root, "Pulumi."+s+".yaml")),
			"the repository's %s stack uses known keys only", s)
	}
}

// A policy name the pack does not have, in the settings or in an exception, is an error naming
// the pack's policies; known names pass.
func TestPolicyPackConfigNamesArePolicies(t *testing.T) {
	ctx := context.Background()
	write := func(content string) string {
		f := filepath.Join(t.TempDir(), "policy.json")
		require.NoError(t, os.WriteFile(f, []byte(content), 0o644))
		return f
	}
	err := checkPolicyPackConfig(ctx, write(`{"version": 2, "policies": {"s3-bucket-privat": "mandatory"},
		"exceptions": {"EXC-1": {"reason": "r", "match": [{"policies": ["no-embedded-aws-credential"], "targets": ["urn:x"]}]}}}`))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "s3-bucket-privat (did you mean s3-bucket-private?)")
	assert.Contains(t, msg, "no-embedded-aws-credential (did you mean no-embedded-aws-credentials?)")
	for _, p := range pack.PolicyNames() {
		assert.Contains(t, msg, p, "the error lists the pack's policies")
	}

	valid := `{"version": 2, "policies": {"all": "advisory", "s3-bucket-private": "mandatory"},
		"exceptions": {"EXC-1": {"reason": "r", "match": [{"policies": ["no-embedded-aws-credentials"], "targets": ["urn:x"]}]}}}`
	assert.NoError(t, checkPolicyPackConfig(ctx, write(valid)))
	assert.NoError(t, checkPolicyPackConfig(ctx, write(`{"s3-bucket-tls-only": "disabled"}`)))
	assert.Error(t, checkPolicyPackConfig(ctx, filepath.Join(t.TempDir(), "missing.json")))
}

// The last line of a failure says why, in one line, from the report or the CLI's own error.
func TestCause(t *testing.T) {
	rep := &offline.Report{
		Policy: []offline.PolicyResult{
			{Policy: "no-s3-on-ecs-execution-role", Level: "mandatory", URN: "urn:pulumi:dev::railsapp::aws:iam/role:Role::exec"},
			{Policy: "no-s3-on-ecs-execution-role", Level: "mandatory", URN: "urn:pulumi:dev::railsapp::aws:iam/rolePolicy:RolePolicy::grant"},
			{Policy: "s3-least-privilege", Level: "advisory"},
			{Policy: "no-embedded-aws-credentials", Level: "mandatory", Exceptions: []string{"EXC-1"}},
		},
		Diagnostics: []string{"an unhandled error occurred: 1 error occurred:\n\t* invalid configuration for stack \"dev\" (nothing was deployed):\n  railsapp:memory: bad"},
	}
	got := cause(errors.New("failed to run preview: exit status 255"), rep)
	assert.Equal(t, `mandatory policy no-s3-on-ecs-execution-role violated on exec (aws:iam/role:Role), grant (aws:iam/rolePolicy:RolePolicy); `+
		`invalid configuration for stack "dev" (nothing was deployed)`, got)
	assert.NotContains(t, got, "\n")

	cliErr := errors.New("failed to run preview: exit status 255\ncode: 255\nstdout: \nstderr: warning: x\nerror: could not load policy pack: bad\n")
	assert.Equal(t, "could not load policy pack: bad", cause(cliErr, &offline.Report{}))
	assert.Equal(t, "update of stack dev: boom", cause(errors.New("update of stack dev: boom\nmore"), nil))
}

func TestSummary(t *testing.T) {
	auto := errors.New("selecting stack dev: failed to select stack: exit status 255\ncode: 255\nstdout: \nstderr: error: no Pulumi.yaml project file found\n")
	assert.Equal(t, "selecting stack dev: failed to select stack: exit status 255: no Pulumi.yaml project file found", summary(auto))
	plain := errors.New("building pulumi with scripts/build.sh: exit status 1")
	assert.Equal(t, plain.Error(), summary(plain))
}

func TestJSONDocument(t *testing.T) {
	var b bytes.Buffer
	r := &result{opts: options{op: "up", stack: "dev"},
		reports: []*offline.Report{{Op: "preview", PolicyRan: true, Analyzed: 3,
			Policy: []offline.PolicyResult{{Pack: "p", Policy: "x", Level: "mandatory", Message: "m",
				Exceptions: []string{"EXC-1"}, ExceptionReasons: []string{"why"}}}}},
		outputs: auto.OutputMap{"bucketName": {Value: "b"}, "token": {Value: "hidden", Secret: true}},
		err:     errors.New("up of stack \"dev\" failed: boom")}
	require.NoError(t, writeJSON(&b, r))
	assert.NotContains(t, b.String(), "hidden")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, false, doc["ok"])
	assert.Equal(t, "up of stack \"dev\" failed: boom", doc["error"])
	report := doc["reports"].([]any)[0].(map[string]any)
	assert.Equal(t, true, report["policyRan"])
	assert.Equal(t, float64(3), report["resourcesChecked"])
	assert.Equal(t, float64(0), report["blocking"])
	v := report["violations"].([]any)[0].(map[string]any)
	assert.Equal(t, "x", v["policy"])
	assert.Equal(t, []any{"why"}, v["exceptionReasons"])
	assert.Equal(t, map[string]any{"bucketName": "b", "token": "[secret]"}, doc["outputs"])
}

func TestEnvPrintsExportLines(t *testing.T) {
	if testing.Short() {
		t.Skip("locates the Pulumi CLI")
	}
	dir := t.TempDir()
	out, _, err := runArgs(t, "env", "prod", "--dir", dir)
	require.NoError(t, err)
	for k, v := range offline.BackendEnv(dir) {
		assert.Contains(t, out, "export "+k+"='"+v+"'\n")
	}
	assert.Contains(t, out, "pulumi stack select prod && pulumi stack output storageYml")
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
}

// A destroy of prod is refused before any step, and the runner's last line says how to really
// delete it instead of the engine's advice to unprotect (which would strip the data's safeguards).
func TestDestroyProdSaysHowToReallyDelete(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine")
	}
	dir := t.TempDir()
	out, errOut, err := runArgs(t, "up", "prod", "--dir", dir)
	require.NoError(t, err, "stderr:\n%s\nstdout:\n%s", errOut, out)

	_, _, err = runArgs(t, "destroy", "prod", "--dir", dir)
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "\n", "the cause is one line")
	for _, want := range []string{"destroy of stack \"prod\" failed", "nothing was changed",
		"railsapp:protectBucket false", "Pulumi.prod.yaml", "run up, then destroy"} {
		assert.Contains(t, msg, want)
	}
}

// Only a refusal by the destroy guard gets the advice; another failure keeps its own cause.
func TestRefusedByGuard(t *testing.T) {
	guard := errors.New(`failed to run destroy: exit status 255
stderr: error: unable to delete resource "urn:pulumi:prod::railsapp::railsapp:storage:ActiveStorage$railsapp:storage:DestroyGuard::railsapp-destroy-guard"
as it is currently marked for protection`)
	assert.True(t, refusedByGuard(guard, nil))
	assert.True(t, refusedByGuard(errors.New("exit status 255"), &offline.Report{Diagnostics: []string{guard.Error()}}))
	assert.False(t, refusedByGuard(errors.New("failed to run destroy: the stand-in crashed"), &offline.Report{}))
	assert.False(t, refusedByGuard(errors.New(`resource "urn:…::railsapp-bucket" is protected`), nil))
}

// No form of `output` prints a secret output's value: the table, --json, or the output by name.
func TestOutputNeverPrintsASecret(t *testing.T) {
	const hidden = "hidden-value"
	outs := auto.OutputMap{
		"bucketName": {Value: "b"},
		"token":      {Value: hidden, Secret: true},
		"creds":      {Value: map[string]any{"key": hidden}, Secret: true},
	}
	for _, o := range []options{
		{op: "output", stack: "dev"},
		{op: "output", stack: "dev", jsonOut: true},
		{op: "output", stack: "dev", name: "token"},
		{op: "output", stack: "dev", name: "creds", jsonOut: true},
	} {
		var b bytes.Buffer
		err := writeOutputs(outs, o, &b)
		assert.NotContains(t, b.String(), hidden, "%+v", o)
		if o.name != "" {
			require.Error(t, err, "%+v", o)
			assert.Contains(t, err.Error(), "is a secret; it is not printed")
			assert.NotContains(t, err.Error(), hidden)
			continue
		}
		require.NoError(t, err)
		assert.Contains(t, b.String(), "bucketName", "the other outputs are printed")
		assert.Contains(t, b.String(), "[secret]", "a secret output is listed, masked")
	}
}
