/**
 * The user library for native µApps, modelled on l4sys: typed wrappers that
 * put an invocation's words into the UTCB, make the call, and decode the
 * reply. Each is a generator to delegate to:
 *
 *   const err = yield* factoryCreate(sys, env.factory, Proto.Thread, slot)
 *
 * Results follow l4_error(): 0 for success, a negative error number from the
 * object (-EPERM, -ENOMEM …), or -(L4_EIPC_LO + code) for an IPC error.
 */
import { BaseCap, CapRight, FpageType, IcuOp, IpcErr, IrqOp, IrqSenderOp, MapItem, Proto, SchedulerOp, TagFlag, TaskOp, ThreadCtl, ThreadOp, UnmapFlag, Utcb, VconOp, GateOp, msgtag, objFpage, tagLabel, tagWords, fpage, VCPU_CONTROL_EXT, type Sys, type NativeEntry, type VcpuState } from '../kernel/uapi'

/** l4sys's L4_EIPC_LO: IPC errors are reported below -2000. */
export const EIPC_LO = 2000

export type L4Call = Generator<unknown, number, number>

/** l4_error(): 0, -errno from the object, or -(EIPC_LO + ipc error). */
export function l4Error(sys: Sys, tag: number): number {
  if (tag & TagFlag.Error) return -(EIPC_LO + sys.error)
  const l = tagLabel(tag)
  return l < 0 ? l : 0
}

export function ipcErrorOf(result: number): IpcErr {
  return result <= -EIPC_LO ? ((-result - EIPC_LO) as IpcErr) : IpcErr.None
}

/** Invokes `cap` with `label` and `words` words already in MR0..; returns l4_error of the reply. */
export function* invoke(sys: Sys, cap: number, label: number, words: number, items = 0, payload?: unknown): L4Call {
  const tag = yield sys.call(cap, msgtag(label, words, items, 0), undefined, payload)
  return l4Error(sys, tag)
}

// ------------------------------------------------------------------ factory

/** Creates an object of protocol `proto` into capability slot `slot` of the caller's task. */
export function* factoryCreate(sys: Sys, factory: number, proto: Proto, slot: number, ...args: number[]): L4Call {
  const u = sys.utcb
  u[0] = proto
  for (let i = 0; i < args.length; i++) u[1 + i] = args[i]
  u[Utcb.Bdr] = 0
  u[Utcb.BrFirst] = objFpage(slot, 0, CapRight.All & 0xf)
  return yield* invoke(sys, factory, Proto.Factory, 1 + args.length)
}

export function* createGate(sys: Sys, factory: number, slot: number, thread: number, label: number): L4Call {
  return yield* factoryCreate(sys, factory, Proto.Kobject, slot, thread, label)
}

export function* createFactory(sys: Sys, factory: number, slot: number, limit: number): L4Call {
  return yield* factoryCreate(sys, factory, Proto.Factory, slot, limit)
}

const enc = new TextEncoder()

/** Creates a lab terminal (a kernel Vcon) named `name` with ned's colour letter. */
export function* createVcon(sys: Sys, factory: number, slot: number, name: string, colour: string): L4Call {
  const b = enc.encode(name)
  sys.utcb[0] = Proto.Log
  sys.utcb[1] = colour.charCodeAt(0) || 0x77
  sys.utcb[2] = b.length
  sys.bytes.set(b, 24)
  sys.utcb[Utcb.Bdr] = 0
  sys.utcb[Utcb.BrFirst] = objFpage(slot, 0, 0xf)
  return yield* invoke(sys, factory, Proto.Factory, 3 + Math.ceil(b.length / 8))
}

// --------------------------------------------------------------------- task

/** Maps `fp` (a flexpage word in `srcTask`) into `dstTask` at `sndBase` (an address, or a slot << 12 for capabilities). */
export function* taskMap(sys: Sys, dstTask: number, srcTask: number, fp: number, sndBase: number, extraRights = 0): L4Call {
  const u = sys.utcb
  u[0] = TaskOp.Map
  u[1] = sndBase
  u[2] = fp
  u[3] = MapItem.Map | (extraRights & (CapRight.N | CapRight.C))
  u[4] = objFpage(srcTask, 0, CapRight.RWS & 0xf)
  return yield* invoke(sys, dstTask, Proto.Task, 3, 1)
}

/** Maps capability `srcSlot` of the caller's task into `dstTask` at `dstSlot` with `rights`. */
export function* mapCap(sys: Sys, dstTask: number, srcSlot: number, dstSlot: number, rights: number): L4Call {
  return yield* taskMap(sys, dstTask, BaseCap.Task, objFpage(srcSlot, 0, rights & 0xf), dstSlot * 4096, rights & 0x30)
}

export function* taskUnmap(sys: Sys, task: number, fpages: number[], flags: number = UnmapFlag.OtherSpaces): L4Call {
  const u = sys.utcb
  u[0] = TaskOp.Unmap
  u[1] = flags >>> 0
  for (let i = 0; i < fpages.length; i++) u[2 + i] = fpages[i]
  return yield* invoke(sys, task, Proto.Task, 2 + fpages.length)
}

/** Deletes the object capability `slot` of `task` names (needs the D right). */
export function* deleteCap(sys: Sys, task: number, slot: number): L4Call {
  return yield* taskUnmap(sys, task, [objFpage(slot, 0, 0xf)], UnmapFlag.DeleteObj)
}

/** Removes capability `slot` from `task` (the object lives on if others hold it). */
export function* releaseCap(sys: Sys, task: number, slot: number): L4Call {
  sys.utcb[0] = TaskOp.ReleaseCap
  sys.utcb[1] = slot
  return yield* invoke(sys, task, Proto.Task, 2)
}

/** Whether `slot` names a live object in `task`. */
export function* capValid(sys: Sys, task: number, slot: number): L4Call {
  sys.utcb[0] = TaskOp.CapInfo
  sys.utcb[1] = slot
  sys.utcb[2] = 0
  const tag = yield sys.call(task, msgtag(Proto.Task, 3, 0, 0))
  if (tag & TagFlag.Error) return l4Error(sys, tag)
  return tagLabel(tag)
}

/** Names the object of `slot` for the debugger (the kernel inspector shows it). */
export function* setName(sys: Sys, slot: number, name: string): L4Call {
  const b = enc.encode(name).subarray(0, 64)
  sys.utcb[0] = 0
  sys.utcb[1] = slot
  sys.utcb[2] = b.length
  sys.bytes.set(b, 24)
  return yield* invoke(sys, BaseCap.Debugger, Proto.Debugger, 3 + Math.ceil(b.length / 8))
}

/** How many capabilities, in all tasks, name the object of `slot` in `task` (0 if none or dead). */
export function* capReferences(sys: Sys, task: number, slot: number): L4Call {
  sys.utcb[0] = TaskOp.CapInfo
  sys.utcb[1] = slot
  sys.utcb[2] = 0
  sys.utcb[3] = 1
  const tag = yield sys.call(task, msgtag(Proto.Task, 4, 0, 0))
  if (tag & TagFlag.Error) return l4Error(sys, tag)
  return tagLabel(tag)
}

// ------------------------------------------------------------------- thread

export function* threadControl(sys: Sys, thread: number, opts: { pager?: number; excHandler?: number; bindTask?: number }): L4Call {
  let flags = 0
  const u = sys.utcb
  if (opts.pager !== undefined) {
    flags |= ThreadCtl.SetPager
    u[1] = opts.pager
  }
  if (opts.excHandler !== undefined) {
    flags |= ThreadCtl.SetExcHandler
    u[2] = opts.excHandler
  }
  if (opts.bindTask !== undefined) {
    flags |= ThreadCtl.BindTask
    u[5] = opts.bindTask
  }
  u[0] = ThreadOp.Control + flags
  return yield* invoke(sys, thread, Proto.Thread, 6)
}

/** Starts an emulated thread at `ip` with stack `sp`. */
export function* exRegs(sys: Sys, thread: number, ip: number, sp: number, flags = 0): L4Call {
  sys.utcb[0] = ThreadOp.ExRegs + flags
  sys.utcb[1] = ip
  sys.utcb[2] = sp
  return yield* invoke(sys, thread, Proto.Thread, 3)
}

/** Starts a native thread at an entry point (ex_regs with a native entry in place of an address). */
export function* startNativeThread(sys: Sys, thread: number, entry: NativeEntry): L4Call {
  sys.utcb[0] = ThreadOp.ExRegs
  sys.utcb[1] = -1
  sys.utcb[2] = -1
  return yield* invoke(sys, thread, Proto.Thread, 3, 0, entry)
}

export function* threadSwitch(sys: Sys, thread: number): L4Call {
  sys.utcb[0] = ThreadOp.Switch
  return yield* invoke(sys, thread, Proto.Thread, 1)
}

/** Consumed time of `thread` in µs, or a negative error. */
export function* threadStats(sys: Sys, thread: number): L4Call {
  sys.utcb[0] = ThreadOp.Stats
  const r = yield* invoke(sys, thread, Proto.Thread, 1)
  return r < 0 ? r : sys.utcb[0]
}

export function* vcpuControl(sys: Sys, thread: number, state: VcpuState, extended = false): L4Call {
  sys.utcb[0] = ThreadOp.VcpuControl + (extended ? VCPU_CONTROL_EXT : 0)
  return yield* invoke(sys, thread, Proto.Thread, 1, 0, state)
}

/**
 * Resumes the caller's vCPU in user mode; returns when an upcall happens
 * (0, with the reason in the state area) or with a negative error. `maps`
 * are [flexpage in the caller's space, destination address in the user task]
 * pairs mapped into the user task first.
 */
export function* vcpuResume(sys: Sys, self: number, maps: readonly (readonly [number, number])[] = []): L4Call {
  const u = sys.utcb
  u[0] = ThreadOp.VcpuResume
  for (let i = 0; i < maps.length; i++) {
    u[1 + 2 * i] = Math.floor(maps[i][1] / 4096) * 4096 + MapItem.Map
    u[2 + 2 * i] = maps[i][0]
  }
  const tag = yield sys.call(self, msgtag(Proto.Thread, 1, maps.length, 0))
  return l4Error(sys, tag)
}

// ---------------------------------------------------------------- scheduler

export function* runThread(sys: Sys, scheduler: number, thread: number, prio: number, cpu = 0, timesliceUs = 0): L4Call {
  const u = sys.utcb
  u[0] = SchedulerOp.RunThread
  u[1] = thread
  u[2] = prio
  u[3] = cpu
  u[4] = timesliceUs
  return yield* invoke(sys, scheduler, Proto.Scheduler, 5)
}

export function* schedulerInfo(sys: Sys, scheduler: number): Generator<unknown, { maxPrio: number; cpus: number; online: number } | number, number> {
  sys.utcb[0] = SchedulerOp.Info
  const r = yield* invoke(sys, scheduler, Proto.Scheduler, 1)
  if (r < 0) return r
  return { maxPrio: sys.utcb[0], cpus: sys.utcb[1], online: sys.utcb[2] }
}

// ---------------------------------------------------------------- gates, IRQs

export function* gateBind(sys: Sys, gate: number, thread: number, label: number): L4Call {
  sys.utcb[0] = GateOp.Bind
  sys.utcb[1] = thread
  sys.utcb[2] = label
  return yield* invoke(sys, gate, Proto.Kobject, 3)
}

export function* irqAttach(sys: Sys, irq: number, label: number, thread: number): L4Call {
  sys.utcb[0] = IrqSenderOp.Attach
  sys.utcb[1] = label
  sys.utcb[2] = thread
  return yield* invoke(sys, irq, Proto.IrqSender, 3)
}

export function* irqDetach(sys: Sys, irq: number): L4Call {
  sys.utcb[0] = IrqSenderOp.Detach
  return yield* invoke(sys, irq, Proto.IrqSender, 1)
}

export function* irqTrigger(sys: Sys, irq: number): L4Call {
  sys.utcb[0] = IrqOp.Trigger
  return yield* invoke(sys, irq, Proto.Irq, 1)
}

/** Acknowledges an IRQ so that the next trigger is delivered. */
export function* irqUnmask(sys: Sys, irq: number): L4Call {
  sys.utcb[0] = IrqOp.Eoi
  return yield* invoke(sys, irq, Proto.Irq, 1)
}

export function* icuBind(sys: Sys, icu: number, line: number, irq: number): L4Call {
  sys.utcb[0] = IcuOp.Bind
  sys.utcb[1] = line
  sys.utcb[2] = irq
  return yield* invoke(sys, icu, Proto.Irq, 3)
}

// -------------------------------------------------------------------- Vcon

const WRITE_CHUNK = (63 - 2) * 8

/** Writes bytes to a Vcon (or to a server speaking the LOG protocol), in chunks. */
export function* vconWrite(sys: Sys, vcon: number, data: Uint8Array | string): L4Call {
  const b = typeof data === 'string' ? enc.encode(data) : data
  for (let off = 0; off < b.length || off === 0; off += WRITE_CHUNK) {
    const n = Math.min(WRITE_CHUNK, b.length - off)
    sys.utcb[0] = VconOp.Write
    sys.utcb[1] = n
    sys.bytes.set(b.subarray(off, off + n), 16)
    const r = yield* invoke(sys, vcon, Proto.Log, 2 + Math.ceil(n / 8))
    if (r < 0) return r
    if (b.length === 0) break
  }
  return 0
}

/** Reads up to `max` bytes of input; returns them (possibly none) or a negative error. */
export function* vconRead(sys: Sys, vcon: number, max = 496): Generator<unknown, Uint8Array | number, number> {
  sys.utcb[0] = VconOp.Read
  sys.utcb[1] = max
  const tag = yield sys.call(vcon, msgtag(Proto.Log, 2, 0, 0))
  const r = l4Error(sys, tag)
  if (r < 0) return r
  const n = sys.utcb[0] % 0x80000000
  return sys.bytes.slice(8, 8 + Math.min(n, (tagWords(tag) - 1) * 8))
}

export function* vconGetAttr(sys: Sys, vcon: number): Generator<unknown, { cols: number; rows: number } | number, number> {
  sys.utcb[0] = VconOp.GetAttr
  const r = yield* invoke(sys, vcon, Proto.Log, 1)
  if (r < 0) return r
  return { cols: sys.utcb[4], rows: sys.utcb[5] }
}

export function* vconBindIrq(sys: Sys, vcon: number, irq: number): L4Call {
  sys.utcb[0] = IcuOp.Bind
  sys.utcb[1] = 0
  sys.utcb[2] = irq
  return yield* invoke(sys, vcon, Proto.Irq, 3)
}

// ------------------------------------------------------------------- memory

/** A memory flexpage word. */
export function mem(addr: number, order: number, rights: number): number {
  return fpage(FpageType.Memory, addr, order, rights)
}

export { objFpage }
