/**
 * Which boards a lab starts with. Until the microkernel runs scenarios, the
 * default lab is two boards of console loopback devices, which is what the
 * end-to-end plumbing tests drive.
 */
import type { BoardConfig } from './engine-host'

export function loopbackLab(): BoardConfig[] {
  return [
    { id: 'board0', name: 'board0', spec: { kind: 'loopback', vms: [{ name: 'loop0', color: 'g' }] } },
    { id: 'board1', name: 'board1', spec: { kind: 'loopback', vms: [{ name: 'loop1', color: 'c' }] } },
  ]
}

export function defaultLab(): BoardConfig[] {
  return loopbackLab()
}
