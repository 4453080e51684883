#!/usr/bin/env bash
# Prints the path of the Pulumi CLI, or of its Go language host, that the offline runner, the
# end-to-end tests and the benchmarks use, locating or building it. Idempotent; only the path goes
# to stdout, progress and errors to stderr. This is the one place that decides which CLI and
# which language host run (harness/offline runs this script).
#
#   scripts/pulumi.sh                 # a Pulumi CLI at least as new as tools/go.mod pins: a `pulumi`
#                                     # on PATH if it is, else .bin/pulumi, built on first use
#   scripts/pulumi.sh language-host   # pulumi-language-go, next to that CLI: the one beside it, else
#                                     # one on PATH (linked into .bin/), else built into .bin/ from
#                                     # ../shared/langhost; exit status 3 when none can be had
#
#   PULUMI_OFFLINE_CLI=/path/to/pulumi     use this CLI (still version-checked)
#   PULUMI_LANGHOST_SRC=/path/to/langhost  the language host's source (default ../shared/langhost,
#                                          next to the repository); nothing is ever downloaded
#   VERBOSE=1                              show the builds' own output
set -euo pipefail
shopt -s inherit_errexit

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

what="${1:-cli}"
case "$what" in
  cli | language-host) ;;
  *)
    echo "usage: scripts/pulumi.sh [cli|language-host]" >&2
    exit 2
    ;;
esac

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

# The half-built file of an interrupted or failed build, removed on exit.
tmp=""
trap '[[ -z "$tmp" ]] || rm -rf "$tmp"' EXIT

# find_cli sets cli to the CLI to use, building .bin/pulumi under a lock when none is usable, so
# that concurrent callers (test packages, the runner) build it once and the others wait for it.
find_cli() {
  if [[ -n "${PULUMI_OFFLINE_CLI:-}" ]]; then
    if usable "$PULUMI_OFFLINE_CLI"; then
      cli="$PULUMI_OFFLINE_CLI"
      return 0
    fi
    echo "scripts/pulumi.sh: PULUMI_OFFLINE_CLI=$PULUMI_OFFLINE_CLI is not a Pulumi CLI >= v$want" >&2
    return 1
  fi
  local onpath
  if onpath="$(command -v pulumi 2>/dev/null)" && [[ "$onpath" != "$bin" ]] && usable "$onpath"; then
    cli="$onpath"
    return 0
  fi
  if [[ -x "$bin" ]] && usable "$bin"; then
    cli="$bin"
    return 0
  fi

  mkdir -p "$root/.bin"
  exec 9>"$root/.bin/.pulumi.lock"
  if ! flock -n 9; then
    echo "==> waiting for another build of the Pulumi CLI to finish" >&2
    flock 9
  fi
  if ! { [[ -x "$bin" ]] && usable "$bin"; }; then
    tmp="$root/.bin/.pulumi.tmp.$$"
    echo "==> first run: the pinned Pulumi CLI is built from source, about 20 CPU-minutes (once; a pulumi >= v$want on PATH skips this)" >&2
    run_step "building the Pulumi CLI v$want into .bin/pulumi" build_cli "$tmp"
    mv -f "$tmp" "$bin"
    tmp=""
    if ! usable "$bin"; then
      echo "scripts/pulumi.sh: the built $bin does not report version v$want" >&2
      return 1
    fi
  fi
  exec 9>&-
  cli="$bin"
}

build_cli() (
  cd "$root/tools"
  go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$want" \
    -o "$1" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)

# find_language_host sets langhost to the pulumi-language-go that $cli will run (the CLI looks
# next to itself first, then on PATH), linking or building .bin/pulumi-language-go if needed.
find_language_host() {
  local beside ours="$root/.bin/pulumi-language-go" onpath src
  beside="$(dirname "$(readlink -f "$cli")")/pulumi-language-go"
  src="${PULUMI_LANGHOST_SRC:-$root/../shared/langhost}"
  if [[ -x "$beside" && "$beside" != "$ours" ]]; then
    langhost="$beside"
    return 0
  fi

  mkdir -p "$root/.bin"
  exec 8>"$root/.bin/.language-host.lock"
  flock 8
  langhost="$ours"
  # A link to an installed one is kept; a copy built from source is rebuilt when the source changes.
  if [[ -x "$ours" ]] && { [[ -L "$ours" ]] || [[ ! -d "$src" ]] || [[ -z "$(find "$src" -newer "$ours" -print -quit)" ]]; }; then
    return 0
  fi
  if onpath="$(command -v pulumi-language-go 2>/dev/null)" && [[ "$(readlink -f "$onpath")" != "$(readlink -f "$ours")" ]]; then
    ln -sfn "$onpath" "$ours"
    echo "==> linked .bin/pulumi-language-go to $onpath" >&2
    return 0
  fi
  if [[ -x "$src/build.sh" ]]; then
    tmp="$root/.bin/.language-host.tmp.$$"
    mkdir -p "$tmp"
    run_step "building the Go language host into .bin/pulumi-language-go (from $src)" "$src/build.sh" "$tmp"
    mv -f "$tmp/pulumi-language-go" "$ours"
    rm -rf "$tmp"
    tmp=""
    return 0
  fi
  echo "scripts/pulumi.sh: no Go language host (pulumi-language-go): none next to $cli, none on PATH and no" \
    "source at $src. A full Pulumi install ships one; or put Pulumi's language host source there." >&2
  return 3
}

find_cli
if [[ "$what" == cli ]]; then
  echo "$cli"
  exit 0
fi
find_language_host
echo "$langhost"
