import { describe, expect, it } from 'vitest'
import { READ_AHEAD, ReadAhead, type HostRead } from './read-ahead'
import { Errno } from './errno'

/** A host file of `size` pseudo-random bytes; counts the host reads. */
function hostFile(size: number, seed = 1): { bytes: Uint8Array; read: HostRead; calls: () => number } {
  const bytes = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    bytes[i] = x >>> 24
  }
  let calls = 0
  const read: HostRead = (off, buf) => {
    calls++
    const n = Math.max(0, Math.min(buf.length, size - off))
    buf.set(bytes.subarray(off, off + n))
    return n
  }
  return { bytes, read, calls: () => calls }
}

/** Index of the first byte where a and b differ, -1 when equal (toEqual is slow on large arrays). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i
  return -1
}

describe('ReadAhead', () => {
  it('serves sequential 4 KiB reads from few host reads, byte for byte', () => {
    const size = 3 * READ_AHEAD + 1000
    const f = hostFile(size)
    const ra = new ReadAhead()
    const out = new Uint8Array(size)
    const buf = new Uint8Array(4096)
    let pos = 0
    for (;;) {
      const n = ra.read(pos, buf, f.read)
      if (n === 0) break
      out.set(buf.subarray(0, n), pos)
      pos += n
    }
    expect(pos).toBe(size)
    expect(firstDiff(out, f.bytes)).toBe(-1)
    // The first read on its own, then one host read per READ_AHEAD bytes, and the one that finds the end.
    expect(f.calls()).toBeLessThanOrEqual(Math.ceil(size / READ_AHEAD) + 3)
  })

  it('reads what was asked after seeks, odd sizes and reads larger than the buffer', () => {
    const size = 2 * READ_AHEAD + 777
    const f = hostFile(size, 7)
    const ra = new ReadAhead()
    let x = 99
    const rnd = (n: number) => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0
      return x % n
    }
    let pos = 0
    for (let k = 0; k < 500; k++) {
      if (rnd(8) === 0) pos = rnd(size + 10) // lseek, sometimes past the end
      const len = rnd(16) === 0 ? READ_AHEAD + rnd(5000) : 1 + rnd(9000)
      const buf = new Uint8Array(len)
      const n = ra.read(pos, buf, f.read)
      const want = Math.max(0, Math.min(len, size - pos))
      expect(n).toBe(want)
      expect(firstDiff(buf.subarray(0, n), f.bytes.subarray(pos, pos + n))).toBe(-1)
      pos += n
    }
  })

  it('passes a host error on, or the bytes read before it', () => {
    const f = hostFile(4 * READ_AHEAD)
    let fail = false
    const read: HostRead = (off, buf) => (fail ? -Errno.EIO : f.read(off, buf))
    const ra = new ReadAhead()
    const buf = new Uint8Array(4096)
    expect(ra.read(0, buf, read)).toBe(4096)
    expect(ra.read(4096, buf, read)).toBe(4096) // fills the buffer
    fail = true
    // The rest of the buffered bytes, then a read that needs the host.
    expect(ra.read(8192, new Uint8Array(READ_AHEAD - 4096), read)).toBe(READ_AHEAD - 4096)
    expect(ra.read(4096 + READ_AHEAD, buf, read)).toBe(-Errno.EIO)
    // The failed refill left nothing buffered: a read before it goes to the host, which fails.
    expect(ra.read(4096 + READ_AHEAD - 100, buf, read)).toBe(-Errno.EIO)
    fail = false
    expect(ra.read(4096 + READ_AHEAD - 100, buf, read)).toBe(4096)
  })

  it('sees bytes appended to the host file after it reached the end', () => {
    let size = 10000
    const f = hostFile(20000)
    const read: HostRead = (off, buf) => {
      const n = Math.max(0, Math.min(buf.length, size - off))
      buf.set(f.bytes.subarray(off, off + n))
      return n
    }
    const ra = new ReadAhead()
    const buf = new Uint8Array(4096)
    let pos = 0
    for (let n; (n = ra.read(pos, buf, read)) > 0; ) pos += n
    expect(pos).toBe(10000)
    size = 20000
    expect(ra.read(pos, buf, read)).toBe(4096)
    expect(firstDiff(buf, f.bytes.subarray(10000, 14096))).toBe(-1)
  })
})
