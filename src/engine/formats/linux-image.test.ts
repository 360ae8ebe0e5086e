import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { detectCompression, parseArm64Image, parseBzImage, XLoadFlag } from './linux-image'

const firstSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9)

/** An arm64 Image header as booting.rst lays it out, in front of `extra` bytes of "code". */
function arm64Header(f: { textOffset?: bigint; imageSize?: bigint; flags?: bigint; magic?: number; pe?: number; mz?: boolean; extra?: number } = {}): Uint8Array {
  const b = new Uint8Array(64 + (f.extra ?? 0))
  const dv = new DataView(b.buffer)
  dv.setUint32(0, f.mz ? 0xfa405a4d : 0x14000010, true) // "MZ" + an instruction, or b #0x40
  dv.setBigUint64(8, f.textOffset ?? 0n, true)
  dv.setBigUint64(16, f.imageSize ?? 0x1aa0000n, true)
  dv.setBigUint64(24, f.flags ?? 0xan, true)
  dv.setUint32(56, f.magic ?? 0x644d5241, true)
  dv.setUint32(60, f.pe ?? 0, true)
  return b
}

interface SetupFields {
  setupSects?: number
  bootFlag?: number
  header?: number
  version?: number
  kernelVersion?: number
  loadflags?: number
  code32Start?: number
  initrdAddrMax?: number
  kernelAlignment?: number
  relocatable?: number
  minAlignment?: number
  xloadflags?: number
  cmdlineSize?: number
  syssize?: number
  payloadOffset?: number
  payloadLength?: number
  prefAddress?: bigint
  initSize?: number
  handoverOffset?: number
  kernelInfoOffset?: number
  /** Bytes of protected-mode kernel after the setup. */
  kernelBytes?: number
}

/** A bzImage with the setup header of boot.rst filled from `f` (defaults as in a Debian 6.1 kernel). */
function bzImage(f: SetupFields = {}): Uint8Array {
  const sects = f.setupSects ?? 0x27
  const kernelBytes = f.kernelBytes ?? 0x1000
  const b = new Uint8Array(((sects || 4) + 1) * 512 + kernelBytes)
  const dv = new DataView(b.buffer)
  b[0x1f1] = sects
  dv.setUint32(0x1f4, f.syssize ?? kernelBytes / 16, true)
  dv.setUint16(0x1fe, f.bootFlag ?? 0xaa55, true)
  dv.setUint16(0x200, 0x6aeb, true)
  dv.setUint32(0x202, f.header ?? 0x53726448, true)
  dv.setUint16(0x206, f.version ?? 0x020f, true)
  dv.setUint16(0x20e, f.kernelVersion ?? 0x1000, true)
  b[0x211] = f.loadflags ?? 1
  dv.setUint32(0x214, f.code32Start ?? 0x100000, true)
  dv.setUint32(0x22c, f.initrdAddrMax ?? 0x7fffffff, true)
  dv.setUint32(0x230, f.kernelAlignment ?? 0x200000, true)
  b[0x234] = f.relocatable ?? 1
  b[0x235] = f.minAlignment ?? 0x15
  dv.setUint16(0x236, f.xloadflags ?? 0x7f, true)
  dv.setUint32(0x238, f.cmdlineSize ?? 0x7ff, true)
  dv.setUint32(0x248, f.payloadOffset ?? 0x100, true)
  dv.setUint32(0x24c, f.payloadLength ?? 0x200, true)
  dv.setBigUint64(0x258, f.prefAddress ?? 0x1000000n, true)
  dv.setUint32(0x260, f.initSize ?? 0x3378000, true)
  dv.setUint32(0x264, f.handoverOffset ?? 0x1234, true)
  dv.setUint32(0x268, f.kernelInfoOffset ?? 0x5678, true)
  b.set(new TextEncoder().encode('6.1.0-test (builder@host) #1 SMP\0'), 0x1200)
  // A gzip member as the payload.
  const at = ((sects || 4) + 1) * 512 + (f.payloadOffset ?? 0x100)
  if (at + 3 <= b.length) b.set([0x1f, 0x8b, 0x08], at)
  return b
}

describe('parseArm64Image', () => {
  it('reads text_offset, image_size and the flags of booting.rst', () => {
    const r = parseArm64Image(arm64Header({ textOffset: 0x80000n, imageSize: 0x2000000n, flags: 0b1010n }))
    expect(r).toEqual({
      ok: true,
      image: { textOffset: 0x80000n, imageSize: 0x2000000n, legacy: false, flags: 0b1010n, bigEndian: false, pageSize: 4096, anywhere: true, efi: false, peOffset: 0 },
    })
  })

  it('decodes every page size, endianness and placement', () => {
    for (const [bits, pageSize] of [[0n, 0], [1n, 4096], [2n, 16384], [3n, 65536]] as const) {
      for (const be of [0n, 1n]) {
        for (const anywhere of [0n, 1n]) {
          const r = parseArm64Image(arm64Header({ flags: be | (bits << 1n) | (anywhere << 3n) }))
          expect(r.ok && [r.image.pageSize, r.image.bigEndian, r.image.anywhere]).toEqual([pageSize, be === 1n, anywhere === 1n])
        }
      }
    }
    // Reserved bits are kept in `flags` and do not disturb the decoding.
    const r = parseArm64Image(arm64Header({ flags: (1n << 63n) | 2n }))
    expect(r.ok && [r.image.flags, r.image.pageSize]).toEqual([(1n << 63n) | 2n, 4096])
  })

  it('takes text_offset as 0x80000 when image_size is 0 (kernels before v3.17)', () => {
    const r = parseArm64Image(arm64Header({ imageSize: 0n, textOffset: 0x8000000000000n, flags: 0n }))
    expect(r.ok && [r.image.legacy, r.image.textOffset, r.image.imageSize]).toEqual([true, 0x80000n, 0n])
  })

  it('recognises an EFI stub kernel by "MZ" and the PE header res5 points at', () => {
    const b = arm64Header({ mz: true, pe: 0x40, extra: 64 })
    b.set([0x50, 0x45, 0, 0], 0x40)
    const r = parseArm64Image(b)
    expect(r.ok && [r.image.efi, r.image.peOffset]).toEqual([true, 0x40])
    // "MZ" without a PE header where res5 points, or res5 pointing into the header, is not EFI.
    expect(parseArm64Image(arm64Header({ mz: true, pe: 0x40, extra: 64 }))).toMatchObject({ ok: true, image: { efi: false } })
    expect(parseArm64Image(arm64Header({ mz: true, pe: 0x100 }))).toMatchObject({ ok: true, image: { efi: false } })
    expect(parseArm64Image(arm64Header({ mz: true, pe: 8 }))).toMatchObject({ ok: true, image: { efi: false } })
  })

  it('says a gzip-compressed Image must be decompressed first', () => {
    const gz = new Uint8Array(gzipSync(arm64Header({ extra: 1000 })))
    expect(parseArm64Image(gz)).toEqual({ ok: false, reason: 'gzip-compressed Image: decompress first', compression: 'gzip' })
    const back = parseArm64Image(new Uint8Array(gunzipSync(gz)))
    expect(back.ok).toBe(true)
    // A gzip file too short for a header is still a gzip file.
    expect(parseArm64Image(new Uint8Array([0x1f, 0x8b, 0x08]))).toMatchObject({ ok: false, compression: 'gzip' })
  })

  it('names the other compressions', () => {
    const cases: Array<[number[], string]> = [
      [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
      [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
      [[0x42, 0x5a, 0x68, 0x39], 'bzip2'],
      [[0x02, 0x21, 0x4c, 0x18], 'lz4'],
      [[0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], 'lzo'],
      [[0x5d, 0x00, 0x00, 0x80, 0x00], 'lzma'],
    ]
    for (const [magic, name] of cases) {
      const b = new Uint8Array(128)
      b.set(magic)
      expect(parseArm64Image(b)).toEqual({ ok: false, reason: `${name}-compressed Image: decompress first`, compression: name })
      expect(detectCompression(b)).toBe(name)
    }
    expect(detectCompression(new Uint8Array([0x1f, 0x8b]))).toBeNull()
    expect(detectCompression(new Uint8Array([0x1f, 0x8b, 0x08]), -1)).toBeNull()
  })

  it('recognises an EFI zboot kernel and its compression', () => {
    for (const [type, compression] of [['gzip', 'gzip'], ['zstd22', 'zstd'], ['xzkern', 'xz'], ['lz4', 'lz4'], ['weird', undefined]] as const) {
      const b = new Uint8Array(0x100)
      b.set([0x4d, 0x5a, 0, 0, 0x7a, 0x69, 0x6d, 0x67])
      new DataView(b.buffer).setUint32(8, 0x1000, true)
      new DataView(b.buffer).setUint32(12, 0x345678, true)
      b.set(new TextEncoder().encode(type), 24)
      const r = parseArm64Image(b)
      expect(r.ok).toBe(false)
      if (r.ok) continue
      expect(r.reason).toBe(`EFI zboot image (${type}-compressed payload at offset 4096, 3430008 bytes): extract and decompress the Image first`)
      expect(r.compression).toBe(compression)
    }
  })

  it('refuses what is not an Image, saying why', () => {
    expect(parseArm64Image(new Uint8Array(63))).toEqual({ ok: false, reason: '63 bytes: too short for an arm64 Image header (64 bytes)' })
    expect(parseArm64Image(arm64Header({ magic: 0x12345678 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/no "ARM\\x64" magic at offset 56/) })
    expect(parseArm64Image(new Uint8Array(4096))).toMatchObject({ ok: false, reason: expect.stringMatching(/found 0x0/) })
  })
})

describe('parseBzImage', () => {
  it('reads every field of the 2.15 setup header', () => {
    const b = bzImage()
    const r = parseBzImage(b)
    expect(r).toEqual({
      ok: true,
      image: {
        protocol: 0x020f,
        setupSects: 0x27,
        kernelOffset: 40 * 512,
        kernelSize: 0x1000,
        syssize: 0x100,
        loadflags: 1,
        loadedHigh: true,
        code32Start: 0x100000,
        kernelVersion: '6.1.0-test (builder@host) #1 SMP',
        initrdAddrMax: 0x7fffffff,
        kernelAlignment: 0x200000,
        relocatable: true,
        minAlignment: 0x15,
        xloadflags: 0x7f,
        cmdlineSize: 0x7ff,
        payloadOffset: 0x100,
        payloadLength: 0x200,
        payloadCompression: 'gzip',
        prefAddress: 0x1000000n,
        initSize: 0x3378000,
        handoverOffset: 0x1234,
        kernelInfoOffset: 0x5678,
      },
    })
    expect(r.ok && (r.image.xloadflags! & XLoadFlag.Kernel64) !== 0).toBe(true)
  })

  it('counts setup_sects 0 as 4', () => {
    const r = parseBzImage(bzImage({ setupSects: 0, kernelVersion: 0x600 }))
    expect(r.ok && [r.image.setupSects, r.image.kernelOffset]).toEqual([4, 2560])
  })

  it('leaves out the fields an older protocol does not have, with the documented defaults', () => {
    const fields = (version: number): unknown => {
      const r = parseBzImage(bzImage({ version }))
      if (!r.ok) throw new Error(r.reason)
      const i = r.image
      return [i.syssize, i.initrdAddrMax, i.kernelAlignment, i.relocatable, i.cmdlineSize, i.payloadOffset, i.minAlignment, i.prefAddress, i.initSize, i.handoverOffset, i.xloadflags, i.kernelInfoOffset]
    }
    expect(fields(0x0200)).toEqual([null, 0x37ffffff, null, null, 255, null, null, null, null, null, null, null])
    expect(fields(0x0204)).toEqual([0x100, 0x7fffffff, null, null, 255, null, null, null, null, null, null, null])
    expect(fields(0x0206)).toEqual([0x100, 0x7fffffff, 0x200000, true, 0x7ff, null, null, null, null, null, null, null])
    expect(fields(0x0208)).toEqual([0x100, 0x7fffffff, 0x200000, true, 0x7ff, 0x100, null, null, null, null, null, null])
    expect(fields(0x020a)).toEqual([0x100, 0x7fffffff, 0x200000, true, 0x7ff, 0x100, 0x15, 0x1000000n, 0x3378000, null, null, null])
    expect(fields(0x020c)).toEqual([0x100, 0x7fffffff, 0x200000, true, 0x7ff, 0x100, 0x15, 0x1000000n, 0x3378000, 0x1234, 0x7f, null])
    expect(fields(0x020f)).toEqual([0x100, 0x7fffffff, 0x200000, true, 0x7ff, 0x100, 0x15, 0x1000000n, 0x3378000, 0x1234, 0x7f, 0x5678])
  })

  it('decodes loadflags and the relocatable byte', () => {
    const r = parseBzImage(bzImage({ loadflags: 0x80, relocatable: 0 }))
    expect(r.ok && [r.image.loadedHigh, r.image.loadflags, r.image.relocatable]).toEqual([false, 0x80, false])
  })

  it('gives no version string for a pointer outside the setup or an unterminated string', () => {
    expect(parseBzImage(bzImage({ kernelVersion: 0 }))).toMatchObject({ ok: true, image: { kernelVersion: null } })
    expect(parseBzImage(bzImage({ kernelVersion: 0xffff }))).toMatchObject({ ok: true, image: { kernelVersion: null } })
    const b = bzImage({ setupSects: 0, kernelVersion: 0x7f0 })
    b.fill(0x41, 0x9f0, 0xa00)
    expect(parseBzImage(b)).toMatchObject({ ok: true, image: { kernelVersion: null } })
  })

  it('reports no payload compression for an unknown format or no payload', () => {
    expect(parseBzImage(bzImage({ payloadOffset: 0, payloadLength: 0 }))).toMatchObject({ ok: true, image: { payloadCompression: null } })
    const b = bzImage()
    b[40 * 512 + 0x100] = 0x7f
    expect(parseBzImage(b)).toMatchObject({ ok: true, image: { payloadCompression: null } })
  })

  describe('refuses what is not a bzImage it can load, saying why', () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['too short', new Uint8Array(0x26b), /too short for an x86 setup header/],
      ['no boot flag', bzImage({ bootFlag: 0 }), /boot_flag at 0x1fe is 0x0, not 0xaa55/],
      ['no HdrS (pre-2.00 zImage)', bzImage({ header: 0 }), /no "HdrS" at 0x202/],
      ['a kernel that starts past the end of the file', bzImage({ setupSects: 0x27, kernelBytes: 0 }), /would start at 20480 .* past the end of the 20480-byte file/],
      ['syssize larger than the file', bzImage({ syssize: 0x101 }), /syssize says 4112 bytes .* holds 4096/],
      ['a payload outside the kernel', bzImage({ payloadOffset: 0xf00, payloadLength: 0x101 }), /payload \[3840, \+257\) lies outside the 4096-byte/],
      ['a payload length near 2^32', bzImage({ payloadOffset: 0x100, payloadLength: 0xffffffff }), /lies outside/],
    ]
    for (const [what, b, reason] of cases) {
      it(what, () => {
        const r = parseBzImage(b)
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.reason).toMatch(reason)
      })
    }

    it('a compressed file', () => {
      const gz = new Uint8Array(gzipSync(bzImage()))
      expect(parseBzImage(gz)).toEqual({ ok: false, reason: 'gzip-compressed file: decompress first', compression: 'gzip' })
      expect(parseBzImage(gz.subarray(0, 10))).toMatchObject({ ok: false, compression: 'gzip' })
    })

    it('an arm64 Image', () => {
      expect(parseBzImage(arm64Header({ extra: 2000 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/not an x86 kernel/) })
    })
  })
})

describe('fuzz: no input makes the parsers throw', () => {
  const images = [arm64Header({ mz: true, pe: 0x40, extra: 64 }), bzImage({ kernelBytes: 0x400 })]
  const check = (b: Uint8Array): void => {
    for (const r of [parseArm64Image(b), parseBzImage(b)]) {
      expect(typeof r.ok).toBe('boolean')
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0)
    }
  }
  for (const seed of [firstSeed, firstSeed + 1, firstSeed + 2]) {
    it(`random bytes, mutations and truncations of valid headers (seed ${seed})`, () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 2048 }),
            fc.record({
              which: fc.integer({ min: 0, max: 1 }),
              edits: fc.array(fc.tuple(fc.nat({ max: 0x2000 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
              cut: fc.option(fc.nat({ max: 0x2000 }), { nil: undefined }),
            }).map(({ which, edits, cut }) => {
              const b = images[which].slice()
              for (const [at, v] of edits) if (at < b.length) b[at] = v
              return cut === undefined ? b : b.subarray(0, cut)
            }),
          ),
          check,
        ),
        { seed, numRuns: 4000 },
      )
    })
  }
})

/**
 * Kernels found on this machine, for a known answer: under .cache (the
 * Debian kernel the project may fetch), the host's /boot, and any files or
 * directories named in L4LAB_TEST_KERNELS (colon-separated).
 */
function kernelFiles(): string[] {
  const found: string[] = []
  const isKernel = (name: string): boolean => /^(vmlinuz.*|Image(\.gz)?)$/.test(name)
  const walk = (dir: string, depth: number): void => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const name of names) {
      const p = join(dir, name)
      let st
      try {
        st = statSync(p)
      } catch {
        continue
      }
      if (st.isDirectory() && depth > 0) walk(p, depth - 1)
      else if (st.isFile() && isKernel(name)) found.push(p)
    }
  }
  walk(fileURLToPath(new URL('../../../.cache', import.meta.url)), 4)
  walk('/boot', 0)
  for (const p of (process.env.L4LAB_TEST_KERNELS ?? '').split(':').filter(Boolean)) {
    if (existsSync(p) && statSync(p).isDirectory()) walk(p, 4)
    else if (existsSync(p)) found.push(p)
  }
  return found
}

describe('known answers from real kernels', () => {
  const files = kernelFiles()
  const load = (p: string): Uint8Array => {
    try {
      const b = new Uint8Array(readFileSync(p))
      return detectCompression(b) === 'gzip' ? new Uint8Array(gunzipSync(b)) : b
    } catch {
      return new Uint8Array(0) // unreadable (a root-only /boot): neither kind
    }
  }
  const arm64 = files.filter((p) => parseArm64Image(load(p)).ok)
  const x86 = files.filter((p) => parseBzImage(load(p)).ok)

  it.skipIf(arm64.length === 0)(arm64.length ? `arm64 Image: ${arm64.map((p) => basename(p)).join(', ')}` : 'arm64 Image (skipped: no vmlinuz* or Image under .cache, /boot or L4LAB_TEST_KERNELS)', () => {
    for (const p of arm64) {
      const b = load(p)
      const r = parseArm64Image(b)
      if (!r.ok) throw new Error(r.reason)
      const i = r.image
      // Every kernel since v3.17 fills image_size; since v5.8 text_offset is 0 (before, 0x80000).
      expect(i.legacy, p).toBe(false)
      expect([0n, 0x80000n], p).toContain(i.textOffset)
      // image_size counts the bss, which the file does not hold.
      expect(i.imageSize > BigInt(b.length) - 0x10000n, p).toBe(true)
      expect([4096, 16384, 65536], p).toContain(i.pageSize)
      expect(i.bigEndian, p).toBe(false)
      // Distribution kernels carry the EFI stub.
      if (b[0] === 0x4d && b[1] === 0x5a) expect(i.efi, p).toBe(true)
    }
  })

  it.skipIf(x86.length === 0)(x86.length ? `x86 bzImage: ${x86.map((p) => basename(p)).join(', ')}` : 'x86 bzImage (skipped: no x86 kernel under .cache, /boot or L4LAB_TEST_KERNELS)', () => {
    for (const p of x86) {
      const b = load(p)
      const r = parseBzImage(b)
      if (!r.ok) throw new Error(r.reason)
      const i = r.image
      expect(i.protocol, p).toBeGreaterThanOrEqual(0x020c)
      expect(i.loadedHigh, p).toBe(true)
      expect(i.relocatable, p).toBe(true)
      expect(i.xloadflags! & XLoadFlag.Kernel64, p).toBe(XLoadFlag.Kernel64)
      expect(i.kernelAlignment, p).toBe(0x200000)
      expect(i.payloadCompression, p).not.toBeNull()
      expect(i.kernelOffset + i.syssize! * 16, p).toBeLessThanOrEqual(b.length)
      // The version string starts with the release in the file name (vmlinuz-6.1.0-50-cloud-amd64).
      const release = basename(p).match(/^vmlinuz-(.+)$/)?.[1]
      if (release) expect(i.kernelVersion?.split(' ')[0], p).toBe(release)
    }
  })
})
