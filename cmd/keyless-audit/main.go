// Command keyless-audit checks every stack of an organization with the keyless policy pack, and
// turns policy results into the reports security teams and CI read.
//
// It is named after the pack's executable (keyless-policy), which it ships beside, and says what
// it does; it does not start with "pulumi-", a prefix the Pulumi CLI reserves for plugins.
//
//	keyless-audit [audit] [flags]            judge the latest state of every stack
//	keyless-audit merge [flags] SHARD.json…  merge the JSON reports of audit shards
//	keyless-audit report [flags]             convert a preview's or update's event log
//	keyless-audit schema                     print the JSON report's schema
//	keyless-audit version                    print the version
//
// Exit status: 0 no blocking violation and every stack judged; bit 1 (1) a blocking violation;
// bit 2 (2) a stack that could not be read or judged; 4 the command could not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/pkg/v3/backend/diy"
	"golang.org/x/term"

	"github.com/keyless-ecs/railsapp/internal/audit"
	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/keyless-ecs/railsapp/internal/report"
)

// exitFailed is the status when the command could not do its job at all.
const exitFailed = 4

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, isTerminal(os.Stdout), isTerminal(os.Stderr))
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

var tool = report.Tool{Name: "keyless-audit", Version: pack.Version}

// run is the whole command; it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, stdoutTTY, stderrTTY bool) int {
	cmd := "audit"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	code := 0
	switch cmd {
	case "audit":
		code, err = runAudit(ctx, args, stdout, stderr, stdoutTTY, stderrTTY)
	case "merge":
		code, err = runMerge(args, stdout, stderr, stdoutTTY)
	case "report":
		code, err = runReport(args, stdin, stdout, stderr, stdoutTTY)
	case "schema":
		_, err = stdout.Write(report.JSONSchema)
	case "version":
		_, err = fmt.Fprintf(stdout, "%s %s (policy pack %s %s)\n", tool.Name, tool.Version, pack.PackName, pack.Version)
	case "help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "keyless-audit %s: %v\n", cmd, err)
		return exitFailed
	}
	return code
}

const usage = `keyless-audit judges every stack of an organization with the keyless policy pack.

Commands:
  keyless-audit [audit] [flags]            judge the latest state of every stack
  keyless-audit merge [flags] SHARD.json…  merge the JSON reports of audit shards
  keyless-audit report [flags]             convert a preview's or update's event log
  keyless-audit schema                     print the JSON report's schema
  keyless-audit version                    print the version

Run "keyless-audit COMMAND -h" for a command's flags. Exit status: 0 clean; 1 a blocking
violation; 2 a stack that could not be judged; 3 both; 4 the command could not run.
`

// outputs collects --output FORMAT=FILE flags.
type outputs []output

type output struct {
	format report.Format
	path   string
}

func (o *outputs) String() string { return "" }

func (o *outputs) Set(v string) error {
	f, p, ok := strings.Cut(v, "=")
	if !ok || p == "" {
		return fmt.Errorf("want FORMAT=FILE (e.g. sarif=audit.sarif), got %q", v)
	}
	format, err := report.ParseFormat(f)
	if err != nil {
		return err
	}
	*o = append(*o, output{format, p})
	return nil
}

// strs collects a repeatable string flag.
type strs []string

func (s *strs) String() string { return strings.Join(*s, ",") }
func (s *strs) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// kvs collects NAME=VALUE flags.
type kvs map[string]string

func (k kvs) String() string { return "" }
func (k kvs) Set(v string) error {
	name, val, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	k[name] = val
	return nil
}

// formatFlags are the output flags every command has.
type formatFlags struct {
	format  string
	outputs outputs
}

func (f *formatFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "", "format on stdout: table, json, sarif, junit or markdown (default: table on a terminal, json otherwise)")
	fs.Var(&f.outputs, "output", "also write the report as FORMAT=FILE, e.g. sarif=audit.sarif (FILE \"-\" is stdout; repeatable)")
}

// write writes the report to every --output file ("-" is stdout), then to stdout.
func (f *formatFlags) write(r *report.Report, stdout io.Writer, stdoutTTY bool) error {
	format := report.Table
	if !stdoutTTY {
		format = report.JSON
	}
	if f.format != "" {
		var err error
		if format, err = report.ParseFormat(f.format); err != nil {
			return err
		}
	}
	for _, o := range f.outputs {
		var err error
		if o.path == "-" {
			err = report.Write(stdout, o.format, r)
		} else {
			err = report.WriteFile(o.path, o.format, r)
		}
		if err != nil {
			return err
		}
	}
	return report.Write(stdout, format, r)
}

// parse parses flags wherever they stand among the arguments (the flag package stops at the
// first argument that is not a flag), so `merge shard-*.json --format markdown` works.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newFlagSet(name string, stderr io.Writer, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer, stdoutTTY, stderrTTY bool) (int, error) {
	fs := newFlagSet("audit", stderr, "Usage: keyless-audit [audit] [flags]\n\n"+
		"Judges the latest state of every stack of a backend, as `pulumi policy analyze --file` judges one.")
	var (
		backendURL  = fs.String("backend", os.Getenv("PULUMI_BACKEND_URL"), "backend URL: file://, s3://, gs:// or azblob:// is read directly; anything else (or none) through the Pulumi CLI's login (default $PULUMI_BACKEND_URL)")
		viaCLI      = fs.Bool("cli", false, "read through the Pulumi CLI even a self-managed backend")
		cli         = fs.String("pulumi", "pulumi", "the Pulumi CLI executable, for the CLI source")
		showSecrets = fs.Bool("show-secrets", false, "CLI source: export states with --show-secrets so the pack sees secret values (never printed)")
		org         = fs.String("org", "", "only stacks of this organization (self-managed backends have one: \"organization\")")
		shard       = fs.String("shard", "", "only shard i/n of the stacks, split by a hash of the stack's full name (e.g. 2/3)")
		concurrency = fs.Int("concurrency", 0, "stacks read and judged at once (default: the number of CPUs)")
		configPath  = fs.String("policy-pack-config", "", "policy config file (Pulumi's version 2 format: levels, properties, exceptions)")
		progress    = fs.String("progress", "auto", "progress line on stderr: auto (on a terminal), always or never")
		projects    strs
		globs       strs
		dirs        = kvs{}
		out         formatFlags
	)
	fs.Var(&projects, "project", "only stacks of this project (repeatable)")
	fs.Var(&globs, "stack", "only stacks matching this glob: a stack name, project/stack or org/project/stack pattern (repeatable)")
	fs.Var(dirs, "project-dir", "PROJECT=DIR: where a project lives in the repository, for SARIF locations (default: a directory named after the project; repeatable)")
	out.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		return 0, fmt.Errorf("unexpected arguments %q", rest)
	}
	var sh *report.Shard
	if *shard != "" {
		var err error
		if sh, err = audit.ParseShard(*shard); err != nil {
			return 0, err
		}
	}
	var showProgress bool
	switch *progress {
	case "auto":
		showProgress = stderrTTY
	case "always":
		showProgress = true
	case "never":
	default:
		return 0, fmt.Errorf("--progress must be auto, always or never, not %q", *progress)
	}

	judge, err := audit.NewJudge(ctx, *configPath)
	if err != nil {
		return 0, err
	}
	for _, w := range judge.Warnings() {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}

	var src audit.Source
	// Pulumi's own test of a self-managed backend URL: anything else (Pulumi Cloud, a URL without
	// a scheme) goes through the CLI, as the flag's help says.
	if diy.IsDIYBackendURL(*backendURL) && !*viaCLI {
		if src, err = audit.OpenDIY(ctx, *backendURL, stderr); err != nil {
			return 0, err
		}
	} else {
		cs := &audit.CLISource{CLI: *cli, Organization: *org, ShowSecrets: *showSecrets}
		if *backendURL != "" {
			cs.Env = append(cs.Env, "PULUMI_BACKEND_URL="+*backendURL)
		}
		if len(projects) == 1 {
			cs.Project = projects[0]
		}
		src = cs
	}

	opts := audit.Options{Source: src, Judge: judge, Tool: tool, Organization: *org, Projects: projects,
		StackGlobs: globs, ProjectDirs: dirs, Shard: sh, Concurrency: *concurrency}
	if showProgress {
		opts.Progress = func(p audit.Progress) {
			fmt.Fprintf(stderr, "\r\033[Kkeyless-audit: %d/%d stacks · %d violations (%d blocking) · %d unreadable",
				p.Done, p.Total, p.Violations, p.Blocking, p.Unreadable)
		}
	}
	rep, err := audit.Run(ctx, opts)
	if showProgress {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return 0, err
	}
	if len(rep.Stacks) == 0 {
		fmt.Fprintf(stderr, "warning: no stack of %s matched the filters\n", src.Describe())
	}
	if err := out.write(rep, stdout, stdoutTTY); err != nil {
		return 0, err
	}
	return rep.ExitCode(), nil
}

func runMerge(args []string, stdout, stderr io.Writer, stdoutTTY bool) (int, error) {
	fs := newFlagSet("merge", stderr, "Usage: keyless-audit merge [flags] SHARD.json…\n\n"+
		"Merges the JSON reports of the shards of one audit (keyless-audit --shard i/n --output json=FILE).")
	var out formatFlags
	out.register(fs)
	files, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, errors.New("give the JSON reports of the shards")
	}
	var reps []*report.Report
	for _, p := range files {
		r, err := report.ReadJSONFile(p)
		if err != nil {
			return 0, err
		}
		reps = append(reps, r)
	}
	merged, missing, err := report.Merge(reps)
	if err != nil {
		return 0, err
	}
	if len(missing) > 0 {
		ids := make([]string, len(missing))
		for i, m := range missing {
			ids[i] = m.String()
		}
		fmt.Fprintf(stderr, "warning: shards %s are missing: the merged report does not cover every stack\n", strings.Join(ids, ", "))
	}
	if err := out.write(merged, stdout, stdoutTTY); err != nil {
		return 0, err
	}
	code := merged.ExitCode()
	if len(missing) > 0 {
		code |= report.ExitErrors
	}
	return code, nil
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer, stdoutTTY bool) (int, error) {
	fs := newFlagSet("report", stderr, "Usage: keyless-audit report --event-log FILE [--event-log FILE…] [flags]\n\n"+
		"Converts the engine's event logs of previews or updates (pulumi preview --event-log FILE, or the JSON\n"+
		"lines of pulumi policy analyze --json) into one report, a stack per log. It exits 0 once the reports\n"+
		"are written: each preview's own exit status is the verdict.")
	var (
		logs       strs
		org        = fs.String("org", "", "the stacks' organization")
		project    = fs.String("project", "", "the stack's project (default: from the events)")
		stackName  = fs.String("stack", "", "the stack's name, with one event log (default: from the events)")
		projectDir = fs.String("project-dir", ".", "the project's directory in the repository, for SARIF locations")
		configPath = fs.String("policy-pack-config", "", "the policy config the previews ran with (for the levels shown beside each policy)")
		out        formatFlags
	)
	fs.Var(&logs, "event-log", "an engine event log (\"-\" for stdin; repeatable, one per stack)")
	out.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		return 0, fmt.Errorf("unexpected arguments %q", rest)
	}
	if len(logs) == 0 {
		return 0, errors.New("--event-log is required")
	}
	if *stackName != "" && len(logs) > 1 {
		return 0, errors.New("--stack names the stack of a single event log")
	}
	if i := slices.Index(logs, "-"); i >= 0 && slices.Contains(logs[i+1:], "-") {
		// A second read of stdin would find it drained and report a stack that never ran.
		return 0, errors.New(`--event-log "-" (stdin) may be given once`)
	}
	judge, err := audit.NewJudge(context.Background(), *configPath)
	if err != nil {
		return 0, err
	}
	opts := report.EventOptions{Tool: tool, Organization: *org, Project: *project, Stack: *stackName,
		ProjectDir: *projectDir, Packs: []report.PolicyPack{judge.Pack()}}
	var reps []*report.Report
	for _, path := range logs {
		r, err := readEventLog(path, stdin, opts)
		if err != nil {
			return 0, err
		}
		reps = append(reps, r)
	}
	if err := out.write(report.Combine(reps), stdout, stdoutTTY); err != nil {
		return 0, err
	}
	return 0, nil
}

// readEventLog reads the event log at path, or stdin when path is "-".
func readEventLog(path string, stdin io.Reader, opts report.EventOptions) (*report.Report, error) {
	if path == "-" {
		r, err := report.ReadEventLog(stdin, opts)
		if err != nil {
			return nil, fmt.Errorf("stdin: %w", err)
		}
		return r, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the event log: %w", err)
	}
	defer f.Close()
	r, err := report.ReadEventLog(f, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
