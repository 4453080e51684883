// Package audit checks every stack of a backend with the keyless policy pack, as `pulumi policy
// analyze --file` checks one exported state: it lists the stacks (through Pulumi's diy backend
// package or the Pulumi CLI), filters and shards them, reads each latest state and judges it with
// Pulumi's own analysis machinery, a few stacks at a time, and returns one report.
package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/keyless-ecs/railsapp/internal/report"
)

// Options are one audit.
type Options struct {
	Source Source
	Judge  *Judge
	Tool   report.Tool

	// Organization keeps only the stacks of this organization (self-managed backends have one,
	// named "organization").
	Organization string
	// Projects keeps only the stacks of these projects (all when empty).
	Projects []string
	// StackGlobs keeps only the stacks matching one of these path.Match patterns: against the
	// stack name, or against project/stack or org/project/stack when the pattern has slashes.
	StackGlobs []string
	// ProjectDirs maps project names to their directories in a repository (SARIF locations).
	ProjectDirs map[string]string
	// Shard, if set, keeps only the stacks of this shard.
	Shard *report.Shard
	// Concurrency bounds the stacks read and judged at once (GOMAXPROCS when 0).
	Concurrency int
	// Progress, if set, is called after each stack, one call at a time.
	Progress func(Progress)
	// Now stamps the report (time.Now when nil).
	Now func() time.Time
}

// Progress is how far an audit is.
type Progress struct {
	Done, Total                      int
	Violations, Blocking, Unreadable int
}

// Run lists, filters and shards the stacks, then reads and judges them. It fails only when the
// stacks cannot be listed or the options are wrong; every per-stack problem is in the report,
// which is normalized (report.Report.Normalize) and so ready to write.
func Run(ctx context.Context, opts Options) (*report.Report, error) {
	if opts.Source == nil || opts.Judge == nil {
		return nil, errors.New("audit.Run: Source and Judge are required")
	}
	for _, g := range opts.StackGlobs {
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("stack glob %q: %w", g, err)
		}
	}
	refs, err := opts.Source.List(ctx)
	if err != nil {
		return nil, err
	}
	refs = Select(refs, opts.Organization, opts.Projects, opts.StackGlobs, opts.Shard)
	for i := range refs {
		if dir, ok := opts.ProjectDirs[refs[i].Project]; ok {
			refs[i].ProjectDir = dir
		}
	}

	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	rep := &report.Report{
		Kind: report.KindAudit,
		Tool: opts.Tool,
		Scope: report.Scope{Backend: opts.Source.Describe(), Organization: opts.Organization,
			Projects: opts.Projects, StackGlobs: opts.StackGlobs, PolicyConfigDigest: opts.Judge.ConfigDigest()},
		PolicyPacks: []report.PolicyPack{opts.Judge.Pack()},
		Stacks:      make([]report.Stack, len(refs)),
	}
	if opts.Shard != nil {
		rep.Scope.Shards = []report.Shard{*opts.Shard}
	}

	workers := opts.Concurrency
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		prog = Progress{Total: len(refs)}
	)
	for range min(workers, max(len(refs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				st := auditOne(ctx, opts, refs[i])
				mu.Lock()
				rep.Stacks[i] = st
				prog.Done++
				if st.Error != "" {
					prog.Unreadable++
				}
				for _, v := range st.Violations {
					prog.Violations++
					if v.Blocking() {
						prog.Blocking++
					}
				}
				if opts.Progress != nil {
					opts.Progress(prog)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range refs {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("audit interrupted after %d of %d stacks: %w", prog.Done, prog.Total, err)
	}
	rep.GeneratedAt = now().UTC().Format(time.RFC3339)
	rep.Normalize()
	return rep, nil
}

func auditOne(ctx context.Context, opts Options, ref StackRef) report.Stack {
	dep, err := opts.Source.Export(ctx, ref)
	if err != nil {
		st := ref.stack()
		st.Error = err.Error() // redacted with the rest of the report
		return st
	}
	return opts.Judge.Judge(ctx, ref, dep)
}

// Select keeps the stacks that pass the filters and belong to the shard, sorted by full name.
func Select(refs []StackRef, org string, projects, globs []string, shard *report.Shard) []StackRef {
	var out []StackRef
	for _, r := range refs {
		if org != "" && r.Organization != org {
			continue
		}
		if len(projects) > 0 && !slices.Contains(projects, r.Project) {
			continue
		}
		if len(globs) > 0 && !slices.ContainsFunc(globs, func(g string) bool { return matchGlob(g, r) }) {
			continue
		}
		if shard != nil && ShardOf(r.FullName(), shard.Count) != shard.Index {
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b StackRef) int { return cmp.Compare(a.FullName(), b.FullName()) })
	return out
}

func matchGlob(g string, r StackRef) bool {
	subject := r.Name
	switch strings.Count(g, "/") {
	case 1:
		subject = r.Project + "/" + r.Name
	case 2:
		subject = r.Organization + "/" + r.Project + "/" + r.Name
	}
	ok, _ := path.Match(g, subject)
	return ok
}

// ShardOf is the shard (1..n) a stack belongs to: a hash of its full name, so a stack stays in
// its shard when other stacks come and go, and every runner of a CI matrix agrees without
// talking to the others.
func ShardOf(fullName string, n int) int {
	if n <= 1 {
		return 1
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(fullName))
	return int(h.Sum64()%uint64(n)) + 1
}

// ParseShard parses "i/n" (1 ≤ i ≤ n).
func ParseShard(s string) (*report.Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return nil, fmt.Errorf("shard %q: want i/n with 1 ≤ i ≤ n, e.g. 2/3", s)
	}
	return &report.Shard{Index: i, Count: n}, nil
}
