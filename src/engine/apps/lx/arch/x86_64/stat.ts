/**
 * struct stat as x86-64 has it (arch/x86/include/uapi/asm/stat.h, 144
 * bytes): st_nlink is 64 bits and comes before st_mode, st_blksize is 64
 * bits, and three longs of padding end it — unlike arm64's asm-generic
 * layout. What stat, fstat, lstat and newfstatat fill.
 */
import { i64, nsNsec, nsSec, u64 } from '../../fs/vfs/abi'
import type { Stat } from '../../fs/vfs/types'

export const STAT_SIZE = 144

export function encodeStat(s: Stat): Uint8Array {
  const b = new Uint8Array(STAT_SIZE)
  const dv = new DataView(b.buffer)
  u64(dv, 0, s.dev)
  u64(dv, 8, s.ino)
  u64(dv, 16, s.nlink)
  dv.setUint32(24, s.mode >>> 0, true)
  dv.setUint32(28, s.uid >>> 0, true)
  dv.setUint32(32, s.gid >>> 0, true)
  u64(dv, 40, s.rdev)
  i64(dv, 48, s.size)
  i64(dv, 56, s.blksize)
  i64(dv, 64, s.blocks)
  putTime(dv, 72, s.atimeNs)
  putTime(dv, 88, s.mtimeNs)
  putTime(dv, 104, s.ctimeNs)
  return b
}

/** st_Xtime and st_Xtime_nsec: two 64-bit fields. */
function putTime(dv: DataView, at: number, ns: number): void {
  i64(dv, at, nsSec(ns))
  u64(dv, at + 8, nsNsec(ns))
}
