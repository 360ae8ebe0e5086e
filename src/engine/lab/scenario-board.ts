/**
 * A board that boots the L4Re base system and runs a scenario:
 * kernel → sigma0 → moe → cons → ned SCENARIO. Every console a program gets
 * from cons is a lab terminal (a kernel Vcon), which the host shows as one
 * VM console; "l4re" is the system log the base programs write to.
 *
 * VMs are the programs ned started with a log tag. Stopping one ends its
 * task; starting it again (or restarting it) is ned's work: the board writes
 * `start TAG` on ned's control console and answers with ned's reply.
 *
 * Time: the kernel's virtual time, paced to the wall clock. When all CPUs
 * are idle the board jumps to the next timer unless that lies ahead of the
 * wall clock, in which case it asks the host to come back then; when guests
 * are busy, virtual time advances as fast as they run.
 */
import { BaseCap, CapRight } from '../kernel/abi'
import { bootKernel, createInitialTask, type BootedKernel } from '../kernel/boot'
import { PhysicalMemory } from '../kernel/physical-memory'
import { Vcon } from '../kernel/objects/vcon'
import type { Task } from '../kernel/objects/task'
import type { KObject } from '../kernel/kobject'
import { inspectKernel, mappingTree, memoryMap, type KernelView, type MappingView, type MemoryMap } from '../kernel/introspect'
import { Scrollback } from '../devices/scrollback'
import { makeEnv, type Firmware, type NativeProgram } from '../apps/runtime/program'
import { sigma0Program } from '../apps/sigma0/sigma0'
import { moeProgram, MOE_ROM, MOE_ROOT_ALLOC } from '../apps/moe/moe'
import { consProgram, CONS_LOG_FACTORY } from '../apps/cons/cons'
import { nedProgram } from '../apps/ned/ned'
import { helloClient, helloServer } from '../apps/demo/hello'
import { lxProgram } from '../apps/lx/program'
import { Aarch64ExecCore } from '../cpu/aarch64/exec-core'
import type { Board, BoardResult, BoardSink, VmAction, VmDescriptor, VmFigures } from './board'

export interface ScenarioBoardSpec {
  kind: 'scenario'
  /** The scenario: its rom name (e.g. "hello.lua") and Lua source. */
  scenario: { name: string; source: string }
  /** Further rom modules (root filesystems, guest binaries). */
  modules?: Record<string, Uint8Array>
  ramMiB?: number
  cpus?: number
  /** Pace virtual time to the wall clock (default true). Tests run unpaced. */
  paced?: boolean
}

const SYSTEM_LOG = 'l4re'
const STOPPED = 'stopped from the lab'
/** How long ned may take to answer a control line (wall time; ned answers within one slice). */
const CONTROL_TIMEOUT_MS = 10_000
const RAM_BASE = 0x4000_0000

/** The native programs every scenario board carries in its rom. */
export function basePrograms(): NativeProgram[] {
  return [helloServer, helloClient, lxProgram(null)]
}

interface VmRecord {
  /** The newest terminal with the VM's name (a started-again VM gets a new one). */
  vcon: Vcon
  history: Scrollback
  state: VmDescriptor['state']
  detail?: string
  startedAt: number
}

export class ScenarioBoard implements Board {
  readonly kind = 'scenario'
  readonly booted: BootedKernel
  private readonly vmsByName = new Map<string, VmRecord>()
  private readonly enc = new TextEncoder()
  private readonly startWall: number
  private readonly paced: boolean
  /** ned's control console (not a lab terminal) and the lines waiting for its answer. */
  private nedControl!: Vcon
  private controlReply = ''
  private readonly waiting: { vm: string; since: number; done: (r: BoardResult) => void }[] = []

  constructor(
    private readonly spec: ScenarioBoardSpec,
    private readonly sink: BoardSink,
    private readonly now: () => number,
  ) {
    if (!spec.scenario || typeof spec.scenario.source !== 'string') throw new Error('scenario board: no scenario given')
    const ramBytes = (spec.ramMiB ?? 320) * 1024 * 1024
    // Guests run on an AArch64 core whose linear memory holds board RAM.
    let kernel: BootedKernel['kernel'] | null = null
    const core = Aarch64ExecCore.create(ramBytes, spec.cpus ?? 1, (asid, va, access) => kernel!.translate(asid, va, access))
    const ram = new PhysicalMemory(core.ram, RAM_BASE, (off, n) => core.invalidateCode(off, n))
    this.booted = bootKernel({ cpus: spec.cpus ?? 1, ram, core, kernelMemory: 64 << 20 })
    kernel = this.booted.kernel
    this.paced = spec.paced ?? true
    this.startWall = now()
    const k = this.booted.kernel
    k.hooks.vconOutput = (v, bytes) => this.output(v, bytes)
    k.hooks.vconsChanged = () => this.syncVms()
    k.hooks.taskEnded = (task, reason) => this.taskEnded(task, reason)
    this.boot()
  }

  private boot(): void {
    const booted = this.booted
    const k = booted.kernel
    const log = k.register(new Vcon(k, SYSTEM_LOG, 'w'), null, 0)!
    k.vconCreated(log)
    this.nedControl = k.register(new Vcon(k, 'ned-control', 'w'), null, 0)!

    const programs = new Map<string, NativeProgram>()
    for (const p of [sigma0Program({ base: RAM_BASE, frames: k.ram.frames }), moeProgram(), consProgram(), nedProgram(), ...basePrograms()]) programs.set(p.name, p)
    const modules = new Map<string, Uint8Array>(Object.entries(this.spec.modules ?? {}))
    modules.set(this.spec.scenario.name, this.enc.encode(this.spec.scenario.source))
    const firmware: Firmware = { programs, modules }

    const start = (program: NativeProgram, args: string[], prio: number, caps: Record<string, number>, extra: [number, KObject, number][] = [], firstFree = BaseCap.FirstFree) =>
      createInitialTask(booted, program.name, (sys) => program.main(makeEnv(sys, args, caps, firstFree, firmware)), { prio, log, extra })

    const sigma0 = start(programs.get('sigma0')!, ['sigma0'], 255, {})
    sigma0.task.space.identity = { firstVpn: RAM_BASE / 4096, frames: k.ram.frames }
    const moe = start(programs.get('moe')!, ['moe'], 250, {}, [[BaseCap.Pager, sigma0.thread, CapRight.RWS]])
    const rootAlloc = k.newGate(null, moe.thread, MOE_ROOT_ALLOC)!
    const rom = k.newGate(null, moe.thread, MOE_ROM)!
    const cons = start(programs.get('cons')!, ['cons'], 240, {})
    const logFactory = k.newGate(null, cons.thread, CONS_LOG_FACTORY)!
    const first = BaseCap.FirstFree
    start(
      programs.get('ned')!,
      ['ned', `rom/${this.spec.scenario.name}`],
      200,
      { rom: first, mem: first + 1, log_fab: first + 2, ctl: first + 3 },
      [
        [first, rom, CapRight.R | CapRight.S],
        [first + 1, rootAlloc, CapRight.RWS],
        [first + 2, logFactory, CapRight.RWS],
        [first + 3, this.nedControl, CapRight.RWS],
      ],
      first + 4,
    )
  }

  vms(): readonly VmDescriptor[] {
    return [...this.vmsByName.entries()].map(([name, v]) => ({
      name,
      color: v.vcon.colour,
      state: v.state,
      detail: v.detail,
      system: name === SYSTEM_LOG,
    }))
  }

  run(sliceMs: number): number {
    const t0 = this.now()
    for (const w of [...this.waiting]) {
      if (t0 - w.since > CONTROL_TIMEOUT_MS) this.answer(w.vm, { ok: false, error: `ned did not answer the request for ${w.vm}` })
    }
    const wait = this.advance(t0, sliceMs)
    // A request waiting for ned is timed out by run(): come back even when the board is idle.
    return this.waiting.length > 0 ? Math.min(wait, 100) : wait
  }

  private advance(t0: number, sliceMs: number): number {
    const k = this.booted.kernel
    while (this.now() - t0 < sliceMs) {
      if (k.halted) return Infinity
      if (k.anyReady()) {
        k.run(1_000_000)
        continue
      }
      const next = k.timers.next()
      if (this.paced) {
        // Idle: virtual time catches up with the wall clock, and waits for it.
        const wallNs = (this.now() - this.startWall) * 1e6
        if (wallNs > k.now) k.run(Math.min(next, wallNs) - k.now)
        if (k.anyReady()) continue
        if (next === Infinity) return Infinity
        const nextNow = k.timers.next()
        if (nextNow > wallNs) return Math.max(1, (nextNow - wallNs) / 1e6)
        continue
      }
      if (next === Infinity) return Infinity
      k.run(next - k.now)
    }
    return 0
  }

  input(vm: string, data: Uint8Array): BoardResult {
    const v = this.vmsByName.get(vm)
    if (!v) return { ok: false, error: `no VM named ${vm}` }
    v.vcon.pushInput(data)
    return { ok: true }
  }

  resize(vm: string, cols: number, rows: number): BoardResult {
    const v = this.vmsByName.get(vm)
    if (!v) return { ok: false, error: `no VM named ${vm}` }
    v.vcon.resize(cols, rows)
    return { ok: true }
  }

  control(vm: string, action: VmAction): BoardResult | Promise<BoardResult> {
    const v = this.vmsByName.get(vm)
    if (!v) return { ok: false, error: `no VM named ${vm}` }
    if (vm === SYSTEM_LOG) return { ok: false, error: 'the system log is not a VM' }
    const task = this.taskNamed(vm)
    if (action === 'stop') {
      if (!task) return { ok: false, error: `${vm} is not running` }
      this.booted.kernel.endTask(task, STOPPED)
      return { ok: true }
    }
    if (action === 'start' && task) return { ok: false, error: `${vm} is running` }
    if (!this.taskNamed('ned')) return { ok: false, error: 'ned is not running: restart the board to run the scenario again' }
    if (this.waiting.some((w) => w.vm === vm)) return { ok: false, error: `${vm} is being started` }
    if (task) this.booted.kernel.endTask(task, STOPPED)
    v.state = 'starting'
    v.detail = undefined
    this.sink.vmsChanged(this.vms())
    return new Promise((done) => {
      this.waiting.push({ vm, since: this.now(), done })
      this.nedControl.pushInput(this.enc.encode(`start ${vm}\n`))
    })
  }

  /** ned's answer to a control line ("ok TAG" or "error TAG: why"). */
  private controlOutput(bytes: Uint8Array): void {
    this.controlReply += new TextDecoder().decode(bytes)
    for (let nl = this.controlReply.indexOf('\n'); nl >= 0; nl = this.controlReply.indexOf('\n')) {
      const line = this.controlReply.slice(0, nl)
      this.controlReply = this.controlReply.slice(nl + 1)
      const m = /^(ok|error) ([^ :]*):? ?(.*)$/.exec(line)
      if (!m) continue
      this.answer(m[2], m[1] === 'ok' ? { ok: true } : { ok: false, error: m[3] || `ned could not start ${m[2]}` })
    }
  }

  private answer(vm: string, r: BoardResult): void {
    const i = this.waiting.findIndex((w) => w.vm === vm)
    if (i < 0) return
    const [w] = this.waiting.splice(i, 1)
    const rec = this.vmsByName.get(vm)
    if (!r.ok && rec && !this.taskNamed(vm)) {
      rec.state = 'exited'
      rec.detail = r.error
      this.sink.vmsChanged(this.vms())
    }
    w.done(r)
  }

  history(vm: string): Uint8Array {
    return this.vmsByName.get(vm)?.history.snapshot() ?? new Uint8Array(0)
  }

  /** Virtual time as the UI sees it: when idle, paced virtual time is the wall clock. */
  private virtualNow(): number {
    const k = this.booted.kernel
    return this.paced ? Math.max(k.now, (this.now() - this.startWall) * 1e6) : k.now
  }

  figures(): VmFigures[] {
    const k = this.booted.kernel
    const now = this.virtualNow()
    return [...this.vmsByName.entries()].map(([name, v]) => {
      const task = this.taskNamed(name)
      let cpu = 0
      let instructions = 0
      for (const th of task?.threads ?? []) {
        cpu += th.stats.consumedNs
        instructions += th.stats.instructions
      }
      return {
        name,
        uptimeMs: v.state === 'running' ? (now - v.startedAt) / 1e6 : 0,
        instructions: k.core ? instructions : null,
        cpuTimeNs: task ? cpu : null,
        memoryBytes: task ? task.space.mappedPages * 4096 : null,
      }
    })
  }

  inspect(): KernelView {
    return inspectKernel(this.booted.kernel)
  }

  memoryMap(task: number): MemoryMap | null {
    return memoryMap(this.booted.kernel, task)
  }

  mappingTree(task: number, address: number): MappingView | null {
    return mappingTree(this.booted.kernel, task, address)
  }

  private taskNamed(name: string): Task | undefined {
    for (const o of this.booted.kernel.objects) if ((o.kind === 'task' || o.kind === 'vm') && o.name === name && !o.dead) return o as Task
    return undefined
  }

  private output(v: Vcon, bytes: Uint8Array): void {
    if (v === this.nedControl) return this.controlOutput(bytes)
    const rec = this.vmsByName.get(v.name)
    // Terminals want CR LF; native programs write LF (for a Linux guest its tty's ONLCR does this).
    const cooked = toCrLf(bytes)
    rec?.history.append(cooked)
    this.sink.consoleOutput(v.name, cooked)
  }

  private syncVms(): void {
    const k = this.booted.kernel
    for (const v of k.vcons) {
      const rec = this.vmsByName.get(v.name)
      if (!rec) this.vmsByName.set(v.name, { vcon: v, history: new Scrollback(), state: 'running', startedAt: k.now })
      else if (v.id > rec.vcon.id) {
        // Started again: same name, same scroll-back, a new terminal that takes the UI's size.
        v.resize(rec.vcon.cols, rec.vcon.rows)
        Object.assign(rec, { vcon: v, state: 'running', detail: undefined, startedAt: k.now })
      }
    }
    this.sink.vmsChanged(this.vms())
  }

  private taskEnded(task: Task, reason: string): void {
    if (task.name === 'ned') for (const w of [...this.waiting]) this.answer(w.vm, { ok: false, error: `ned ended (${reason}): restart the board` })
    const rec = this.vmsByName.get(task.name)
    if (!rec || task.name === SYSTEM_LOG) return
    const crashed = /exception|fault|failed|killed/i.test(reason)
    rec.state = reason === STOPPED ? 'stopped' : crashed ? 'crashed' : 'exited'
    rec.detail = reason
    this.sink.vmsChanged(this.vms())
  }
}

/** LF → CR LF, leaving existing CR LF alone. */
function toCrLf(b: Uint8Array): Uint8Array {
  let n = 0
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) n++
  if (n === 0) return b
  const out = new Uint8Array(b.length + n)
  let o = 0
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out[o++] = 0x0d
    out[o++] = b[i]
  }
  return out
}
