/**
 * "arm-ve": an ARM board with the virtualization extensions, laid out as
 * QEMU's `virt` machine (hw/arm/virt.c, base_memmap and a15irqmap), so that
 * bare-metal images and device trees made for one run on the other. The
 * tables name every window of virt we will model; the device list holds the
 * devices modelled today, and grows with them (GIC, PL011, PL031, timer,
 * virtio-mmio).
 *
 * Why these addresses (from virt): the first 128 MiB are flash; the GIC
 * distributor and redistributors sit at 128 MiB; the UART, RTC and the 32
 * virtio-mmio transports (0x200 bytes each) follow in the low 256 MiB; RAM
 * starts at 1 GiB, leaving the low gigabyte to devices and PCIe windows.
 * Interrupt numbers are virt's SPI numbers (GIC INTID = 32 + n).
 */
import type { BoardDescriptor } from './descriptor'

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

export const ARM_VE: BoardDescriptor = {
  name: 'arm-ve',
  summary: 'ARM with virtualization extensions, QEMU virt memory map',
  arch: 'aarch64',
  cpus: 1,
  memmap: ARM_VE_MEMMAP,
  irqmap: ARM_VE_IRQMAP,
  irqLines: 256,
  devices: [],
}

/**
 * The board behind `l4lab exec`: arm-ve plus the host-input device, whose
 * line lies above virt's platform-bus range (112..175), where virt has none.
 */
export const ARM_VE_EXEC: BoardDescriptor = {
  ...ARM_VE,
  name: 'arm-ve-exec',
  summary: "arm-ve with the host's input channel (l4lab exec)",
  irqmap: { ...ARM_VE_IRQMAP, hostInput: 200 },
  devices: [...ARM_VE.devices, { name: 'host-input', compatible: 'l4lab,host-input', irq: 'hostInput' }],
}
