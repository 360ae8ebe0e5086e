import { describe, expect, it } from 'vitest'
import { encodeStatx, encodeStatfs, i64, splitNs, u64 } from './abi'
import type { Stat } from './types'

const st: Stat = {
  dev: 0x803, ino: 123456789012, mode: 0o100644, nlink: 3, uid: 1000, gid: 100, rdev: 0x501, size: 5_000_000_000,
  blksize: 4096, blocks: 9765632, atimeNs: 1_700_000_000_123_456_768, mtimeNs: -1_500_000_000, ctimeNs: 0,
}

describe('ABI structures', () => {
  it('struct statx and struct statfs', () => {
    const x = new DataView(encodeStatx(st).buffer)
    expect(x.getUint32(0, true)).toBe(0x7ff)
    expect(x.getUint16(28, true)).toBe(0o100644)
    expect(x.getBigUint64(40, true)).toBe(5_000_000_000n)
    expect([x.getUint32(128, true), x.getUint32(132, true), x.getUint32(136, true), x.getUint32(140, true)]).toEqual([5, 1, 8, 3])
    expect(x.getBigInt64(112, true)).toBe(-2n)
    const f = new DataView(encodeStatfs({ type: 0x01021994, bsize: 4096, blocks: 10, bfree: 5, bavail: 5, files: 100, ffree: 90, namelen: 255, frsize: 4096, flags: 0 }).buffer)
    expect(f.byteLength).toBe(120)
    expect(f.getBigInt64(0, true)).toBe(0x01021994n)
    expect(f.getBigInt64(64, true)).toBe(255n)
    expect(splitNs(-1)).toEqual([-1, 999_999_999])
  })

  it('64-bit fields: the fast path for integers below 2^53 writes what BigInt does', () => {
    const viaBig = (v: number, signed: boolean): bigint => {
      const n = Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n
      return signed ? BigInt.asIntN(64, n) : BigInt.asUintN(64, n)
    }
    for (const v of [0, -0, 1, 0xffffffff, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 64, -1, -(2 ** 40), 1.5, -1.5, NaN, Infinity, -Infinity]) {
      const dv = new DataView(new ArrayBuffer(16))
      u64(dv, 0, v)
      i64(dv, 8, v)
      expect([v, dv.getBigUint64(0, true), dv.getBigInt64(8, true)]).toEqual([v, viaBig(v, false), viaBig(v, true)])
    }
  })
})
