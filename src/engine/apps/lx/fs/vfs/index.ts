/**
 * lx's file layer: everything the syscall layer needs, and `setupLinuxFs`,
 * which assembles the usual tree: a root (an unpacked initramfs, or a given
 * file system such as the host's), /dev, /proc and a private /tmp.
 */
import { DevFs, KmsgLog } from './devfs'
import { loadInitramfs } from './initramfs'
import { ProcFs, type ProcView } from './procfs'
import { RamFs } from './ramfs'
import type { Tty } from './tty'
import type { FileSystem } from './types'
import { Vfs } from './vfs'
import { errnoName } from './errno'

export * from './types'
export { Errno, errnoName, errnoFromName } from './errno'
export { Vfs, type Mount, type Timespec, type DeviceOpener } from './vfs'
export { RamFs, RamFile, RamDir, type RamFsOptions } from './ramfs'
export { makePipe, Pipe, PipeEnd, PipeFs, PIPE_BUF, PIPE_CAPACITY } from './pipe'
export { Tty, TtyFile, type TtyOptions, type Termios } from './tty'
export { DevFs, KmsgLog, type KmsgRecord, type DevFsOptions } from './devfs'
export { ProcFs, USER_HZ, type ProcView, type ProcInfo, type ProcStatInfo, type CpuTimes } from './procfs'
export { HostFs, type HostFsPort, type HostStat, type HostDirEntry } from './hostfs'
export { loadInitramfs } from './initramfs'
export { gunzip, inflateRaw, crc32 } from '../../../../formats/gzip'
export { parseCpio, writeCpio } from '../../../../formats/cpio'
export { encodeStatx, encodeStatfs, STATX_SIZE, STATFS_SIZE } from './abi'
export { FileBase, SnapshotFile, DirFile } from './file'

const DEFAULT_ROOT_BYTES = 128 << 20

export interface LinuxFsOptions {
  /** A cpio newc archive (gzip'd or not) unpacked into a RamFs root ("rootfs"). */
  initrd?: Uint8Array
  /** Or a ready root file system (e.g. a HostFs for `l4lab exec`). */
  root?: FileSystem
  /**
   * Byte limits of the initramfs root (default 128 MiB) and of /tmp (default 64 MiB). File
   * data lives in the engine's heap, outside the VM's memory quota, so a
   * guest must not be able to grow it without bound; size these from the
   * VM's memory.
   */
  rootBytes?: number
  tmpBytes?: number
  random: (buf: Uint8Array) => void
  console?: Tty
  controllingTty?: () => Tty | null
  procView: ProcView
  /** Virtual time in ns since the epoch. */
  clock?: () => number
  kmsg?: KmsgLog
}

export interface LinuxFs {
  vfs: Vfs
  devfs: DevFs
  procfs: ProcFs
  tmp: RamFs
  kmsg: KmsgLog
}

export function setupLinuxFs(o: LinuxFsOptions): { ok: true; fs: LinuxFs } | { ok: false; error: string } {
  const clock = o.clock ?? (() => 0)
  let root = o.root
  if (!root) {
    const ram = new RamFs({ type: 'rootfs', rootMode: 0o755, clock, maxBytes: o.rootBytes ?? DEFAULT_ROOT_BYTES })
    if (o.initrd) {
      const r = loadInitramfs(ram, o.initrd, { maxUnpacked: o.rootBytes ?? DEFAULT_ROOT_BYTES })
      if (!r.ok) return { ok: false, error: r.error }
    }
    root = ram
  }
  const kmsg = o.kmsg ?? new KmsgLog(1024, () => clock() / 1000)
  const devfs = new DevFs({ random: o.random, console: o.console, controllingTty: o.controllingTty, kmsg, clock })
  const vfs = new Vfs(root, { clock, devices: devfs.openDevice }, o.root ? o.root.type : 'rootfs')
  const procfs = new ProcFs(o.procView, clock)
  const tmp = new RamFs({ type: 'tmpfs', clock, maxBytes: o.tmpBytes ?? 64 << 20 })
  const cred = { uid: 0, gid: 0 }
  for (const [path, fs, source] of [['/dev', devfs, 'devtmpfs'], ['/proc', procfs, 'proc'], ['/tmp', tmp, 'tmpfs']] as const) {
    if (typeof vfs.resolve(vfs.root, path, cred) === 'number' && !root.readOnly) {
      vfs.mkdir(vfs.root, path, path === '/tmp' ? 0o1777 : 0o755, cred)
    }
    const r = vfs.mount(path, fs, source)
    if (r < 0) return { ok: false, error: `mount ${path}: ${errnoName(r)}` }
  }
  return { ok: true, fs: { vfs, devfs, procfs, tmp, kmsg } }
}
