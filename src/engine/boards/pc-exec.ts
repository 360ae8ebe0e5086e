/**
 * "pc-exec": the board behind `l4lab exec --arch x86_64`, an x86-64 core
 * with RAM and the host's input channel only. Nothing on it is a PC device
 * yet (no PIC/APIC, no legacy I/O ports): lx on it needs RAM, its own timer
 * thread and the host-input line. RAM starts at 1 GiB as on arm-ve: sigma0
 * hands RAM out identity-mapped, and the base system's µApps keep their own
 * windows in the low gigabyte (with RAM at 1 MiB, where a PC has it, lx's
 * mappings of some frames were lost: a program's page faults never ended).
 * The host-input line is the first above the 24 of an IOAPIC, where no PC
 * device sits.
 */
import type { BoardDescriptor } from './descriptor'

export const PC_EXEC: BoardDescriptor = {
  name: 'pc-exec',
  summary: "x86-64 with the host's input channel (l4lab exec --arch x86_64)",
  arch: 'x86_64',
  cpus: 1,
  memmap: { ram: { base: 0x4000_0000, size: 160 << 20 } },
  irqmap: { hostInput: 24 },
  irqLines: 256,
  devices: [{ name: 'host-input', compatible: 'l4lab,host-input', irq: 'hostInput' }],
}
