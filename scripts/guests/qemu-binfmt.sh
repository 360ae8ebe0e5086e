#!/usr/bin/env bash
# Lets qemu-aarch64 run the aarch64 programs its guests exec (busybox sh
# re-executes /proc/self/exe for applets): registers qemu-user-binfmt's
# aarch64 handler with binfmt_misc. Without it, qemu-aarch64 falls back to
# the host's own tools and stops being a faithful reference. Needs root.
set -euo pipefail
bm=/proc/sys/fs/binfmt_misc
[ -e "$bm/qemu-aarch64" ] && exit 0
[ -e "$bm/register" ] || mount -t binfmt_misc binfmt_misc "$bm"
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
[ -f "$conf" ] || { echo "qemu-binfmt: $conf missing (install qemu-user-binfmt)" >&2; exit 1; }
cat "$conf" > "$bm/register"
echo "qemu-binfmt: aarch64 handler registered"
