/**
 * "pc": the x86-64 board of a scenario — an x86-64 core and RAM. Nothing on
 * it is a PC device yet (no PIC/APIC, no legacy I/O ports, no 16550): its
 * guests are lx VMs, which need RAM, their own timer threads and Vcons,
 * and native µApps. RAM starts at 1 GiB as on arm-ve: sigma0 hands RAM out
 * identity-mapped, and the base system's µApps keep their own windows in
 * the low gigabyte (with RAM at 1 MiB, where a PC has it, lx's mappings of
 * some frames were lost: a program's page faults never ended).
 */
import type { BoardDescriptor } from './descriptor'

export const PC: BoardDescriptor = {
  name: 'pc',
  summary: 'x86-64 with RAM only: lx VMs of x86-64 programs',
  arch: 'x86_64',
  cpus: 1,
  memmap: { ram: { base: 0x4000_0000, size: 320 << 20 } },
  irqmap: {},
  irqLines: 256,
  devices: [],
}
