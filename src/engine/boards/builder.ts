/**
 * The one board builder: makes a machine of a BoardDescriptor — RAM, the
 * CPU cores over it, the interrupt lines, the MMIO bus, and each device of
 * the table built by its model and wired to its line and window. What runs
 * on the machine (the kernel and its programs) is a session's business
 * (lab/); the builder knows no software.
 *
 * Bad tables (a device of an unknown compatible, a window or line the maps
 * do not have, windows that overlap) are errors with the board's and the
 * device's name, never exceptions.
 */
import { PhysicalMemory } from '../hw/physical-memory'
import { MmioBus } from '../hw/mmio-bus'
import { InterruptLines } from '../hw/irq-line'
import type { Core, Translate } from '../cpu/core'
import { Aarch64Core } from '../cpu/aarch64/aarch64-core'
import { X86_64Core } from '../cpu/x86_64/x86_64-core'
import { deviceModel, type Device } from '../devices'
import type { BoardDescriptor } from './descriptor'

export interface BoardOptions {
  /** RAM size in bytes (default: the descriptor's `memmap.ram.size`). */
  ramBytes?: number
  /** CPU count (default: the descriptor's). */
  cpus?: number
  /** How the cores translate addresses (the kernel's memory spaces); required when the board has CPUs. */
  translate?: Translate
}

export interface Board {
  readonly descriptor: BoardDescriptor
  readonly cpus: number
  /** RAM at `descriptor.memmap.ram.base`; in the core's memory when there is a core. */
  readonly ram: PhysicalMemory
  readonly core: Core | null
  readonly bus: MmioBus
  readonly irqs: InterruptLines
  readonly devices: ReadonlyMap<string, Device>
}

export type BoardResult = { ok: true; board: Board } | { ok: false; error: string }

export function buildBoard(desc: BoardDescriptor, opts: BoardOptions = {}): BoardResult {
  const fail = (why: string): BoardResult => ({ ok: false, error: `board ${desc.name}: ${why}` })
  const cpus = opts.cpus ?? desc.cpus
  const ramBytes = opts.ramBytes ?? desc.memmap.ram.size
  if (!Number.isInteger(cpus) || cpus < 0 || cpus > 16) return fail(`cpus must be 0..16, not ${cpus}`)
  if (!Number.isInteger(ramBytes) || ramBytes < 0 || ramBytes % 65536 !== 0 || ramBytes > 2 ** 31) {
    return fail(`RAM must be a multiple of 64 KiB up to 2 GiB, not ${ramBytes} bytes`)
  }
  let core: Core | null = null
  let bytes: Uint8Array
  if (cpus > 0) {
    if (!opts.translate) return fail('a board with CPUs needs a translation callback')
    if (ramBytes === 0) return fail('a board with CPUs needs RAM')
    try {
      core = makeCore(desc, ramBytes, cpus, opts.translate)
    } catch (e) {
      // The host could not give the core its memory (a RAM size the host cannot hold).
      return fail(e instanceof Error ? e.message : String(e))
    }
    bytes = core.ram
  } else {
    bytes = new Uint8Array(ramBytes)
  }
  const c = core
  const ram = new PhysicalMemory(bytes, desc.memmap.ram.base, c ? (off, n) => c.invalidateCode(off, n) : undefined)
  const irqs = new InterruptLines(desc.irqLines)
  const bus = new MmioBus()
  const devices = new Map<string, Device>()
  for (const spec of desc.devices) {
    const model = deviceModel(spec.compatible)
    if (!model) return fail(`device ${spec.name}: no model is compatible with "${spec.compatible}"`)
    if (devices.has(spec.name)) return fail(`device ${spec.name} is listed twice`)
    const region = spec.region !== undefined ? desc.memmap[spec.region] : null
    if (spec.region !== undefined && !region) return fail(`device ${spec.name}: the memory map has no window "${spec.region}"`)
    if (model.needs.region && !region) return fail(`device ${spec.name}: ${spec.compatible} needs a register window`)
    const lineNo = spec.irq !== undefined ? desc.irqmap[spec.irq] : undefined
    const irq = lineNo !== undefined ? irqs.line(lineNo) : null
    if (spec.irq !== undefined && !irq) return fail(`device ${spec.name}: the IRQ map has no line "${spec.irq}" below ${desc.irqLines}`)
    if (model.needs.irq && !irq) return fail(`device ${spec.name}: ${spec.compatible} needs an interrupt line`)
    const device = model.create({ name: spec.name, irq, region: region ?? null })
    if (region && device.mmio) {
      const mapped = bus.map(region.base, region.size, device.mmio, spec.name)
      if (!mapped.ok) return fail(mapped.reason)
    }
    devices.set(spec.name, device)
  }
  return { ok: true, board: { descriptor: desc, cpus, ram, core, bus, irqs, devices } }
}

function makeCore(desc: BoardDescriptor, ramBytes: number, cpus: number, translate: Translate): Core {
  switch (desc.arch) {
    case 'aarch64':
    {
      const core = Aarch64Core.create({ ramBytes, cores: cpus, translate })
      // The kernel sets the counter to its clock (nanoseconds) before each run: CNTFRQ must say so.
      core.setCounterHz(1e9)
      return core
    }
    case 'x86_64':
      // RDTSC reads the kernel's clock (set before each run), so the TSC ticks at 1 GHz of virtual time.
      return X86_64Core.create({ ramBytes, cores: cpus, translate })
  }
}
