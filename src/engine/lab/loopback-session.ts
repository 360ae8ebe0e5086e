/**
 * A session whose VMs are console loopback devices on the "loopback" board
 * (no kernel, no CPU): the engine's plumbing test. Time is wall time here;
 * there is nothing to run.
 */
import { LoopbackConsole } from '../devices/loopback-console'
import { loopbackBoard } from '../boards/loopback'
import { buildBoard } from '../boards/builder'
import { Scrollback } from './scrollback'
import type { Session, SessionResult, SessionSink, SessionStatus, VmAction, VmDescriptor, VmFigures } from './session'

export interface LoopbackSessionSpec {
  kind: 'loopback'
  vms: { name: string; color?: string }[]
}

interface LoopbackVm {
  desc: VmDescriptor
  device: LoopbackConsole
  history: Scrollback
  startedAt: number
  /** Bytes the device sent to its terminal and took from it. */
  consoleOut: number
  consoleIn: number
}

const enc = new TextEncoder()

export class LoopbackSession implements Session {
  readonly kind = 'loopback'
  private readonly list: LoopbackVm[] = []

  constructor(
    spec: LoopbackSessionSpec,
    private readonly sink: SessionSink,
    private readonly now: () => number,
  ) {
    if (!Array.isArray(spec.vms) || spec.vms.length === 0) throw new Error('loopback session: at least one VM is required')
    const seen = new Set<string>()
    for (const v of spec.vms) {
      if (typeof v.name !== 'string' || !/^[A-Za-z0-9_.-]{1,32}$/.test(v.name)) throw new Error(`loopback session: bad VM name ${JSON.stringify(v.name)}`)
      if (seen.has(v.name)) throw new Error(`loopback session: VM name ${v.name} given twice`)
      seen.add(v.name)
    }
    const built = buildBoard(loopbackBoard(spec.vms.map((v) => v.name)))
    if (!built.ok) throw new Error(built.error)
    for (const v of spec.vms) {
      const device = built.board.devices.get(v.name)
      if (!(device instanceof LoopbackConsole)) throw new Error(`loopback session: the board has no console ${v.name}`)
      const vm: LoopbackVm = { desc: { name: v.name, color: v.color ?? 'w', state: 'stopped' }, device, history: new Scrollback(), startedAt: 0, consoleOut: 0, consoleIn: 0 }
      device.out = (data) => {
        vm.consoleOut += data.length
        vm.history.append(data)
        this.sink.consoleOutput(v.name, data)
      }
      this.list.push(vm)
    }
    for (const vm of this.list) this.startVm(vm)
    this.sink.vmsChanged(this.vms())
  }

  /** Nothing to boot and no script: running from the start. */
  status(): SessionStatus {
    return { state: 'running' }
  }

  vms(): readonly VmDescriptor[] {
    return this.list.map((v) => ({ ...v.desc }))
  }

  run(): number {
    return Infinity
  }

  input(name: string, data: Uint8Array): SessionResult {
    const vm = this.find(name)
    if (!vm) return { ok: false, error: `no VM named ${name}` }
    if (vm.desc.state !== 'running') return { ok: false, error: `${name} is ${vm.desc.state}` }
    vm.device.input(data)
    vm.consoleIn += data.length
    return { ok: true }
  }

  resize(name: string, cols: number, rows: number): SessionResult {
    const vm = this.find(name)
    if (!vm) return { ok: false, error: `no VM named ${name}` }
    vm.device.resize(cols, rows)
    return { ok: true }
  }

  control(name: string, action: VmAction): SessionResult {
    const vm = this.find(name)
    if (!vm) return { ok: false, error: `no VM named ${name}` }
    if (action === 'stop' || action === 'restart') {
      vm.desc.state = 'stopped'
      vm.history.append(enc.encode('\r\n[stopped]\r\n'))
      this.sink.consoleOutput(name, enc.encode('\r\n[stopped]\r\n'))
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
      memoryLimitBytes: null,
      kernelMemory: null,
      ipcs: null,
      consoleBytes: { out: v.consoleOut, in: v.consoleIn },
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
