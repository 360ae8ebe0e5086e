/**
 * File structures of the Linux ABI that are the same on every 64-bit
 * architecture lx runs, as bytes: struct statx (linux/stat.h, 256 bytes)
 * and struct statfs (asm-generic/statfs.h, 120 bytes on 64-bit; x86_64's is
 * the same). All little-endian. struct stat differs per architecture (arm64
 * uses asm-generic/stat.h, x86_64 its own): its encoder is the
 * architecture's (arch/aarch64/stat.ts), built from the helpers here.
 */
import type { Stat, StatFs } from './types'
import { major, minor } from './types'

export const STATX_SIZE = 256
export const STATFS_SIZE = 120

export const STATX_TYPE = 0x1
export const STATX_MODE = 0x2
export const STATX_NLINK = 0x4
export const STATX_UID = 0x8
export const STATX_GID = 0x10
export const STATX_ATIME = 0x20
export const STATX_MTIME = 0x40
export const STATX_CTIME = 0x80
export const STATX_INO = 0x100
export const STATX_SIZE_BIT = 0x200
export const STATX_BLOCKS = 0x400
export const STATX_BASIC_STATS = 0x7ff

/** The seconds of a time in ns: floored, so that times before 1970 keep 0 <= nsec < 1e9; 0 for a bad value. */
export function nsSec(ns: number): number {
  return Number.isFinite(ns) ? Math.floor(ns / 1e9) : 0
}

/** The nanoseconds that go with nsSec(ns), 0..999999999. */
export function nsNsec(ns: number): number {
  if (!Number.isFinite(ns)) return 0
  return Math.min(999_999_999, Math.max(0, Math.round(ns - Math.floor(ns / 1e9) * 1e9)))
}

/** Seconds and nanoseconds of a time in ns (see nsSec). */
export function splitNs(ns: number): [number, number] {
  return [nsSec(ns), nsNsec(ns)]
}

// BigInt() throws on NaN and infinities: a bad value from a file system becomes 0, not an exception.
const big = (v: number): bigint => (Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n)

/**
 * Writes `v` as a 64-bit field (little-endian), unsigned or signed. What
 * file systems give is nearly always a non-negative integer below 2^53:
 * two 32-bit halves, without a BigInt (fstat is a hot path); anything else
 * (negative, fractional, huge, bad) goes through BigInt.
 */
export function u64(dv: DataView, at: number, v: number): void {
  if (v >= 0 && Number.isSafeInteger(v)) {
    dv.setUint32(at, v % 4294967296, true)
    dv.setUint32(at + 4, Math.floor(v / 4294967296), true)
  } else dv.setBigUint64(at, BigInt.asUintN(64, big(v)), true)
}

export function i64(dv: DataView, at: number, v: number): void {
  if (v >= 0 && Number.isSafeInteger(v)) u64(dv, at, v)
  else dv.setBigInt64(at, BigInt.asIntN(64, big(v)), true)
}

export function encodeStatx(s: Stat, mask = STATX_BASIC_STATS): Uint8Array {
  const b = new Uint8Array(STATX_SIZE)
  const dv = new DataView(b.buffer)
  dv.setUint32(0, mask & STATX_BASIC_STATS, true)
  dv.setUint32(4, s.blksize >>> 0, true)
  dv.setUint32(16, s.nlink >>> 0, true)
  dv.setUint32(20, s.uid >>> 0, true)
  dv.setUint32(24, s.gid >>> 0, true)
  dv.setUint16(28, s.mode & 0xffff, true)
  u64(dv, 32, s.ino)
  u64(dv, 40, s.size)
  u64(dv, 48, s.blocks)
  // stx_atime 64, stx_btime 80 (not provided), stx_ctime 96, stx_mtime 112: { s64 sec; u32 nsec; s32 reserved }
  putStatxTime(dv, 64, s.atimeNs)
  putStatxTime(dv, 96, s.ctimeNs)
  putStatxTime(dv, 112, s.mtimeNs)
  dv.setUint32(128, major(s.rdev), true)
  dv.setUint32(132, minor(s.rdev), true)
  dv.setUint32(136, major(s.dev), true)
  dv.setUint32(140, minor(s.dev), true)
  return b
}

/** struct statx_timestamp: { s64 sec; u32 nsec; s32 reserved }. */
function putStatxTime(dv: DataView, at: number, ns: number): void {
  i64(dv, at, nsSec(ns))
  dv.setUint32(at + 8, nsNsec(ns), true)
}

export function encodeStatfs(s: StatFs, fsid = 0): Uint8Array {
  const b = new Uint8Array(STATFS_SIZE)
  const dv = new DataView(b.buffer)
  i64(dv, 0, s.type)
  i64(dv, 8, s.bsize)
  u64(dv, 16, s.blocks)
  u64(dv, 24, s.bfree)
  u64(dv, 32, s.bavail)
  u64(dv, 40, s.files)
  u64(dv, 48, s.ffree)
  dv.setInt32(56, fsid | 0, true)
  i64(dv, 64, s.namelen)
  i64(dv, 72, s.frsize)
  i64(dv, 80, s.flags)
  return b
}
