import { describe, expect, it } from 'vitest'
import { deflateRawSync, gzipSync, inflateRawSync, constants } from 'node:zlib'
import { crc32, gunzip, inflateRaw } from './gzip'
import { parseCpio, writeCpio } from './cpio'
import { loadInitramfs } from '../apps/lx/fs/vfs/initramfs'
import { RamFs } from '../apps/lx/fs/vfs/ramfs'

/** A deterministic generator for test data (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

function sample(n: number, seed: number, alphabet = 256): Uint8Array {
  const r = rng(seed)
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = alphabet === 256 ? r() & 0xff : 97 + (r() % alphabet)
  return b
}

const enc = new TextEncoder()

describe('crc32', () => {
  it('matches known values', () => {
    expect(crc32(new Uint8Array(0))).toBe(0)
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(enc.encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339)
  })

  it('equals the byte-at-a-time definition at every length and split, continued or not', () => {
    const bytewise = (d: Uint8Array, crc = 0) => {
      let c = ~crc
      for (const b of d) {
        c ^= b
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      }
      return ~c >>> 0
    }
    const data = sample(300, 31)
    for (let n = 0; n <= 300; n += n < 20 ? 1 : 7) {
      const d = data.subarray(0, n)
      expect(crc32(d)).toBe(bytewise(d))
      const cut = n >> 1
      expect(crc32(d.subarray(cut), crc32(d.subarray(0, cut)))).toBe(bytewise(d))
      expect(crc32(d.subarray(3), 0x12345678)).toBe(bytewise(d.subarray(3), 0x12345678))
    }
  })
})

describe('inflate', () => {
  const inputs: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['one byte', new Uint8Array([42])],
    ['text', enc.encode('hello hello hello hello, world\n'.repeat(200))],
    ['random', sample(100_000, 7)],
    ['small alphabet', sample(200_000, 9, 4)],
    ['zeros', new Uint8Array(300_000)],
  ]
  for (const [name, data] of inputs) {
    it(`round-trips zlib output: ${name}, every level and strategy`, () => {
      for (const level of [0, 1, 6, 9]) {
        for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED]) {
          const r = inflateRaw(deflateRawSync(data, { level, strategy }))
          expect(r.ok).toBe(true)
          if (r.ok) expect(Buffer.from(r.data).equals(Buffer.from(data))).toBe(true)
        }
      }
    })
  }

  it('reports the bytes it consumed', () => {
    const c = deflateRawSync(enc.encode('abc'))
    const padded = new Uint8Array(c.length + 5)
    padded.set(c)
    const r = inflateRaw(padded)
    expect(r.ok && r.consumed).toBe(c.length)
  })

  it('bounds its output', () => {
    const r = inflateRaw(deflateRawSync(new Uint8Array(100_000)), 50_000)
    expect(r).toEqual({ ok: false, error: 'output exceeds the limit of 50000 bytes' })
  })

  it('rejects bad streams with a message', () => {
    expect(inflateRaw(new Uint8Array([0x07]))).toEqual({ ok: false, error: 'invalid block type 3' })
    expect(inflateRaw(new Uint8Array([0x01, 0x05, 0x00, 0x00, 0x00]))).toEqual({ ok: false, error: 'stored block length check failed' })
    expect(inflateRaw(new Uint8Array([]))).toEqual({ ok: false, error: 'unexpected end of compressed data' })
    // Fixed block whose first code is a distance back into nothing: 0x03 = final, fixed; then length code 257 (0000001) and distance 0.
    const r = inflateRaw(new Uint8Array([0x03, 0x02, 0x00]))
    expect(r.ok).toBe(false)
  })
})

describe('gunzip', () => {
  it('decodes node:zlib gzip, including concatenated members and padding', () => {
    const a = sample(50_000, 3, 10)
    const b = enc.encode('second member\n')
    const both = Buffer.concat([gzipSync(a), gzipSync(b), Buffer.alloc(16)])
    const r = gunzip(both)
    expect(r.ok).toBe(true)
    if (r.ok) expect(Buffer.from(r.data).equals(Buffer.concat([a, b]))).toBe(true)
  })

  it('reads optional header fields (FEXTRA, FNAME, FCOMMENT, FHCRC)', () => {
    const body = deflateRawSync(enc.encode('payload'))
    const hdr = [0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, ...enc.encode('name'), 0, ...enc.encode('note'), 0]
    const hcrc = crc32(new Uint8Array(hdr)) & 0xffff
    const trailer = new Uint8Array(8)
    new DataView(trailer.buffer).setUint32(0, crc32(enc.encode('payload')), true)
    new DataView(trailer.buffer).setUint32(4, 7, true)
    const file = Buffer.concat([Buffer.from(hdr), Buffer.from([hcrc & 0xff, hcrc >> 8]), body, trailer])
    const r = gunzip(file)
    expect(r.ok && new TextDecoder().decode(r.data)).toBe('payload')
  })

  it('detects corruption by CRC-32', () => {
    const g = gzipSync(enc.encode('some text that is not compressible much'), { level: 0 })
    g[20] ^= 1 // inside the stored data
    expect(gunzip(g)).toEqual({ ok: false, error: 'gzip CRC-32 mismatch (corrupt data)' })
    expect(gunzip(enc.encode('not gzip at all, no'))).toEqual({ ok: false, error: 'not gzip data (bad magic)' })
    expect(gunzip(gzipSync(enc.encode('x')).subarray(0, 15))).toEqual({ ok: false, error: 'truncated gzip header' })
  })
})

describe('fuzz: inflate, gunzip, cpio and initramfs loading never throw', () => {
  it('100k random and mutated inputs each', () => {
    const r = rng(12345)
    const seeds = [
      gzipSync(sample(3000, 1, 6)),
      gzipSync(enc.encode('abcabcabc'.repeat(50)), { level: 1 }),
      gzipSync(sample(400, 2), { level: 0 }),
      gzipSync(sample(2000, 5, 3), { strategy: constants.Z_FIXED }),
    ]
    const cpios = [
      writeCpio([{ name: 'bin', mode: 0o40755 }, { name: 'bin/x', mode: 0o100755, data: sample(100, 4) }, { name: 'l', mode: 0o120777, data: enc.encode('bin/x') }]),
      writeCpio([{ name: 'a', mode: 0o100644, data: enc.encode('hi\n') }]),
    ]
    let ok = 0
    const N = 100_000
    for (let n = 0; n < N; n++) {
      let input: Uint8Array
      const kind = n % 4
      if (kind === 0) {
        input = new Uint8Array(r() % 64)
        for (let i = 0; i < input.length; i++) input[i] = r() & 0xff
      } else {
        const base = kind === 3 ? cpios[r() % cpios.length] : seeds[r() % seeds.length]
        input = base.slice(0, base.length - (r() % 3 === 0 ? r() % base.length : 0))
        const flips = 1 + (r() % 4)
        for (let f = 0; f < flips && input.length; f++) {
          const at = kind === 2 ? 10 + (r() % Math.max(1, Math.min(input.length - 10, 40))) : r() % input.length
          if (at < input.length) input[at] ^= 1 << (r() % 8)
        }
      }
      if (kind === 3) {
        const p = parseCpio(input)
        if (p.ok) ok++
        else expect(typeof p.error).toBe('string')
        if (n % 40 === 3) {
          // The whole initramfs path, on a plain or a gzip'd mutation, into a small tmpfs.
          const img = n % 80 === 3 ? input : gzipSync(input, { level: 1 })
          const l = loadInitramfs(new RamFs({ maxBytes: 1 << 16 }), img, { maxUnpacked: 1 << 16 })
          if (!l.ok) expect(l.error).toMatch(/^initramfs: /)
        }
      } else {
        const g = kind === 0 && n % 8 === 0 ? inflateRaw(input, 1 << 20) : gunzip(input, 1 << 20)
        if (g.ok) ok++
        else expect(g.error.length).toBeGreaterThan(0)
      }
    }
    // Some mutations (in names, mtime, data) leave valid inputs; most do not.
    expect(ok).toBeGreaterThan(0)
    expect(ok).toBeLessThan(N)
  })
})

describe('differential: inflate against zlib', () => {
  it('decodes every mutated stream zlib accepts to the same bytes', () => {
    const r = rng(777)
    const bases = [
      deflateRawSync(sample(5000, 11, 5)),
      deflateRawSync(enc.encode('the lab, the lab, the kernel lab\n'.repeat(80)), { level: 9 }),
      deflateRawSync(sample(3000, 12), { strategy: constants.Z_FIXED }),
      deflateRawSync(sample(4000, 13, 40), { strategy: constants.Z_HUFFMAN_ONLY }),
    ]
    let agreed = 0
    for (let n = 0; n < 8_000; n++) {
      const input = bases[n % bases.length].slice()
      for (let f = 0; f < 1 + (n % 3); f++) input[r() % input.length] ^= 1 << (r() % 8)
      let want: Buffer | null = null
      try {
        want = inflateRawSync(input, { maxOutputLength: 1 << 20 })
      } catch {
        want = null
      }
      const got = inflateRaw(input, 1 << 20)
      if (want === null || !got.ok) continue
      expect(Buffer.from(got.data).equals(want)).toBe(true)
      agreed++
    }
    expect(agreed).toBeGreaterThan(40)
  })
})

describe('cpio', () => {
  it('round-trips entries and reports errors', () => {
    const a = writeCpio([
      { name: '.', mode: 0o40755 },
      { name: 'etc', mode: 0o40755, uid: 1, gid: 2, mtime: 1234 },
      { name: 'etc/motd', mode: 0o100644, data: enc.encode('hello\n') },
    ])
    const p = parseCpio(a)
    expect(p.ok).toBe(true)
    if (!p.ok) return
    expect(p.entries.map((e) => [e.name, e.mode.toString(8), e.data.length])).toEqual([
      ['.', '40755', 0], ['etc', '40755', 0], ['etc/motd', '100644', 6],
    ])
    expect(p.entries[1]).toMatchObject({ uid: 1, gid: 2, mtime: 1234 })
    expect(parseCpio(a.subarray(0, a.length - 120))).toMatchObject({ ok: false })
    expect(parseCpio(enc.encode('070707' + '0'.repeat(200)))).toEqual({
      ok: false, error: 'bad cpio magic at offset 0 (only newc "070701"/"070702" archives are supported)',
    })
    // Two archives with zero padding between them.
    const two = parseCpio(Buffer.concat([a, Buffer.alloc(512), writeCpio([{ name: 'z', mode: 0o100600 }])]))
    expect(two.ok && two.entries.map((e) => e.name)).toEqual(['.', 'etc', 'etc/motd', 'z'])
  })
})
