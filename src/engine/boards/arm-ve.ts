/**
 * "arm-ve": an ARM board with the virtualization extensions, laid out as
 * QEMU's `virt` machine (hw/arm/virt.c, base_memmap and a15irqmap), so that
 * bare-metal images and device trees made for one run on the other. The
 * tables name every window of virt we will model; the device list holds the
 * devices modelled today, and grows with them (GIC, PL011, PL031, timer,
 * virtio-mmio).
 *
 * The memory map and SPI numbers are hw/arm-virt-map.ts (uvmm lays out its
 * VMs by the same table).
 */
import type { BoardDescriptor } from './descriptor'
import { ARM_VE_IRQMAP, ARM_VE_MEMMAP } from '../hw/arm-virt-map'

export { ARM_VE_IRQMAP, ARM_VE_MEMMAP }

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
