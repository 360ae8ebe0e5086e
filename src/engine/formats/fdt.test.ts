import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { FdtToken, FdtWriter } from './fdt'
import { findNode, parseDtb, propCells, propString, propStrings, propU32, propU64, readReg } from './dtb'

const dtcPresent = spawnSync('dtc', ['--version']).status === 0

/** dtc's decompilation of a blob, or its failure. */
function dtcDecompile(blob: Uint8Array): { status: number | null; dts: string; warnings: string } {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], { input: blob, encoding: 'utf8' })
  return { status: r.status, dts: r.stdout, warnings: r.stderr }
}

function be32(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(off)
}

function finished(w: FdtWriter, bootCpuid = 0): Uint8Array {
  const r = w.finish({ bootCpuid })
  if (!r.ok) throw new Error(r.reason)
  return r.blob
}

/** A tree shaped like QEMU virt's (hw/arm/virt.c), small enough to read. */
function virtLike(): Uint8Array {
  const w = new FdtWriter()
  const gic = w.allocPhandle()
  const clk = w.allocPhandle()
  w.reserve(0x48000000n, 0x100000n)
  w.begin('')
  w.propU32('interrupt-parent', gic)
  w.prop('model', 'linux,dummy-virt')
  w.propU32('#size-cells', 2)
  w.propU32('#address-cells', 2)
  w.prop('compatible', 'linux,dummy-virt')
  w.begin('psci')
  w.prop('method', 'hvc')
  w.propStrings('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'])
  w.end()
  w.begin('memory@40000000')
  w.propU64s('reg', [0x40000000n, 0x8000000n])
  w.prop('device_type', 'memory')
  w.end()
  w.begin('pl011@9000000')
  w.propStrings('clock-names', ['uartclk', 'apb_pclk'])
  w.propCells('clocks', [clk, clk])
  w.propCells('interrupts', [0, 1, 4])
  w.propU64s('reg', [0x9000000, 0x1000])
  w.propStrings('compatible', ['arm,pl011', 'arm,primecell'])
  w.end()
  w.begin('intc@8000000')
  w.phandle(gic)
  w.propU64s('reg', [0x8000000n, 0x10000n, 0x8010000n, 0x10000n])
  w.prop('compatible', 'arm,cortex-a15-gic')
  w.propEmpty('ranges')
  w.propU32('#size-cells', 2)
  w.propU32('#address-cells', 2)
  w.propEmpty('interrupt-controller')
  w.propU32('#interrupt-cells', 3)
  w.end()
  w.begin('cpus')
  w.propU32('#size-cells', 0)
  w.propU32('#address-cells', 1)
  w.begin('cpu@0')
  w.propU32('reg', 0)
  w.prop('compatible', 'arm,cortex-a57')
  w.prop('device_type', 'cpu')
  w.end()
  w.end()
  w.begin('apb-pclk')
  w.phandle(clk)
  w.propU32('clock-frequency', 24000000)
  w.propU32('#clock-cells', 0)
  w.prop('compatible', 'fixed-clock')
  w.end()
  w.begin('chosen')
  w.prop('stdout-path', '/pl011@9000000')
  w.propU64('linux,initrd-start', 0x48000000n)
  w.propBytes('rng-seed', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))
  w.end()
  w.end()
  return finished(w)
}

describe('FdtWriter', () => {
  it('writes the header of §5.2: magic, sizes and offsets, version 17 compatible with 16', () => {
    const w = new FdtWriter()
    w.reserve(0x1000, 0x2000)
    w.begin('')
    w.prop('compatible', 'x')
    w.end()
    const b = finished(w, 3)
    expect(be32(b, 0)).toBe(0xd00dfeed)
    expect(be32(b, 4)).toBe(b.length)
    const offStruct = be32(b, 8)
    const offStrings = be32(b, 12)
    expect(be32(b, 16)).toBe(40)
    expect(be32(b, 20)).toBe(17)
    expect(be32(b, 24)).toBe(16)
    expect(be32(b, 28)).toBe(3)
    expect(be32(b, 32)).toBe('compatible\0'.length)
    const sizeStruct = be32(b, 36)
    // Reservation block at 40: one entry and the (0, 0) terminator.
    expect([be32(b, 40), be32(b, 44), be32(b, 48), be32(b, 52)]).toEqual([0, 0x1000, 0, 0x2000])
    expect([...b.subarray(56, 72)]).toEqual(new Array(16).fill(0))
    expect(offStruct).toBe(72)
    expect(offStrings).toBe(offStruct + sizeStruct)
    expect(b.length).toBe(offStrings + 11)
    // BEGIN_NODE "" (padded to 4), PROP len 2 nameoff 0 "x\0" (padded), END_NODE, END.
    const words = Array.from({ length: sizeStruct / 4 }, (_, i) => be32(b, offStruct + i * 4))
    expect(words).toEqual([FdtToken.BeginNode, 0, FdtToken.Prop, 2, 0, 0x78000000, FdtToken.EndNode, FdtToken.End])
    expect(new TextDecoder().decode(b.subarray(offStrings))).toBe('compatible\0')
  })

  it('stores each property name once in the strings block', () => {
    const w = new FdtWriter()
    w.begin('')
    w.prop('compatible', 'a')
    for (const n of ['a', 'b', 'c']) {
      w.begin(n)
      w.prop('compatible', n)
      w.propU32('reg', 1)
      w.end()
    }
    w.end()
    const b = finished(w)
    const strings = new TextDecoder().decode(b.subarray(be32(b, 12), be32(b, 12) + be32(b, 32)))
    expect(strings).toBe('compatible\0reg\0')
  })

  it('pads names and values so that every token is 4-byte aligned (§5.4.1)', () => {
    const w = new FdtWriter()
    w.begin('')
    for (let len = 1; len <= 9; len++) {
      w.begin('n'.repeat(len))
      w.propBytes('v', new Uint8Array(len).fill(0xff))
      w.end()
    }
    w.end()
    const b = finished(w)
    const r = parseDtb(b)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.dtb.root.children.map((c) => [c.name, c.props.get('v')!.length])).toEqual(Array.from({ length: 9 }, (_, i) => ['n'.repeat(i + 1), i + 1]))
    // Padding bytes are zero.
    const offStruct = be32(b, 8)
    expect([...b.subarray(offStruct + 4, offStruct + 8)]).toEqual([0, 0, 0, 0])
  })

  it('round-trips through the reader: nodes, properties, phandles, reservations, boot CPU', () => {
    const b = virtLike()
    const r = parseDtb(b)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const { root, reservations, bootCpuid } = r.dtb
    expect(bootCpuid).toBe(0)
    expect(reservations).toEqual([{ address: 0x48000000n, size: 0x100000n }])
    expect(root.children.map((c) => c.name)).toEqual(['psci', 'memory@40000000', 'pl011@9000000', 'intc@8000000', 'cpus', 'apb-pclk', 'chosen'])
    expect(propString(root, 'compatible')).toBe('linux,dummy-virt')
    expect(propStrings(findNode(root, '/psci')!, 'compatible')).toEqual(['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'])
    expect(readReg(root, '/memory')).toEqual([{ address: 0x40000000n, size: 0x8000000n }])
    const gic = findNode(root, '/intc')!
    expect(gic.props.get('interrupt-controller')).toEqual(new Uint8Array(0))
    expect(propU32(root, 'interrupt-parent')).toBe(propU32(gic, 'phandle'))
    expect(propCells(findNode(root, '/pl011@9000000')!, 'clocks')).toEqual([2, 2])
    expect(propU32(findNode(root, '/apb-pclk')!, 'phandle')).toBe(2)
    expect(readReg(root, '/cpus/cpu@0')).toEqual([{ address: 0n, size: 0n }])
    expect(propU64(findNode(root, '/chosen')!, 'linux,initrd-start')).toBe(0x48000000n)
  })

  it('hands out phandles no node uses, skipping chosen ones', () => {
    const w = new FdtWriter()
    w.begin('')
    w.begin('a')
    expect(w.phandle(1)).toBe(1)
    w.end()
    w.begin('b')
    expect(w.phandle()).toBe(2)
    w.end()
    const c = w.allocPhandle()
    expect(c).toBe(3)
    w.begin('c')
    expect(w.phandle(c)).toBe(3)
    w.end()
    w.begin('d')
    w.phandle(2)
    w.end()
    w.end()
    const r = w.finish()
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toBe('phandle 2 given to two nodes')
  })

  describe('refuses misuse with the first error as a value', () => {
    const cases: Array<[string, (w: FdtWriter) => void, RegExp]> = [
      ['no root', () => {}, /no root node/],
      ['an open node', (w) => { w.begin(''); w.begin('a') }, /node \/a is still open/],
      ['end without begin', (w) => w.end(), /end\(\) without an open node/],
      ['a root not named ""', (w) => w.begin('root'), /first node must be the root/],
      ['a second root', (w) => { w.begin(''); w.end(); w.begin('') }, /after the root node was closed/],
      ['an empty node name', (w) => { w.begin(''); w.begin('') }, /bad node name ""/],
      ['a node name starting with a digit', (w) => { w.begin(''); w.begin('0abc') }, /bad node name "0abc"/],
      ['a node name with a slash', (w) => { w.begin(''); w.begin('a/b') }, /bad node name/],
      ['a node name of 32 characters', (w) => { w.begin(''); w.begin('a'.repeat(32)) }, /bad node name/],
      ['an empty unit address', (w) => { w.begin(''); w.begin('uart@') }, /bad node name "uart@"/],
      ['two unit addresses', (w) => { w.begin(''); w.begin('uart@1@2') }, /bad node name/],
      ['a duplicate node', (w) => { w.begin(''); w.begin('a'); w.end(); w.begin('a') }, /duplicate node \/a/],
      ['a property outside a node', (w) => w.propU32('x', 1), /outside any node/],
      ['a property after the root closed', (w) => { w.begin(''); w.end(); w.propEmpty('x') }, /outside any node/],
      ['a bad property name', (w) => { w.begin(''); w.propEmpty('a b') }, /bad property name "a b"/],
      ['an empty property name', (w) => { w.begin(''); w.propEmpty('') }, /bad property name ""/],
      ['a property name of 32 characters', (w) => { w.begin(''); w.propEmpty('p'.repeat(32)) }, /bad property name/],
      ['a property after a child node', (w) => { w.begin(''); w.begin('a'); w.end(); w.propEmpty('x') }, /after a child node/],
      ['a duplicate property', (w) => { w.begin(''); w.propU32('x', 1); w.propU32('x', 2) }, /duplicate property x in \//],
      ['a cell above 2^32', (w) => { w.begin(''); w.propCells('reg', [1, 2 ** 32]) }, /cell 1 .* is not a u32/],
      ['a negative cell', (w) => { w.begin(''); w.propU32('reg', -1) }, /not a u32/],
      ['a fractional cell', (w) => { w.begin(''); w.propU32('reg', 1.5) }, /not a u32/],
      ['a u64 above 2^64', (w) => { w.begin(''); w.propU64('reg', 1n << 64n) }, /not a u64/],
      ['a negative u64', (w) => { w.begin(''); w.propU64s('reg', [0n, -1n]) }, /value 1 .* not a u64/],
      ['a string holding NUL', (w) => { w.begin(''); w.prop('model', 'a\0b') }, /contains NUL/],
      ['phandle 0', (w) => { w.begin(''); w.phandle(0) }, /phandle 0 out of range/],
      ['phandle 0xffffffff', (w) => { w.begin(''); w.phandle(0xffffffff) }, /out of range/],
      ['a zero-size reservation', (w) => w.reserve(0x1000, 0), /zero size/],
      ['overlapping reservations', (w) => { w.reserve(0x1000, 0x1000); w.reserve(0x1800, 0x1000) }, /overlaps/],
      ['a reservation past 2^64', (w) => w.reserve((1n << 64n) - 0x1000n, 0x2000), /past 2\^64/],
    ]
    for (const [what, misuse, reason] of cases) {
      it(what, () => {
        const w = new FdtWriter()
        misuse(w)
        const r = w.finish()
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.reason).toMatch(reason)
      })
    }

    it('keeps the first error; later calls change nothing', () => {
      const w = new FdtWriter()
      w.begin('')
      w.propU32('x', -1)
      w.begin('BAD NAME')
      w.end()
      expect(w.failure).toMatch(/property x: cell 0 \(-1\) is not a u32/)
      const r = w.finish()
      expect(!r.ok && r.reason).toBe(w.failure)
    })

    it('an invalid boot CPU id', () => {
      const w = new FdtWriter()
      w.begin('')
      w.end()
      const r = w.finish({ bootCpuid: -1 })
      expect(!r.ok && r.reason).toMatch(/boot CPU id -1/)
    })
  })

  describe.skipIf(!dtcPresent)('against dtc (device-tree-compiler)', () => {
    it('dtc decompiles our blob, with every node and property where we put it', () => {
      const { status, dts, warnings } = dtcDecompile(virtLike())
      // dtc checks what it reads (unit addresses against reg, phandle references, cell counts): no complaints.
      expect(warnings).toBe('')
      expect(status).toBe(0)
      for (const line of [
        '/memreserve/\t0x0000000048000000 0x0000000000100000;',
        'interrupt-parent = <0x01>;',
        'model = "linux,dummy-virt";',
        '#address-cells = <0x02>;',
        'method = "hvc";',
        'compatible = "arm,psci-1.0\\0arm,psci-0.2\\0arm,psci";',
        'memory@40000000 {',
        'reg = <0x00 0x40000000 0x00 0x8000000>;',
        'clock-names = "uartclk\\0apb_pclk";',
        'clocks = <0x02 0x02>;',
        'interrupts = <0x00 0x01 0x04>;',
        'reg = <0x00 0x9000000 0x00 0x1000>;',
        'phandle = <0x01>;',
        'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;',
        'ranges;',
        'interrupt-controller;',
        'cpu@0 {',
        'reg = <0x00>;',
        'clock-frequency = <0x16e3600>;',
        'stdout-path = "/pl011@9000000";',
        'linux,initrd-start = <0x00 0x48000000>;',
        'rng-seed = <0x1020304 0x5060708>;',
      ]) {
        expect(dts).toContain(line)
      }
      // Nesting as written: cpu@0 inside cpus.
      expect(dts).toMatch(/cpus \{[^}]*cpu@0 \{[^}]*device_type = "cpu";/)
    })

    it('dtc re-encodes our blob to the same bytes', () => {
      const ours = virtLike()
      const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dtb', '-'], { input: ours })
      expect(r.status).toBe(0)
      expect(Buffer.from(r.stdout).equals(Buffer.from(ours))).toBe(true)
    })
  })
})
