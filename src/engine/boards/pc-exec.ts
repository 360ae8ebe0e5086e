/**
 * "pc-exec": the board behind `l4lab exec --arch x86_64`: pc plus the host's
 * input channel, on the first line above the 24 of an IOAPIC, where no PC
 * device sits.
 */
import type { BoardDescriptor } from './descriptor'
import { PC } from './pc'

export const PC_EXEC: BoardDescriptor = {
  ...PC,
  name: 'pc-exec',
  summary: "x86-64 with the host's input channel (l4lab exec --arch x86_64)",
  memmap: { ram: { base: 0x4000_0000, size: 160 << 20 } },
  irqmap: { hostInput: 24 },
  devices: [{ name: 'host-input', compatible: 'l4lab,host-input', irq: 'hostInput' }],
}
