/**
 * "pc-exec": the board behind `l4lab exec --arch x86_64`, an x86-64 core
 * with RAM and the host's input channel only. Nothing on it is a PC device
 * yet (no PIC/APIC, no legacy I/O ports): lx on it needs RAM, its own timer
 * thread and the host-input line. RAM starts at 1 MiB, above the legacy
 * real-mode area and VGA hole a PC keeps free; the host-input line is the
 * first above the 24 of an IOAPIC, where no PC device sits.
 */
import type { BoardDescriptor } from './descriptor'

export const PC_EXEC: BoardDescriptor = {
  name: 'pc-exec',
  summary: "x86-64 with the host's input channel (l4lab exec --arch x86_64)",
  arch: 'x86_64',
  cpus: 1,
  memmap: { ram: { base: 0x0010_0000, size: 160 << 20 } },
  irqmap: { hostInput: 24 },
  irqLines: 256,
  devices: [{ name: 'host-input', compatible: 'l4lab,host-input', irq: 'hostInput' }],
}
