/**
 * The devices uvmm shows its guest, laid out as QEMU's virt machine
 * (hw/arm-virt-map.ts): the GICv3 distributor and redistributors (uvmm's
 * own emulation, gic/), the PL011 UART, the PL031 RTC and virtio-mmio
 * transports — hvc0 (console), one per disk (block), and an entropy source
 * (rng) — each wired to its SPI; with `--display`, a PL111 CLCD and a
 * virtio keyboard and tablet (display.ts); and the device tree that
 * describes them.
 */
import { MmioBus, type MmioDevice } from '../../hw/mmio-bus'
import { ARM_VE_IRQMAP, ARM_VE_MEMMAP } from '../../hw/arm-virt-map'
import type { IrqLine } from '../../hw/irq-line'
import { Pl011 } from '../../devices/pl011'
import { Pl031 } from '../../devices/pl031'
import type { FdtResult } from '../../formats/fdt'
import { encodeDtb, findNode, parseDtb, type DtNode } from '../../formats/dtb'
import type { UvmmArgs } from './args'
import { UvmmConsole } from './console'
import type { GuestRam } from './guest-ram'
import { vmDeviceTree } from './device-tree'
import { MemoryBackend, VirtioBlock, VirtioConsole, VirtioMmio, VirtioRng, VIRTIO_MMIO_WINDOW, type BlockBackend, type VirtioCounters, type VirtioDevice } from '../../virtio'
import { VirtualGic } from './gic'
import type { UvmmVm } from './vm'
import { VmDisplay } from './display'

/**
 * QEMU virt's map, plus a window for the PL111 that virt has not: in the
 * free space after virt's last low device (PV time at 0x90a0000, secure
 * GPIO at 0x90b0000), below the virtio-mmio transports.
 */
export const VM_MEMMAP = { ...ARM_VE_MEMMAP, clcd: { base: 0x0910_0000, size: 0x1000 } } as const
/** virt's SPIs, plus the PL111's: 12 is unused by virt (UART 1, RTC 2, PCIe 3–6, GPIO 7, secure UART 8, ACPI GED 9). */
export const VM_IRQMAP = { ...ARM_VE_IRQMAP, clcd: 12 } as const
/** SPIs the distributor implements (GICD_TYPER.ITLinesNumber = 7: INTIDs 32..255). */
export const VM_SPIS = 224

/** A disk's contents: rom bytes (uvmm's copy: writes stay in the VM's memory) or a host file. */
export interface RomFile {
  name: string
  readOnly: boolean
  bytes?: Uint8Array
  backend?: BlockBackend
  close?(): void
}

export interface VmDevices {
  readonly bus: MmioBus
  readonly gic: VirtualGic
  readonly console: UvmmConsole
  readonly uart: Pl011
  /** The virtio-mmio transports' windows and SPIs, for the device tree. */
  readonly virtio: { base: number; size: number; irq: number }[]
  /** The PL111 and input devices of `--display`, or null. */
  readonly display: VmDisplay | null
  /** The RTC, whose alarm vCPU 0 polls and sleeps to. */
  readonly rtc: Pl031
  /** Connects what the devices raise to the VM's vCPUs (kicks). */
  attach(vm: UvmmVm): void
}

/** An SPI of the virtual GIC as a device's interrupt line. */
function spiLine(gic: VirtualGic, spi: number): IrqLine {
  return {
    set: (level) => gic.setLevel(32 + spi, level),
    pulse: () => gic.pulse(32 + spi),
  }
}

export function buildDevices(args: UvmmArgs, ram: GuestRam, disks: RomFile[], clock: () => number, log: (msg: string) => void): VmDevices {
  const bus = new MmioBus()
  const m = VM_MEMMAP
  const gic = new VirtualGic({ cpus: args.cpus, spis: VM_SPIS, mpidr: (i: number) => BigInt(i) })
  const map = (base: number, size: number, dev: MmioDevice, name: string): void => {
    const r = bus.map(base, size, dev, name)
    if (!r.ok) log(`uvmm: ${r.reason}`)
  }
  map(m.gicDist.base, m.gicDist.size, gic.distributor, 'gic-dist')
  map(m.gicRedist.base, 0x2_0000 * args.cpus, gic.redistributors, 'gic-redist')
  let uart: Pl011 | null = null
  let hvc: VirtioConsole | null = null
  // Input goes to the console the guest's command line names last (hvc0, or the serial port).
  const consoles = [...args.bootargs.matchAll(/(?:^|\s)console=([^\s,]+)/g)].map((c) => c[1])
  const toHvc = consoles.length > 0 && consoles[consoles.length - 1].startsWith('hvc')
  const console = new UvmmConsole(clock, (b) => (toHvc && hvc ? hvc.input(b) : uart!.input(b)))
  uart = new Pl011((b) => console.writeByte(b), { irq: spiLine(gic, ARM_VE_IRQMAP.uart) })
  map(m.uart.base, m.uart.size, uart, 'pl011')
  // The RTC counts from the VM's epoch along the virtual clock, as lx's CLOCK_REALTIME does.
  const rtc = new Pl031({ irq: spiLine(gic, ARM_VE_IRQMAP.rtc), clock: () => args.epochMs + clock() / 1e6 })
  map(m.rtc.base, m.rtc.size, rtc, 'pl031')

  // virtio-mmio transports from the first window up: hvc0, the disks in order (vda, vdb, …), the entropy source.
  const virtio: { base: number; size: number; irq: number }[] = []
  const transports: VirtioMmio[] = []
  const add = (device: VirtioDevice, name: string): void => {
    const n = virtio.length
    const base = m.virtio.base + n * VIRTIO_MMIO_WINDOW
    const irq = ARM_VE_IRQMAP.virtio + n
    const t = new VirtioMmio(device, ram, spiLine(gic, irq), (msg) => log(`uvmm: ${name}: ${msg}`))
    map(base, VIRTIO_MMIO_WINDOW, t, name)
    virtio.push({ base, size: VIRTIO_MMIO_WINDOW, irq })
    transports.push(t)
  }
  hvc = new VirtioConsole({ output: (b) => console.write(b) })
  add(hvc, 'virtio-console')
  const diskCounters: VirtioCounters[] = []
  disks.forEach((d, i) => {
    const backend = d.backend ?? new MemoryBackend(d.bytes ?? new Uint8Array(0))
    const blk = new VirtioBlock(backend, { readOnly: d.readOnly, serial: `${args.id}-disk${i}` })
    diskCounters.push(blk.counters)
    add(blk, `virtio-blk${i}`)
  })
  if (args.rng) add(new VirtioRng(), 'virtio-rng')
  let display: VmDisplay | null = null
  if (args.display) {
    display = new VmDisplay(args.display.width, args.display.height, args.id, spiLine(gic, VM_IRQMAP.clcd), clock)
    map(m.clcd.base, m.clcd.size, display.clcd, 'pl111')
    add(display.keyboard, 'virtio-keyboard')
    add(display.tablet, 'virtio-tablet')
  }
  return {
    bus,
    gic,
    console,
    uart,
    virtio,
    display,
    rtc,
    attach(vm: UvmmVm) {
      gic.onKick = (vcpu) => vm.kick(vcpu)
      vm.diskCounters = diskCounters
      vm.display = display
      vm.rtc = rtc
    },
  }
}

const str = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`)
const u64s = (...v: number[]): Uint8Array => {
  const b = new Uint8Array(v.length * 8)
  const dv = new DataView(b.buffer)
  v.forEach((x, i) => dv.setBigUint64(i * 8, BigInt(x)))
  return b
}

/**
 * The user's device tree with /chosen set as the boot protocol wants it:
 * bootargs, and the initrd's place (as QEMU's -dtb does; a tree's own
 * /chosen values are replaced, its other properties kept).
 */
export function withChosen(blob: Uint8Array, bootargs: string, initrd: { start: number; end: number } | null): FdtResult {
  const parsed = parseDtb(blob)
  if (!parsed.ok) return parsed
  const root = parsed.dtb.root
  let chosen = findNode(root, '/chosen')
  if (!chosen) {
    chosen = { name: 'chosen', props: new Map(), children: [] } satisfies DtNode
    root.children.push(chosen)
  }
  chosen.props.set('bootargs', str(bootargs))
  chosen.props.delete('linux,initrd-start')
  chosen.props.delete('linux,initrd-end')
  if (initrd) {
    chosen.props.set('linux,initrd-start', u64s(initrd.start))
    chosen.props.set('linux,initrd-end', u64s(initrd.end))
  }
  return encodeDtb(parsed.dtb)
}

/** Seed bytes for the guest's early entropy (/chosen/rng-seed): from the VM's id, so a run repeats. */
function rngSeed(id: string): Uint8Array {
  const out = new Uint8Array(32)
  let x = 0x811c9dc5
  for (const c of id) x = Math.imul(x ^ c.charCodeAt(0), 0x01000193)
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** The device tree the guest boots with: the generated one, or the user's with /chosen set. */
export function deviceTreeFor(args: UvmmArgs, devices: VmDevices, given: Uint8Array | null, initrd: { start: number; end: number } | null): FdtResult {
  if (given) return withChosen(given, args.bootargs, initrd)
  const m = VM_MEMMAP
  return vmDeviceTree({
    memory: { base: m.ram.base, size: args.memBytes },
    cpus: args.cpus,
    mpidr: (i) => BigInt(i),
    bootargs: args.bootargs,
    initrd: initrd ?? undefined,
    gicDist: m.gicDist,
    gicRedist: { base: m.gicRedist.base, size: 0x2_0000 * args.cpus },
    uart: { base: m.uart.base, irq: ARM_VE_IRQMAP.uart },
    rtc: { base: m.rtc.base, irq: ARM_VE_IRQMAP.rtc },
    virtio: devices.virtio,
    ...(args.display && { clcd: { base: m.clcd.base, irq: VM_IRQMAP.clcd, ...args.display } }),
    // The guest's EL2 is ours: PSCI goes by HVC, as under KVM.
    psci: 'hvc',
    rngSeed: rngSeed(args.id),
  })
}
