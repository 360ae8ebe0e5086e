import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FdtToken, FdtWriter } from './fdt'
import { cellCounts, encodeDtb, findNode, parseDtb, propCells, propString, propStrings, propU32, propU64, readReg, type DtbLimits, type DtNode } from './dtb'

const dtcPresent = spawnSync('dtc', ['--version']).status === 0
const qemuPresent = spawnSync('qemu-system-aarch64', ['--version']).status === 0
/** Seeds for the fuzz tests: FUZZ_SEED pins the first (to replay a failure), the others follow it. */
const firstSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9)

function dtc(args: string[], input: string | Uint8Array): { status: number | null; out: Buffer; err: string } {
  const r = spawnSync('dtc', [...args, '-'], { input })
  return { status: r.status, out: r.stdout, err: r.stderr.toString() }
}

function parsed(b: Uint8Array): DtNode {
  const r = parseDtb(b)
  if (!r.ok) throw new Error(r.reason)
  return r.dtb.root
}

function sample(): Uint8Array {
  const w = new FdtWriter()
  w.reserve(0x8000000, 0x1000)
  w.begin('')
  w.propU32('#address-cells', 2)
  w.propU32('#size-cells', 2)
  w.prop('compatible', 'linux,dummy-virt')
  w.begin('aliases')
  w.prop('serial0', '/pl011@9000000')
  w.end()
  w.begin('memory@40000000')
  w.prop('device_type', 'memory')
  w.propU64s('reg', [0x40000000n, 0x8000000n, 0x100000000n, 0x40000000n])
  w.end()
  w.begin('pl011@9000000')
  w.propStrings('compatible', ['arm,pl011', 'arm,primecell'])
  w.propU64s('reg', [0x9000000n, 0x1000n])
  w.propCells('interrupts', [0, 1, 4])
  w.end()
  w.begin('cpus')
  w.propU32('#address-cells', 1)
  w.propU32('#size-cells', 0)
  for (const i of [0, 1]) {
    w.begin(`cpu@${i}`)
    w.prop('device_type', 'cpu')
    w.propU32('reg', i)
    w.end()
  }
  w.end()
  w.begin('chosen')
  w.prop('bootargs', 'console=ttyAMA0')
  w.propU64('linux,initrd-end', 0x48100000n)
  w.end()
  w.end()
  const r = w.finish({ bootCpuid: 0 })
  if (!r.ok) throw new Error(r.reason)
  return r.blob
}

/** A blob assembled word by word, for structures the writer will not make. Strings are NUL-terminated and padded. */
function raw(struct: Array<number | string>, strings = 'p\0q\0', patch?: (dv: DataView) => void): Uint8Array {
  const words: number[] = []
  for (const piece of struct) {
    if (typeof piece === 'number') {
      words.push(piece)
      continue
    }
    const bytes = new TextEncoder().encode(piece + '\0')
    const padded = new Uint8Array((bytes.length + 3) & ~3)
    padded.set(bytes)
    const dv = new DataView(padded.buffer)
    for (let i = 0; i < padded.length; i += 4) words.push(dv.getUint32(i))
  }
  const s = new TextEncoder().encode(strings)
  const offStruct = 56
  const offStrings = offStruct + words.length * 4
  const b = new Uint8Array(offStrings + s.length)
  const dv = new DataView(b.buffer)
  const header = [0xd00dfeed, b.length, offStruct, offStrings, 40, 17, 16, 0, s.length, words.length * 4]
  header.forEach((v, i) => dv.setUint32(i * 4, v))
  words.forEach((v, i) => dv.setUint32(offStruct + i * 4, v >>> 0))
  b.set(s, offStrings)
  patch?.(dv)
  return b
}

const B = FdtToken.BeginNode
const E = FdtToken.EndNode
const P = FdtToken.Prop
const N = FdtToken.Nop
const X = FdtToken.End

/** Everything a consumer might do with a parsed tree; none of it may throw either. */
function exercise(root: DtNode): void {
  const visit = (n: DtNode, path: string, depth: number): void => {
    for (const name of n.props.keys()) {
      propU32(n, name)
      propU64(n, name)
      propCells(n, name)
      propString(n, name)
      propStrings(n, name)
    }
    cellCounts(n)
    findNode(root, path)
    readReg(root, path)
    if (depth < 8) for (const c of n.children) visit(c, `${path === '/' ? '' : path}/${c.name}`, depth + 1)
  }
  visit(root, '/', 0)
  for (const p of ['/cpus/cpu@0', '/memory', 'serial0', 'serial0/x', 'nope', '/a/b/c', '//', '']) findNode(root, p)
  encodeDtb({ root, reservations: [], bootCpuid: 0 })
}

describe('parseDtb', () => {
  it('reads what the writer wrote, with the helpers a loader needs', () => {
    const r = parseDtb(sample())
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const { root, reservations, version, lastCompVersion, bootCpuid } = r.dtb
    expect([version, lastCompVersion, bootCpuid]).toEqual([17, 16, 0])
    expect(reservations).toEqual([{ address: 0x8000000n, size: 0x1000n }])
    expect(root.name).toBe('')
    expect(cellCounts(root)).toEqual({ addressCells: 2, sizeCells: 2 })
    expect(readReg(root, '/memory@40000000')).toEqual([
      { address: 0x40000000n, size: 0x8000000n },
      { address: 0x100000000n, size: 0x40000000n },
    ])
    expect(readReg(root, '/cpus/cpu@1')).toEqual([{ address: 1n, size: 0n }])
    expect(propStrings(findNode(root, '/pl011@9000000')!, 'compatible')).toEqual(['arm,pl011', 'arm,primecell'])
    expect(propCells(findNode(root, '/pl011')!, 'interrupts')).toEqual([0, 1, 4])
    expect(propString(findNode(root, '/chosen')!, 'bootargs')).toBe('console=ttyAMA0')
    expect(propU64(findNode(root, '/chosen')!, 'linux,initrd-end')).toBe(0x48100000n)
  })

  it('looks paths up as libfdt does: unit address optional, aliases, root, misses', () => {
    const root = parsed(sample())
    expect(findNode(root, '/')).toBe(root)
    expect(findNode(root, '/cpus/cpu@0')!.name).toBe('cpu@0')
    expect(findNode(root, '/cpus/cpu')!.name).toBe('cpu@0')
    expect(findNode(root, '/cpus/')!.name).toBe('cpus')
    expect(findNode(root, 'serial0')!.name).toBe('pl011@9000000')
    expect(findNode(root, '/cpus/cpu@2')).toBeNull()
    expect(findNode(root, '/cpus/cp')).toBeNull()
    expect(findNode(root, '/pl011@9000001')).toBeNull()
    expect(findNode(root, 'serial1')).toBeNull()
    expect(findNode(root, 'chosen')).toBeNull()
    expect(readReg(root, '/')).toBeNull()
    expect(readReg(root, '/chosen')).toBeNull()
  })

  it('says what a property is not, rather than misreading it', () => {
    const root = parsed(sample())
    const uart = findNode(root, '/pl011')!
    expect(propU32(uart, 'interrupts')).toBeNull()
    expect(propU64(uart, 'interrupts')).toBeNull()
    expect(propString(uart, 'compatible')).toBeNull()
    expect(propStrings(uart, 'reg')).toBeNull()
    expect(propU32(uart, 'absent')).toBeNull()
    expect(cellCounts(findNode(root, '/chosen')!)).toEqual({ addressCells: 2, sizeCells: 1 })
    const strings = (bytes: number[]): string[] | null => propStrings({ name: 'n', props: new Map([['p', new Uint8Array(bytes)]]), children: [] }, 'p')
    expect(strings([0])).toEqual([''])
    expect(strings([0x61, 0, 0x62, 0])).toEqual(['a', 'b'])
    expect(strings([0x61, 0, 0])).toBeNull()
    expect(strings([0, 0x61, 0])).toBeNull()
    expect(strings([0x61, 0x0a, 0])).toBeNull()
    expect(strings([0x61])).toBeNull()
    expect(strings([])).toBeNull()
  })

  it('skips FDT_NOP anywhere a token may be (§5.4.1)', () => {
    const b = raw([N, B, '', N, P, 4, 0, 7, N, B, 'a', N, E, N, E, N, X])
    const root = parsed(b)
    expect(propU32(root, 'p')).toBe(7)
    expect(root.children.map((c) => c.name)).toEqual(['a'])
  })

  it('reads version 16 blobs, which have no size_dt_struct', () => {
    const b = raw([B, '', P, 4, 2, 1, E, X], 'p\0q\0', (dv) => {
      dv.setUint32(20, 16)
      dv.setUint32(36, 0xdeadbeef)
    })
    const r = parseDtb(b)
    expect(r.ok && r.dtb.version).toBe(16)
    expect(r.ok && propU32(r.dtb.root, 'q')).toBe(1)
  })

  it('ignores bytes past totalsize and accepts slack inside it', () => {
    const b = sample()
    const longer = new Uint8Array(b.length + 100)
    longer.set(b)
    expect(parseDtb(longer).ok).toBe(true)
  })

  describe('refuses malformed blobs with a reason', () => {
    const good = raw([B, '', P, 4, 0, 1, B, 'a', E, E, X])
    const patched = (f: (dv: DataView, b: Uint8Array) => void): Uint8Array => {
      const b = good.slice()
      f(new DataView(b.buffer), b)
      return b
    }
    const cases: Array<[string, Uint8Array, RegExp, DtbLimits?]> = [
      ['empty input', new Uint8Array(0), /too short/],
      ['a truncated header', good.subarray(0, 39), /too short for a version 17 header/],
      ['bad magic', patched((dv) => dv.setUint32(0, 0xfeedd00d)), /bad magic 0xfeedd00d/],
      ['version 15', patched((dv) => dv.setUint32(20, 15)), /version 15/],
      ['last_comp_version 18', patched((dv) => { dv.setUint32(20, 18); dv.setUint32(24, 18) }), /compatible back to 18 only/],
      ['last_comp_version above version', patched((dv) => { dv.setUint32(20, 16); dv.setUint32(24, 17) }), /newer than version/],
      ['totalsize past the end', patched((dv, b) => dv.setUint32(4, b.length + 1)), /truncated: totalsize/],
      ['a truncated blob', good.subarray(0, good.length - 1), /truncated/],
      ['totalsize below the header', patched((dv) => dv.setUint32(4, 20)), /smaller than the header/],
      ['misaligned reservation block', patched((dv) => dv.setUint32(16, 44)), /not 8-byte aligned/],
      ['reservation block outside', patched((dv, b) => dv.setUint32(16, b.length)), /off_mem_rsvmap .* outside/],
      ['reservation block inside the header', patched((dv) => dv.setUint32(16, 8)), /off_mem_rsvmap .* outside/],
      ['unterminated reservation block', patched((_, b) => b.fill(0xee, 40, 56)), /no \(0, 0\) terminator/],
      ['misaligned structure block', patched((dv) => dv.setUint32(8, 58)), /off_dt_struct .* not 4-byte aligned/],
      ['structure block outside', patched((dv) => dv.setUint32(36, 0x10000)), /structure block .* outside/],
      ['size_dt_struct not whole tokens', patched((dv) => dv.setUint32(36, dv.getUint32(36) - 2)), /not a multiple of 4/],
      ['strings block outside', patched((dv) => dv.setUint32(32, 0x10000)), /strings block .* outside/],
      ['offsets wrapping past 2^32', patched((dv) => dv.setUint32(12, 0xfffffff0)), /strings block .* outside/],
      ['a blob above the size limit', good, /totalsize \d+ exceeds the limit of 64 bytes/, { maxSize: 64 }],
      ['no FDT_END', raw([B, '', E]), /without FDT_END/],
      ['an unknown token', raw([B, '', 5, E, X]), /unknown token 0x5 at 0x40/],
      ['a property outside any node', raw([P, 0, 0, B, '', E, X]), /property outside any node/],
      ['a property after a child', raw([B, '', B, 'a', E, P, 0, 0, E, X]), /after a child node/],
      ['FDT_END_NODE with nothing open', raw([B, '', E, E, X]), /FDT_END_NODE outside any node/],
      ['FDT_END inside a node', raw([B, '', B, 'a', E, X]), /FDT_END at 0x.* inside node ""/],
      ['a second root', raw([B, '', E, B, '', E, X]), /a second root node/],
      ['no root at all', raw([N, X]), /no root node/],
      ['a property value past the block', raw([B, '', P, 100, 0, E, X]), /runs past the structure block/],
      ['a property header past the block', raw([B, '', P]), /truncated property/],
      ['a name offset past the strings block', raw([B, '', P, 0, 4, E, X]), /name offset 4 .* not a string/],
      ['a name without its NUL', raw([B, '', P, 0, 2, E, X], 'p\0q'), /name offset 2 .* not a string/],
      ['an empty property name', raw([B, '', P, 0, 1, E, X], 'p\0\0'), /name offset 1 .* not a string/],
      ['a duplicate property', raw([B, '', P, 0, 0, P, 0, 0, E, X]), /duplicate property "p"/],
      ['a duplicate node', raw([B, '', B, 'a', E, B, 'a', E, E, X]), /duplicate node "a"/],
      ['an empty child name', raw([B, '', B, '', E, E, X]), /bad node name ""/],
      ['a child name with a slash', raw([B, '', B, 'a/b', E, E, X]), /bad node name "a\/b"/],
      ['an unterminated node name', raw([B, '', B, 0x61616161]), /unterminated node name/],
    ]
    for (const [what, blob, reason, limits] of cases) {
      it(what, () => {
        const r = parseDtb(blob, limits)
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.reason).toMatch(reason)
      })
    }

    it('nesting deeper than the limit', () => {
      const deep = (n: number): Uint8Array => raw([B, '', ...Array.from({ length: n - 1 }, () => [B, 'n']).flat(), ...new Array<number>(n).fill(E), X])
      expect(parseDtb(deep(64)).ok).toBe(true)
      const r = parseDtb(deep(65))
      expect(!r.ok && r.reason).toMatch(/nested deeper than 64/)
      expect(parseDtb(deep(5), { maxDepth: 4 }).ok).toBe(false)
      // Deep enough to overflow a recursive parser's stack: refused quickly instead.
      expect(parseDtb(deep(20000), { maxSize: 1 << 24 }).ok).toBe(false)
    })
  })

  describe('fuzz: no input makes it throw or hang', () => {
    const base = sample()
    const interesting = [0, 1, 2, 3, 4, 9, 16, 17, 0x28, 0x38, 0xffffffff, 0x80000000, 0x7fffffff, base.length, base.length - 4, base.length + 4]
    interface Mutation {
      bytes: Array<[number, number]>
      words: Array<[number, number]>
      cut: number | undefined
    }
    const mutation: fc.Arbitrary<Mutation> = fc.record({
      bytes: fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      words: fc.array(fc.tuple(fc.nat({ max: Math.floor(base.length / 4) - 1 }), fc.constantFrom(...interesting)), { maxLength: 4 }),
      cut: fc.option(fc.nat({ max: base.length }), { nil: undefined }),
    })
    const mutate = (m: Mutation): Uint8Array => {
      const b = base.slice()
      const dv = new DataView(b.buffer)
      for (const [i, v] of m.bytes) b[i] = v
      for (const [w, v] of m.words) dv.setUint32(w * 4, v >>> 0)
      return m.cut === undefined ? b : b.subarray(0, m.cut)
    }
    const check = (b: Uint8Array): void => {
      const r = parseDtb(b)
      expect(typeof r.ok).toBe('boolean')
      if (r.ok) exercise(r.dtb.root)
      else expect(r.reason.length).toBeGreaterThan(0)
    }
    for (const seed of [firstSeed, firstSeed + 1, firstSeed + 2]) {
      it(`mutations and truncations of a valid blob (seed ${seed})`, () => {
        fc.assert(fc.property(mutation, (m) => check(mutate(m))), { seed, numRuns: 3000 })
      })
      it(`random bytes, with and without a valid header in front (seed ${seed})`, () => {
        const header = base.subarray(0, 40)
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, withHeader) => {
            if (!withHeader) return check(bytes)
            const b = new Uint8Array(40 + bytes.length)
            b.set(header)
            b.set(bytes, 40)
            new DataView(b.buffer).setUint32(4, b.length)
            check(b)
          }),
          { seed, numRuns: 1500 },
        )
      })
    }
  })

  describe.skipIf(!dtcPresent)('against dtc (device-tree-compiler)', () => {
    const dts = `/dts-v1/;
/memreserve/ 0x10000000 0x4000;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  compatible = "acme,board", "acme,soc";
  aliases { serial0 = &uart; };
  chosen { bootargs = "console=ttyAMA0 root=/dev/vda"; stdout-path = "serial0:115200n8"; };
  memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x1 0x0>; };
  gic: interrupt-controller@8000000 {
    compatible = "arm,gic-v3";
    interrupt-controller;
    #interrupt-cells = <3>;
    reg = <0 0x8000000 0 0x10000>, <0 0x80a0000 0 0xf60000>;
  };
  uart: serial@9000000 {
    compatible = "arm,pl011", "arm,primecell";
    reg = <0 0x9000000 0 0x1000>;
    interrupt-parent = <&gic>;
    interrupts = <0 1 4>;
  };
  data {
    bytes = [de ad be ef 01];
    big = /bits/ 64 <0x123456789abcdef0>;
    empty;
    mixed = "s", <1>;
  };
  cpus {
    #address-cells = <1>;
    #size-cells = <0>;
    cpu@0 { device_type = "cpu"; reg = <0>; };
    cpu@1 { device_type = "cpu"; reg = <1>; };
  };
};
`
    it('reads what dtc compiles', () => {
      const c = dtc(['-I', 'dts', '-O', 'dtb', '-b', '1', '-q'], dts)
      expect(c.err).toBe('')
      const r = parseDtb(new Uint8Array(c.out))
      expect(r.ok).toBe(true)
      if (!r.ok) return
      const { root, reservations, bootCpuid } = r.dtb
      expect(bootCpuid).toBe(1)
      expect(reservations).toEqual([{ address: 0x10000000n, size: 0x4000n }])
      expect(propStrings(root, 'compatible')).toEqual(['acme,board', 'acme,soc'])
      expect(findNode(root, 'serial0')!.name).toBe('serial@9000000')
      expect(propString(findNode(root, '/chosen')!, 'stdout-path')).toBe('serial0:115200n8')
      expect(readReg(root, '/memory')).toEqual([{ address: 0x80000000n, size: 0x100000000n }])
      expect(readReg(root, '/interrupt-controller')).toEqual([
        { address: 0x8000000n, size: 0x10000n },
        { address: 0x80a0000n, size: 0xf60000n },
      ])
      const gic = findNode(root, '/interrupt-controller@8000000')!
      expect(gic.props.get('interrupt-controller')).toEqual(new Uint8Array(0))
      expect(propU32(findNode(root, '/serial')!, 'interrupt-parent')).toBe(propU32(gic, 'phandle'))
      const data = findNode(root, '/data')!
      expect([...data.props.get('bytes')!]).toEqual([0xde, 0xad, 0xbe, 0xef, 0x01])
      expect(propU64(data, 'big')).toBe(0x123456789abcdef0n)
      expect([...data.props.get('mixed')!]).toEqual([0x73, 0, 0, 0, 0, 1])
      expect(readReg(root, '/cpus/cpu@1')).toEqual([{ address: 1n, size: 0n }])
    })

    it('reads dtc output of version 16 and with padding', () => {
      for (const args of [['-V', '16'], ['-p', '1000'], ['-S', '8192'], ['-a', '64']]) {
        const c = dtc(['-I', 'dts', '-O', 'dtb', '-q', ...args], dts)
        expect(c.status).toBe(0)
        const r = parseDtb(new Uint8Array(c.out))
        expect(r.ok, args.join(' ')).toBe(true)
        if (r.ok) expect(propStrings(findNode(r.dtb.root, '/serial')!, 'compatible')).toEqual(['arm,pl011', 'arm,primecell'])
      }
    })

    it('re-encodes what it read so that dtc decompiles both to the same source', () => {
      const c = dtc(['-I', 'dts', '-O', 'dtb', '-q'], dts)
      const r = parseDtb(new Uint8Array(c.out))
      if (!r.ok) throw new Error(r.reason)
      const again = encodeDtb(r.dtb)
      if (!again.ok) throw new Error(again.reason)
      expect(dtc(['-I', 'dtb', '-O', 'dts'], again.blob).out.toString()).toBe(dtc(['-I', 'dtb', '-O', 'dts'], c.out).out.toString())
    })
  })

  describe('QEMU virt (qemu-system-aarch64 -M virt,dumpdtb)', () => {
    it.skipIf(!qemuPresent)(qemuPresent ? 'reads the DTB QEMU gives its virt machine' : 'reads the DTB QEMU gives its virt machine (skipped: qemu-system-aarch64 is not installed)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'l4lab-dtb-'))
      try {
        const file = join(dir, 'virt.dtb')
        // -nic none: the default NIC needs an option ROM that minimal installs lack; it sits on PCI and is not in the DTB anyway.
        const q = spawnSync('qemu-system-aarch64', ['-M', `virt,dumpdtb=${file}`, '-cpu', 'cortex-a57', '-nographic', '-nic', 'none'], { timeout: 30_000 })
        expect(q.status, q.stderr?.toString()).toBe(0)
        const blob = new Uint8Array(readFileSync(file))
        const r = parseDtb(blob)
        if (!r.ok) throw new Error(r.reason)
        const { root, bootCpuid, version } = r.dtb
        expect([version, bootCpuid]).toEqual([17, 0])
        expect(propString(root, 'compatible')).toBe('linux,dummy-virt')
        // hw/arm/virt.c: RAM at 1 GiB, 128 MiB unless -m says otherwise.
        expect(readReg(root, '/memory')).toEqual([{ address: 0x40000000n, size: 0x8000000n }])
        expect(propString(findNode(root, '/memory')!, 'device_type')).toBe('memory')
        expect(propStrings(findNode(root, '/pl011@9000000')!, 'compatible')).toEqual(['arm,pl011', 'arm,primecell'])
        expect(readReg(root, '/pl011@9000000')).toEqual([{ address: 0x9000000n, size: 0x1000n }])
        const intc = findNode(root, '/intc')!
        expect(intc.props.get('interrupt-controller')).toEqual(new Uint8Array(0))
        expect(propU32(intc, '#interrupt-cells')).toBe(3)
        expect(propU32(root, 'interrupt-parent')).toBe(propU32(intc, 'phandle'))
        expect(propString(findNode(root, '/psci')!, 'method')).toBe('hvc')
        expect(propStrings(findNode(root, '/psci')!, 'compatible')).toContain('arm,psci-0.2')
        expect(propString(findNode(root, '/cpus/cpu@0')!, 'compatible')).toBe('arm,cortex-a57')
        expect(propString(findNode(root, '/chosen')!, 'stdout-path')).toBe('/pl011@9000000')
        expect(findNode(root, '/virtio_mmio@a000000')).not.toBeNull()
        if (dtcPresent) {
          // Differential: our re-encoding of what we read decompiles to exactly what QEMU's blob does.
          const again = encodeDtb(r.dtb)
          if (!again.ok) throw new Error(again.reason)
          expect(dtc(['-I', 'dtb', '-O', 'dts'], again.blob).out.toString()).toBe(dtc(['-I', 'dtb', '-O', 'dts'], blob).out.toString())
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
})
