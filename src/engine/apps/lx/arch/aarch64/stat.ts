/**
 * struct stat as arm64 has it (include/uapi/asm-generic/stat.h, 128 bytes):
 * what newfstatat and fstat fill. Times are split by nsSec/nsNsec, so times
 * before 1970 keep 0 <= nsec < 1e9; bad values from a file system become 0.
 */
import { i64, nsNsec, nsSec, u64 } from '../../fs/vfs/abi'
import type { Stat } from '../../fs/vfs/types'

export const STAT_SIZE = 128

export function encodeStat(s: Stat): Uint8Array {
  const b = new Uint8Array(STAT_SIZE)
  const dv = new DataView(b.buffer)
  u64(dv, 0, s.dev)
  u64(dv, 8, s.ino)
  dv.setUint32(16, s.mode >>> 0, true)
  dv.setUint32(20, s.nlink >>> 0, true)
  dv.setUint32(24, s.uid >>> 0, true)
  dv.setUint32(28, s.gid >>> 0, true)
  u64(dv, 32, s.rdev)
  i64(dv, 48, s.size)
  dv.setInt32(56, s.blksize | 0, true)
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
