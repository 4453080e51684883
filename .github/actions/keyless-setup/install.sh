#!/usr/bin/env bash
# Installs a pinned release of keyless-policy (the policy pack executable, with its
# PulumiPolicy.yaml) and keyless-audit into DEST and prints DEST. No Go toolchain is needed.
#
#   install.sh VERSION DEST [REPOSITORY] [SHA256 of SHA256SUMS]
#
# Every archive is checked against the release's SHA256SUMS; when the SHA-256 of SHA256SUMS itself
# is given (recommended: pin it next to the version), SHA256SUMS is checked first, so the pinned
# version cannot change under you even if release assets were replaced.
set -euo pipefail
VERSION="${1#v}"
DEST="$2"
REPOSITORY="${3:-keyless-ecs/railsapp}"
SUMS_SHA256="${4:-}"

os="linux"
if [ "$(uname -s)" = "Darwin" ]; then os="darwin"; fi
arch="amd64"
if [ "$(uname -m)" = "arm64" ] || [ "$(uname -m)" = "aarch64" ]; then arch="arm64"; fi

base="https://github.com/$REPOSITORY/releases/download/v$VERSION"
mkdir -p "$DEST"
cd "$DEST"
curl -fsSLO "$base/SHA256SUMS"
if [ -n "$SUMS_SHA256" ]; then
  echo "$SUMS_SHA256  SHA256SUMS" | sha256sum --check --strict
fi
for cmd in keyless-policy keyless-audit; do
  curl -fsSLO "$base/${cmd}_${VERSION}_${os}_${arch}.tar.gz"
done
sha256sum --check --ignore-missing --strict SHA256SUMS
for cmd in keyless-policy keyless-audit; do
  tar -xzf "${cmd}_${VERSION}_${os}_${arch}.tar.gz" --strip-components=1
done
./keyless-audit version >&2
pwd
