import { describe, expect, it } from 'vitest'
import { encodeStat } from './stat'
import { flagsFromGeneric, flagsToGeneric } from './legacy'
import { HWCAP } from './index'
import { CPUID_1_EDX } from '../../../../cpu/x86_64/core-layout'
import { O_CLOEXEC, O_CREAT, O_DIRECT, O_DIRECTORY, O_LARGEFILE, O_NOFOLLOW, O_RDWR, type Stat } from '../../fs/vfs/types'

const st: Stat = {
  dev: 0x803, ino: 123456789012, mode: 0o100644, nlink: 3, uid: 1000, gid: 100, rdev: 0x501, size: 5_000_000_000,
  blksize: 4096, blocks: 9765632, atimeNs: 1_700_000_000_123_456_768, mtimeNs: -1_500_000_000, ctimeNs: 0,
}

describe('x86-64 uapi', () => {
  it('struct stat: arch/x86 layout (nlink before mode, 144 bytes)', () => {
    const b = encodeStat(st)
    const dv = new DataView(b.buffer)
    expect(b.length).toBe(144)
    expect(dv.getBigUint64(0, true)).toBe(0x803n)
    expect(dv.getBigUint64(8, true)).toBe(123456789012n)
    expect(dv.getBigUint64(16, true)).toBe(3n)
    expect(dv.getUint32(24, true)).toBe(0o100644)
    expect([dv.getUint32(28, true), dv.getUint32(32, true)]).toEqual([1000, 100])
    expect(dv.getBigUint64(40, true)).toBe(0x501n)
    expect(dv.getBigInt64(48, true)).toBe(5_000_000_000n)
    expect(dv.getBigInt64(56, true)).toBe(4096n)
    expect(dv.getBigInt64(64, true)).toBe(9765632n)
    expect(dv.getBigInt64(72, true)).toBe(1_700_000_000n)
    expect(dv.getBigInt64(88, true)).toBe(-2n)
    expect(dv.getBigUint64(96, true)).toBe(500_000_000n)
  })

  it("open flags: x86-64's O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW become the generic ones and back", () => {
    // x86-64 values (arch/x86 uses the asm-generic fcntl.h defaults): 040000, 0100000, 0200000, 0400000.
    const x86 = { direct: 0o40000, largefile: 0o100000, directory: 0o200000, nofollow: 0o400000 }
    expect(flagsToGeneric(x86.directory | O_RDWR | O_CLOEXEC)).toBe(O_DIRECTORY | O_RDWR | O_CLOEXEC)
    expect(flagsToGeneric(x86.nofollow | O_CREAT)).toBe(O_NOFOLLOW | O_CREAT)
    expect(flagsToGeneric(x86.direct)).toBe(O_DIRECT)
    expect(flagsToGeneric(x86.largefile)).toBe(O_LARGEFILE)
    for (let i = 0; i < 1000; i++) {
      const f = (i * 2654435761) & 0o37777777
      expect(flagsFromGeneric(flagsToGeneric(f))).toBe(f)
    }
  })

  it('AT_HWCAP is what the core reports in CPUID leaf 1 EDX', () => {
    expect(HWCAP).toBe(CPUID_1_EDX)
  })
})
