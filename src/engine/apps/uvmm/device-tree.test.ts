import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { findNode, parseDtb, propCells, propString, propStrings, propU32, propU64, readReg, type DtNode } from '../../formats/dtb'
import { vmDeviceTree, type VmDeviceTreeSpec } from './device-tree'

const dtcPresent = spawnSync('dtc', ['--version']).status === 0

/** A VM laid out as QEMU virt: its memory map and IRQ map. */
function virtLikeSpec(over: Partial<VmDeviceTreeSpec> = {}): VmDeviceTreeSpec {
  return {
    memory: { base: 0x4000_0000n, size: 256n << 20n },
    cpus: 2,
    bootargs: 'console=ttyAMA0 earlycon',
    gicDist: { base: 0x800_0000, size: 0x1_0000 },
    gicRedist: { base: 0x80a_0000, size: 2 * 0x2_0000 },
    uart: { base: 0x900_0000, irq: 1 },
    rtc: { base: 0x901_0000, irq: 2 },
    virtio: [0, 1].map((i) => ({ base: 0xa00_0000 + 0x200 * i, size: 0x200, irq: 16 + i })),
    psci: 'hvc',
    ...over,
  }
}

function tree(spec: VmDeviceTreeSpec): { root: DtNode; blob: Uint8Array; bootCpuid: number } {
  const r = vmDeviceTree(spec)
  if (!r.ok) throw new Error(r.reason)
  const p = parseDtb(r.blob)
  if (!p.ok) throw new Error(p.reason)
  return { root: p.dtb.root, blob: r.blob, bootCpuid: p.dtb.bootCpuid }
}

function node(root: DtNode, path: string): DtNode {
  const n = findNode(root, path)
  if (n === null) throw new Error(`no ${path}`)
  return n
}

describe('vmDeviceTree', () => {
  it('writes every node of a QEMU virt-like VM, and they read back', () => {
    const { root, bootCpuid } = tree(virtLikeSpec({ initrd: { start: 0x4800_0000, end: 0x4812_3456 }, rngSeed: new Uint8Array([1, 2, 3, 4]) }))
    expect(root.children.map((c) => c.name)).toEqual([
      'psci', 'memory@40000000', 'cpus', 'timer', 'apb-pclk', 'intc@8000000', 'pl011@9000000', 'pl031@9010000',
      'virtio_mmio@a000000', 'virtio_mmio@a000200', 'chosen',
    ])
    expect(propString(root, 'compatible')).toBe('linux,dummy-virt')
    expect(propU32(root, '#address-cells')).toBe(2)
    expect(propU32(root, '#size-cells')).toBe(2)
    const gic = node(root, '/intc@8000000')
    expect(propU32(root, 'interrupt-parent')).toBe(propU32(gic, 'phandle'))

    const psci = node(root, '/psci')
    expect(propStrings(psci, 'compatible')).toEqual(['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'])
    expect(propString(psci, 'method')).toBe('hvc')
    expect(propU32(psci, 'cpu_on')).toBe(0xc4000003)

    expect(propString(node(root, '/memory@40000000'), 'device_type')).toBe('memory')
    expect(readReg(root, '/memory@40000000')).toEqual([{ address: 0x4000_0000n, size: 0x1000_0000n }])

    const cpus = node(root, '/cpus')
    expect([propU32(cpus, '#address-cells'), propU32(cpus, '#size-cells')]).toEqual([1, 0])
    expect(cpus.children.map((c) => c.name)).toEqual(['cpu@0', 'cpu@1'])
    for (const [i, cpu] of cpus.children.entries()) {
      expect(propString(cpu, 'device_type')).toBe('cpu')
      expect(propString(cpu, 'compatible')).toBe('arm,cortex-a57')
      expect(propU32(cpu, 'reg')).toBe(i)
      expect(propString(cpu, 'enable-method')).toBe('psci')
    }
    expect(bootCpuid).toBe(0)

    const timer = node(root, '/timer')
    expect(propStrings(timer, 'compatible')).toEqual(['arm,armv8-timer', 'arm,armv7-timer'])
    expect(propCells(timer, 'interrupts')).toEqual([1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4])
    expect(timer.props.get('always-on')).toEqual(new Uint8Array(0))

    const clk = node(root, '/apb-pclk')
    expect(propString(clk, 'compatible')).toBe('fixed-clock')
    expect(propU32(clk, 'clock-frequency')).toBe(24_000_000)
    expect(propU32(clk, '#clock-cells')).toBe(0)
    const clock = propU32(clk, 'phandle')

    expect(propString(gic, 'compatible')).toBe('arm,gic-v3')
    expect(propU32(gic, '#interrupt-cells')).toBe(3)
    expect(gic.props.has('interrupt-controller')).toBe(true)
    expect(propU32(gic, '#redistributor-regions')).toBe(1)
    expect(propU32(gic, '#address-cells')).toBe(0)
    expect(readReg(root, '/intc@8000000')).toEqual([{ address: 0x800_0000n, size: 0x1_0000n }, { address: 0x80a_0000n, size: 0x4_0000n }])

    const uart = node(root, '/pl011@9000000')
    expect(propStrings(uart, 'compatible')).toEqual(['arm,pl011', 'arm,primecell'])
    expect(readReg(root, '/pl011@9000000')).toEqual([{ address: 0x900_0000n, size: 0x1000n }])
    expect(propCells(uart, 'interrupts')).toEqual([0, 1, 4])
    expect(propCells(uart, 'clocks')).toEqual([clock, clock])
    expect(propStrings(uart, 'clock-names')).toEqual(['uartclk', 'apb_pclk'])

    const rtc = node(root, '/pl031@9010000')
    expect(propStrings(rtc, 'compatible')).toEqual(['arm,pl031', 'arm,primecell'])
    expect(propCells(rtc, 'interrupts')).toEqual([0, 2, 4])
    expect(propU32(rtc, 'clocks')).toBe(clock)
    expect(propString(rtc, 'clock-names')).toBe('apb_pclk')

    const virtio = node(root, '/virtio_mmio@a000200')
    expect(propString(virtio, 'compatible')).toBe('virtio,mmio')
    expect(readReg(root, '/virtio_mmio@a000200')).toEqual([{ address: 0xa00_0200n, size: 0x200n }])
    expect(propCells(virtio, 'interrupts')).toEqual([0, 17, 1])
    expect(virtio.props.has('dma-coherent')).toBe(true)

    const chosen = node(root, '/chosen')
    expect(propString(chosen, 'bootargs')).toBe('console=ttyAMA0 earlycon')
    expect(propString(chosen, 'stdout-path')).toBe('/pl011@9000000')
    expect(propU64(chosen, 'linux,initrd-start')).toBe(0x4800_0000n)
    expect(propU64(chosen, 'linux,initrd-end')).toBe(0x4812_3456n)
    expect(chosen.props.get('rng-seed')).toEqual(new Uint8Array([1, 2, 3, 4]))
  })

  it('names CPUs by their MPIDR affinity and leaves out what the VM does not have', () => {
    const mpidr = (n: number): bigint => 0x8000_0000n | BigInt(((n >> 3) << 8) | (n & 7))
    const { root, bootCpuid } = tree(virtLikeSpec({ cpus: 10, mpidr, uart: undefined, rtc: undefined, virtio: [], psci: 'smc' }))
    expect(node(root, '/cpus').children.map((c) => c.name)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0x100, 0x101].map((r) => `cpu@${r.toString(16)}`))
    expect(propU32(node(root, '/cpus/cpu@101'), 'reg')).toBe(0x101)
    expect(bootCpuid).toBe(0)
    expect(findNode(root, '/pl011@9000000')).toBeNull()
    expect(node(root, '/chosen').props.has('stdout-path')).toBe(false)
    expect(node(root, '/chosen').props.has('linux,initrd-start')).toBe(false)
    expect(propString(node(root, '/psci'), 'method')).toBe('smc')
  })

  it('refuses what a tree cannot say, with a reason', () => {
    const reason = (over: Partial<VmDeviceTreeSpec>): string => {
      const r = vmDeviceTree(virtLikeSpec(over))
      return r.ok ? 'ok' : r.reason
    }
    expect(reason({ cpus: 0 })).toMatch(/0 vCPUs/)
    expect(reason({ mpidr: () => 1n << 32n, cpus: 1 })).toMatch(/Aff3/)
    expect(reason({ mpidr: () => 0n })).toMatch(/same MPIDR/)
    expect(reason({ uart: { base: 0x900_0000, irq: 988 } })).toMatch(/SPI 988/)
    expect(reason({ memory: { base: 0x4000_0000, size: 0 } })).toMatch(/memory window is empty/)
    expect(reason({ gicDist: { base: -1, size: 0x1000 } })).toMatch(/u64/)
    expect(reason({ initrd: { start: 10, end: 5 } })).toMatch(/initrd/)
    expect(reason({ timerPpis: [13, 14, 11, 16] })).toMatch(/PPI 16/)
  })

  it('describes a display as amba-clcd reads it: a PL111 whose endpoint leads to a panel-dpi with its timing', () => {
    const { root } = tree(virtLikeSpec({ clcd: { base: 0x910_0000, irq: 12, width: 640, height: 480 } }))
    const clcd = node(root, '/clcd@9100000')
    expect(propStrings(clcd, 'compatible')).toEqual(['arm,pl111', 'arm,primecell'])
    expect(propCells(clcd, 'interrupts')).toEqual([0, 12, 4])
    expect(propStrings(clcd, 'clock-names')).toEqual(['clcdclk', 'apb_pclk'])
    // No max-memory-bandwidth (the driver takes 32 bpp) and no memory-region (it allocates the frame).
    expect(clcd.props.has('max-memory-bandwidth')).toBe(false)
    expect(clcd.props.has('memory-region')).toBe(false)
    const out = node(root, '/clcd@9100000/port/endpoint')
    expect(propCells(out, 'arm,pl11x,tft-r0g0b0-pads')).toEqual([0, 8, 16])
    const panel = node(root, '/panel')
    expect(propString(panel, 'compatible')).toBe('panel-dpi')
    const into = node(root, '/panel/port/endpoint')
    expect(propU32(out, 'remote-endpoint')).toBe(propU32(into, 'phandle'))
    expect(propU32(into, 'remote-endpoint')).toBe(propU32(out, 'phandle'))
    const t = node(root, '/panel/panel-timing')
    expect([propU32(t, 'hactive'), propU32(t, 'vactive')]).toEqual([640, 480])
    expect(propU32(t, 'clock-frequency')).toBe((640 + 320) * (480 + 38) * 60)
    expect(vmDeviceTree(virtLikeSpec({ clcd: { base: 0x910_0000, irq: 12, width: 1100, height: 480 } }))).toMatchObject({ ok: false, reason: expect.stringMatching(/1100x480 panel/) })
  })

  it.skipIf(!dtcPresent)('is accepted by dtc without a warning', () => {
    const { blob } = tree(virtLikeSpec({ initrd: { start: 0x4800_0000, end: 0x4810_0000 }, clcd: { base: 0x910_0000, irq: 12, width: 1024, height: 768 } }))
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], { input: blob })
    expect(r.stderr.toString()).toBe('')
    expect(r.status).toBe(0)
    const dts = r.stdout.toString()
    expect(dts).toContain('compatible = "arm,gic-v3";')
    expect(dts).toContain('stdout-path = "/pl011@9000000";')
  })
})
