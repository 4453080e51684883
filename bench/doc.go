// Package bench holds the performance measurements of issue 5 (see BENCHMARKS.md): Go benchmarks
// of the policy pack's analyzer on synthetic stacks (bench/synth), and, under bench/cmd, the
// engine A/B (enginebench), the pack executable's start-up and memory (startbench) and the table
// (benchtable) that bench/run.sh prints. Benchmarks never assert on time.
package bench
