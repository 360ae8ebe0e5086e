// The kernel's IPC trace: records only while on, in order, wrapping around
// its ring; what a call, its reply, a send with capabilities and a page
// fault of emulated code look like in it.
import { describe, expect, it } from 'vitest'
import { KernelHarness } from '../testing/kernel-harness'
import { BaseCap, CapRight, MapItem, MemRight, Proto, Utcb, WHOLE_SPACE_ORDER, msgtag, objFpage, memFpage, tagLabel } from './abi'
import { IpcTrace } from './ipc-trace'
import type { Kernel } from './kernel'
import { buildBoard } from '../boards/builder'
import { ARM_VE } from '../boards/arm-ve'
import { bootKernel, createInitialTask } from './boot'
import { MemorySpace, mapPages } from './mem-space'
import { exRegs, factoryCreate, mapCap, threadControl } from '../l4/l4sys'
import type { Sys } from './native'

const GATE = 0x30

/** A client that calls the server `n` times through a gate labelled 0x42, with 3 words. */
function callPair(h: KernelHarness, n: number) {
  const server = h.spawn('server', function* (sys) {
    let tag = yield sys.wait()
    for (;;) {
      sys.utcb[0] = tagLabel(tag)
      tag = yield sys.replyAndWait(msgtag(0, 1, 0, 0))
    }
  })
  const gate = h.kernel.newGate(null, server.thread, 0x42)!
  const client = h.spawn(
    'client',
    function* (sys) {
      for (let i = 0; i < n; i++) yield sys.call(GATE, msgtag(7, 3, 0, 0))
    },
    { extra: [[GATE, gate, CapRight.RW]] },
  )
  return { server, client }
}

const traceOf = (k: Kernel) => k.ipcTrace!.read(0, 1 << 20)

describe('the IPC trace', () => {
  it('records nothing while off, and each call and reply while on', () => {
    const off = new KernelHarness()
    callPair(off, 5)
    off.run()
    expect(off.kernel.ipcTrace).toBeNull()
    expect(off.kernel.stats.ipcs).toBe(10)

    const h = new KernelHarness()
    h.kernel.ipcTrace = new IpcTrace(64)
    const { server, client } = callPair(h, 2)
    h.run()
    const { records, next, dropped } = traceOf(h.kernel)
    expect(next).toBe(4)
    expect(dropped).toBe(0)
    expect(records.map((r) => [r.seq, r.kind, r.sender.taskName, r.receiver.taskName, r.label, r.gateLabel, r.words])).toEqual([
      [0, 'call', 'client', 'server', 7, 0x42, 3],
      [1, 'reply', 'server', 'client', 0, 0, 1],
      [2, 'call', 'client', 'server', 7, 0x42, 3],
      [3, 'reply', 'server', 'client', 0, 0, 1],
    ])
    expect(records[0].sender).toEqual({ thread: client.thread.id, threadName: client.thread.name || `#${client.thread.id}`, task: client.task.id, taskName: 'client' })
    expect(records[0].receiver.thread).toBe(server.thread.id)
    expect(records[1].atNs).toBeGreaterThanOrEqual(records[0].atNs)
    // One record per message the threads count as sent.
    expect(client.thread.stats.ipcSent + server.thread.stats.ipcSent).toBe(4)
  })

  it('wraps around: keeps the newest records, and tells a reader who fell behind how many it lost', () => {
    const h = new KernelHarness()
    const trace = new IpcTrace(8)
    h.kernel.ipcTrace = trace
    callPair(h, 10)
    h.run()
    const all = trace.read(0, 100)
    expect(all.next).toBe(20)
    expect(all.records.map((r) => r.seq)).toEqual([12, 13, 14, 15, 16, 17, 18, 19])
    expect(all.records.map((r) => r.kind)).toEqual(['call', 'reply', 'call', 'reply', 'call', 'reply', 'call', 'reply'])
    expect(all.dropped).toBe(0)
    const behind = trace.read(5, 100)
    expect(behind.records[0].seq).toBe(12)
    expect(behind.dropped).toBe(7)
    // At most `max`, the newest.
    expect(trace.read(0, 3).records.map((r) => r.seq)).toEqual([17, 18, 19])
    // Read up to date: nothing new.
    expect(trace.read(20, 100).records).toEqual([])
    // A reader of a trace that was started again reads the new one from its start.
    expect(new IpcTrace(8).read(20, 100)).toEqual({ records: [], next: 0, dropped: 0 })
  })

  it('records a send that maps capabilities, and one that grants a page', () => {
    const h = new KernelHarness()
    h.kernel.ipcTrace = new IpcTrace(16)
    const receiver = h.spawn('receiver', function* (sys) {
      sys.utcb[Utcb.Bdr] = 0
      sys.utcb[Utcb.BrFirst] = objFpage(0x80, 2, 0)
      yield sys.wait()
      sys.utcb[Utcb.BrFirst] = memFpage(0, WHOLE_SPACE_ORDER, 0)
      yield sys.wait()
    })
    const gate = h.kernel.newGate(null, receiver.thread, 9)!
    h.spawn(
      'sender',
      function* (sys) {
        sys.utcb[0] = 0x1234
        sys.utcb[1] = MapItem.Map
        sys.utcb[2] = objFpage(BaseCap.Task, 2, CapRight.RW) // 4 capabilities
        yield sys.send(GATE, msgtag(5, 1, 1, 0))
        sys.utcb[0] = MapItem.Map | MapItem.Grant
        sys.utcb[1] = memFpage(0x4000_0000, 13, MemRight.RW) // 2 pages
        yield sys.send(GATE, msgtag(6, 0, 1, 0))
      },
      { extra: [[GATE, gate, CapRight.RWS]] },
    )
    h.run()
    const r = traceOf(h.kernel).records
    expect(r.map((x) => [x.kind, x.sender.taskName, x.receiver.taskName, x.label, x.gateLabel, x.words, x.caps, x.pages, x.grant])).toEqual([
      ['send', 'sender', 'receiver', 5, 9, 1, 4, 0, false],
      ['send', 'sender', 'receiver', 6, 9, 0, 0, 2, true],
    ])
  })

  it('records a page fault of emulated code to its pager, and an exception to its handler, with the replies', () => {
    const RAM = 0x4000_0000
    let kernel: Kernel | null = null
    const built = buildBoard(ARM_VE, { ramBytes: 16 << 20, cpus: 1, translate: (asid, va, access) => kernel!.translate(asid, va, access) })
    if (!built.ok) throw new Error(built.error)
    const booted = bootKernel({ cpus: 1, ram: built.board.ram, core: built.board.core ?? undefined, kernelMemory: 16 << 20 })
    kernel = booted.kernel
    kernel.ipcTrace = new IpcTrace(32)
    // The code page: svc #0, then b . (the thread spins until the test ends).
    const code = new Uint8Array(8)
    new DataView(code.buffer).setUint32(0, 0xd4000001, true)
    new DataView(code.buffer).setUint32(4, 0x14000000, true)
    built.board.ram.write(0, code)
    const TASK = 0x40
    const THREAD = 0x41
    const PAGER = 0x10
    const seen: number[] = []
    const pager = createInitialTask(booted, 'pager', function* (sys: Sys) {
      yield* factoryCreate(sys, BaseCap.Factory, Proto.Task, TASK)
      yield* factoryCreate(sys, BaseCap.Factory, Proto.Thread, THREAD)
      yield* mapCap(sys, TASK, BaseCap.Thread, PAGER, CapRight.RWS)
      yield* threadControl(sys, THREAD, { bindTask: TASK, pager: PAGER, excHandler: PAGER })
      yield* exRegs(sys, THREAD, 0x1000, 0)
      // The page fault at 0x1000: map the code page there.
      let tag = yield sys.wait()
      seen.push(tagLabel(tag))
      sys.utcb[0] = 0x1000 + MapItem.Map
      sys.utcb[1] = memFpage(RAM, 12, MemRight.RX)
      tag = yield sys.replyAndWait(msgtag(0, 0, 1, 0))
      // The exception (svc): resume after it.
      seen.push(tagLabel(tag))
      yield sys.replyAndWait(msgtag(0, 0, 0, 0))
    })
    const sigma0 = new MemorySpace(999, null, 'sigma0')
    sigma0.identity = { firstVpn: RAM / 4096, frames: 4096 }
    mapPages(sigma0, RAM / 4096, pager.task.space, RAM / 4096, 16, MemRight.RWX, false)
    kernel.run(5e6)
    expect(seen).toEqual([Proto.PageFault, Proto.Exception])
    const faults = traceOf(kernel).records.filter((x) => x.sender.task !== pager.task.id || x.receiver.task !== pager.task.id)
    const child = faults[0].sender.task
    expect(faults.map((x) => [x.kind, x.sender.task === child, x.receiver.taskName, x.label, x.words, x.pages])).toEqual([
      ['page-fault', true, 'pager', Proto.PageFault, 2, 0],
      ['reply', false, `#${child}`, 0, 0, 1],
      ['exception', true, 'pager', Proto.Exception, 5, 0],
      ['reply', false, `#${child}`, 0, 0, 0],
    ])
    expect(faults[1].receiver.task).toBe(child)
  })
})
