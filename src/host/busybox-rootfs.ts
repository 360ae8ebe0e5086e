/**
 * The root file system of busybox.lua, made when a scenario asks for
 * rom/busybox-rootfs.cpio: Debian's busybox (from .cache/debian, fetched by
 * scripts/guests/fetch-debian.sh — never committed) as /bin/busybox with a
 * symlink per applet, and the usual directories. A cpio newc archive
 * (lx's own writer), made here so that nothing of Debian's is stored in the
 * repository.
 */
import { existsSync, readFileSync } from 'node:fs'
import { writeCpio } from '../engine'

const APPLETS = [
  'sh', 'ash', 'ls', 'cat', 'echo', 'printf', 'grep', 'sed', 'awk', 'sort', 'uniq', 'wc', 'tr', 'cut', 'head', 'tail',
  'seq', 'xargs', 'find', 'sha256sum', 'md5sum', 'gzip', 'gunzip', 'tar', 'ps', 'top', 'free', 'uptime', 'uname', 'kill',
  'sleep', 'clear', 'env', 'true', 'false', 'yes', 'date', 'sync', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'touch', 'hexdump',
  'dmesg', 'vi', 'less', 'more', 'id', 'whoami', 'hostname', 'pwd', 'test', '[', 'expr', 'basename', 'dirname', 'du', 'df',
  'stat', 'mount', 'dd', 'od', 'strings', 'tee', 'which', 'watch', 'time', 'nproc', 'stty', 'tty', 'reset',
]

export function busyboxRootfs(busyboxPath: string): Uint8Array | null {
  if (!existsSync(busyboxPath)) return null
  const busybox = readFileSync(busyboxPath)
  const entries: { name: string; mode: number; data: Uint8Array }[] = [
    { name: 'bin', mode: 0o40755, data: new Uint8Array(0) },
    { name: 'etc', mode: 0o40755, data: new Uint8Array(0) },
    { name: 'dev', mode: 0o40755, data: new Uint8Array(0) },
    { name: 'proc', mode: 0o40555, data: new Uint8Array(0) },
    { name: 'tmp', mode: 0o41777, data: new Uint8Array(0) },
    { name: 'root', mode: 0o40700, data: new Uint8Array(0) },
    { name: 'bin/busybox', mode: 0o100755, data: busybox },
    { name: 'etc/passwd', mode: 0o100644, data: new TextEncoder().encode('root:x:0:0:root:/root:/bin/sh\n') },
    { name: 'etc/group', mode: 0o100644, data: new TextEncoder().encode('root:x:0:\n') },
  ]
  for (const a of APPLETS) entries.push({ name: `bin/${a}`, mode: 0o120777, data: new TextEncoder().encode('busybox') })
  return writeCpio(entries)
}
