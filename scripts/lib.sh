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
    # The ticker keeps none of the caller's output streams open (a caller reading them until they
    # close must not wait for a sleep), stops its sleep when it is stopped, and ends by itself if
    # this shell is gone (an interrupted build: background jobs of a script ignore SIGINT).
    local shell=$$
    (
      trap 'kill "$nap" 2>/dev/null; exit 0' TERM
      while kill -0 "$shell" 2>/dev/null; do
        sleep 30 </dev/null >/dev/null 2>&1 &
        nap=$!
        wait "$nap"
        kill -0 "$shell" 2>/dev/null || break
        echo "    ... $label: $(human_duration $((SECONDS - start)))" >&2
      done
    ) </dev/null >/dev/null &
    ticker=$!
    "$@" >"$log" 2>&1 && status=0 || status=$?
    kill "$ticker" 2>/dev/null || true
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
