// Command enginebench measures what the policy pack adds to a real `pulumi preview`: offline
// previews (harness/offline: the pinned CLI, the Automation API with an inline program, the
// stand-in aws provider) of a stack with K ActiveStorage components, without the pack and with it
// (and, with -null-pack, with a pack that checks nothing, to separate the engine's cost of running
// any pack from our policies' cost). After one unmeasured warm-up preview of each arm, every run
// previews each arm once, rotating which goes first. It reports per K the medians of wall and CPU
// time (this process and the CLI and pack it starts) and the ratios, and, from the kernel's
// accounting of each pack process (bench/cmd/packrss in front of it), the pack's own peak
// resident set and CPU time in every preview; it writes them as JSON (-out) for bench/run.sh.
// Both packs are built as releases are (bench/packbuild).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/bench/packbuild"
	"github.com/keyless-ecs/railsapp/bench/stats"
	"github.com/keyless-ecs/railsapp/components"
	"github.com/keyless-ecs/railsapp/harness/fakeaws"
	"github.com/keyless-ecs/railsapp/harness/offline"
)

func main() {
	ks := flag.String("k", "1,10,100", "comma-separated numbers of component instances")
	runs := flag.Int("runs", 5, "measured previews of each kind (with, without) per K")
	dir := flag.String("dir", "bench/out/engine", "directory for the offline backends")
	out := flag.String("out", "", "write the results as JSON to this file")
	profile := flag.String("cli-profile", "", "run the CLI with --profiling <this prefix> (CPU profile, heap profile and trace per CLI run)")
	env := map[string]string{}
	flag.Func("engine-env", "KEY=VALUE for the CLI's environment (repeatable), e.g. PULUMI_SKIP_CHECKPOINTS=true", func(kv string) error {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("%q is not KEY=VALUE", kv)
		}
		env[k] = v
		return nil
	})
	null := flag.Bool("null-pack", false, "also measure a pack that checks nothing (bench/cmd/nullpack), as a third arm")
	flag.Parse()
	if err := run(*ks, *runs, *dir, *out, *profile, env, *null); err != nil {
		fmt.Fprintln(os.Stderr, "enginebench:", err)
		os.Exit(1)
	}
}

func run(ks string, runs int, dir, out, profile string, env map[string]string, null bool) error {
	ctx := context.Background()
	root, err := offline.RepoRoot(".")
	if err != nil {
		return err
	}
	cli, err := offline.EnsureCLI(ctx, root, os.Stderr)
	if err != nil {
		return err
	}
	packs, err := buildPacks(ctx, root, dir, null)
	if err != nil {
		return err
	}
	if profile != "" {
		if cli, err = profilingCLI(cli, dir, profile); err != nil {
			return err
		}
	}
	provider, err := fakeaws.Start(fakeaws.Options{})
	if err != nil {
		return fmt.Errorf("starting the stand-in aws provider: %w", err)
	}
	defer func() { _ = provider.Close() }()

	var cases []stats.EngineCase
	for _, f := range strings.Split(ks, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return fmt.Errorf("-k: %q is not a positive number", f)
		}
		c, err := measure(ctx, k, runs, filepath.Join(dir, fmt.Sprintf("k%d", k)), cli, provider, env, packs)
		if err != nil {
			return fmt.Errorf("K=%d: %w", k, err)
		}
		fmt.Fprintf(os.Stderr, "K=%d (%d resources): without %.0f ms, with %.0f ms (medians of %d), ratio %.3f; CPU %.0f ms / %.0f ms, ratio %.3f\n",
			c.K, c.Resources, c.WithoutMedianMS, c.WithMedianMS, runs, c.Ratio, c.WithCPUMedianMS, c.WithoutCPUMedianMS, c.CPURatio)
		fmt.Fprintf(os.Stderr, "K=%d pack process: peak RSS %.1f MiB, CPU %.0f ms\n", c.K, c.PackPeakRSSMedianMiB, c.PackCPUMedianMS)
		if packs.null != "" {
			fmt.Fprintf(os.Stderr, "K=%d null pack: %.0f ms, ratio %.3f; CPU %.0f ms, ratio %.3f; pack process: peak RSS %.1f MiB, CPU %.0f ms\n",
				c.K, c.NullMedianMS, c.NullRatio, c.NullCPUMedianMS, c.NullCPURatio, c.NullPackPeakRSSMedianMiB, c.NullPackCPUMedianMS)
		}
		cases = append(cases, c)
	}
	return stats.WriteJSON(out, cases)
}

// program registers k ActiveStorage components with distinct environments (so distinct role,
// policy and family names) and auto-named buckets.
func program(k int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := 0; i < k; i++ {
			_, err := components.NewActiveStorage(ctx, fmt.Sprintf("svc%d", i), &components.ActiveStorageArgs{
				Environment:  fmt.Sprintf("bench%d", i),
				Image:        "123456789012.dkr.ecr.us-east-1.amazonaws.com/rails-app:v1",
				ForceDestroy: true,
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func measure(ctx context.Context, k, runs int, dir, cli string, provider *fakeaws.Server,
	env map[string]string, packs packSet,
) (stats.EngineCase, error) {
	c := stats.EngineCase{K: k, Env: env}
	open := func(name string, packs []string) (*offline.Session, error) {
		d := filepath.Join(dir, name)
		if err := os.RemoveAll(d); err != nil {
			return nil, err
		}
		return offline.Open(ctx, offline.Options{
			Dir: d, CLI: cli, Stack: "bench", Program: program(k), PolicyPacks: packs, Provider: provider,
			Config: map[string]auto.ConfigValue{"aws:region": {Value: "us-east-1"}}, Env: env,
		})
	}
	type arm struct {
		name  string
		s     *offline.Session
		usage *usageLog // the pack process's rusage per preview (nil: no pack)
		wall  []float64
		cpu   []float64
		rss   []float64 // the pack process's peak RSS, MiB
		pcpu  []float64 // the pack process's CPU time, ms
	}
	arms := []*arm{{name: "without"}, {name: "with", usage: packs.ours}}
	if packs.null != "" {
		arms = append(arms, &arm{name: "null", usage: packs.nullUsage})
	}
	for _, a := range arms {
		var pp []string
		if a.usage != nil {
			pp = []string{a.usage.exe}
		}
		s, err := open(a.name, pp)
		if err != nil {
			return c, err
		}
		defer s.Close()
		a.s = s
	}

	preview := func(a *arm) (time.Duration, time.Duration, *offline.Report, error) {
		if a.usage != nil {
			a.usage.mark()
		}
		self0, kids0 := cpuTime()
		t0 := time.Now()
		rep, err := a.s.Preview(ctx)
		d := time.Since(t0)
		self1, kids1 := cpuTime()
		cpu := self1 - self0 + kids1 - kids0
		fmt.Fprintf(os.Stderr, "  K=%d %s pack: wall %.0f ms, CPU %.0f ms (this process %.0f ms, CLI and pack %.0f ms)\n",
			k, a.name, stats.MS(d), stats.MS(cpu), stats.MS(self1-self0), stats.MS(kids1-kids0))
		if err != nil {
			return d, cpu, rep, fmt.Errorf("preview (%s pack): %w", a.name, err)
		}
		if b := rep.Blocking(); len(b) > 0 {
			return d, cpu, rep, fmt.Errorf("preview (%s pack) reported %d blocking violations on a compliant stack (first: %s on %s)",
				a.name, len(b), b[0].Policy, b[0].URN)
		}
		return d, cpu, rep, nil
	}
	// Warm-up: the first preview of a fresh backend creates the stack's files and caches.
	for _, a := range arms {
		if _, _, _, err := preview(a); err != nil {
			return c, err
		}
	}
	// Alternate: each run rotates which arm goes first, so drifts in machine load spread evenly.
	for r := 0; r < runs; r++ {
		for j := range arms {
			a := arms[(r+j)%len(arms)]
			d, cpu, rep, err := preview(a)
			if err != nil {
				return c, err
			}
			a.wall, a.cpu = append(a.wall, stats.MS(d)), append(a.cpu, stats.MS(cpu))
			if a.usage != nil {
				u, err := a.usage.next()
				if err != nil {
					return c, fmt.Errorf("%s pack: %w", a.name, err)
				}
				a.rss, a.pcpu = append(a.rss, u.PeakRSSMiB), append(a.pcpu, u.CPUMS)
			}
			if a.name == "with" {
				c.PolicyResults = len(rep.Policy)
			}
			c.Resources = rep.Changes["create"]
		}
	}
	c.WithoutMS, c.WithoutCPUMS = arms[0].wall, arms[0].cpu
	c.WithMS, c.WithCPUMS = arms[1].wall, arms[1].cpu
	c.WithoutMedianMS, c.WithMedianMS = stats.Median(c.WithoutMS), stats.Median(c.WithMS)
	c.WithoutCPUMedianMS, c.WithCPUMedianMS = stats.Median(c.WithoutCPUMS), stats.Median(c.WithCPUMS)
	c.Ratio, c.CPURatio = ratio(c.WithMedianMS, c.WithoutMedianMS), ratio(c.WithCPUMedianMS, c.WithoutCPUMedianMS)
	c.PackPeakRSSMiB, c.PackCPUMS = arms[1].rss, arms[1].pcpu
	c.PackPeakRSSMedianMiB, c.PackCPUMedianMS = stats.Median(c.PackPeakRSSMiB), stats.Median(c.PackCPUMS)
	if len(arms) == 3 {
		c.NullMS, c.NullCPUMS = arms[2].wall, arms[2].cpu
		c.NullMedianMS, c.NullCPUMedianMS = stats.Median(c.NullMS), stats.Median(c.NullCPUMS)
		c.NullRatio, c.NullCPURatio = ratio(c.NullMedianMS, c.WithoutMedianMS), ratio(c.NullCPUMedianMS, c.WithoutCPUMedianMS)
		c.NullPackPeakRSSMiB, c.NullPackCPUMS = arms[2].rss, arms[2].pcpu
		c.NullPackPeakRSSMedianMiB, c.NullPackCPUMedianMS = stats.Median(c.NullPackPeakRSSMiB), stats.Median(c.NullPackCPUMS)
	}
	return c, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// packSet are the packs the previews run, each behind packrss.
type packSet struct {
	ours      *usageLog
	null      string // the null pack's executable, "" when not measured
	nullUsage *usageLog
}

// buildPacks builds our pack, the null pack (when asked) and packrss as releases are built, and
// writes for each pack a launcher that runs it behind packrss.
func buildPacks(ctx context.Context, root, dir string, null bool) (packSet, error) {
	var ps packSet
	// The CLI takes a policy pack path that is not absolute for a pack directory.
	bin, err := filepath.Abs(filepath.Join(dir, "bin"))
	if err != nil {
		return ps, err
	}
	wrap, err := packbuild.Release(ctx, root, bin, "packrss", "./bench/cmd/packrss")
	if err != nil {
		return ps, err
	}
	launcher := func(name, pkg string) (*usageLog, string, error) {
		exe, err := packbuild.Release(ctx, root, bin, name, pkg)
		if err != nil {
			return nil, "", err
		}
		u := &usageLog{file: filepath.Join(bin, name+".usage.jsonl"), exe: filepath.Join(bin, name+"-measured")}
		script := fmt.Sprintf("#!/bin/sh\nexec %q %q %q \"$@\"\n", wrap, u.file, exe)
		if err := os.WriteFile(u.exe, []byte(script), 0o755); err != nil {
			return nil, "", err
		}
		return u, exe, nil
	}
	if ps.ours, _, err = launcher("keyless-policy", "./policypack"); err != nil {
		return ps, err
	}
	if null {
		if ps.nullUsage, ps.null, err = launcher("nullpack", "./bench/cmd/nullpack"); err != nil {
			return ps, err
		}
	}
	return ps, nil
}

// usageLog reads the records packrss appends, one per pack process.
type usageLog struct {
	file, exe string
	seen      int
}

// mark notes how many records there are before a preview.
func (u *usageLog) mark() { u.seen = len(u.records()) }

// next returns the record of the preview since mark. The engine ends the pack as the preview
// ends; packrss writes its record a moment later, so it is waited for briefly.
func (u *usageLog) next() (stats.PackUsage, error) {
	for range 100 {
		if rs := u.records(); len(rs) > u.seen {
			return rs[len(rs)-1], nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return stats.PackUsage{}, fmt.Errorf("no usage record in %s after the preview", u.file)
}

func (u *usageLog) records() []stats.PackUsage {
	b, _ := os.ReadFile(u.file)
	var out []stats.PackUsage
	for _, line := range strings.Split(string(b), "\n") {
		var r stats.PackUsage
		if json.Unmarshal([]byte(line), &r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// profilingCLI writes a wrapper that runs cli with the CLI's own --profiling flag.
func profilingCLI(cli, dir, prefix string) (string, error) {
	cli, err := filepath.Abs(cli)
	if err != nil {
		return "", err
	}
	if prefix, err = filepath.Abs(prefix); err != nil {
		return "", err
	}
	d := filepath.Join(dir, "profiling-cli")
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	w := filepath.Join(d, "pulumi")
	script := fmt.Sprintf("#!/bin/sh\nexec %q --profiling %q \"$@\"\n", cli, prefix)
	if err := os.WriteFile(w, []byte(script), 0o755); err != nil {
		return "", fmt.Errorf("writing the profiling wrapper: %w", err)
	}
	return w, nil
}

// cpuTime is the user+sys CPU time used so far by this process and by its waited-for
// descendants (the CLI, and the pack the CLI starts and waits for).
func cpuTime() (self, children time.Duration) {
	get := func(who int) time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return get(syscall.RUSAGE_SELF), get(syscall.RUSAGE_CHILDREN)
}
