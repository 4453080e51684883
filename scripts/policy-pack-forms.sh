#!/usr/bin/env bash
# Measures what `--policy-pack ./policypack` costs against the built executable
# (`--policy-pack .bin/keyless-policy`): with the folder, the Go language host compiles the pack
# (`go build` in policypack/) before every run, so Go must be installed and each run links the pack
# again. Runs RUNS `pulumi preview` of the dev stack through the pinned CLI with each form,
# alternating, in a copy of the project against a throwaway file backend, and prints the medians
# and their ratio. Numbers only mean something on a quiet machine (the load is printed).
#
#   scripts/policy-pack-forms.sh [RUNS]      (default 5)
set -euo pipefail
shopt -s inherit_errexit
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-5}"

scripts/build.sh pulumi language-host policy-pack fakeaws offline
cli="$(scripts/pulumi.sh)"
langhost="$(scripts/pulumi.sh language-host)"

work="$(mktemp -d "${TMPDIR:-/tmp}/policy-pack-forms.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project" "$work/offline/state" "$work/offline/home"
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$work/project"
eval "$(.bin/offline env dev --dir "$work/offline" 2>/dev/null)"
export PATH="$root/.bin/fakeaws:$(dirname "$langhost"):$PATH" PULUMI_SKIP_UPDATE_CHECK=1 \
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true
cd "$work/project"
"$cli" stack init dev >/dev/null 2>&1

# preview FORM: one preview, appending "wall user+sys" (seconds) to $work/FORM.
preview() {
  local pack="./policypack" TIMEFORMAT='%R %U %S' t
  [[ "$1" == folder ]] || pack="$root/.bin/keyless-policy"
  t="$({ time "$cli" preview --non-interactive --policy-pack "$pack" >/dev/null 2>&1; } 2>&1)"
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$t" >>"$work/$1"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
preview folder # warm-up: the first folder run compiles the pack with the language host's flags
preview executable
rm -f "$work/folder" "$work/executable"
for ((i = 0; i < runs; i++)); do
  if ((i % 2 == 0)); then preview folder; preview executable; else preview executable; preview folder; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fw="$(cut -d' ' -f1 "$work/folder" | median)" ew="$(cut -d' ' -f1 "$work/executable" | median)"
fc="$(cut -d' ' -f2 "$work/folder" | median)" ec="$(cut -d' ' -f2 "$work/executable" | median)"
printf 'pulumi preview of dev, median of %d runs each:\n' "$runs"
printf '  --policy-pack ./policypack           wall %6.2f s   CPU %6.2f s\n' "$fw" "$fc"
printf '  --policy-pack .bin/keyless-policy    wall %6.2f s   CPU %6.2f s\n' "$ew" "$ec"
awk -v fw="$fw" -v ew="$ew" -v fc="$fc" -v ec="$ec" \
  'BEGIN { printf "  folder / executable                  wall %6.2fx   CPU %6.2fx   (+%.1f s wall per run)\n", fw / ew, fc / ec, fw - ew }'
