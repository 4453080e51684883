// Command enginebench measures what the policy pack adds to a real `pulumi preview`: offline
// previews (harness/offline: the pinned CLI, the Automation API with an inline program, the
// stand-in aws provider) of a stack with K ActiveStorage components, without the pack and with it
// (and, with -null-pack, with a pack that checks nothing, to separate the engine's cost of running
// any pack from our policies' cost). After one unmeasured warm-up preview of each arm, every run
// previews each arm once, rotating which goes first. It reports per K the medians of wall and CPU
// time (this process and the CLI and pack it starts) and the ratios, and writes them as JSON
// (-out) for bench/run.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	tools, err := offline.EnsureTools(ctx, root, os.Stderr)
	if err != nil {
		return err
	}
	nullPack := ""
	if null {
		if nullPack, err = buildNullPack(ctx, root, dir); err != nil {
			return err
		}
	}
	if profile != "" {
		if tools.CLI, err = profilingCLI(tools.CLI, dir, profile); err != nil {
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
		c, err := measure(ctx, k, runs, filepath.Join(dir, fmt.Sprintf("k%d", k)), tools, provider, env, nullPack)
		if err != nil {
			return fmt.Errorf("K=%d: %w", k, err)
		}
		fmt.Fprintf(os.Stderr, "K=%d (%d resources): without %.0f ms, with %.0f ms (medians of %d), ratio %.3f; CPU %.0f ms / %.0f ms, ratio %.3f\n",
			c.K, c.Resources, c.WithoutMedianMS, c.WithMedianMS, runs, c.Ratio, c.WithCPUMedianMS, c.WithoutCPUMedianMS, c.CPURatio)
		if nullPack != "" {
			fmt.Fprintf(os.Stderr, "K=%d null pack: %.0f ms, ratio %.3f; CPU %.0f ms, ratio %.3f\n",
				c.K, c.NullMedianMS, c.NullRatio, c.NullCPUMedianMS, c.NullCPURatio)
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

func measure(ctx context.Context, k, runs int, dir string, tools offline.Tools, provider *fakeaws.Server,
	env map[string]string, nullPack string,
) (stats.EngineCase, error) {
	c := stats.EngineCase{K: k, Env: env}
	open := func(name string, packs []string) (*offline.Session, error) {
		d := filepath.Join(dir, name)
		if err := os.RemoveAll(d); err != nil {
			return nil, err
		}
		return offline.Open(ctx, offline.Options{
			Dir: d, CLI: tools.CLI, Stack: "bench", Program: program(k), PolicyPacks: packs, Provider: provider,
			Config: map[string]auto.ConfigValue{"aws:region": {Value: "us-east-1"}}, Env: env,
		})
	}
	type arm struct {
		name string
		s    *offline.Session
		wall []float64
		cpu  []float64
	}
	packs := [][]string{nil, {tools.PolicyPack}}
	names := []string{"without", "with"}
	if nullPack != "" {
		packs, names = append(packs, []string{nullPack}), append(names, "null")
	}
	var arms []*arm
	for i, n := range names {
		s, err := open(n, packs[i])
		if err != nil {
			return c, err
		}
		defer s.Close()
		arms = append(arms, &arm{name: n, s: s})
	}

	preview := func(a *arm) (time.Duration, time.Duration, *offline.Report, error) {
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
	if len(arms) == 3 {
		c.NullMS, c.NullCPUMS = arms[2].wall, arms[2].cpu
		c.NullMedianMS, c.NullCPUMedianMS = stats.Median(c.NullMS), stats.Median(c.NullCPUMS)
		c.NullRatio, c.NullCPURatio = ratio(c.NullMedianMS, c.WithoutMedianMS), ratio(c.NullCPUMedianMS, c.WithoutCPUMedianMS)
	}
	return c, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// buildNullPack builds bench/cmd/nullpack into dir.
func buildNullPack(ctx context.Context, root, dir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(dir, "nullpack"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./bench/cmd/nullpack")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the null pack: %w", err)
	}
	return out, nil
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
