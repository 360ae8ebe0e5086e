/**
 * QEMU virt's physical memory map and SPI numbers (hw/arm/virt.c,
 * base_memmap and a15irqmap) for the windows l4lab models, by name, for the
 * code that places things by them: the arm-ve board is laid out by them, and
 * so is the VM uvmm presents to its guest, so that bare-metal images, device
 * trees and kernels move between QEMU, the board and a VM unchanged.
 *
 * The numbers, and the reasons for them, are in the shipped board file
 * resources/boards/arm-ve.json (boards/shipped.ts checks it as a board);
 * this module reads its windows and lines by name. A name the file lacks is
 * a compile error here (the JSON import is typed by its content).
 * Interrupt numbers are virt's SPI numbers (GIC INTID = 32 + n).
 */
import armVe from '../../../resources/boards/arm-ve.json'
import { parseAddress } from '../util/address-text'

function address(text: string, what: string): number {
  const v = parseAddress(text)
  // INVARIANT: boards/shipped.ts checks the same file when the engine loads, and board-file.test.ts in the tests.
  if (v === null) throw new Error(`resources/boards/arm-ve.json: ${what} is not an address or size: ${JSON.stringify(text)}`)
  return v
}

/** A window of the physical address space (the shape of devices' Region). */
function window(name: keyof typeof armVe.memmap): { readonly base: number; readonly size: number } {
  const w = armVe.memmap[name]
  return { base: address(w.base, `memmap.${name}.base`), size: address(w.size, `memmap.${name}.size`) }
}

export const ARM_VE_MEMMAP = {
  flash: window('flash'),
  gicDist: window('gicDist'),
  gicRedist: window('gicRedist'),
  uart: window('uart'),
  rtc: window('rtc'),
  /** 32 virtio-mmio transports of 0x200 bytes. */
  virtio: window('virtio'),
  /** The default size; a session sets the size its scenario asks for. */
  ram: window('ram'),
} as const

export const ARM_VE_IRQMAP = {
  uart: armVe.irqmap.uart,
  rtc: armVe.irqmap.rtc,
  /** The first of 32 virtio-mmio transports' lines (16..47). */
  virtio: armVe.irqmap.virtio,
} as const
