#!/usr/bin/env bash
# Runs every measurement of the policy pack's cost and prints one table of results against the
# targets (BENCHMARKS.md explains them). Outputs go to the ignored bench/out/.
#
#   bench/run.sh                    # full run: 5 benchmark counts, 5 A/B previews per K, 15 starts
#   BENCH_QUICK=1 bench/run.sh      # quick run: 1 count, 3 A/B previews per K, 7 starts
#   BENCH_SKIP_ENGINE=1 bench/run.sh  # skip the engine A/B (no Pulumi CLI needed)
#   BENCH_K=1,10 bench/run.sh       # other numbers of component instances for the A/B
#   BENCH_ENGINE_ENV="KEY=VALUE ..." bench/run.sh  # extra CLI environment for the main A/B
#
# The engine A/B runs twice: as users run it (the default engine), and with
# PULUMI_SKIP_CHECKPOINTS=true, which removes the engine's per-step snapshot serialization (it
# grows quadratically with the stack and dominates K = 100); both include a third arm with a pack
# that checks nothing (bench/cmd/nullpack), to show what any pack costs.
#
# The Pulumi CLI is located or built by scripts/pulumi.sh, as for every offline run. The pack and
# the null pack are built as releases are (static, -trimpath, stripped: bench/packbuild), and every
# pack process is measured by the kernel's accounting of it (CPU time, peak resident set), beside
# wall times. Wall times are only comparable on a quiet machine: the script prints the load average
# before and after, so a noisy run shows; CPU times and memory move much less with load.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

out=bench/out
mkdir -p "$out/bin"
if [[ -n "${BENCH_QUICK:-}" ]]; then
  count=1 benchtime=300ms runs=3 starts=7 inits=3 sessions=2 mode=quick
else
  count=5 benchtime=1s runs=5 starts=15 inits=5 sessions=5 mode=full
fi
ks="${BENCH_K:-1,10,100}"

log() { printf '== %s\n' "$*" >&2; }

log "building the measurement commands"
for c in enginebench startbench benchtable; do
  go build -o "$out/bin/$c" "./bench/cmd/$c"
done

{
  echo "mode: $mode ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); nproc: $(nproc)"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "go: $(go version | cut -d' ' -f3-)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

log "analyzer benchmarks (go test -bench, count=$count, benchtime=$benchtime)"
go test -run '^$' -bench . -benchmem -count="$count" -benchtime="$benchtime" ./bench/ | tee "$out/analyzer.txt" >&2

log "pack executable beside a null pack: start-up ($starts interleaved starts each), package init ($inits), memory after a K=100 session ($sessions)"
"$out/bin/startbench" -runs "$starts" -init-runs "$inits" -mem-runs "$sessions" -k 100 -out "$out/startup.json"

rm -f "$out/engine.json" "$out/engine-skipckpt.json"
if [[ -z "${BENCH_SKIP_ENGINE:-}" ]]; then
  envflags=()
  for kv in ${BENCH_ENGINE_ENV:-}; do envflags+=(-engine-env "$kv"); done
  log "engine A/B: offline previews without, with the pack and with a null pack, K=$ks, $runs runs each ${BENCH_ENGINE_ENV:-}"
  "$out/bin/enginebench" -k "$ks" -runs "$runs" -null-pack -dir "$out/engine" -out "$out/engine.json" "${envflags[@]}"
  log "engine A/B again with PULUMI_SKIP_CHECKPOINTS=true, $((runs + 2)) runs each"
  "$out/bin/enginebench" -k "$ks" -runs "$((runs + 2))" -null-pack -engine-env PULUMI_SKIP_CHECKPOINTS=true \
    -dir "$out/engine-skipckpt" -out "$out/engine-skipckpt.json"
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
"$out/bin/benchtable" -analyzer "$out/analyzer.txt" -startup "$out/startup.json" -engine "$out/engine.json" \
  -engine-skipckpt "$out/engine-skipckpt.json" | tee "$out/table.md"
echo
sed 's/^/    /' "$out/machine.txt"
