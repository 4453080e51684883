// Command auditbench measures keyless-audit on generated organizations: for each size it writes
// that many stacks (one ActiveStorage component, 15 resources and the stack, every tenth with a
// mandatory violation) into a file:// backend, then audits them in a fresh process of itself and
// prints stacks per second (of wall and of CPU time, the latter steadier on a busy machine) and the
// audit process's peak resident memory. Memory should not grow
// with the number of stacks: only --concurrency states are held at once.
//
//	go run ./bench/cmd/auditbench                  # 250, 500 and 1000 stacks
//	go run ./bench/cmd/auditbench -sizes 1000 -concurrency 2
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keyless-ecs/railsapp/bench/auditgen"
	"github.com/keyless-ecs/railsapp/internal/audit"
	"github.com/keyless-ecs/railsapp/internal/report"
)

// result is what one audit process reports.
type result struct {
	Stacks      int     `json:"stacks"`
	Blocking    int     `json:"blocking"`
	Errored     int     `json:"errored"`
	Seconds     float64 `json:"seconds"`
	CPUSeconds  float64 `json:"cpuSeconds"`
	PeakRSSMiB  float64 `json:"peakRssMiB"`
	Concurrency int     `json:"concurrency"`
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-audit-child" {
		if err := child(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "auditbench:", err)
			os.Exit(1)
		}
		return
	}
	sizes := flag.String("sizes", "250,500,1000", "numbers of stacks, comma-separated")
	concurrency := flag.Int("concurrency", 0, "the audit's --concurrency (default: GOMAXPROCS)")
	flag.Parse()
	if err := run(*sizes, *concurrency); err != nil {
		fmt.Fprintln(os.Stderr, "auditbench:", err)
		os.Exit(1)
	}
}

func run(sizes string, concurrency int) error {
	ctx := context.Background()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("audit of N stacks × 15 resources on file:// (GOMAXPROCS %d, %s/%s)\n", runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("%8s %10s %10s %10s %12s %16s %12s %10s\n", "stacks", "generate", "audit", "CPU", "stacks/s",
		"stacks/CPU-s", "peak RSS", "blocking")
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("size %q is not a positive number", s)
		}
		dir, err := os.MkdirTemp("", "auditbench-")
		if err != nil {
			return err
		}
		url := "file://" + filepath.ToSlash(dir)
		start := time.Now()
		violating, err := auditgen.Generate(ctx, url, n)
		if err != nil {
			os.RemoveAll(dir)
			return err
		}
		gen := time.Since(start)

		cmd := exec.Command(self, "-audit-child", url)
		cmd.Env = append(os.Environ(), fmt.Sprintf("AUDITBENCH_CONCURRENCY=%d", concurrency))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		os.RemoveAll(dir)
		if err != nil {
			return fmt.Errorf("auditing %d stacks: %w", n, err)
		}
		var r result
		if err := json.Unmarshal(out, &r); err != nil {
			return fmt.Errorf("reading the audit's result: %w", err)
		}
		if r.Stacks != n || r.Blocking < violating || r.Errored != 0 {
			return fmt.Errorf("audit of %d stacks: got %d stacks, %d blocking violations (want ≥ %d), %d errors",
				n, r.Stacks, r.Blocking, violating, r.Errored)
		}
		fmt.Printf("%8d %9.1fs %9.1fs %9.1fs %12.0f %16.0f %8.0f MiB %10d\n", n, gen.Seconds(), r.Seconds, r.CPUSeconds,
			float64(n)/r.Seconds, float64(n)/r.CPUSeconds, r.PeakRSSMiB, r.Blocking)
	}
	return nil
}

// child audits the backend and prints its result as JSON.
func child(url string) error {
	ctx := context.Background()
	concurrency, _ := strconv.Atoi(os.Getenv("AUDITBENCH_CONCURRENCY"))
	start := time.Now()
	judge, err := audit.NewJudge(ctx, "")
	if err != nil {
		return err
	}
	src, err := audit.OpenDIY(ctx, url, nil)
	if err != nil {
		return err
	}
	rep, err := audit.Run(ctx, audit.Options{Source: src, Judge: judge, Concurrency: concurrency,
		Tool: report.Tool{Name: "auditbench"}})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	rss, err := peakRSSMiB()
	if err != nil {
		return err
	}
	if concurrency == 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return err
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return json.NewEncoder(os.Stdout).Encode(result{Stacks: len(rep.Stacks), Blocking: rep.Summary.Blocking,
		Errored: rep.Summary.Errored, Seconds: elapsed.Seconds(), CPUSeconds: cpu.Seconds(), PeakRSSMiB: rss,
		Concurrency: concurrency})
}

// peakRSSMiB is the process's resident-set high-water mark (Linux: VmHWM).
func peakRSSMiB() (float64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak memory needs Linux's /proc: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				return 0, err
			}
			return float64(kb) / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}
