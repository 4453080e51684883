package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/harness/offline"
	"github.com/keyless-ecs/railsapp/internal/app"
)

// The tests in this file run the program the way teams run it, with the Pulumi CLI itself:
// `pulumi stack init`, `pulumi preview --policy-pack …` and `pulumi up --policy-pack …` in the
// project's folder, the program compiled by the Go language host from Pulumi.yaml and main.go
// (which hands it its config in PULUMI_CONFIG), the policy pack given as the ./policypack folder
// (which the language host compiles too) or as the built executable, and the stand-in aws
// provider found on PATH as the pulumi-resource-aws plugin, as an installed pulumi-aws would be.
//
// They run in a copy of the project's sources: with a file backend and the passphrase secrets
// provider, the CLI writes an encryption salt into Pulumi.<stack>.yaml, and a test must not
// change the checkout (stacks running side by side would also race on it).

// cliPath is what these tests need besides shared.tools, prepared once.
type cliPath struct {
	langHost, plugin string
	// src lists the project's files (relative to the root) that a copy needs.
	src []string
	// skip says why the tests cannot run (no Go language host).
	skip string
}

var prepareCLIPath = sync.OnceValues(func() (cliPath, error) {
	ctx := context.Background()
	var p cliPath
	var hostErr, pluginErr error
	var wg sync.WaitGroup
	wg.Go(func() { p.langHost, hostErr = offline.EnsureLanguageHost(ctx, shared.root, os.Stderr) })
	wg.Go(func() { p.plugin, pluginErr = offline.BuildProviderPlugin(ctx, shared.root, os.Stderr) })
	wg.Wait()
	if errors.Is(hostErr, offline.ErrNoLanguageHost) {
		p.skip = "the pulumi CLI path needs Go's language host, and there is none: " + hostErr.Error()
		return p, nil
	}
	if err := errors.Join(hostErr, pluginErr); err != nil {
		return p, err
	}
	var err error
	if p.src, err = projectFiles(ctx, ".", "./policypack", "./e2e/testdata/violating"); err != nil {
		return p, err
	}
	// Compile what the language host will compile, with its flags, once: the tests then start
	// side by side with Go's build cache warm instead of each compiling the aws SDK.
	cmd := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-trimpath", ".", "./policypack", "./e2e/testdata/violating")
	cmd.Dir = shared.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return p, fmt.Errorf("compiling the programs as the language host does: %w\n%s", err, out)
	}
	return p, nil
})

// needCLIPath returns the set-up, or skips the test when no language host can be had.
func needCLIPath(t *testing.T) cliPath {
	t.Helper()
	p, err := prepareCLIPath()
	require.NoError(t, err)
	if p.skip != "" {
		t.Skip(p.skip)
	}
	return p
}

// projectFiles lists the files of this module's packages that the given packages are built from
// (their folders' files, not sub-folders), plus the root's, relative to the root.
func projectFiles(ctx context.Context, pkgs ...string) ([]string, error) {
	args := append([]string{"list", "-deps", "-f", "{{if .Module}}{{if .Module.Main}}{{.Dir}}{{end}}{{end}}"}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = shared.root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w", strings.Join(pkgs, " "), err)
	}
	var files []string
	for _, dir := range strings.Fields(string(out)) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				rel, err := filepath.Rel(shared.root, filepath.Join(dir, e.Name()))
				if err != nil {
					return nil, err
				}
				files = append(files, rel)
			}
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// cliProject is a copy of the project with its own file backend and PULUMI_HOME.
type cliProject struct {
	root string // the copy's root, where the README's commands run
	dir  string // the offline directory: state/ and home/
	env  []string
	cli  string
}

func newCLIProject(t *testing.T, p cliPath) *cliProject {
	t.Helper()
	c := &cliProject{root: t.TempDir(), dir: t.TempDir(), cli: shared.tools.CLI}
	for _, d := range []string{"state", "home"} {
		require.NoError(t, os.Mkdir(filepath.Join(c.dir, d), 0o755))
	}
	for _, f := range p.src {
		b, err := os.ReadFile(filepath.Join(shared.root, f))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(c.root, filepath.Dir(f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(c.root, f), b, 0o644))
	}
	env := offline.CLIEnv(c.dir, filepath.Dir(p.plugin), filepath.Dir(p.langHost))
	// --event-log (the engine's events as JSON, to read the verdicts) is a debug flag.
	env["PULUMI_DEBUG_COMMANDS"] = "true"
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); env[k] == "" && !strings.HasPrefix(k, "PULUMI_") {
			c.env = append(c.env, kv)
		}
	}
	for k, v := range env {
		c.env = append(c.env, k+"="+v)
	}
	return c
}

// run runs the CLI in folder (relative to the copy's root) and returns its combined output.
func (c *cliProject) run(t *testing.T, folder string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(c.cli, args...)
	cmd.Dir = filepath.Join(c.root, folder)
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil || testing.Verbose() {
		t.Logf("$ pulumi %s (in %s)\n%s", strings.Join(args, " "), folder, out.String())
	}
	return out.String(), err
}

// engine runs a preview or an update (args after the command name), and returns the verdicts
// read from the engine's event log.
func (c *cliProject) engine(t *testing.T, folder string, args ...string) (*offline.Report, string, error) {
	t.Helper()
	log := filepath.Join(t.TempDir(), "events.json")
	out, err := c.run(t, folder, append(args, "--non-interactive", "--event-log", log)...)
	f, openErr := os.Open(log)
	require.NoError(t, openErr, "the engine's event log")
	defer f.Close()
	rep, readErr := offline.ReadEvents(f, args[0])
	require.NoError(t, readErr)
	return rep, out, err
}

// autoNameSuffix is the random suffix Pulumi's autonaming appends to a resource's physical name
// ("exec-s3-0668dd7"). A preview that creates nothing draws a new one each time, so messages
// that name an autonamed resource differ between runs while the verdict is the same.
var autoNameSuffix = regexp.MustCompile(`-[0-9a-f]{7}\b`)

// verdicts are the policy results of a report, in a stable order, to compare two runs.
func verdicts(rep *offline.Report) []string {
	var out []string
	for _, p := range rep.Policy {
		msg := autoNameSuffix.ReplaceAllString(p.Message, "-<auto>")
		out = append(out, fmt.Sprintf("%s/%s [%s] on %s: %s (exceptions %v)", p.Pack, p.Policy, p.Level, p.URN, msg, p.Exceptions))
	}
	slices.Sort(out)
	return out
}

// TestCLIPathStacks runs the README's commands for dev and prod: stack init, preview and up,
// each with the policy pack as a folder and as the executable, and reads storageYml back with
// `pulumi stack output`.
func TestCLIPathStacks(t *testing.T) {
	p := needCLIPath(t)
	for _, want := range stacks {
		t.Run(want.stack, func(t *testing.T) {
			t.Parallel()
			c := newCLIProject(t, p)
			_, err := c.run(t, ".", "stack", "init", want.stack)
			require.NoError(t, err)

			dirPre, _, err := c.engine(t, ".", "preview", "--policy-pack", "./policypack")
			require.NoError(t, err, "pulumi preview --policy-pack ./policypack")
			exePre, _, err := c.engine(t, ".", "preview", "--policy-pack", shared.tools.PolicyPack)
			require.NoError(t, err, "pulumi preview --policy-pack %s", offline.PolicyPackExe)
			for _, rep := range []*offline.Report{dirPre, exePre} {
				assert.True(t, rep.PolicyRan, "the pack ran")
				assert.Positive(t, rep.Analyzed, "the pack checked the resources")
				assert.Empty(t, rep.Policy, "the program as configured trips no policy")
				assert.Positive(t, rep.Changes["create"], "the preview plans the resources")
			}
			assert.Equal(t, verdicts(dirPre), verdicts(exePre), "both forms of --policy-pack give the same verdicts")
			assert.Equal(t, dirPre.Analyzed, exePre.Analyzed)

			up, _, err := c.engine(t, ".", "up", "--yes", "--policy-pack", "./policypack")
			require.NoError(t, err, "pulumi up --policy-pack ./policypack")
			assert.True(t, up.PolicyRan)
			assert.Empty(t, up.Policy)
			again, _, err := c.engine(t, ".", "up", "--yes", "--policy-pack", shared.tools.PolicyPack)
			require.NoError(t, err, "pulumi up --policy-pack %s", offline.PolicyPackExe)
			assert.Equal(t, verdicts(up), verdicts(again))
			for op, n := range again.Changes {
				if op != "same" {
					assert.Zero(t, n, "a second up changes nothing (%d to %s)", n, op)
				}
			}

			out, err := c.run(t, ".", "stack", "output", "--json")
			require.NoError(t, err)
			var outs map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &outs), "pulumi stack output --json:\n%s", out)
			assert.Equal(t, want.bucket, outs["bucketName"])
			assert.Contains(t, outs["taskDefinitionArn"], ":task-definition/"+want.family+":")
			yml, err := c.run(t, ".", "stack", "output", "storageYml")
			require.NoError(t, err)
			assert.Contains(t, yml, "service: S3")
			assert.Contains(t, yml, "region: "+want.region)
			assert.NotContains(t, yml, "access_key_id")
		})
	}
}

// TestCLIPathBlocksAViolatingProgramWithBothForms: a program that grants S3 to a task's
// execution role is stopped by the mandatory policy, in preview and in up, whether the pack is
// the folder or the executable, with the same verdicts, and nothing is created.
func TestCLIPathBlocksAViolatingProgramWithBothForms(t *testing.T) {
	p := needCLIPath(t)
	t.Parallel()
	const folder = "e2e/testdata/violating"
	c := newCLIProject(t, p)
	_, err := c.run(t, folder, "stack", "init", "dev")
	require.NoError(t, err)
	_, err = c.run(t, folder, "config", "set", "aws:region", "eu-west-1")
	require.NoError(t, err)

	var first []string
	for _, pack := range []string{filepath.Join(c.root, "policypack"), shared.tools.PolicyPack} {
		for _, op := range [][]string{{"preview"}, {"up", "--yes"}} {
			rep, _, err := c.engine(t, folder, append(op, "--policy-pack", pack)...)
			require.Error(t, err, "pulumi %s --policy-pack %s fails", op[0], pack)
			assert.True(t, rep.PolicyRan)
			assert.True(t, rep.HasPolicy(policyExecRoleS3, "mandatory"), "%s with %s: %v", op[0], pack, verdicts(rep))
			assert.NotEmpty(t, rep.Blocking())
			if first == nil {
				first = verdicts(rep)
				continue
			}
			assert.Equal(t, first, verdicts(rep), "%s with %s gives the verdicts of the first preview", op[0], pack)
		}
	}

	out, err := c.run(t, folder, "stack", "export")
	require.NoError(t, err)
	assert.NotContains(t, out, "aws:ecs/taskDefinition:TaskDefinition", "no task definition was created")
	assert.NotContains(t, out, "aws:iam/rolePolicy:RolePolicy", "no grant was created")
}

// TestCLIPathRefusesUnknownConfigKeys: the CLI passes the stack's config to the program in
// PULUMI_CONFIG, and the program refuses a railsapp: key it does not read (here a misspelled
// bucketName) before registering anything.
func TestCLIPathRefusesUnknownConfigKeys(t *testing.T) {
	p := needCLIPath(t)
	t.Parallel()
	c := newCLIProject(t, p)
	stackFile := filepath.Join(c.root, "Pulumi.dev.yaml")
	b, err := os.ReadFile(stackFile)
	require.NoError(t, err)
	typo := strings.Replace(string(b), "railsapp:bucketName:", "railsapp:bucketname:", 1)
	require.NotEqual(t, string(b), typo, "Pulumi.dev.yaml sets railsapp:bucketName")
	require.NoError(t, os.WriteFile(stackFile, []byte(typo), fs.FileMode(0o644)))

	_, err = c.run(t, ".", "stack", "init", "dev")
	require.NoError(t, err)
	rep, out, err := c.engine(t, ".", "preview", "--policy-pack", shared.tools.PolicyPack)
	require.Error(t, err)
	assert.Contains(t, out, "railsapp:bucketname", "the error names the unknown key")
	assert.Contains(t, strings.Join(rep.Diagnostics, "\n"), "railsapp:bucketname")

	_, _, err = c.engine(t, ".", "up", "--yes", "--policy-pack", shared.tools.PolicyPack)
	require.Error(t, err)
	st, err := c.run(t, ".", "stack", "export")
	require.NoError(t, err)
	assert.NotContains(t, st, app.ComponentName+"-bucket", "nothing was created")
}
