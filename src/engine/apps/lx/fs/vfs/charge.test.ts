/**
 * File data and pipe buffers are charged to the VM's memory: never more
 * than it has, each page given back when freed, and a full VM is ENOSPC
 * for files and ENOMEM for pipes (not a host that keeps growing).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Errno } from './errno'
import { RamFs } from './ramfs'
import { Vfs } from './vfs'
import { makePipe, PIPE_CAPACITY } from './pipe'
import { type MemCharge, type OpenFile, O_CREAT, O_NONBLOCK, O_RDWR } from './types'

/** A VM's memory of `limit` pages that counts what is charged. */
class Meter implements MemCharge {
  used = 0
  peak = 0
  constructor(readonly limit: number) {}
  charge(pages: number): boolean {
    if (this.used + pages > this.limit) return false
    this.used += pages
    this.peak = Math.max(this.peak, this.used)
    return true
  }
  uncharge(pages: number): void {
    this.used -= pages
    expect(this.used).toBeGreaterThanOrEqual(0)
  }
}

const root = { uid: 0, gid: 0 }

function setup(limit: number): { vfs: Vfs; meter: Meter } {
  const meter = new Meter(limit)
  const fs = new RamFs({ type: 'tmpfs', charge: meter })
  return { vfs: new Vfs(fs, { charge: meter }), meter }
}

describe('charging file data and pipe buffers to the VM', () => {
  it('a full VM: a file write is ENOSPC, a pipe write ENOMEM; closing gives it all back', () => {
    const { vfs, meter } = setup(40)
    const f = vfs.open(vfs.root, '/big', O_RDWR | O_CREAT, 0o644, root) as OpenFile
    // The first inodes ride on the root's share: the file fills all 40 pages.
    expect(f.write(new Uint8Array(200 * 4096))).toBe(40 * 4096)
    expect(f.write(new Uint8Array(1))).toBe(-Errno.ENOSPC)
    const [r, w] = makePipe(vfs.pipefs, root, O_NONBLOCK)
    expect(w.write(new Uint8Array(10))).toBe(-Errno.ENOMEM)
    f.close()
    expect(vfs.unlink(vfs.root, '/big', root)).toBe(0)
    expect(meter.used).toBe(0)
    expect(w.write(new Uint8Array(PIPE_CAPACITY))).toBe(PIPE_CAPACITY)
    expect(meter.used).toBe(16)
    r.close()
    w.close()
    expect(meter.used).toBe(0)
  })

  it('a pipe holds a page per 4 KiB it buffers, and one spare page once drained', () => {
    const { vfs, meter } = setup(100)
    const [r, w] = makePipe(vfs.pipefs, root, O_NONBLOCK)
    const buf = new Uint8Array(PIPE_CAPACITY)
    expect(w.write(new Uint8Array(5000))).toBe(5000)
    expect(meter.used).toBe(2)
    expect(r.read(buf)).toBe(5000)
    expect(meter.used).toBe(1)
    // Steady use reuses the spare page: nothing more is charged.
    for (let i = 0; i < 100; i++) {
      expect(w.write(new Uint8Array(100).fill(i))).toBe(100)
      expect(r.read(buf)).toBe(100)
      expect(buf[99]).toBe(i)
    }
    expect(meter.peak).toBe(2)
    expect(meter.used).toBe(1)
    w.close()
    r.close()
    expect(meter.used).toBe(0)
  })

  it('any mix of pipe writes and reads keeps the bytes in order, charges what it holds, and gives all back', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 70000 })), { maxLength: 60 }), (ops) => {
        const { vfs, meter } = setup(1000)
        const [r, w] = makePipe(vfs.pipefs, root, O_NONBLOCK)
        let next = 0
        let expectNext = 0
        for (const [write, n] of ops) {
          if (write) {
            const data = new Uint8Array(n)
            for (let i = 0; i < n; i++) data[i] = (next + i) & 0xff
            const k = w.write(data)
            if (typeof k === 'number' && k > 0) next += k
          } else {
            const buf = new Uint8Array(n)
            const k = r.read(buf)
            if (typeof k === 'number' && k > 0) {
              let wrong = -1
              for (let i = 0; i < k && wrong < 0; i++) if (buf[i] !== ((expectNext + i) & 0xff)) wrong = i
              expect(wrong).toBe(-1)
              expectNext += k
            }
          }
          const held = next - expectNext
          // What it buffers, rounded to pages at both ends, and the spare.
          expect(meter.used).toBeLessThanOrEqual(Math.ceil(held / 4096) + 2)
          expect(meter.used).toBeGreaterThanOrEqual(Math.ceil(held / 4096))
        }
        r.close()
        w.close()
        expect(meter.used).toBe(0)
      }),
      { numRuns: 200 },
    )
  })
})
