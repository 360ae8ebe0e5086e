/**
 * "loopback": a board without a CPU whose only devices are console loopback
 * devices — the lab's plumbing test board (UI → transport → engine worker →
 * UI without any guest). Its device table is made for the consoles asked for.
 */
import type { BoardDescriptor } from './descriptor'

export function loopbackBoard(consoles: readonly string[]): BoardDescriptor {
  return {
    name: 'loopback',
    summary: 'console loopback devices, no CPU',
    arch: 'aarch64',
    cpus: 0,
    memmap: { ram: { base: 0, size: 0 } },
    irqmap: {},
    irqLines: 0,
    devices: consoles.map((name) => ({ name, compatible: 'l4lab,loopback-console' })),
  }
}
