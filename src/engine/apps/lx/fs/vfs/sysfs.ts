/**
 * /sys as lx shows it: lx's own machine, never the host's live sysfs
 * (under `l4lab exec` the root is the host's file system, whose /sys
 * describes the host). glibc's get_nprocs and sysconf(_SC_NPROCESSORS_*)
 * read the CPU masks here before /proc/stat, so they must agree with lx's
 * one CPU (sched_getaffinity, /proc/cpuinfo). Read-only files made once,
 * with sysfs's modes (directories 0755, attributes 0444).
 */
import { RamDir, RamFile, RamFs } from './ramfs'
import { S_IFREG, enc } from './types'

/** statfs f_type of sysfs (include/uapi/linux/magic.h). */
export const SYSFS_MAGIC = 0x62656572

export function makeSysFs(opts: { cpus: number; clock?: () => number }): RamFs {
  const fs = new RamFs({ type: 'sysfs', rootMode: 0o755, clock: opts.clock, magic: SYSFS_MAGIC })
  const kernel = { uid: 0, gid: 0 }
  const dir = (at: RamDir, name: string): RamDir => at.mkdir(name, 0o755, kernel) as RamDir
  const attr = (at: RamDir, name: string, text: string): void => {
    const f = at.create(name, S_IFREG | 0o444, kernel, 0) as RamFile
    f.writeAt(enc.encode(text), 0)
  }
  const cpu = dir(dir(dir(fs.root, 'devices'), 'system'), 'cpu')
  const mask = opts.cpus === 1 ? '0\n' : `0-${opts.cpus - 1}\n`
  for (const name of ['online', 'possible', 'present']) attr(cpu, name, mask)
  for (let n = 0; n < opts.cpus; n++) dir(cpu, `cpu${n}`)
  fs.readOnly = true
  return fs
}
