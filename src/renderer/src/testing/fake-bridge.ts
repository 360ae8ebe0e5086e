/**
 * A LabBridge double for component tests: records calls, answers from a
 * table, and lets the test emit events as the back end would.
 */
import type { CommandName, EventName, Events, LabBridge, LabSnapshot, VmStats } from '../../../shared/contract'

export class FakeBridge implements LabBridge {
  calls: { name: CommandName; args: unknown }[] = []
  answers: Partial<Record<CommandName, (args: never) => unknown>> = {}
  private listeners = new Map<EventName, Set<(p: never) => void>>()

  constructor(public snapshot: LabSnapshot) {
    this.answers['lab.snapshot'] = () => this.snapshot
  }

  async call(name: CommandName, args: unknown): Promise<never> {
    this.calls.push({ name, args })
    const a = this.answers[name]
    return (a ? a(args as never) : null) as never
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    let s = this.listeners.get(name)
    if (!s) this.listeners.set(name, (s = new Set()))
    s.add(listener as (p: never) => void)
    return () => s.delete(listener as (p: never) => void)
  }

  emit<K extends EventName>(name: K, payload: Events[K]): void {
    for (const l of this.listeners.get(name) ?? []) (l as (p: Events[K]) => void)(payload)
  }
}

export function labWith(boards: LabSnapshot['boards']): LabSnapshot {
  return { version: '9.9.9', boards }
}

export const twoBoards = (): LabSnapshot =>
  labWith([
    { id: 'b0', name: 'b0', kind: 'loopback', state: 'running', vms: [{ id: 'b0/vm1', board: 'b0', name: 'vm1', state: 'running', color: 'g' }] },
    { id: 'b1', name: 'b1', kind: 'loopback', state: 'crashed', error: 'engine worker exited (code 1)', vms: [{ id: 'b1/vm2', board: 'b1', name: 'vm2', state: 'crashed', color: 'c' }] },
  ])

/** A VM's figures as the back end sends them: nothing known but what `given` says. */
export function vmStats(vm: string, given: Partial<Omit<VmStats, 'vm'>>): VmStats {
  return {
    vm,
    uptimeMs: 0,
    instructionsPerSecond: null,
    cpuShare: null,
    memoryBytes: null,
    memoryLimitBytes: null,
    kernelMemory: null,
    ipcsPerSecond: null,
    consoleBytesPerSecond: { out: 0, in: 0 },
    ...given,
  }
}
