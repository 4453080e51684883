#!/usr/bin/env bash
# Builds a release: the policy pack executable (keyless-policy) and the audit (keyless-audit) for
# linux and darwin on amd64 and arm64, with the version stamped into both, one .tar.gz per command
# and platform, and SHA256SUMS. Each pack archive is the pack's directory form: the executable
# with its PulumiPolicy.yaml beside it (the engine reads the version and description from it when
# given the executable's path).
#
#   scripts/release.sh                 # the version in policypack/PulumiPolicy.yaml
#   scripts/release.sh 0.2.0           # must equal policypack/PulumiPolicy.yaml's version
#
# Output: .bin/release/v<version>/ (or $RELEASE_DIR). RELEASE_TARGETS ("linux/amd64 darwin/arm64")
# and RELEASE_COMMANDS ("keyless-policy") narrow the build, for a quick check; RELEASE_CACHED=1
# keeps the environment's cgo setting and drops -trimpath, so a test reuses the ordinary build
# cache (never for a real release). Builds are reproducible: no cgo,
# -trimpath, no VCS stamp, archive times from SOURCE_DATE_EPOCH (default: the last commit's time).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

yaml="policypack/PulumiPolicy.yaml"
declared="$(awk '$1 == "version:" { print $2 }' "$yaml")"
version="${1:-${VERSION:-$declared}}"
version="${version#v}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "scripts/release.sh: version \"$version\" is not semver (MAJOR.MINOR.PATCH)" >&2
  exit 2
fi
if [[ "$version" != "$declared" ]]; then
  echo "scripts/release.sh: $yaml says version $declared; set it to $version (and commit) before releasing $version" >&2
  exit 1
fi

targets="${RELEASE_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}"
commands="${RELEASE_COMMANDS:-keyless-policy keyless-audit}"
out="${RELEASE_DIR:-$root/.bin/release/v$version}"
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
ldflags="-s -w -X github.com/keyless-ecs/railsapp/internal/pack.Version=$version"
trimpath="-trimpath"
export CGO_ENABLED=0
if [[ "${RELEASE_CACHED:-0}" == 1 ]]; then
  trimpath=""
  unset CGO_ENABLED
fi

rm -rf "$out"
mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

for cmd in $commands; do
  case "$cmd" in
    keyless-policy) pkg=./policypack ;;
    keyless-audit) pkg=./cmd/keyless-audit ;;
    *) echo "scripts/release.sh: unknown command $cmd" >&2; exit 2 ;;
  esac
  for target in $targets; do
    goos="${target%/*}" goarch="${target#*/}"
    name="${cmd}_${version}_${goos}_${goarch}"
    dir="$stage/$name"
    mkdir -p "$dir"
    echo "building $name" >&2
    GOOS="$goos" GOARCH="$goarch" go build $trimpath -buildvcs=false -ldflags "$ldflags" -o "$dir/$cmd" "$pkg"
    if [[ "$cmd" == keyless-policy ]]; then
      cp "$yaml" "$dir/PulumiPolicy.yaml"
    fi
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" | gzip -n -9 > "$out/$name.tar.gz"
  done
done

(cd "$out" && sha256sum -- *.tar.gz > SHA256SUMS)
echo "$out"
