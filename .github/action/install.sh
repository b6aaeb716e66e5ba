#!/usr/bin/env bash
# Installs an orgctl release for the GitHub Action (action.yml): downloads
# the archive for this runner, checks it against the release's
# checksums.txt, unpacks it and puts orgctl on the PATH of later steps.
#
# Inputs (environment): ORGCTL_VERSION (e.g. 1.4.0 or v1.4.0; "latest" by
# default), ORGCTL_RELEASE_URL (where the releases are; tests point it at a
# snapshot's dist/ with a file:// URL), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# GITHUB_PATH, GITHUB_OUTPUT (set by GitHub Actions).
set -euo pipefail

fail() { echo "::error::orgctl install: $*" >&2; exit 1; }

base="${ORGCTL_RELEASE_URL:-https://github.com/orgctl/orgctl/releases}"
version="${ORGCTL_VERSION:-latest}"
version="${version#v}"
case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS*) os=windows ;;
  *) fail "unsupported runner OS ${RUNNER_OS:-}" ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | aarch64 | arm64) arch=arm64 ;;
  *) fail "unsupported runner architecture ${RUNNER_ARCH:-}" ;;
esac
ext=tar.gz
[ "$os" = windows ] && ext=zip

if [ "$version" = latest ]; then
  url="$base/latest/download"
else
  url="$base/download/v$version"
fi
dir="${RUNNER_TEMP:-$(mktemp -d)}/orgctl-install"
rm -rf "$dir" && mkdir -p "$dir/bin"
fetch() { curl --fail --silent --show-error --location --retry 3 --output "$2" "$1" || fail "cannot download $1"; }

fetch "$url/checksums.txt" "$dir/checksums.txt"
# The archive's name carries the version, which "latest" learns from the
# checksums file itself: no API call, no token.
line=$(grep -E " orgctl_[^ ]+_${os}_${arch}\.${ext}\$" "$dir/checksums.txt" | head -n 1) ||
  fail "the release has no archive for ${os}/${arch}"
archive=${line##* }
fetch "$url/$archive" "$dir/$archive"
want=${line%% *}
got=$( (sha256sum "$dir/$archive" 2>/dev/null || shasum -a 256 "$dir/$archive") | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "checksum mismatch for $archive: got $got, the release says $want"

if [ "$ext" = zip ]; then
  unzip -q -o "$dir/$archive" -d "$dir/unpacked"
  cp "$dir/unpacked/orgctl.exe" "$dir/bin/"
else
  mkdir -p "$dir/unpacked" && tar -xzf "$dir/$archive" -C "$dir/unpacked"
  install -m 0755 "$dir/unpacked/orgctl" "$dir/bin/orgctl"
fi
installed=$("$dir/bin/orgctl" version | awk '{print $3}')
echo "installed orgctl $installed ($archive, sha256 verified)"
[ -n "${GITHUB_PATH:-}" ] && echo "$dir/bin" >>"$GITHUB_PATH"
[ -n "${GITHUB_OUTPUT:-}" ] && {
  echo "version=$installed"
  echo "path=$dir/bin"
} >>"$GITHUB_OUTPUT"
exit 0
