/**
 * What a device model is to a board: something built from one entry of the
 * board's device table, found by its compatible string (as a device tree
 * names hardware), given its interrupt line and register window. A device
 * with registers exposes them as an MmioDevice, which the board maps on its
 * bus at the window the board's memory map gives.
 */
import type { MmioDevice } from '../hw/mmio-bus'
import type { IrqLine } from '../hw/irq-line'

/** A window of the physical address space (addresses below 2^53). */
export interface Region {
  readonly base: number
  readonly size: number
}

export interface Device {
  /** The board's name for this instance (its entry in the device table). */
  readonly name: string
  readonly compatible: string
  /** The register window's handlers, for a memory-mapped device. */
  readonly mmio?: MmioDevice
}

/** What the board hands a model when it builds an instance. */
export interface DeviceContext {
  readonly name: string
  /** The interrupt line the board's IRQ map gives it, or null when it has none. */
  readonly irq: IrqLine | null
  /** The register window the board's memory map gives it, or null. */
  readonly region: Region | null
}

export interface DeviceModel<D extends Device = Device> {
  /** The compatible string a board's device table names it by. */
  readonly compatible: string
  /** One line for listings. */
  readonly summary: string
  /** Whether the device needs an interrupt line, a register window. */
  readonly needs: { readonly irq: boolean; readonly region: boolean }
  create(ctx: DeviceContext): D
}
