/**
 * The device tree uvmm hands a Linux guest when the user gives none: the
 * VM's memory, vCPUs, interrupt controller, timer, devices and command
 * line, in the shape of QEMU virt's tree (`qemu-system-aarch64 -M
 * virt,gic-version=3 -machine dumpdtb=…`), which every arm64 kernel boots
 * with: /psci, /memory@…, /cpus/cpu@…, /timer, /apb-pclk, /intc@… (GICv3,
 * no ITS), pl011@…, pl031@…, virtio_mmio@…, /chosen. A VM with a display
 * also gets clcd@… (a PL111, which virt has not) and the DPI panel it is
 * wired to (/panel), as Arm's Versatile Express trees describe theirs.
 *
 * Interrupt numbers in the spec are the GIC's: `irq` is an SPI number
 * (INTID − 32, the second cell of a `<0 irq flags>` specifier, as in QEMU's
 * a15irqmap), timer PPIs are PPI numbers (INTID − 16).
 *
 * A spec the tree cannot express (no vCPUs, an Aff3 in an MPIDR, an SPI past
 * INTID 1019, an empty window) is `{ ok: false, reason }`.
 */
import { FdtWriter, type FdtResult } from '../../formats/fdt'

type Address = bigint | number

export interface Window {
  base: Address
  size: Address
}

export interface VmDeviceTreeSpec {
  memory: Window
  cpus: number
  /** vCPU `n`'s MPIDR_EL1 (cpu@'s reg is its Aff2.Aff1.Aff0); n by default. */
  mpidr?: (vcpu: number) => bigint
  bootargs: string
  /** The initrd in guest physical memory, end exclusive (linux,initrd-end). */
  initrd?: { start: Address; end: Address }
  gicDist: Window
  /** One region holding every vCPU's redistributor. */
  gicRedist: Window
  uart?: { base: Address; irq: number }
  rtc?: { base: Address; irq: number }
  virtio?: readonly (Window & { irq: number })[]
  /** A PL111 and its panel (width × height, 60 Hz). */
  clcd?: { base: Address; irq: number; width: number; height: number }
  /** The PSCI conduit: HVC when EL2 is uvmm's (a VM), SMC for a guest that has EL2 itself (as on QEMU with virtualization=on). */
  psci: 'hvc' | 'smc'
  /** Secure, non-secure physical, virtual and hypervisor physical timer PPIs; QEMU virt's by default. */
  timerPpis?: readonly [number, number, number, number]
  /** The primecells' APB clock; 24 MHz as QEMU virt's. */
  clockHz?: number
  /** /chosen/stdout-path: a node path; the UART's by default, null for none. */
  stdout?: string | null
  /** /chosen/rng-seed: bytes for the guest's entropy pool. */
  rngSeed?: Uint8Array
}

/** QEMU virt's timer PPIs: secure 13, non-secure 14, virtual 11, hypervisor 10 (INTIDs 29, 30, 27, 26). */
export const TIMER_PPIS = [13, 14, 11, 10] as const
export const APB_CLOCK_HZ = 24_000_000
/** The PrimeCells' register windows. */
const PRIMECELL_SIZE = 0x1000

/** Interrupt specifier cells (Documentation/devicetree/bindings/interrupt-controller/arm,gic-v3.yaml). */
const GIC_SPI = 0
const GIC_PPI = 1
const IRQ_EDGE_RISING = 1
const IRQ_LEVEL_HIGH = 4
const MAX_SPI = 1019 - 32

/** PSCI 0.1 function ids, for kernels that read them from the node (QEMU virt writes the same). */
const PSCI_0_1 = { cpu_suspend: 0xc4000001, cpu_off: 0x84000002, cpu_on: 0xc4000003, migrate: 0xc4000005 } as const

export function vmDeviceTree(spec: VmDeviceTreeSpec): FdtResult {
  const bad = checkSpec(spec)
  if (bad !== null) return { ok: false, reason: `device tree: ${bad}` }
  const w = new FdtWriter()
  const gic = w.allocPhandle()
  const clock = w.allocPhandle()
  const uartPath = spec.uart ? `/pl011@${hex(spec.uart.base)}` : null

  w.begin('')
  w.propU32('interrupt-parent', gic)
  w.prop('model', 'linux,dummy-virt')
  w.prop('compatible', 'linux,dummy-virt')
  w.propU32('#address-cells', 2)
  w.propU32('#size-cells', 2)

  w.begin('psci')
  w.propStrings('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'])
  w.prop('method', spec.psci)
  for (const [name, id] of Object.entries(PSCI_0_1)) w.propU32(name, id)
  w.end()

  w.begin(`memory@${hex(spec.memory.base)}`)
  w.prop('device_type', 'memory')
  w.propU64s('reg', [spec.memory.base, spec.memory.size])
  w.end()

  w.begin('cpus')
  w.propU32('#address-cells', 1)
  w.propU32('#size-cells', 0)
  for (let n = 0; n < spec.cpus; n++) {
    const reg = cpuReg(spec, n)
    w.begin(`cpu@${reg.toString(16)}`)
    w.prop('device_type', 'cpu')
    w.prop('compatible', 'arm,cortex-a57')
    w.propU32('reg', reg)
    w.prop('enable-method', 'psci')
    w.end()
  }
  w.end()

  w.begin('timer')
  w.propStrings('compatible', ['arm,armv8-timer', 'arm,armv7-timer'])
  w.propCells('interrupts', (spec.timerPpis ?? TIMER_PPIS).flatMap((ppi) => [GIC_PPI, ppi, IRQ_LEVEL_HIGH]))
  w.propEmpty('always-on')
  w.end()

  w.begin('apb-pclk')
  w.prop('compatible', 'fixed-clock')
  w.propU32('#clock-cells', 0)
  w.propU32('clock-frequency', spec.clockHz ?? APB_CLOCK_HZ)
  w.prop('clock-output-names', 'clk24mhz')
  w.phandle(clock)
  w.end()

  w.begin(`intc@${hex(spec.gicDist.base)}`)
  w.prop('compatible', 'arm,gic-v3')
  w.propU32('#interrupt-cells', 3)
  w.propEmpty('interrupt-controller')
  w.propU32('#redistributor-regions', 1)
  // An interrupt provider states #address-cells (dtc's interrupt_provider check); no child needs them.
  w.propU32('#address-cells', 0)
  w.propU64s('reg', [spec.gicDist.base, spec.gicDist.size, spec.gicRedist.base, spec.gicRedist.size])
  w.phandle(gic)
  w.end()

  if (spec.uart) {
    w.begin(`pl011@${hex(spec.uart.base)}`)
    w.propStrings('compatible', ['arm,pl011', 'arm,primecell'])
    w.propU64s('reg', [spec.uart.base, PRIMECELL_SIZE])
    w.propCells('interrupts', [GIC_SPI, spec.uart.irq, IRQ_LEVEL_HIGH])
    w.propCells('clocks', [clock, clock])
    w.propStrings('clock-names', ['uartclk', 'apb_pclk'])
    w.end()
  }

  if (spec.rtc) {
    w.begin(`pl031@${hex(spec.rtc.base)}`)
    w.propStrings('compatible', ['arm,pl031', 'arm,primecell'])
    w.propU64s('reg', [spec.rtc.base, PRIMECELL_SIZE])
    w.propCells('interrupts', [GIC_SPI, spec.rtc.irq, IRQ_LEVEL_HIGH])
    w.propU32('clocks', clock)
    w.prop('clock-names', 'apb_pclk')
    w.end()
  }

  if (spec.clcd) clcdNodes(w, spec.clcd, clock)

  for (const v of spec.virtio ?? []) {
    w.begin(`virtio_mmio@${hex(v.base)}`)
    w.prop('compatible', 'virtio,mmio')
    w.propU64s('reg', [v.base, v.size])
    // Edge-rising, as QEMU virt declares them: the transport pulses its line per notification.
    w.propCells('interrupts', [GIC_SPI, v.irq, IRQ_EDGE_RISING])
    w.propEmpty('dma-coherent')
    w.end()
  }

  w.begin('chosen')
  w.prop('bootargs', spec.bootargs)
  const stdout = spec.stdout === undefined ? uartPath : spec.stdout
  if (stdout !== null) w.prop('stdout-path', stdout)
  if (spec.initrd) {
    w.propU64('linux,initrd-start', spec.initrd.start)
    w.propU64('linux,initrd-end', spec.initrd.end)
  }
  if (spec.rngSeed) w.propBytes('rng-seed', spec.rngSeed)
  w.end()

  w.end()
  return w.finish({ bootCpuid: cpuReg(spec, 0) })
}

/** Blanking of the panel (VESA's 1024×768@60 porches and sync widths), whatever its size. */
const PANEL = { hfront: 24, hsync: 136, hback: 160, vfront: 3, vsync: 6, vback: 29 } as const

/**
 * The PL111 and its panel as amba-clcd's device-tree path reads them: the
 * first endpoint under the controller leads (remote-endpoint) to a port of
 * a "panel-dpi" node, whose panel-timing gives the mode; the endpoint's
 * arm,pl11x,tft-r0g0b0-pads says how the panel's colour lines are wired
 * (R0 on pad 0, G0 on 8, B0 on 16: every format, 888 included). Without
 * max-memory-bandwidth the driver takes 32 bpp. No memory-region: the
 * driver allocates the framebuffer from the guest's RAM (DMA), and the
 * controller's UPBASE says where.
 */
function clcdNodes(w: FdtWriter, c: NonNullable<VmDeviceTreeSpec['clcd']>, clock: number): void {
  const controllerOut = w.allocPhandle()
  const panelIn = w.allocPhandle()
  w.begin(`clcd@${hex(c.base)}`)
  w.propStrings('compatible', ['arm,pl111', 'arm,primecell'])
  w.propU64s('reg', [c.base, PRIMECELL_SIZE])
  w.propCells('interrupts', [GIC_SPI, c.irq, IRQ_LEVEL_HIGH])
  w.propCells('clocks', [clock, clock])
  w.propStrings('clock-names', ['clcdclk', 'apb_pclk'])
  w.begin('port')
  w.begin('endpoint')
  w.propU32('remote-endpoint', panelIn)
  w.propCells('arm,pl11x,tft-r0g0b0-pads', [0, 8, 16])
  w.phandle(controllerOut)
  w.end()
  w.end()
  w.end()

  w.begin('panel')
  w.prop('compatible', 'panel-dpi')
  w.begin('port')
  w.begin('endpoint')
  w.propU32('remote-endpoint', controllerOut)
  w.phandle(panelIn)
  w.end()
  w.end()
  w.begin('panel-timing')
  const p = PANEL
  w.propU32('clock-frequency', (c.width + p.hfront + p.hsync + p.hback) * (c.height + p.vfront + p.vsync + p.vback) * 60)
  w.propU32('hactive', c.width)
  w.propU32('vactive', c.height)
  w.propU32('hfront-porch', p.hfront)
  w.propU32('hsync-len', p.hsync)
  w.propU32('hback-porch', p.hback)
  w.propU32('vfront-porch', p.vfront)
  w.propU32('vsync-len', p.vsync)
  w.propU32('vback-porch', p.vback)
  w.end()
  w.end()
}

/** cpu@'s reg: the MPIDR's Aff2.Aff1.Aff0 (#address-cells = 1 leaves no room for Aff3). */
function cpuReg(spec: VmDeviceTreeSpec, n: number): number {
  return spec.mpidr ? Number(spec.mpidr(n) & 0xffffffn) : n
}

function checkSpec(spec: VmDeviceTreeSpec): string | null {
  if (!Number.isInteger(spec.cpus) || spec.cpus < 1 || spec.cpus > 254) return `${spec.cpus} vCPUs (1..254)`
  if (spec.mpidr) {
    const regs = new Set<number>()
    for (let n = 0; n < spec.cpus; n++) {
      const m = spec.mpidr(n)
      if ((m >> 32n) & 0xffn) return `vCPU ${n}'s MPIDR 0x${m.toString(16)} has an Aff3, which a one-cell cpu reg cannot hold`
      regs.add(Number(m & 0xffffffn))
    }
    if (regs.size !== spec.cpus) return 'two vCPUs have the same MPIDR affinity'
  }
  const windows: [string, Window][] = [['memory', spec.memory], ['GIC distributor', spec.gicDist], ['GIC redistributors', spec.gicRedist]]
  if (spec.uart) windows.push(['UART', { base: spec.uart.base, size: PRIMECELL_SIZE }])
  if (spec.rtc) windows.push(['RTC', { base: spec.rtc.base, size: PRIMECELL_SIZE }])
  for (const [i, v] of (spec.virtio ?? []).entries()) windows.push([`virtio-mmio ${i}`, v])
  if (spec.clcd) windows.push(['CLCD', { base: spec.clcd.base, size: PRIMECELL_SIZE }])
  for (const [what, win] of windows) {
    const base = toU64(win.base)
    const size = toU64(win.size)
    if (base === null || size === null) return `the ${what} window's base and size must be u64 values`
    if (size === 0n) return `the ${what} window is empty`
  }
  const spis: [string, number][] = []
  if (spec.uart) spis.push(['the UART', spec.uart.irq])
  if (spec.rtc) spis.push(['the RTC', spec.rtc.irq])
  for (const [i, v] of (spec.virtio ?? []).entries()) spis.push([`virtio-mmio ${i}`, v.irq])
  if (spec.clcd) {
    spis.push(['the CLCD', spec.clcd.irq])
    const { width, height } = spec.clcd
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || width > 1024 || width % 16 !== 0 || height < 1 || height > 1024) return `a ${width}x${height} panel (a PL111 drives 16..1024 × 1..1024, widths in 16s)`
  }
  for (const [what, irq] of spis) if (!Number.isInteger(irq) || irq < 0 || irq > MAX_SPI) return `${what}'s SPI ${irq} (0..${MAX_SPI})`
  for (const ppi of spec.timerPpis ?? []) if (!Number.isInteger(ppi) || ppi < 0 || ppi > 15) return `timer PPI ${ppi} (0..15)`
  if (spec.initrd) {
    const start = toU64(spec.initrd.start)
    const end = toU64(spec.initrd.end)
    if (start === null || end === null || end < start) return 'the initrd must be u64 addresses, its end not before its start'
  }
  return null
}

function toU64(v: Address): bigint | null {
  if (typeof v === 'bigint') return v >= 0n && v < 1n << 64n ? v : null
  return Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null
}

/** A unit address: the base in hex, no prefix (checkSpec made it a u64). */
const hex = (v: Address): string => BigInt(v).toString(16)
