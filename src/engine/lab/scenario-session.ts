/**
 * A session that runs a scenario on an arm-ve board (or a pc board, for a
 * scenario of x86-64 lx VMs): the base system
 * (bootstrap.ts: kernel → sigma0 → moe → cons) and ned SCENARIO. Every
 * console a program gets from cons is a lab terminal (a kernel Vcon), which
 * the host shows as one VM console; "l4re" is the system log the base
 * programs write to.
 *
 * VMs are the programs ned started with a log tag. Stopping one ends its
 * task; starting it again (or restarting it) is ned's work: the board writes
 * `start TAG` on ned's control console and answers with ned's reply.
 *
 * Status: booting until ned says on the same console how the script went
 * (`ready` → running, `failed FILE:LINE: message` → failed); ned ending
 * before it says so is a failure too, so a board never stays booting.
 *
 * Time: the kernel's virtual time, paced to the wall clock. When all CPUs
 * are idle the board jumps to the next timer unless that lies ahead of the
 * wall clock, in which case it asks the host to come back then; when guests
 * are busy, virtual time advances as fast as they run.
 */
import { CapRight } from '../kernel/abi'
import type { BootedKernel } from '../kernel/boot'
import { endTask } from '../kernel/lifecycle'
import { Vcon } from '../kernel/objects/vcon'
import type { Task } from '../kernel/objects/task'
import { inspectKernel, mappingTree, memoryMap, type KernelView, type MappingView, type MemoryMap } from '../kernel/introspect'
import { InputQueue } from './input-queue'
import { Scrollback } from './scrollback'
import type { NativeProgram } from '../l4/runtime/program'
import { nedProgram } from '../apps/ned/ned'
import { helloClient, helloServer } from '../apps/demo/hello'
import { lxProgram } from '../apps/lx/program'
import { ARM_VE } from '../boards/arm-ve'
import type { BoardDescriptor } from '../boards/descriptor'
import { uvmmProgram } from '../apps/uvmm/program'
import type { UvmmVm } from '../apps/uvmm/vm'
import { buildBoard } from '../boards/builder'
import { bootstrap } from './bootstrap'
import { CrLf } from './console-text'
import type { BoardFigures, Session, SessionResult, SessionSink, SessionStatus, SessionWallTime, VmAction, VmDescriptor, VmFigures, DisplayInputEvent } from './session'
import { WallMeter } from '../kernel/wall-meter'
import { boardFigures } from './board-figures'
import { readIpcTrace, setIpcTrace, type IpcTraceState } from './ipc-trace-control'
import { BootProgress } from './boot-progress'
import { dropIntoTmp } from '../apps/lx/fs/drop'
import type { Lx } from '../apps/lx/lx'
import { WatchedDisplay, lxDisplay, lxTask, uvmmDisplay, uvmmTask } from './displays'
import type { VcpuState } from '../kernel/vcpu'

export interface ScenarioSessionSpec {
  kind: 'scenario'
  /** The scenario: its rom name (e.g. "hello.lua") and Lua source. */
  scenario: { name: string; source: string }
  /** Further rom modules (root filesystems, guest binaries). */
  modules?: Record<string, Uint8Array>
  /** The board it runs on, as a board file describes it (checked by the host; default: the shipped arm-ve). */
  board?: BoardDescriptor
  /** RAM and CPUs as the scenario's `-- l4lab board:` line asks (default: the board's). */
  ramMiB?: number
  cpus?: number
  /** Pace virtual time to the wall clock (default true). Tests run unpaced. */
  paced?: boolean
}

/** A scenario board's RAM unless its `-- l4lab board:` line says otherwise: arm-ve's. */
export const DEFAULT_RAM_MIB = ARM_VE.memmap.ram.size / 2 ** 20
const SYSTEM_LOG = 'l4re'
const STOPPED = 'stopped from the lab'
/** How long ned may take to answer a control line (wall time; ned answers within one slice). */
const CONTROL_TIMEOUT_MS = 10_000

/** The native programs every scenario session's boot image carries besides the base system. */
export function scenarioPrograms(vms?: Map<string, UvmmVm>, lxs?: WeakMap<VcpuState, Lx>, onDisplay?: (lx: Lx) => void, onVmDisplay?: (vm: UvmmVm) => void): NativeProgram[] {
  return [
    nedProgram(),
    helloServer,
    helloClient,
    lxProgram(lxs ? { onStart: (lx) => lxs.set(lx.vcpu, lx), onDisplay } : null),
    uvmmProgram(vms ? {
      onStart: (vm) => {
        vms.set(vm.args.id, vm)
        // A VM's display appears when its guest turns the controller on (and changes with its mode).
        if (vm.display && onVmDisplay) vm.display.onChange = () => onVmDisplay(vm)
      },
    } : null),
  ]
}

interface VmRecord {
  /** The newest terminal with the VM's name (a started-again VM gets a new one). */
  vcon: Vcon
  history: Scrollback
  /** LF → CR LF for its terminal, across writes. */
  crlf: CrLf
  /** Typed or pasted bytes its terminal has had no room for yet. */
  input: InputQueue
  state: VmDescriptor['state']
  detail?: string
  startedAt: number
  /** Console bytes the guest wrote, and typed bytes its terminal took, since the VM was first seen. */
  consoleOut: number
  consoleIn: number
}

export class ScenarioSession implements Session {
  readonly kind = 'scenario'
  /** The kernel and its singletons (set as soon as the kernel is up, before any program runs). */
  booted!: BootedKernel
  private readonly vmsByName = new Map<string, VmRecord>()
  /** The Linux VMs of the scenario by id (uvmm tells us of each as it starts), for their figures. */
  private readonly uvmms = new Map<string, UvmmVm>()
  /**
   * The lx instances, by the vCPU state of their thread (lx tells us of each
   * as it starts): a VM's task leads to its lx through its vCPU thread, and
   * an lx that ended goes with its thread.
   */
  private readonly lxs = new WeakMap<VcpuState, Lx>()
  private readonly enc = new TextEncoder()
  private readonly startWall: number
  private readonly paced: boolean
  /** ned's control console (not a lab terminal) and the lines waiting for its answer. */
  private nedControl!: Vcon
  private controlReply = ''
  private readonly waiting: { vm: string; since: number; done: (r: SessionResult) => void }[] = []
  private current: SessionStatus = { state: 'booting' }
  /** The VMs' displays by VM name (lx tells us of each it makes; a VM that ends takes its display along). */
  private readonly displays = new Map<string, WatchedDisplay>()
  /** Why a Linux VM's display shows nothing, as last said on its console (said once per reason). */
  private readonly vmDisplayRefused = new Map<string, string>()
  /** VMs with queued console input, so that a slice without any looks at none. */
  private readonly inputWaiting = new Set<VmRecord>()
  /** The boot's phases (set once the base system is created; consoles appear before that). */
  private boot: BootProgress | null = null
  /** Where host time went, when the host measures it. */
  private readonly wall: { boardMs: number; bootstrapMs: number; meter: WallMeter } | null

  constructor(
    private readonly spec: ScenarioSessionSpec,
    private readonly sink: SessionSink,
    private readonly now: () => number,
    measureWall = false,
  ) {
    if (!spec.scenario || typeof spec.scenario.source !== 'string') throw new Error('scenario session: no scenario given')
    const t0 = now()
    // Guests run on the board's core, whose translations the kernel answers.
    let kernel: BootedKernel['kernel'] | null = null
    const desc = spec.board ?? ARM_VE
    // lx runs programs of its board's core; the base system is native. A board without a core cannot run lx.
    if (desc.cpus < 1) throw new Error(`board ${desc.name}: scenarios run on boards with CPUs, not ${desc.cpus}`)
    const ramBytes = spec.ramMiB !== undefined ? spec.ramMiB * 2 ** 20 : desc.memmap.ram.size
    const built = buildBoard(desc, { ramBytes, cpus: spec.cpus ?? desc.cpus, translate: (asid, va, access) => kernel!.translate(asid, va, access) })
    if (!built.ok) throw new Error(built.error)
    const t1 = now()
    const modules = new Map<string, Uint8Array>(Object.entries(spec.modules ?? {}))
    modules.set(spec.scenario.name, this.enc.encode(spec.scenario.source))
    const system = bootstrap({
      board: built.board,
      programs: scenarioPrograms(this.uvmms, this.lxs, (lx) => this.displayMade(lx), (vm) => this.vmDisplayChanged(vm)),
      modules,
      cons: true,
      prepare: (b) => {
        this.booted = b
        const k = b.kernel
        // Before anything runs: the meter sees every step.
        if (measureWall) k.wallMeter = new WallMeter(now)
        // The observers go in before anything runs, so the first line of every console is seen.
        k.vcons.observer = { output: (v, bytes) => this.output(v, bytes), changed: () => this.syncVms() }
        k.hooks.taskEnded = (task, reason) => this.taskEnded(task, reason)
        const log = k.register(new Vcon(k, SYSTEM_LOG, 'w'), null, 0)!
        k.vcons.created(log)
        // ned's control console (not a lab terminal): the session starts VMs again through it.
        this.nedControl = k.register(new Vcon(k, 'ned-control', 'w'), null, 0)!
        return { log, rootCaps: [{ name: 'ctl', object: this.nedControl, rights: CapRight.RWS }] }
      },
      root: { name: 'ned', args: ['ned', `rom/${spec.scenario.name}`], prio: 200, caps: ['rom', 'mem', 'log_fab'] },
    })
    kernel = system.booted.kernel
    this.boot = new BootProgress([
      { name: 'sigma0', thread: system.sigma0.thread, serves: true },
      { name: 'moe', thread: system.moe.thread, serves: true },
      ...(system.cons ? [{ name: 'cons', thread: system.cons.thread, serves: true }] : []),
      { name: 'ned', thread: system.root.thread, serves: false },
    ])
    this.paced = spec.paced ?? true
    this.startWall = now()
    this.wall = kernel.wallMeter ? { boardMs: t1 - t0, bootstrapMs: this.startWall - t1, meter: kernel.wallMeter } : null
  }

  wallTime(): SessionWallTime | null {
    return this.wall && { boardMs: this.wall.boardMs, bootstrapMs: this.wall.bootstrapMs, byTask: this.wall.meter.byTask }
  }

  status(): SessionStatus {
    return this.current
  }

  /** The script's outcome, once: later lines (ned does not send any) change nothing. */
  private settleStatus(next: SessionStatus): void {
    if (this.current.state !== 'booting') return
    this.current = next
    this.boot?.settle(next.state === 'running', this.booted.kernel.now)
    this.reportBoot()
    this.sink.statusChanged(next)
  }

  /** Tells the host the boot's phases when they changed; looks at the base programs while the board boots. */
  private reportBoot(): void {
    if (!this.boot) return
    if (this.current.state === 'booting') this.boot.look(this.booted.kernel.now)
    const phases = this.boot.takeChanges()
    if (phases) this.sink.bootProgress?.(phases)
  }

  vms(): readonly VmDescriptor[] {
    return [...this.vmsByName.entries()].map(([name, v]) => ({
      name,
      color: v.vcon.colour,
      state: v.state,
      detail: v.detail,
      system: name === SYSTEM_LOG,
      ...(this.displays.has(name) && { display: { width: this.displays.get(name)!.display.mode.width, height: this.displays.get(name)!.display.mode.height } }),
    }))
  }

  watchDisplay(vm: string, full: boolean): SessionResult {
    const d = this.displays.get(vm)
    if (!d) return { ok: false, error: `${vm} has no display` }
    d.watch(this.now(), full)
    return { ok: true }
  }

  displayFrames(): { vm: string; frame: Uint8Array }[] {
    const now = this.now()
    const out: { vm: string; frame: Uint8Array }[] = []
    for (const [vm, d] of this.displays) {
      if (d.watchedUntil < now) {
        d.unwatched()
        continue
      }
      const f = d.frame()
      if (f) out.push({ vm, frame: f.slice() })
    }
    return out
  }

  watchingDisplays(): boolean {
    const now = this.now()
    for (const d of this.displays.values()) if (d.watchedUntil >= now) return true
    return false
  }

  displayInput(vm: string, events: readonly DisplayInputEvent[]): SessionResult {
    const d = this.displays.get(vm)
    if (!d) return { ok: false, error: `${vm} has no display` }
    const input = d.display.input
    for (const e of events) {
      if (e.kind === 'key') input.key(e.code, e.down)
      else if (e.kind === 'motion') input.motion(e.dx, e.dy)
      else if (e.kind === 'position') input.position(e.x, e.y)
      else input.wheel(e.steps)
    }
    return { ok: true }
  }

  /** An lx made its display: found through its task, named as its VM. */
  private displayMade(lx: Lx): void {
    const k = this.booted.kernel
    const task = lxTask(k, lx)
    if (!task) return
    const d = lxDisplay(k, task, lx)
    if (typeof d === 'string') {
      this.sink.consoleOutput(task.name, this.enc.encode(`\r\n[l4lab: no display for ${task.name}: ${d}]\r\n`))
      return
    }
    this.displays.set(task.name, new WatchedDisplay(d))
    this.sink.vmsChanged(this.vms())
  }

  /**
   * A Linux VM's PL111 changed what it shows: a display in a new mode
   * replaces the old one (a view sees the new size in the VM list); the
   * same mode again (a new base, blanking) keeps it — its pixels follow.
   */
  private vmDisplayChanged(vm: UvmmVm): void {
    const name = vm.args.id
    const s = vm.display?.clcd.scanout()
    if (!s) return
    if (typeof s === 'string') {
      // Off is the normal state between mode sets; a mode the lab cannot show is said once.
      if (!s.startsWith('the controller is off') && this.vmDisplayRefused.get(name) !== s) {
        this.vmDisplayRefused.set(name, s)
        this.sink.consoleOutput(name, this.enc.encode(`\r\n[l4lab: ${name}'s display shows nothing: ${s}]\r\n`))
      }
      return
    }
    this.vmDisplayRefused.delete(name)
    const have = this.displays.get(name)?.display.mode
    if (have && have.width === s.width && have.height === s.height && have.stride === s.stride) return
    const k = this.booted.kernel
    const task = uvmmTask(k, vm)
    if (!task) return
    const d = uvmmDisplay(k, task, vm)
    if (typeof d === 'string') {
      this.sink.consoleOutput(name, this.enc.encode(`\r\n[l4lab: no display for ${name}: ${d}]\r\n`))
      return
    }
    this.displays.set(name, new WatchedDisplay(d))
    this.sink.vmsChanged(this.vms())
  }

  run(sliceMs: number): number {
    const t0 = this.now()
    for (const w of [...this.waiting]) {
      if (t0 - w.since > CONTROL_TIMEOUT_MS) this.answer(w.vm, { ok: false, error: `ned did not answer the request for ${w.vm}` })
    }
    const wait = this.advance(t0, sliceMs)
    this.reportBoot()
    // A request waiting for ned is timed out by run(): come back even when the board is idle.
    return this.waiting.length > 0 ? Math.min(wait, 100) : wait
  }

  private advance(t0: number, sliceMs: number): number {
    const k = this.booted.kernel
    while (this.now() - t0 < sliceMs) {
      if (k.halted) return Infinity
      if (this.inputWaiting.size > 0) this.feedInput()
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

  input(vm: string, data: Uint8Array): SessionResult {
    const v = this.vmsByName.get(vm)
    if (!v) return { ok: false, error: `no VM named ${vm}` }
    if (!v.input.push(data)) {
      return { ok: false, error: `${vm}'s console input is full (${v.input.length} bytes typed or pasted that it has not read yet): ${data.length} bytes dropped` }
    }
    this.inputWaiting.add(v)
    this.feedInput()
    return { ok: true }
  }

  /** Hands queued input to the terminals, as far as they have room (their guests read). */
  private feedInput(): void {
    for (const v of this.inputWaiting) {
      v.input.drain((bytes) => {
        const n = v.vcon.pushInput(bytes)
        v.consoleIn += n
        return n
      })
      if (v.input.length === 0) this.inputWaiting.delete(v)
    }
  }

  resize(vm: string, cols: number, rows: number): SessionResult {
    const v = this.vmsByName.get(vm)
    if (!v) return { ok: false, error: `no VM named ${vm}` }
    v.vcon.resize(cols, rows)
    return { ok: true }
  }

  control(vm: string, action: VmAction): SessionResult | Promise<SessionResult> {
    const v = this.vmsByName.get(vm)
    if (!v) return { ok: false, error: `no VM named ${vm}` }
    if (vm === SYSTEM_LOG) return { ok: false, error: 'the system log is not a VM' }
    const task = this.taskNamed(vm)
    if (action === 'stop') {
      if (!task) return { ok: false, error: `${vm} is not running` }
      endTask(this.booted.kernel, task, STOPPED)
      return { ok: true }
    }
    if (action === 'start' && task) return { ok: false, error: `${vm} is running` }
    if (!this.taskNamed('ned')) return { ok: false, error: 'ned is not running: restart the board to run the scenario again' }
    if (this.waiting.some((w) => w.vm === vm)) return { ok: false, error: `${vm} is being started` }
    if (task) endTask(this.booted.kernel, task, STOPPED)
    v.state = 'starting'
    v.detail = undefined
    this.sink.vmsChanged(this.vms())
    return new Promise((done) => {
      this.waiting.push({ vm, since: this.now(), done })
      this.nedControl.pushInput(this.enc.encode(`start ${vm}\n`))
    })
  }

  /** ned's lines: how the script went ("ready", "failed why"), answers to control lines ("ok TAG", "error TAG: why"). */
  private controlOutput(bytes: Uint8Array): void {
    this.controlReply += new TextDecoder().decode(bytes)
    for (let nl = this.controlReply.indexOf('\n'); nl >= 0; nl = this.controlReply.indexOf('\n')) {
      const line = this.controlReply.slice(0, nl)
      this.controlReply = this.controlReply.slice(nl + 1)
      if (line === 'ready') this.settleStatus({ state: 'running' })
      if (line.startsWith('failed ')) this.settleStatus({ state: 'failed', error: line.slice(7) })
      const m = /^(ok|error) ([^ :]*):? ?(.*)$/.exec(line)
      if (!m) continue
      this.answer(m[2], m[1] === 'ok' ? { ok: true } : { ok: false, error: m[3] || `ned could not start ${m[2]}` })
    }
  }

  private answer(vm: string, r: SessionResult): void {
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
      let ipcs = 0
      for (const th of task?.threads ?? []) {
        cpu += th.stats.consumedNs
        instructions += th.stats.instructions
        ipcs += th.stats.ipcSent
      }
      const lx = task && this.lxOf(task)
      // A Linux VM's memory is what its stage 2 maps (guest RAM it touched), not its uvmm's
      // task, which maps all of the RAM and the rom files besides.
      const uvmm = task && this.uvmms.get(name)
      const guest = uvmm && task.caps.get(uvmm.vmCap)?.object
      const space = guest?.kind === 'vm' ? guest.space : task?.space
      return {
        name,
        uptimeMs: v.state === 'running' ? (now - v.startedAt) / 1e6 : 0,
        instructions: k.core ? instructions : null,
        cpuTimeNs: task ? cpu : null,
        memoryBytes: space ? space.mappedPages * 4096 : null,
        memoryLimitBytes: lx ? lx.opts.memBytes : null,
        kernelMemory: task?.quota ? { used: task.quota.current, max: task.quota.max } : null,
        ipcs: task ? ipcs : null,
        consoleBytes: { out: v.consoleOut, in: v.consoleIn },
        // An lx VM: the system calls, page faults and IRQs of its Linux.
        ...(lx && { syscalls: lx.syscalls, pageFaults: lx.pageFaults, interrupts: lx.irqs }),
        // A Linux VM (uvmm, started as `id`): its exits, interrupts, stage-2 faults, disks and RAM.
        ...uvmm?.figures(),
      }
    })
  }

  boardFigures(): BoardFigures {
    return boardFigures(this.booted.kernel)
  }

  putFile(vm: string, name: string, offset: number, data: Uint8Array): { ok: true; path: string } | { ok: false; error: string } {
    const task = this.taskNamed(vm)
    if (!task) return { ok: false, error: `${vm} is not running` }
    const lx = this.lxOf(task)
    if (!lx?.files) return { ok: false, error: `${vm} is not an lx VM: files can be dropped on lx VMs only` }
    return dropIntoTmp(lx, name, offset, data)
  }

  /** The lx a VM's task runs, found through its vCPU thread (lx tells us of itself as it starts). */
  private lxOf(task: Task): Lx | undefined {
    for (const th of task.threads) if (th.vcpu) return this.lxs.get(th.vcpu)
    return undefined
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

  ipcTrace(on: boolean): void {
    setIpcTrace(this.booted.kernel, on)
  }

  readIpcTrace(after: number): IpcTraceState {
    return readIpcTrace(this.booted.kernel, after)
  }

  private taskNamed(name: string): Task | undefined {
    for (const o of this.booted.kernel.objects) if ((o.kind === 'task' || o.kind === 'vm') && o.name === name && !o.dead) return o
    return undefined
  }

  private output(v: Vcon, bytes: Uint8Array): void {
    if (v === this.nedControl) return this.controlOutput(bytes)
    const rec = this.vmsByName.get(v.name)
    if (!rec) return
    rec.consoleOut += bytes.length
    if (v.name !== SYSTEM_LOG) this.boot?.vmOutput(v.name, this.booted.kernel.now)
    const cooked = rec.crlf.convert(bytes)
    rec.history.append(cooked)
    this.sink.consoleOutput(v.name, cooked)
  }

  private syncVms(): void {
    const k = this.booted.kernel
    for (const v of k.vcons.values()) {
      const rec = this.vmsByName.get(v.name)
      if (!rec) {
        this.vmsByName.set(v.name, { vcon: v, history: new Scrollback(), crlf: new CrLf(), input: new InputQueue(), state: 'running', startedAt: k.now, consoleOut: 0, consoleIn: 0 })
        if (v.name !== SYSTEM_LOG) this.boot?.vmStarted(v.name, k.now)
      }
      else if (v.id > rec.vcon.id) {
        // Started again: same name, same scroll-back, a new terminal that takes the UI's size.
        v.resize(rec.vcon.cols, rec.vcon.rows)
        // Input typed for the VM that ended is not for the new one.
        Object.assign(rec, { vcon: v, input: new InputQueue(), state: 'running', detail: undefined, startedAt: k.now })
        this.inputWaiting.delete(rec)
      }
    }
    this.sink.vmsChanged(this.vms())
  }

  private taskEnded(task: Task, reason: string): void {
    if (task.name === 'ned') {
      for (const w of [...this.waiting]) this.answer(w.vm, { ok: false, error: `ned ended (${reason}): restart the board` })
      this.settleStatus({ state: 'failed', error: `ned ended before the scenario did (${reason})` })
    }
    // The display's frames go with the task (lx's frames return to moe): never scanned, nor their writes noted, again.
    this.displays.get(task.name)?.unwatched()
    if (this.displays.delete(task.name)) this.sink.vmsChanged(this.vms())
    const rec = this.vmsByName.get(task.name)
    if (!rec || task.name === SYSTEM_LOG) return
    const crashed = /exception|fault|failed|killed/i.test(reason)
    rec.state = reason === STOPPED ? 'stopped' : crashed ? 'crashed' : 'exited'
    rec.detail = reason
    this.sink.vmsChanged(this.vms())
  }
}
