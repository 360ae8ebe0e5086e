/**
 * "arm-ve" and "arm-ve-exec" (resources/boards/arm-ve.json, arm-ve-exec.json):
 * the board laid out as QEMU's `virt` machine, and it with the host's input
 * channel for `l4lab exec`. The tables are in the files; hw/arm-virt-map.ts
 * names the windows the code places things by.
 */
export { ARM_VE, ARM_VE_EXEC } from './shipped'
export { ARM_VE_IRQMAP, ARM_VE_MEMMAP } from '../hw/arm-virt-map'
