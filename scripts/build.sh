#!/usr/bin/env bash
# Builds what the offline runner and the tests need, in parallel, showing what is being built and
# for how long (VERBOSE=1 shows the builds' own output). Two chains run side by side, because
# their Go dependencies barely overlap: the Pulumi CLI then its Go language host (one module
# graph), and this module's executables in one `go build` (which shares their common packages).
#
#   scripts/build.sh [TOOL...]      (default: pulumi policy-pack offline)
#
#   pulumi          the Pulumi CLI: a pulumi >= the pinned version on PATH, else .bin/pulumi
#   language-host   pulumi-language-go next to it (see scripts/pulumi.sh); skipped, with the reason,
#                   when there is none to link and no source to build it from
#   policy-pack     .bin/keyless-policy, the policy pack executable (./policypack)
#   fakeaws         .bin/fakeaws/pulumi-resource-aws, the offline stand-in for the aws provider plugin
#   offline         .bin/offline, the offline runner (./harness/cmd/offline)
set -euo pipefail
shopt -s inherit_errexit

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

[[ $# -gt 0 ]] || set -- pulumi policy-pack offline

cli=0 langhost=0
pkgs=() names=() targets=()
for tool in "$@"; do
  case "$tool" in
    pulumi) cli=1 ;;
    language-host) langhost=1 ;;
    policy-pack) pkgs+=(./policypack) names+=(policypack) targets+=(.bin/keyless-policy) ;;
    fakeaws) pkgs+=(./harness/fakeaws/cmd/pulumi-resource-aws) names+=(pulumi-resource-aws) targets+=(.bin/fakeaws/pulumi-resource-aws) ;;
    offline) pkgs+=(./harness/cmd/offline) names+=(offline) targets+=(.bin/offline) ;;
    *)
      echo "scripts/build.sh: unknown tool $tool (pulumi, language-host, policy-pack, fakeaws, offline)" >&2
      exit 2
      ;;
  esac
done

start=$SECONDS
# Go leaves an up-to-date executable in this folder alone, so an unchanged tool is not linked again.
stage="$root/.bin/.stage"

# The Pulumi CLI, then its language host (which reuses most of the CLI's compiled packages).
pulumi_chain() {
  if [[ $cli -eq 1 || $langhost -eq 1 ]]; then
    scripts/pulumi.sh cli >/dev/null
  fi
  if [[ $langhost -eq 1 ]]; then
    local status=0
    scripts/pulumi.sh language-host >/dev/null || status=$?
    if [[ $status -eq 3 ]]; then
      echo "==> no Go language host: the tests of the pulumi CLI path (pulumi preview/up from Pulumi.yaml) will be skipped" >&2
    elif [[ $status -ne 0 ]]; then
      return "$status"
    fi
  fi
}

# This module's executables: one go build into the staging folder, under a lock (concurrent callers
# wait, then find them up to date), then each hard-linked and renamed into place, so that a process
# starting one never sees it half-written.
module_chain() {
  [[ ${#pkgs[@]} -gt 0 ]] || return 0
  mkdir -p "$stage" "$root/.bin/fakeaws"
  exec 7>"$root/.bin/.build.lock"
  if ! flock -n 7; then
    echo "==> waiting for another build of this module's executables to finish" >&2
    flock 7
  fi
  run_step "building ${targets[*]}" go build -o "$stage/" "${pkgs[@]}"
  local i
  for i in "${!pkgs[@]}"; do
    if [[ ! "$stage/${names[$i]}" -ef "${targets[$i]}" ]]; then
      ln -f "$stage/${names[$i]}" "${targets[$i]}.tmp.$$"
      mv -f "${targets[$i]}.tmp.$$" "${targets[$i]}"
    fi
  done
  exec 7>&-
}

pulumi_chain &
p1=$!
module_chain &
p2=$!
status=0
wait "$p1" || status=$?
wait "$p2" || status=$?
if [[ $status -ne 0 ]]; then
  exit "$status"
fi
echo "==> ready ($*) in $(human_duration $((SECONDS - start)))" >&2
