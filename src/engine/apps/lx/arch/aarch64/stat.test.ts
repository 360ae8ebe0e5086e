import { describe, expect, it } from 'vitest'
import { encodeStat } from './stat'
import type { Stat } from '../../fs/vfs/types'

const st: Stat = {
  dev: 0x803, ino: 123456789012, mode: 0o100644, nlink: 3, uid: 1000, gid: 100, rdev: 0x501, size: 5_000_000_000,
  blksize: 4096, blocks: 9765632, atimeNs: 1_700_000_000_123_456_768, mtimeNs: -1_500_000_000, ctimeNs: 0,
}

describe('arm64 struct stat', () => {
  it('struct stat: asm-generic layout', () => {
    const b = encodeStat(st)
    const dv = new DataView(b.buffer)
    expect(b.length).toBe(128)
    expect(dv.getBigUint64(0, true)).toBe(0x803n)
    expect(dv.getBigUint64(8, true)).toBe(123456789012n)
    expect(dv.getUint32(16, true)).toBe(0o100644)
    expect(dv.getUint32(20, true)).toBe(3)
    expect([dv.getUint32(24, true), dv.getUint32(28, true)]).toEqual([1000, 100])
    expect(dv.getBigUint64(32, true)).toBe(0x501n)
    expect(dv.getBigInt64(48, true)).toBe(5_000_000_000n)
    expect(dv.getInt32(56, true)).toBe(4096)
    expect(dv.getBigInt64(64, true)).toBe(9765632n)
    expect(dv.getBigInt64(72, true)).toBe(1_700_000_000n)
    expect(Number(dv.getBigUint64(80, true))).toBeCloseTo(123_456_768, -3) // ns precision of a double near 2^60
    expect(dv.getBigInt64(88, true)).toBe(-2n) // -1.5 s is -2 s + 0.5e9 ns
    expect(dv.getBigUint64(96, true)).toBe(500_000_000n)
  })
})
