/**
 * A board is data: its CPUs, where RAM and each device sit in the physical
 * address space (MEMMAP), which interrupt line each device drives (IRQMAP),
 * and its devices by compatible string. One builder (builder.ts) makes a
 * machine of any descriptor; a device tree for a guest can be made from the
 * same tables.
 */
import type { CoreArch } from '../cpu/core'
import type { Region } from '../devices'

export type { Region }

export interface DeviceSpec {
  /** The instance's name in the tables (and its node name in a device tree). */
  readonly name: string
  /** The model (devices/): as a device tree names hardware. */
  readonly compatible: string
  /** Its register window: a key of `memmap` (memory-mapped devices only). */
  readonly region?: string
  /** Its interrupt: a key of `irqmap`. */
  readonly irq?: string
}

export interface BoardDescriptor {
  readonly name: string
  /** One line for listings. */
  readonly summary: string
  readonly arch: CoreArch
  /** Emulated CPUs (0: no core — the board runs native µApps only). */
  readonly cpus: number
  /** Physical address windows by name; `ram` is the board's RAM (its size is a default a session may change). */
  readonly memmap: Readonly<Record<string, Region>> & { readonly ram: Region }
  /** Interrupt line numbers by name, in [0, irqLines). */
  readonly irqmap: Readonly<Record<string, number>>
  /** Lines of the board's interrupt controller (what the kernel's ICU sees on a board without a GIC model). */
  readonly irqLines: number
  readonly devices: readonly DeviceSpec[]
}
