package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/backend"
	"github.com/pulumi/pulumi/pkg/v3/backend/diy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/report"
)

// StackRef names a stack of a backend.
type StackRef struct {
	Organization, Project, Name string
	// ProjectDir is the project's directory in the repository, when known (SARIF locations).
	ProjectDir string
	// id is what the source needs to find the stack again.
	id string
}

// FullName is organization/project/stack (project/stack without an organization), as the
// report names the stack.
func (r StackRef) FullName() string { return r.stack().FullName() }

// stack is the report's stack for r, not judged yet.
func (r StackRef) stack() report.Stack {
	return report.Stack{Organization: r.Organization, Project: r.Project, Name: r.Name, ProjectDir: r.ProjectDir}
}

// Source is where stacks and their latest states come from.
type Source interface {
	// Describe names the source for reports, without credentials.
	Describe() string
	// List returns every stack of the backend.
	List(ctx context.Context) ([]StackRef, error)
	// Export returns a stack's latest deployment, as `pulumi stack export` would.
	Export(ctx context.Context, ref StackRef) (*apitype.UntypedDeployment, error)
}

// DIYSource reads a self-managed backend (file://, s3://, gs://, azblob://) through Pulumi's own
// diy backend package: the same layout, compression and credentials (PULUMI_BACKEND_URL's
// query parameters, AWS_*, GOOGLE_*, AZURE_* as the CLI reads them) as `pulumi login <url>`.
// It only reads, and never takes a stack's lock.
type DIYSource struct {
	url string
	be  diy.Backend
}

// OpenDIY opens a self-managed backend. Warnings of the backend (legacy layout) go to warn.
func OpenDIY(ctx context.Context, backendURL string, warn io.Writer) (*DIYSource, error) {
	if !diy.IsDIYBackendURL(backendURL) {
		return nil, fmt.Errorf("%s is not a self-managed backend URL (file://, s3://, gs://, azblob://)", RedactURL(backendURL))
	}
	if warn == nil {
		warn = io.Discard
	}
	sink := diag.DefaultSink(warn, warn, diag.FormatOptions{Color: colors.Never})
	be, err := diy.New(ctx, sink, backendURL, nil)
	if err != nil {
		return nil, fmt.Errorf("opening the backend %s: %s", RedactURL(backendURL), awscreds.RedactAll(err.Error()))
	}
	return &DIYSource{url: backendURL, be: be}, nil
}

// Describe is the backend URL without credentials.
func (s *DIYSource) Describe() string { return RedactURL(s.url) }

// List lists stack names only (ListStacks would read every state and fail on the first
// unreadable one; the audit reads each state itself and reports the unreadable ones).
func (s *DIYSource) List(ctx context.Context) ([]StackRef, error) {
	var out []StackRef
	var token backend.ContinuationToken
	for {
		refs, next, err := s.be.ListStackNames(ctx, backend.ListStackNamesFilter{}, token)
		if err != nil {
			return nil, fmt.Errorf("listing the stacks of %s: %w", s.Describe(), err)
		}
		for _, r := range refs {
			org, project, name := splitFullName(string(r.FullyQualifiedName()))
			out = append(out, StackRef{Organization: org, Project: project, Name: name, id: r.String()})
		}
		if next == nil {
			return out, nil
		}
		token = next
	}
}

// Export reads a stack's checkpoint.
func (s *DIYSource) Export(ctx context.Context, ref StackRef) (*apitype.UntypedDeployment, error) {
	sr, err := s.be.ParseStackReference(ref.FullName())
	if err != nil {
		return nil, fmt.Errorf("naming the stack: %w", err)
	}
	st, err := s.be.GetStack(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("reading the state: %w", err)
	}
	if st == nil {
		return nil, errors.New("the stack no longer exists")
	}
	dep, err := s.be.ExportDeployment(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("reading the state: %w", err)
	}
	return dep, nil
}

// CLISource reads any backend the Pulumi CLI is logged in to (Pulumi Cloud included):
// `pulumi stack ls --all --json`, then `pulumi stack export` per stack.
type CLISource struct {
	// CLI is the pulumi executable ("pulumi" on PATH by default).
	CLI string
	// Env is added to the CLI's environment (e.g. PULUMI_BACKEND_URL, PULUMI_ACCESS_TOKEN).
	Env []string
	// Organization and Project are passed to `stack ls` as filters when set.
	Organization, Project string
	// ShowSecrets exports with --show-secrets, so the pack sees secret values (it never prints
	// them); without it, secrets the audit cannot decrypt are judged as "[secret]".
	ShowSecrets bool
	// Dir is the working directory of the CLI; an empty directory keeps a Pulumi.yaml nearby
	// from shortening stack names. Defaults to a fresh temporary directory.
	Dir string
}

// Describe says the source is the CLI's login.
func (s *CLISource) Describe() string { return "pulumi-cli" }

// List runs `pulumi stack ls --all --json`.
func (s *CLISource) List(ctx context.Context) ([]StackRef, error) {
	// Fully qualified names, so that a stack of the CLI's current organization or project is
	// named like every other.
	args := []string{"stack", "ls", "--all", "--json", "--fully-qualify-stack-names"}
	if s.Organization != "" {
		args = append(args, "--organization", s.Organization)
	}
	if s.Project != "" {
		args = append(args, "--project", s.Project)
	}
	out, err := s.run(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("listing stacks: %w", err)
	}
	var rows []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(out, &rows); err != nil {
		return nil, fmt.Errorf("listing stacks: `pulumi stack ls --json` printed something else than JSON: %w", err)
	}
	refs := make([]StackRef, 0, len(rows))
	for _, r := range rows {
		org, project, name := splitFullName(r.Name)
		if org == "" {
			org = s.Organization
		}
		refs = append(refs, StackRef{Organization: org, Project: project, Name: name, id: r.Name})
	}
	return refs, nil
}

// Export runs `pulumi stack export --stack <name>`.
func (s *CLISource) Export(ctx context.Context, ref StackRef) (*apitype.UntypedDeployment, error) {
	args := []string{"stack", "export", "--stack", ref.id}
	if s.ShowSecrets {
		args = append(args, "--show-secrets")
	}
	out, err := s.run(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("exporting the state: %w", err)
	}
	var dep apitype.UntypedDeployment
	if err := json.Unmarshal(out, &dep); err != nil {
		return nil, fmt.Errorf("reading the exported state: %w", err)
	}
	return &dep, nil
}

func (s *CLISource) run(ctx context.Context, args ...string) ([]byte, error) {
	cli := s.CLI
	if cli == "" {
		cli = "pulumi"
	}
	dir := s.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "keyless-audit-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	cmd := exec.CommandContext(ctx, cli, append(args, "--non-interactive")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=1")
	cmd.Env = append(cmd.Env, s.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("pulumi %s: %s", strings.Join(args[:2], " "), awscreds.RedactAll(msg))
	}
	return stdout.Bytes(), nil
}

// splitFullName splits org/project/stack (or project/stack, or stack).
func splitFullName(s string) (org, project, name string) {
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 3:
		return parts[0], parts[1], parts[2]
	case 2:
		return "", parts[0], parts[1]
	default:
		return "", "", s
	}
}

// RedactURL drops what a backend URL may carry that is not for a report: user information and
// query parameters (SAS tokens, keys), and any credential-shaped value.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable backend URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return awscreds.RedactAll(u.String())
}
