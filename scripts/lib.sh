# Shared by scripts/pulumi.sh and scripts/build.sh (sourced, not run): how a long build reports
# progress. Everything goes to stderr, so scripts can keep stdout for their result.
#
#   VERBOSE=1   stream the build's own output (including Go's "go: downloading" lines)

# human_duration SECONDS prints 75 as "1m15s".
human_duration() {
  printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# run_step LABEL CMD...: runs CMD, printing "==> LABEL" first, a line with the elapsed time every
# 30 seconds while it runs (cosmetic only: nothing waits on this clock), and "==> LABEL: done in
# 1m15s" at the end. The build's output is kept in a log and shown only on failure, without the
# "go: downloading" noise (VERBOSE=1 shows everything as it happens). Returns CMD's status.
run_step() {
  local label="$1" start=$SECONDS log ticker status
  shift
  echo "==> $label" >&2
  if [[ -n "${VERBOSE:-}" && "${VERBOSE}" != 0 ]]; then
    "$@" >&2 && status=0 || status=$?
  else
    log="$(mktemp "${TMPDIR:-/tmp}/railsapp-build.XXXXXX")"
    # The ticker lives exactly as long as the command: it waits on a pipe that only this shell
    # holds open (the command gets the pipe closed), so it wakes when the command ends and this
    # shell closes the pipe, or at once when this shell is killed (a cancelled build), and never
    # keeps the caller's stderr open after it. It reads no data: a timeout is a tick, end of input
    # the end. Its stdout goes nowhere, so a caller reading this script's stdout is not kept
    # waiting either.
    local tick
    exec {tick}> >(
      while :; do
        read -r -t 30 _ && continue
        (($? > 128)) || break
        echo "    ... $label: $(human_duration $((SECONDS - start)))" >&2
      done >/dev/null
    )
    ticker=$!
    "$@" {tick}>&- >"$log" 2>&1 && status=0 || status=$?
    exec {tick}>&-
    wait "$ticker" 2>/dev/null || true
    if [[ $status -ne 0 ]]; then
      grep -v '^go: downloading ' "$log" | sed 's/^/    /' >&2 || true
    fi
    rm -f "$log"
  fi
  if [[ $status -eq 0 ]]; then
    echo "==> $label: done in $(human_duration $((SECONDS - start)))" >&2
  else
    echo "==> $label: FAILED after $(human_duration $((SECONDS - start))) (exit $status; VERBOSE=1 shows the whole output)" >&2
  fi
  return "$status"
}
