/**
 * QEMU virt's physical memory map and SPI numbers (hw/arm/virt.c,
 * base_memmap and a15irqmap) for the windows l4lab models: the arm-ve
 * board (boards/arm-ve.ts) is laid out by them, and so is the VM uvmm
 * presents to its guest, so that bare-metal images, device trees and
 * kernels move between QEMU, the board and a VM unchanged.
 *
 * Why these addresses (from virt): the first 128 MiB are flash; the GIC
 * distributor and redistributors sit at 128 MiB; the UART, RTC and the 32
 * virtio-mmio transports (0x200 bytes each) follow in the low 256 MiB; RAM
 * starts at 1 GiB, leaving the low gigabyte to devices and PCIe windows.
 * Interrupt numbers are virt's SPI numbers (GIC INTID = 32 + n).
 */
export const ARM_VE_MEMMAP = {
  flash: { base: 0x0000_0000, size: 0x0800_0000 },
  gicDist: { base: 0x0800_0000, size: 0x0001_0000 },
  gicRedist: { base: 0x080a_0000, size: 0x00f6_0000 },
  uart: { base: 0x0900_0000, size: 0x0000_1000 },
  rtc: { base: 0x0901_0000, size: 0x0000_1000 },
  virtio: { base: 0x0a00_0000, size: 0x0000_0200 * 32 },
  /** 320 MiB by default; a session sets the size its scenario asks for. */
  ram: { base: 0x4000_0000, size: 320 << 20 },
} as const

export const ARM_VE_IRQMAP = {
  uart: 1,
  rtc: 2,
  /** The first of 32 virtio-mmio transports' lines (16..47). */
  virtio: 16,
} as const
