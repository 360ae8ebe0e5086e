import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MmioBus, MmioStatus, PAGE_SIZE, type AccessSize, type MmioDevice } from './mmio-bus'

/** A device that records its accesses and answers reads with a value derived from the offset. */
class Recorder implements MmioDevice {
  log: string[] = []
  constructor(readonly tag: number) {}
  read(off: number, size: AccessSize): bigint {
    this.log.push(`r ${off.toString(16)} ${size}`)
    return BigInt(this.tag * 0x10000 + off)
  }
  write(off: number, size: AccessSize, v: bigint): void {
    this.log.push(`w ${off.toString(16)} ${size} ${v.toString(16)}`)
  }
}

const mapped = (r: ReturnType<MmioBus['map']>): void => {
  if (!r.ok) throw new Error(r.reason)
}

describe('MmioBus', () => {
  it('dispatches reads and writes with the offset into the region', () => {
    const bus = new MmioBus()
    const uart = new Recorder(1)
    mapped(bus.map(0x9000000n, 0x1000, uart, 'pl011'))
    expect(bus.read(0x9000018, 4)).toBe(0x10018n)
    expect(bus.status).toBe(MmioStatus.Ok)
    expect(bus.write(0x9000000, 1, 0x41n)).toBe(MmioStatus.Ok)
    expect(uart.log).toEqual(['r 18 4', 'w 0 1 41'])
  })

  it('says "unmapped" for holes, leaving the devices alone', () => {
    const bus = new MmioBus()
    const d = new Recorder(1)
    mapped(bus.map(0x9000000, 0x1000, d, 'pl011'))
    expect(bus.read(0x8fffffc, 4)).toBe(0n)
    expect(bus.status).toBe(MmioStatus.Unmapped)
    expect(bus.read(0x9001000, 4)).toBe(0n)
    expect(bus.status).toBe(MmioStatus.Unmapped)
    expect(bus.write(0x1234000, 4, 1n)).toBe(MmioStatus.Unmapped)
    // A successful read resets the status.
    bus.read(0x9000000, 4)
    expect(bus.status).toBe(MmioStatus.Ok)
    expect(d.log).toEqual(['r 0 4'])
  })

  it('treats an access that runs past the end of its region as unmapped, even into a neighbour', () => {
    const bus = new MmioBus()
    const a = new Recorder(1)
    const b = new Recorder(2)
    mapped(bus.map(0x1000, 0x1000, a, 'a'))
    mapped(bus.map(0x2000, 0x1000, b, 'b'))
    expect(bus.read(0x1ffc, 4)).toBe(0x10ffcn)
    expect(bus.read(0x1ffc, 8)).toBe(0n)
    expect(bus.status).toBe(MmioStatus.Unmapped)
    expect(bus.write(0x1fff, 2, 0n)).toBe(MmioStatus.Unmapped)
    expect(bus.read(0x2000, 8)).toBe(0x20000n)
    expect(a.log).toEqual(['r ffc 4'])
    expect(b.log).toEqual(['r 0 8'])
  })

  it('lets small regions share a page (virtio-mmio transports of 0x200 bytes)', () => {
    const bus = new MmioBus()
    const devs = Array.from({ length: 32 }, (_, i) => new Recorder(i + 1))
    devs.forEach((d, i) => mapped(bus.map(0xa000000 + i * 0x200, 0x200, d, `virtio${i}`)))
    for (let i = 0; i < 32; i++) expect(bus.read(0xa000000 + i * 0x200 + 0x70, 4)).toBe(BigInt((i + 1) * 0x10000 + 0x70))
    expect(bus.read(0xa004000, 4)).toBe(0n)
    expect(bus.status).toBe(MmioStatus.Unmapped)
    // A small region beside a hole in the same page.
    const bus2 = new MmioBus()
    mapped(bus2.map(0x9020000, 0x18, new Recorder(7), 'fw-cfg'))
    expect(bus2.read(0x9020010, 8)).toBe(0x70010n)
    expect(bus2.read(0x9020018, 4)).toBe(0n)
    expect(bus2.status).toBe(MmioStatus.Unmapped)
  })

  it('refuses overlapping, zero-size, misaligned, oversized and out-of-range regions with a reason', () => {
    const bus = new MmioBus()
    const d = new Recorder(1)
    mapped(bus.map(0x8000000, 0x10000, d, 'gicd'))
    const refuse = (base: bigint | number, size: bigint | number, pattern: RegExp): void => {
      const r = bus.map(base, size, d, 'x')
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.reason).toMatch(pattern)
    }
    refuse(0x800f000, 0x2000, /overlaps gicd at 0x8000000 size 0x10000/)
    refuse(0x7fff000, 0x1008, /overlaps gicd/)
    refuse(0x8004000, 8, /overlaps gicd/)
    refuse(0x9000000, 0, /zero size/)
    refuse(0x9000004, 0x1000, /multiples of 8/)
    refuse(0x9000000, 0x1004, /multiples of 8/)
    refuse(0x100000000, 2 ** 32 + 8, /larger than/)
    refuse(2n ** 48n - 0x1000n, 0x2000, /48-bit/)
    refuse(-0x1000, 0x1000, /non-negative integers/)
    refuse(4096.5, 0x1000, /non-negative integers/)
    refuse(-1n, 0x1000, /non-negative integers/)
    expect(bus.regions().map((r) => r.name)).toEqual(['gicd'])
    // Touching is not overlapping.
    mapped(bus.map(0x7ff0000, 0x10000, d, 'below'))
    mapped(bus.map(0x8010000, 0x10000, d, 'above'))
  })

  it('lists regions in order of base, with bigint base and size', () => {
    const bus = new MmioBus()
    const d = new Recorder(1)
    mapped(bus.map(0xa000000, 0x200, d, 'virtio0'))
    mapped(bus.map(0x9000000, 0x1000, d, 'pl011'))
    mapped(bus.map(0x8000000n, 0x10000n, d, 'gicd'))
    mapped(bus.map(0x4010000000n, 0x10000000n, d, 'ecam-high'))
    expect(bus.regions().map((r) => [r.name, r.base, r.size])).toEqual([
      ['gicd', 0x8000000n, 0x10000n],
      ['pl011', 0x9000000n, 0x1000n],
      ['virtio0', 0xa000000n, 0x200n],
      ['ecam-high', 0x4010000000n, 0x10000000n],
    ])
  })

  it('finds the region and offset of an address, above 4 GiB too', () => {
    const bus = new MmioBus()
    const d = new Recorder(3)
    mapped(bus.map(0x4010000000n, 0x10000000n, d, 'ecam-high'))
    const hit = bus.find(0x4012345678n)
    expect(hit?.region.name).toBe('ecam-high')
    expect(hit?.offset).toBe(0x2345678)
    expect(hit?.device).toBe(d)
    expect(bus.find(0x401fffffff)?.offset).toBe(0xfffffff)
    expect(bus.find(0x4020000000)).toBeNull()
    expect(bus.find(0x400fffffff)).toBeNull()
    expect(bus.read(0x4010000010, 4)).toBe(0x30010n)
  })

  it('rejects addresses that are not integers in [0, 2^48)', () => {
    const bus = new MmioBus()
    mapped(bus.map(0, 0x1000, new Recorder(1), 'low'))
    for (const pa of [-4, 0.5, NaN, Infinity, 2 ** 48, 2 ** 60]) {
      expect(bus.read(pa, 4)).toBe(0n)
      expect(bus.status).toBe(MmioStatus.Unmapped)
    }
    expect(bus.find(-1n)).toBeNull()
    expect(bus.find(2n ** 64n)).toBeNull()
  })

  it('unmaps a region by base, freeing its pages for others and keeping page-sharing neighbours', () => {
    const bus = new MmioBus()
    const a = new Recorder(1)
    const b = new Recorder(2)
    mapped(bus.map(0xa000000, 0x200, a, 'a'))
    mapped(bus.map(0xa000200, 0x200, b, 'b'))
    const r = bus.unmap(0xa000000n)
    expect(r.ok && r.region.name).toBe('a')
    expect(bus.read(0xa000000, 4)).toBe(0n)
    expect(bus.status).toBe(MmioStatus.Unmapped)
    expect(bus.read(0xa000200, 4)).toBe(0x20000n)
    const again = bus.unmap(0xa000000)
    expect(again.ok).toBe(false)
    if (!again.ok) expect(again.reason).toBe('no region starts at 0xa000000')
    mapped(bus.map(0xa000000, 0x200, b, 'a2'))
    expect(bus.unmap(0xa000200).ok).toBe(true)
    expect(bus.unmap(0xa000000).ok).toBe(true)
    expect(bus.regions()).toEqual([])
    // Every table block was dropped with the last region.
    expect((bus as unknown as { blocks: Map<number, unknown> }).blocks.size).toBe(0)
  })

  it('maps a region that spans 2 MiB blocks', () => {
    const bus = new MmioBus()
    const d = new Recorder(1)
    mapped(bus.map(0x1ff000, 0x3000, d, 'span'))
    expect(bus.find(0x1ff000)?.offset).toBe(0)
    expect(bus.find(0x200000)?.offset).toBe(0x1000)
    expect(bus.find(0x201fff)?.offset).toBe(0x2fff)
    expect(bus.find(0x202000)).toBeNull()
    expect(bus.read(0x1ffffc, 8)).toBe(0x10ffcn)
    mapped(bus.unmap(0x1ff000))
    expect(bus.find(0x200000)).toBeNull()
  })

  it('agrees with a linear search of the region list for random maps, unmaps and accesses', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            base: fc.integer({ min: 0, max: 0x3ff }).map((k) => k * 0x200),
            pages: fc.integer({ min: 0, max: 6 }),
            unmap: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0x80000 }), fc.constantFrom<AccessSize>(1, 2, 4, 8)), { maxLength: 50 }),
        (ops, accesses) => {
          const bus = new MmioBus()
          const model: Array<{ base: number; size: number; d: Recorder }> = []
          let tag = 1
          for (const op of ops) {
            if (op.unmap && model.length > 0) {
              const victim = model.splice(op.base % model.length, 1)[0]
              expect(bus.unmap(victim.base).ok).toBe(true)
              continue
            }
            const size = op.pages === 0 ? 0x200 : op.pages * PAGE_SIZE
            const d = new Recorder(tag++)
            const overlaps = model.some((m) => op.base < m.base + m.size && m.base < op.base + size)
            expect(bus.map(op.base, size, d, 'r').ok).toBe(!overlaps)
            if (!overlaps) model.push({ base: op.base, size, d })
          }
          for (const [pa, size] of accesses) {
            const m = model.find((r) => pa >= r.base && pa + size <= r.base + r.size)
            const v = bus.read(pa, size)
            if (m) {
              expect(bus.status).toBe(MmioStatus.Ok)
              expect(v).toBe(BigInt(m.d.tag * 0x10000 + pa - m.base))
            } else {
              expect(bus.status).toBe(MmioStatus.Unmapped)
            }
          }
          expect(bus.regions().map((r) => Number(r.base))).toEqual(model.map((m) => m.base).sort((x, y) => x - y))
        },
      ),
      { numRuns: 300 },
    )
  })
})
