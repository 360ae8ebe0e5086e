/**
 * A board whose VMs are console loopback devices: the engine's plumbing test
 * board (no kernel, no CPU). Time is wall time here; there is nothing to run.
 */
import { LoopbackConsole } from '../devices/loopback-console'
import { Scrollback } from '../devices/scrollback'
import type { Board, BoardResult, BoardSink, VmAction, VmDescriptor, VmFigures } from './board'

export interface LoopbackBoardSpec {
  kind: 'loopback'
  vms: { name: string; color?: string }[]
}

interface LoopbackVm {
  desc: VmDescriptor
  device: LoopbackConsole
  history: Scrollback
  startedAt: number
}

export class LoopbackBoard implements Board {
  readonly kind = 'loopback'
  private readonly list: LoopbackVm[] = []

  constructor(
    spec: LoopbackBoardSpec,
    private readonly sink: BoardSink,
    private readonly now: () => number,
  ) {
    if (!Array.isArray(spec.vms) || spec.vms.length === 0) throw new Error('loopback board: at least one VM is required')
    const seen = new Set<string>()
    for (const v of spec.vms) {
      if (typeof v.name !== 'string' || !/^[A-Za-z0-9_.-]{1,32}$/.test(v.name)) throw new Error(`loopback board: bad VM name ${JSON.stringify(v.name)}`)
      if (seen.has(v.name)) throw new Error(`loopback board: VM name ${v.name} given twice`)
      seen.add(v.name)
      const history = new Scrollback()
      const device = new LoopbackConsole(v.name, (data) => {
        history.append(data)
        this.sink.consoleOutput(v.name, data)
      })
      this.list.push({ desc: { name: v.name, color: v.color ?? 'w', state: 'stopped' }, device, history, startedAt: 0 })
    }
    for (const vm of this.list) this.startVm(vm)
    this.sink.vmsChanged(this.vms())
  }

  vms(): readonly VmDescriptor[] {
    return this.list.map((v) => ({ ...v.desc }))
  }

  run(): number {
    return Infinity
  }

  input(name: string, data: Uint8Array): BoardResult {
    const vm = this.find(name)
    if (!vm) return { ok: false, error: `no VM named ${name}` }
    if (vm.desc.state !== 'running') return { ok: false, error: `${name} is ${vm.desc.state}` }
    vm.device.input(data)
    return { ok: true }
  }

  resize(name: string, cols: number, rows: number): BoardResult {
    const vm = this.find(name)
    if (!vm) return { ok: false, error: `no VM named ${name}` }
    vm.device.resize(cols, rows)
    return { ok: true }
  }

  control(name: string, action: VmAction): BoardResult {
    const vm = this.find(name)
    if (!vm) return { ok: false, error: `no VM named ${name}` }
    if (action === 'stop' || action === 'restart') {
      vm.desc.state = 'stopped'
      vm.history.append(new TextEncoder().encode('\r\n[stopped]\r\n'))
      this.sink.consoleOutput(name, new TextEncoder().encode('\r\n[stopped]\r\n'))
    }
    if (action === 'start' || action === 'restart') {
      if (action === 'start' && vm.desc.state === 'running') return { ok: false, error: `${name} is already running` }
      this.startVm(vm)
    }
    this.sink.vmsChanged(this.vms())
    return { ok: true }
  }

  history(name: string): Uint8Array {
    return this.find(name)?.history.snapshot() ?? new Uint8Array(0)
  }

  figures(): VmFigures[] {
    const t = this.now()
    return this.list.map((v) => ({
      name: v.desc.name,
      uptimeMs: v.desc.state === 'running' ? t - v.startedAt : 0,
      instructions: null,
      cpuTimeNs: null,
      memoryBytes: null,
    }))
  }

  private startVm(vm: LoopbackVm): void {
    vm.desc.state = 'running'
    vm.startedAt = this.now()
    vm.device.greet()
  }

  private find(name: string): LoopbackVm | undefined {
    return this.list.find((v) => v.desc.name === name)
  }
}
