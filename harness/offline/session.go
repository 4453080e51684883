package offline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/harness/fakeaws"
)

// DefaultProject is the project name every stack of this repository uses.
const DefaultProject = "railsapp"

// Passphrase encrypts secrets in the offline backends. Offline state is throwaway, so a fixed
// passphrase is fine; never reuse it for a real backend.
const Passphrase = "offline-only-not-a-secret"

// Options describe one offline stack.
type Options struct {
	// Dir holds everything the run writes: the file backend (state/), PULUMI_HOME (home/), the
	// workspace (work/) and the CLI link (cli/). The runner uses <repo>/.offline, tests a temp dir.
	// BackendEnv(Dir) is how the CLI reaches its stacks from anywhere.
	Dir string
	// CLI is the Pulumi CLI to run (see EnsureCLI).
	CLI string
	// PolicyPacks are policy pack executables (or directories) enforced on preview and update;
	// PolicyPackConfigs are their --policy-pack-config files, in the same order.
	PolicyPacks       []string
	PolicyPackConfigs []string

	// Project and Stack name the stack (Project defaults to DefaultProject).
	Project string
	Stack   string
	// Program is the inline program (the runner passes app.Run).
	Program pulumi.RunFunc
	// ProjectFile, if set, is the Pulumi.yaml whose settings (name, config schema) the workspace
	// uses; StackConfigFile, if set, is the Pulumi.<stack>.yaml whose config the stack uses.
	// Both are copied into the workspace on every Open, so the files stay the source of truth
	// and are never written to.
	ProjectFile     string
	StackConfigFile string
	// Config is set on top of StackConfigFile (keys like "aws:region"); ConfigPath makes keys
	// paths ("railsapp:env.NAME"), as `pulumi config set --path` does.
	Config     map[string]auto.ConfigValue
	ConfigPath bool

	// Provider is the stand-in aws provider to attach to; if nil, Open starts one and Close
	// stops it.
	Provider *fakeaws.Server
	// Env adds environment variables for the CLI.
	Env map[string]string

	// Progress receives the engine's progress output (nil: discarded).
	Progress io.Writer
}

// Session is an offline stack ready for preview, update, destroy and analyze.
type Session struct {
	Stack auto.Stack
	opts  Options
	env   map[string]string
	cmd   auto.PulumiCommand
	ownP  bool
	// stackCopy is the workspace's copy of the stack's config file, removed by Close.
	stackCopy string
}

// Open prepares the backend, PULUMI_HOME and workspace under opts.Dir, starts the stand-in
// provider if needed and selects (or creates) the stack.
func Open(ctx context.Context, opts Options) (*Session, error) {
	if opts.Dir == "" || opts.CLI == "" || opts.Stack == "" || opts.Program == nil {
		return nil, errors.New("offline.Open: Dir, CLI, Stack and Program are required")
	}
	if opts.Project == "" {
		opts.Project = DefaultProject
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("offline state directory: %w", err)
	}
	opts.Dir = dir
	stateDir, homeDir, workDir := filepath.Join(dir, "state"), filepath.Join(dir, "home"), filepath.Join(dir, "work")
	for _, d := range []string{stateDir, homeDir, workDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("offline state directory: %w", err)
		}
	}

	s := &Session{opts: opts}
	if s.opts.Provider == nil {
		p, err := fakeaws.Start(fakeaws.Options{})
		if err != nil {
			return nil, err
		}
		s.opts.Provider, s.ownP = p, true
	}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()

	s.env = Env(stateDir, homeDir, s.opts.Provider)
	s.stackCopy = filepath.Join(workDir, "Pulumi."+opts.Stack+".yaml")
	for k, v := range opts.Env {
		s.env[k] = v
	}
	if s.cmd, err = newPulumiCommand(opts.CLI, filepath.Join(dir, "cli")); err != nil {
		return nil, err
	}

	project, err := projectSettings(opts)
	if err != nil {
		return nil, err
	}
	if err := writeStackSettings(project, workDir, opts.Stack, opts.StackConfigFile); err != nil {
		return nil, err
	}
	ws, err := auto.NewLocalWorkspace(ctx,
		auto.WorkDir(workDir),
		auto.PulumiHome(homeDir),
		auto.Pulumi(s.cmd),
		auto.Project(*project),
		auto.Program(opts.Program),
		auto.EnvVars(s.env),
		auto.SecretsProvider("passphrase"),
	)
	if err != nil {
		return nil, fmt.Errorf("creating the offline workspace: %w", err)
	}
	if s.Stack, err = auto.UpsertStack(ctx, opts.Stack, ws); err != nil {
		return nil, fmt.Errorf("selecting stack %s: %w", opts.Stack, err)
	}
	if len(opts.Config) > 0 {
		if err := s.Stack.SetAllConfigWithOptions(ctx, opts.Config, &auto.ConfigOptions{Path: opts.ConfigPath}); err != nil {
			return nil, fmt.Errorf("setting config on stack %s: %w", opts.Stack, err)
		}
	}
	ok = true
	return s, nil
}

// Env is the environment every offline CLI run of a Session gets: the file backend, a private
// PULUMI_HOME, the stand-in provider attached instead of a plugin, and nothing that reaches the
// network.
func Env(stateDir, homeDir string, provider *fakeaws.Server) map[string]string {
	env := cliEnv(stateDir, homeDir)
	env["PULUMI_DEBUG_PROVIDERS"] = provider.EnvVar()
	// A pulumi-resource-aws on PATH must not shadow the attached stand-in.
	env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
	return env
}

// BackendEnv is what the CLI needs to reach the stacks of the offline directory dir (a session's
// Options.Dir) from any folder: the file backend, the private PULUMI_HOME and the passphrase.
// `offline env` prints it as export lines.
func BackendEnv(dir string) map[string]string {
	return backendEnv(filepath.Join(dir, "state"), filepath.Join(dir, "home"))
}

func backendEnv(stateDir, homeDir string) map[string]string {
	return map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + filepath.ToSlash(stateDir),
		"PULUMI_HOME":              homeDir,
		"PULUMI_CONFIG_PASSPHRASE": Passphrase,
	}
}

// CLIEnv is the environment for running the CLI itself on a program (`pulumi preview`, `pulumi
// up` from a Pulumi.yaml) against the offline directory dir: BackendEnv(dir), nothing that
// reaches the network, and pathDirs ahead of the caller's PATH, for the folders of the stand-in
// provider plugin (see BuildProviderPlugin) and of the language host: the CLI finds plugins on
// PATH as it finds an installed pulumi-aws.
func CLIEnv(dir string, pathDirs ...string) map[string]string {
	env := cliEnv(filepath.Join(dir, "state"), filepath.Join(dir, "home"))
	env["PATH"] = strings.Join(append(pathDirs, os.Getenv("PATH")), string(os.PathListSeparator))
	return env
}

func cliEnv(stateDir, homeDir string) map[string]string {
	env := backendEnv(stateDir, homeDir)
	// Never download a plugin (there is no network; fail fast instead).
	env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "true"
	env["PULUMI_SKIP_UPDATE_CHECK"] = "1"
	env["PULUMI_SKIP_CONFIRMATIONS"] = "true"
	// The workspace's copy of the stack config is deleted after each session (it may hold
	// whatever the real file holds); the next run takes the passphrase salt from the state.
	env["PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"] = "true"
	return env
}

// projectSettings loads opts.ProjectFile (the real Pulumi.yaml) or returns minimal settings.
func projectSettings(opts Options) (*workspace.Project, error) {
	if opts.ProjectFile == "" {
		return &workspace.Project{
			Name:    tokens.PackageName(opts.Project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		}, nil
	}
	p, err := workspace.LoadProject(opts.ProjectFile)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", opts.ProjectFile, err)
	}
	if string(p.Name) != opts.Project {
		return nil, fmt.Errorf("%s names project %q, expected %q", opts.ProjectFile, p.Name, opts.Project)
	}
	return p, nil
}

// writeStackSettings copies the stack's config file into the workspace, byte for byte, after
// checking that Pulumi can read it. The copy has no passphrase salt unless the real file has one:
// the CLI then takes the stack's secrets manager from its state (cliEnv).
func writeStackSettings(project *workspace.Project, workDir, stack, src string) error {
	if src == "" {
		return nil
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	if _, err := workspace.LoadProjectStack(sink, project, src); err != nil {
		return fmt.Errorf("loading %s: %w", src, err)
	}
	raw, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	dst := filepath.Join(workDir, "Pulumi."+stack+".yaml")
	if err := os.WriteFile(dst, raw, 0o600); err != nil {
		return fmt.Errorf("writing the workspace copy of %s: %w", src, err)
	}
	return nil
}

// Close stops the provider if Open started it, and deletes the workspace's copy of the stack's
// config: it holds whatever the real file (or Options.Config) held, fake keys included, and the
// next Open copies the real file again.
func (s *Session) Close() {
	if s.ownP && s.opts.Provider != nil {
		_ = s.opts.Provider.Close()
		s.opts.Provider = nil
	}
	if s.stackCopy != "" {
		_ = os.Remove(s.stackCopy)
	}
}

// Env returns the environment the session runs the CLI with.
func (s *Session) Env() map[string]string {
	out := make(map[string]string, len(s.env))
	for k, v := range s.env {
		out[k] = v
	}
	return out
}

// Provider is the stand-in aws provider the session attaches to.
func (s *Session) Provider() *fakeaws.Server { return s.opts.Provider }
