#!/usr/bin/env bash
# Prints the path of a Pulumi CLI at least as new as the pinned one (tools/go.mod), building it
# into .bin/pulumi when none is usable. Idempotent; only the path goes to stdout, everything else
# to stderr. This is the one place that decides which CLI the offline runner, the end-to-end
# tests and the benchmarks use (harness/offline runs this script).
#
#   scripts/pulumi.sh            # print the path, building .bin/pulumi if needed
#   PULUMI_OFFLINE_CLI=/path/to/pulumi scripts/pulumi.sh   # force a given CLI (still version-checked)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want="$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" { print $3 }' "$root/tools/go.mod")"
if [[ -z "$want" ]]; then
  echo "scripts/pulumi.sh: cannot read the pinned github.com/pulumi/pulumi/pkg/v3 version from tools/go.mod" >&2
  exit 1
fi
want="${want#v}"
bin="$root/.bin/pulumi"

# version_of prints the CLI's version without the leading "v" (empty if it does not run).
version_of() {
  PULUMI_SKIP_UPDATE_CHECK=1 "$1" version 2>/dev/null | head -n1 | tr -d '[:space:]' | sed 's/^v//' || true
}

# at_least A B: A >= B as versions (a pre-release of B does not count as B).
at_least() {
  local a="$1" b="$2"
  [[ -n "$a" ]] || return 1
  [[ "$a" == *-* && "${a%%-*}" == "$b" ]] && return 1
  [[ "$(printf '%s\n%s\n' "${a%%-*}" "$b" | sort -V | head -n1)" == "$b" ]]
}

usable() {
  local v
  v="$(version_of "$1")"
  at_least "$v" "$want"
}

if [[ -n "${PULUMI_OFFLINE_CLI:-}" ]]; then
  if usable "$PULUMI_OFFLINE_CLI"; then
    echo "$PULUMI_OFFLINE_CLI"
    exit 0
  fi
  echo "scripts/pulumi.sh: PULUMI_OFFLINE_CLI=$PULUMI_OFFLINE_CLI is not a Pulumi CLI >= v$want" >&2
  exit 1
fi

if onpath="$(command -v pulumi 2>/dev/null)" && [[ "$onpath" != "$bin" ]] && usable "$onpath"; then
  echo "$onpath"
  exit 0
fi

if [[ -x "$bin" ]] && usable "$bin"; then
  echo "$bin"
  exit 0
fi

# Build under a lock so that concurrent callers (tests, the runner) build once.
mkdir -p "$root/.bin"
exec 9>"$root/.bin/.pulumi.lock"
flock 9
if [[ -x "$bin" ]] && usable "$bin"; then
  echo "$bin"
  exit 0
fi
echo "scripts/pulumi.sh: building the Pulumi CLI v$want into .bin/pulumi (about 4 minutes on a cold Go cache)..." >&2
tmp="$root/.bin/.pulumi.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(
  cd "$root/tools"
  go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$want" \
    -o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >&2
mv -f "$tmp" "$bin"
if ! usable "$bin"; then
  echo "scripts/pulumi.sh: the built $bin does not report version v$want" >&2
  exit 1
fi
echo "$bin"
