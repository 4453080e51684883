// Command packrss runs a policy pack executable for the engine and records what the pack process
// cost once it exits: its peak resident set and CPU time, from the kernel's accounting of the
// child (rusage), appended as one JSON line to a file. enginebench puts it in front of each pack
// it measures, so the numbers are those of the pack as the real engine drives it through a whole
// preview, which no sampling from outside can catch (the engine ends the pack right after its
// last call, when its memory peaks).
//
//	packrss <results.jsonl> <pack executable> [the engine's arguments …]
//
// The pack inherits stdin, stdout (its port line goes to the engine) and stderr, and its process
// group, so the engine's interrupt reaches it directly; packrss only waits for it.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/keyless-ecs/railsapp/bench/stats"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: packrss <results.jsonl> <pack executable> [arguments …]")
		os.Exit(2)
	}
	code, err := run(os.Args[1], os.Args[2], os.Args[3:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "packrss:", err)
	}
	os.Exit(code)
}

func run(out, pack string, args []string) (int, error) {
	// The engine interrupts the whole process group; the pack handles it, packrss waits. (A
	// handler, not signal.Ignore: ignored signals would stay ignored in the pack after exec.)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGINT, syscall.SIGTERM)
	cmd := exec.Command(pack, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("starting %s: %w", pack, err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return 1, err
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 1, errors.New("no rusage for the pack process")
	}
	rec := stats.PackUsage{
		PeakRSSMiB: float64(ru.Maxrss) / 1024, // Linux reports ru_maxrss in KiB
		CPUMS:      stats.MS(time.Duration(ru.Utime.Nano() + ru.Stime.Nano())),
		WallMS:     stats.MS(time.Since(t0)),
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return 1, err
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return 1, err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return 1, err
	}
	if err := f.Close(); err != nil {
		return 1, err
	}
	return cmd.ProcessState.ExitCode(), nil
}
