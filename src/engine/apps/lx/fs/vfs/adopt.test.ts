/**
 * RamFile.adopt: an initramfs file whose pages are views of lx's copy of
 * the archive reads, writes, truncates and charges exactly as a file whose
 * data was written, and nothing done to it reaches the archive.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Errno } from './errno'
import { PAGE, RamFile, RamFs } from './ramfs'
import { S_IFREG, type MemCharge } from './types'

class Meter implements MemCharge {
  used = 0
  constructor(readonly limit = Infinity) {}
  charge(pages: number): boolean {
    if (this.used + pages > this.limit) return false
    this.used += pages
    return true
  }
  uncharge(pages: number): void {
    this.used -= pages
  }
}

const who = { uid: 0, gid: 0 }

function file(fs: RamFs, name: string): RamFile {
  const f = fs.root.create(name, S_IFREG | 0o644, who, 0)
  if (typeof f === 'number') throw new Error(`create: ${f}`)
  return f as RamFile
}

function contents(f: RamFile): Uint8Array {
  const b = new Uint8Array(f.size)
  expect(f.readAt(b, 0)).toBe(f.size)
  return b
}

type Op = { kind: 'write'; off: number; len: number; seed: number } | { kind: 'truncate'; size: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), off: fc.integer({ min: 0, max: 5 * PAGE }), len: fc.integer({ min: 1, max: 2 * PAGE }), seed: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), size: fc.integer({ min: 0, max: 6 * PAGE }) }),
)

describe('RamFile.adopt', () => {
  it('behaves as a written file under random writes and truncates, and leaves the archive as it was', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 * PAGE + 100 }), fc.array(op, { maxLength: 12 }), (length, ops) => {
        const archive = Uint8Array.from({ length: length + 64 }, (_, i) => (i * 31 + 7) & 0xff)
        const before = archive.slice()
        const data = archive.subarray(32, 32 + length)
        const metered = new Meter()
        const copied = new Meter()
        const a = file(new RamFs({ charge: metered }), 'a')
        const b = file(new RamFs({ charge: copied }), 'b')
        expect(a.adopt(data)).toBe(length)
        expect(b.writeAt(data, 0)).toBe(length)
        for (const o of ops) {
          if (o.kind === 'write') {
            const bytes = new Uint8Array(o.len).fill(o.seed)
            expect(a.writeAt(bytes, o.off)).toBe(b.writeAt(bytes, o.off))
          } else expect(a.truncate(o.size)).toBe(b.truncate(o.size))
          // Compared as one string: toEqual walks a typed array element by element, slowly.
          expect(Buffer.from(contents(a)).toString('hex')).toBe(Buffer.from(contents(b)).toString('hex'))
          expect(a.stat().blocks).toBe(b.stat().blocks)
          expect(metered.used).toBe(copied.used)
          // The view, while there is one, is the file's data.
          const view = a.adoptedView()
          if (view) expect(Buffer.from(view).toString('hex')).toBe(Buffer.from(contents(b)).toString('hex'))
        }
        expect(Buffer.compare(archive, before)).toBe(0)
        a.release()
        expect(metered.used).toBe(0)
      }),
      { numRuns: 200 },
    )
  })

  it('charges all its pages or none: ENOSPC when the VM has no room, EINVAL on a file with data', () => {
    const fs = new RamFs({ charge: new Meter(2) })
    const f = file(fs, 'big')
    expect(f.adopt(new Uint8Array(2 * PAGE + 1))).toBe(-Errno.ENOSPC)
    expect(f.size).toBe(0)
    expect(f.adopt(new Uint8Array(10))).toBe(10)
    expect(f.adopt(new Uint8Array(10))).toBe(-Errno.EINVAL)
  })

  it('offers its data as one view until a write or a cut in a page, and that view never changes', () => {
    const archive = Uint8Array.from({ length: 3 * PAGE + 10 }, (_, i) => i & 0xff)
    const f = file(new RamFs(), 'prog')
    f.adopt(archive.subarray(5))
    const view = f.adoptedView()!
    expect(view.buffer).toBe(archive.buffer)
    expect(view.byteOffset).toBe(5)
    expect(view.length).toBe(3 * PAGE + 5)
    f.writeAt(Uint8Array.of(0xee), PAGE + 1)
    expect(f.adoptedView()).toBeNull()
    expect(view[PAGE + 1]).toBe((PAGE + 6) & 0xff)
    const g = file(new RamFs(), 'cut')
    g.adopt(archive.subarray(0, 2 * PAGE))
    g.truncate(PAGE + 7)
    expect(g.adoptedView()).toBeNull()
    const h = file(new RamFs(), 'whole')
    h.adopt(archive.subarray(0, 2 * PAGE))
    h.truncate(PAGE)
    expect(h.adoptedView()?.length).toBe(PAGE)
  })
})
