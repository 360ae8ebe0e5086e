#!/usr/bin/env bash
# Fetches the Debian guest material we test against but may not ship:
# busybox-static for arm64, into .cache/debian (git-ignored, never committed).
# Needs the arm64 architecture in dpkg (.ci/run adds it) and apt's lists.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.cache/debian
mkdir -p "$dest"
if [ -x "$dest/busybox" ]; then exit 0; fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "fetch-debian: dpkg lacks arm64; run: dpkg --add-architecture arm64 && apt-get update" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download busybox-static:arm64 >/dev/null 2>&1 || { apt-get update -qq && apt-get download busybox-static:arm64; })
dpkg-deb -x "$work"/busybox-static_*_arm64.deb "$work/x"
cp "$work/x/bin/busybox" "$dest/busybox"
chmod 755 "$dest/busybox"
echo "fetch-debian: $dest/busybox ($(dpkg-deb -f "$work"/busybox-static_*_arm64.deb Version))"
