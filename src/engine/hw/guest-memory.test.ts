import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PhysicalMemory } from './physical-memory'
import { GuestMemory } from './guest-memory'

const BASE = 0x4000_0000
const SIZE = 64 * 1024

function setup() {
  const backing = new Uint8Array(SIZE + 2 * 4096)
  // RAM is the middle of a larger buffer: the guards on both sides must never change.
  const ram = new PhysicalMemory(backing.subarray(4096, 4096 + SIZE), BASE)
  return { backing, ram, mem: new GuestMemory(ram) }
}

describe('GuestMemory', () => {
  it('reads and writes little-endian scalars and byte ranges at guest-physical addresses', () => {
    const { mem, ram } = setup()
    expect(mem.setU64(BASE + 8, 0x1_2345_6789)).toBe(true)
    expect(mem.u64(BASE + 8)).toBe(0x1_2345_6789)
    expect(mem.u32(BASE + 8)).toBe(0x2345_6789)
    expect(mem.u16(BASE + 12)).toBe(1)
    expect(mem.u8(BASE + 8)).toBe(0x89)
    expect(mem.write(BASE + SIZE - 3, new Uint8Array([1, 2, 3]))).toBe(true)
    expect([...mem.read(BASE + SIZE - 3, 3)!]).toEqual([1, 2, 3])
    expect(ram.bytes[SIZE - 1]).toBe(3)
    expect(mem.view(BASE, 0)?.length).toBe(0)
  })

  it('answers out-of-RAM accesses with null, false or -1 and writes nothing', () => {
    const { mem } = setup()
    expect(mem.u32(BASE - 4)).toBe(-1)
    expect(mem.u32(BASE + SIZE - 2)).toBe(-1) // straddles the end
    expect(mem.u64(2 ** 64)).toBe(-1)
    expect(mem.u16(NaN)).toBe(-1)
    expect(mem.read(BASE, SIZE + 1)).toBeNull()
    expect(mem.read(BASE, -1)).toBeNull()
    expect(mem.write(BASE + SIZE, new Uint8Array(1))).toBe(false)
    expect(mem.setU64(BASE + SIZE - 7, 1)).toBe(false)
    expect(mem.setU32(0.5, 1)).toBe(false)
  })

  it('tells the CPU core about writes (decoded code there is stale)', () => {
    const seen: [number, number][] = []
    const ram = new PhysicalMemory(new Uint8Array(SIZE), BASE, (off, n) => seen.push([off, n]))
    const mem = new GuestMemory(ram)
    mem.setU32(BASE + 16, 7)
    mem.write(BASE + 100, new Uint8Array(5))
    expect(seen).toEqual([[16, 4], [100, 5]])
  })

  it('never throws and never touches memory outside RAM, for any address and size (property)', () => {
    const { mem, backing } = setup()
    const addr = fc.oneof(fc.integer({ min: BASE - 16, max: BASE + SIZE + 16 }), fc.double(), fc.constantFrom(-1, 2 ** 53, 2 ** 64, Infinity))
    fc.assert(
      fc.property(addr, fc.integer({ min: -2, max: 32 }), fc.integer(), (pa, len, v) => {
        const reads = [mem.u8(pa), mem.u16(pa), mem.u32(pa), mem.u64(pa), mem.read(pa, len), mem.view(pa, len)]
        const writes = [mem.setU16(pa, v), mem.setU32(pa, v), mem.setU64(pa, Math.abs(v))]
        if (reads.length + writes.length !== 9) return false
        if (len >= 0) mem.write(pa, new Uint8Array(len).fill(0xab))
        for (let i = 0; i < 4096; i++) if (backing[i] !== 0 || backing[4096 + SIZE + i] !== 0) return false
        return true
      }),
      { numRuns: 3000 },
    )
  })
})
