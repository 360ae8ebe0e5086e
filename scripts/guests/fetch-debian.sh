#!/usr/bin/env bash
# Fetches the Debian guest material we test against but may not ship, into
# .cache/debian (git-ignored, never committed):
#   busybox             busybox-static for arm64
#   busybox-amd64       busybox-static for amd64 (lx on x86-64; the host's own architecture)
#   linux-arm64/        the kernel that linux-image-cloud-arm64 depends on:
#                       Image, config, System.map, release, package, and
#                       modules/ with the modules in guests/linux-arm64/modules
#                       plus their dependencies (modules/depends)
# Each part is skipped when present; remove it to fetch it again.
# Needs the arm64 architecture in dpkg (.ci/run adds it), apt's lists, and
# readelf (binutils).
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.cache/debian
mkdir -p "$dest"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "fetch-debian: dpkg lacks arm64; run: dpkg --add-architecture arm64 && apt-get update" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work" "$dest/linux-arm64.tmp"' EXIT

# apt-get download, refreshing apt's lists once if the package is unknown.
download() {
  (cd "$work" && { apt-get download "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get download "$1"; }; }) ||
    { echo "fetch-debian: cannot download $1" >&2; exit 1; }
}

if [ ! -x "$dest/busybox" ]; then
  download busybox-static:arm64
  dpkg-deb -x "$work"/busybox-static_*_arm64.deb "$work/bb"
  cp "$work/bb/bin/busybox" "$dest/busybox"
  chmod 755 "$dest/busybox"
  echo "fetch-debian: $dest/busybox ($(dpkg-deb -f "$work"/busybox-static_*_arm64.deb Version))"
fi

if [ ! -x "$dest/busybox-amd64" ]; then
  download busybox-static:amd64
  dpkg-deb -x "$work"/busybox-static_*_amd64.deb "$work/bb64"
  cp "$work/bb64/bin/busybox" "$dest/busybox-amd64"
  chmod 755 "$dest/busybox-amd64"
  echo "fetch-debian: $dest/busybox-amd64 ($(dpkg-deb -f "$work"/busybox-static_*_amd64.deb Version))"
fi

# ---- the kernel ----
kdest=$dest/linux-arm64
mapfile -t wanted < <(grep -v '^#' guests/linux-arm64/modules | grep .)
have_all() {
  [ -f "$kdest/release" ] || return 1
  for m in "${wanted[@]}"; do
    [ -f "$kdest/modules/$m.ko" ] || grep -qx "$m" "$kdest/modules/builtin" || return 1
  done
}
if have_all; then exit 0; fi
command -v readelf >/dev/null || { echo "fetch-debian: readelf not found (Debian package binutils)" >&2; exit 1; }

# The metapackage names the current ABI (linux-image-6.1.0-NN-cloud-arm64).
pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
if [ -z "$pkg" ]; then
  apt-get update -qq
  pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
fi
[ -n "$pkg" ] || { echo "fetch-debian: apt-cache knows no linux-image-cloud-arm64:arm64" >&2; exit 1; }
release=${pkg%:arm64}
release=${release#linux-image-}
download "$pkg"
deb=$(echo "$work"/linux-image-"$release"_*_arm64.deb)
[ -f "$deb" ] || { echo "fetch-debian: $pkg downloaded, but no $deb" >&2; exit 1; }
dpkg-deb -x "$deb" "$work/k"
kmods=$work/k/lib/modules/$release
[ -f "$work/k/boot/vmlinuz-$release" ] && [ -d "$kmods" ] ||
  { echo "fetch-debian: $pkg has no boot/vmlinuz-$release or lib/modules/$release" >&2; exit 1; }

tmp=$kdest.tmp
rm -rf "$tmp"
mkdir -p "$tmp/modules"
# arm64 Images are uncompressed in Debian's package today; take a gzip'd one too.
if [ "$(head -c 2 "$work/k/boot/vmlinuz-$release" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
  gunzip -c "$work/k/boot/vmlinuz-$release" >"$tmp/Image"
else
  cp "$work/k/boot/vmlinuz-$release" "$tmp/Image"
fi
cp "$work/k/boot/config-$release" "$tmp/config"
cp "$work/k/boot/System.map-$release" "$tmp/System.map"

# Module name -> file. A module's name is its file name with '-' as '_'.
declare -A file_of
while IFS= read -r f; do
  n=${f##*/}
  n=${n%.xz}
  n=${n%.ko}
  file_of[${n//-/_}]=$f
done < <(find "$kmods" -name '*.ko' -o -name '*.ko.xz')
builtin_names=$(sed 's|.*/||; s|\.ko$||; s|-|_|g' "$kmods/modules.builtin" | sort -u)

# The package ships no modules.dep (depmod writes it on install): a module's
# dependencies are the "depends=" entry modpost writes into its .modinfo.
queue=("${wanted[@]}")
declare -A seen
: >"$tmp/modules/depends"
while [ "${#queue[@]}" -gt 0 ]; do
  m=${queue[0]}
  queue=("${queue[@]:1}")
  [ -z "${seen[$m]:-}" ] || continue
  seen[$m]=1
  if [ -z "${file_of[$m]:-}" ]; then
    if grep -qx "$m" <<<"$builtin_names"; then echo "$m" >>"$tmp/modules/builtin"; continue; fi
    echo "fetch-debian: $pkg has no module $m (guests/linux-arm64/modules)" >&2
    exit 1
  fi
  src=${file_of[$m]}
  # busybox insmod cannot decompress; store every module plain.
  case $src in
    *.xz) xz -dc "$src" >"$tmp/modules/$m.ko" ;;
    *) cp "$src" "$tmp/modules/$m.ko" ;;
  esac
  deps=$(readelf -p .modinfo "$tmp/modules/$m.ko" | sed -n 's/.*\]  depends=//p' | tr ',' ' ')
  echo "$m: $deps" >>"$tmp/modules/depends"
  for d in $deps; do queue+=("${d//-/_}"); done
done
touch "$tmp/modules/builtin"
echo "$release" >"$tmp/release"
echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >"$tmp/package"
rm -rf "$kdest"
mv "$tmp" "$kdest"
echo "fetch-debian: $kdest ($(cat "$kdest/package"); modules: $(sed 's/:.*//' "$kdest/modules/depends" | paste -sd ' '))"
