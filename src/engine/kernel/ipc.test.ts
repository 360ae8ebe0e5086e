import { describe, expect, it } from 'vitest'
import { KernelHarness } from '../testing/kernel-harness'
import {
  BaseCap,
  CapRight,
  Err,
  IpcErr,
  IPC_NEVER,
  MapItem,
  Proto,
  Utcb,
  msgtag,
  objFpage,
  tagHasError,
  tagLabel,
  tagWords,
  timeoutPair,
  timeoutUs,
  TIMEOUT_NEVER,
  TIMEOUT_ZERO,
} from './abi'
import type { Sys } from './native'
import type { ThreadBody } from './objects/thread'
import { SYSCALL_NS } from './kernel'
import { capReferences, capValid, factoryCreate, releaseCap, irqTrigger, ipcErrorOf, l4Error, taskMap, mapCap, deleteCap } from '../l4/l4sys'

const GATE = 0x30

/** A server that answers every call with the sum of the words and the label it saw. */
function* adder(sys: Sys, seen: { label: number; tagLabel: number; words: number }[]): ThreadBody {
  let tag = yield sys.wait()
  for (;;) {
    let sum = 0
    for (let i = 0; i < tagWords(tag); i++) sum += sys.utcb[i]
    seen.push({ label: sys.label, tagLabel: tagLabel(tag), words: tagWords(tag) })
    sys.utcb[0] = sum
    sys.utcb[1] = sys.label
    tag = yield sys.replyAndWait(msgtag(0, 2, 0, 0))
  }
}

describe('IPC', () => {
  it('calls through a gate: the receiver gets the message and the gate label, the caller the reply', () => {
    const h = new KernelHarness()
    const seen: { label: number; tagLabel: number; words: number }[] = []
    const server = h.spawn('server', (sys) => adder(sys, seen))
    const gate = h.kernel.newGate(null, server.thread, 0x42)!
    const replies: number[][] = []
    h.spawn(
      'client',
      function* (sys) {
        for (const words of [[1, 2, 3, 4], [10, 20]]) {
          words.forEach((w, i) => (sys.utcb[i] = w))
          const tag = yield sys.call(GATE, msgtag(7, words.length, 0, 0))
          expect(tagHasError(tag)).toBe(false)
          replies.push([sys.utcb[0], sys.utcb[1]])
        }
      },
      { extra: [[GATE, gate, CapRight.RW]] },
    )
    h.run()
    expect(seen).toEqual([
      { label: 0x42, tagLabel: 7, words: 4 },
      { label: 0x42, tagLabel: 7, words: 2 },
    ])
    expect(replies).toEqual([
      [10, 0x42],
      [30, 0x42],
    ])
  })

  it('keeps bits exact: words travel unchanged, including negative and large values', () => {
    const h = new KernelHarness()
    let got: number[] = []
    const server = h.spawn('server', function* (sys) {
      const tag = yield sys.wait()
      got = Array.from(sys.utcb.subarray(0, tagWords(tag)))
      yield sys.reply(0)
    })
    const gate = h.kernel.newGate(null, server.thread, 1)!
    const values = [-11, 2 ** 53 - 1, 0.5, -0, 123456789012]
    h.spawn(
      'client',
      function* (sys) {
        values.forEach((v, i) => (sys.utcb[i] = v))
        yield sys.call(GATE, msgtag(0, values.length, 0, 0))
      },
      { extra: [[GATE, gate, CapRight.RW]] },
    )
    h.run()
    expect(got).toEqual(values)
  })

  it('returns ENOT_EXISTENT for an empty capability and never throws to the host', () => {
    const h = new KernelHarness()
    const results: number[] = []
    h.spawn('client', function* (sys) {
      const tag = yield sys.call(0x999, msgtag(0, 0, 0, 0))
      results.push(tagHasError(tag) ? sys.error : -1)
      const tag2 = yield sys.send(0x998, msgtag(0, 0, 0, 0))
      results.push(sys.error, tagHasError(tag2) ? 1 : 0)
    })
    h.run()
    expect(results).toEqual([IpcErr.ENotExistent, IpcErr.ENotExistent, 1])
  })

  it('enforces rights: a factory without S and a task without W answer EPERM', () => {
    const h = new KernelHarness()
    const r: number[] = []
    const f = h.booted.objects.factory
    h.spawn(
      'client',
      function* (sys) {
        r.push(yield* factoryCreate(sys, 0x31, Proto.Irq, 0x50))
        r.push(yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, 0x51))
        r.push(yield* taskMap(sys, 0x32, BaseCap.Task, objFpage(0x51, 0, CapRight.RW), 0x52 * 4096))
      },
      { extra: [[0x31, f, CapRight.RW], [0x32, h.booted.kernel.newTask(null, 'victim')!, CapRight.R]] },
    )
    h.run()
    expect(r).toEqual([-Err.EPerm, 0, -Err.EPerm])
  })

  it('transfers capabilities with rights masked by the item and by the sender', () => {
    const h = new KernelHarness()
    const irq = h.kernel.newIrq(null)!
    const out: Record<string, number> = {}
    const server = h.spawn(
      'server',
      function* (sys) {
        yield sys.wait()
        // Item 1: the Irq with R only (the sender has all rights).
        sys.utcb[0] = MapItem.Map
        sys.utcb[1] = objFpage(0x60, 0, CapRight.R)
        // Item 2: a capability the sender holds with R only, offered with RWS.
        sys.utcb[2] = MapItem.Map
        sys.utcb[3] = objFpage(0x61, 0, CapRight.RWS & 0xf)
        yield sys.reply(msgtag(0, 0, 2, 0))
      },
      { extra: [[0x60, irq, CapRight.All], [0x61, irq, CapRight.R]] },
    )
    const gate = h.kernel.newGate(null, server.thread, 1)!
    const client = h.spawn(
      'client',
      function* (sys) {
        sys.utcb[Utcb.Bdr] = 0
        sys.utcb[Utcb.BrFirst] = objFpage(0x70, 0, 0)
        sys.utcb[Utcb.BrFirst + 1] = objFpage(0x71, 0, 0)
        const tag = yield sys.call(GATE, msgtag(0, 0, 0, 0))
        out.ipc = l4Error(sys, tag)
        out.valid = yield* capValid(sys, BaseCap.Task, 0x70)
        out.trigger = yield* irqTrigger(sys, 0x70)
        out.trigger2 = yield* irqTrigger(sys, 0x71)
        // The server has ended (its capabilities went with its task): the Irq is named by our two.
        out.refs = yield* capReferences(sys, BaseCap.Task, 0x70)
        yield* releaseCap(sys, BaseCap.Task, 0x71)
        out.refsAfterRelease = yield* capReferences(sys, BaseCap.Task, 0x70)
        out.refsOfEmpty = yield* capReferences(sys, BaseCap.Task, 0x71)
        // cap_valid is not confused by the MR3 the query left behind.
        out.validAfter = yield* capValid(sys, BaseCap.Task, 0x70)
        yield sys.receive(BaseCap.Thread) // stay alive for the checks below
      },
      { extra: [[GATE, gate, CapRight.RWS]] },
    )
    h.run()
    expect(out).toEqual({ ipc: 0, valid: 1, trigger: -Err.EPerm, trigger2: -Err.EPerm, refs: 2, refsAfterRelease: 1, refsOfEmpty: 0, validAfter: 1 })
    expect(client.task.caps.get(0x70)!.rights).toBe(CapRight.R)
    expect(client.task.caps.get(0x71)).toBeUndefined()
  })

  it('refuses items through a gate capability without S', () => {
    const h = new KernelHarness()
    const irq = h.kernel.newIrq(null)!
    let err = 0
    const server = h.spawn('server', function* (sys) {
      yield sys.wait()
      yield sys.reply(0)
    })
    const gate = h.kernel.newGate(null, server.thread, 1)!
    h.spawn(
      'client',
      function* (sys) {
        sys.utcb[0] = MapItem.Map
        sys.utcb[1] = objFpage(0x60, 0, CapRight.R)
        const tag = yield sys.send(GATE, msgtag(0, 0, 1, 0))
        err = ipcErrorOf(l4Error(sys, tag))
      },
      { extra: [[GATE, gate, CapRight.RW], [0x60, irq, CapRight.All]] },
    )
    h.run()
    expect(err).toBe(IpcErr.SeMapFailed)
  })

  it('times out receives at exactly the virtual time the timeout names', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const events: [string, number, number][] = []
    h.spawn('server', function* (sys) {
      const start = k.clock
      yield sys.wait(timeoutPair(TIMEOUT_NEVER, timeoutUs(1500)))
      events.push(['recv', sys.error, k.clock - start])
      yield sys.wait(timeoutPair(TIMEOUT_NEVER, TIMEOUT_ZERO))
      events.push(['poll', sys.error, 0])
    })
    h.run(10e6)
    expect(events).toEqual([
      ['recv', IpcErr.ReTimeout, 1_500_000 + SYSCALL_NS],
      ['poll', IpcErr.ReTimeout, 0],
    ])
  })

  it('a send timeout fires when the receiver never receives', () => {
    const h = new KernelHarness()
    const k = h.kernel
    let result: [number, number] = [0, 0]
    const idle = h.spawn('idle', function* (sys) {
      // Blocks forever in a closed wait on itself: never takes a message.
      yield sys.receive(BaseCap.Thread, IPC_NEVER)
    })
    h.spawn(
      'sender',
      function* (sys) {
        const start = k.clock
        yield sys.send(0x40, msgtag(0, 1, 0, 0), timeoutPair(timeoutUs(250), TIMEOUT_NEVER))
        result = [sys.error, k.clock - start]
      },
      { extra: [[0x40, idle.thread, CapRight.RW]] },
    )
    h.run(10e6)
    // The timeout counts from the kernel entry, which itself costs SYSCALL_NS.
    expect(result).toEqual([IpcErr.SeTimeout, 250_000 + SYSCALL_NS])
  })

  it('cancels blocked senders with ENOT_EXISTENT when their gate is deleted', () => {
    const h = new KernelHarness()
    const errors: number[] = []
    const server = h.spawn('server', function* (sys) {
      yield sys.receive(BaseCap.Thread) // never receives from the gate
    })
    const gate = h.kernel.newGate(null, server.thread, 1)!
    for (const name of ['a', 'b']) {
      h.spawn(
        name,
        function* (sys) {
          const tag = yield sys.call(GATE, msgtag(0, 0, 0, 0))
          errors.push(tagHasError(tag) ? sys.error : 0)
        },
        { extra: [[GATE, gate, CapRight.RW]] },
      )
    }
    const owner = h.spawn(
      'owner',
      function* (sys) {
        yield sys.wait(timeoutPair(TIMEOUT_NEVER, timeoutUs(10)))
        const r = yield* deleteCap(sys, BaseCap.Task, 0x50)
        errors.push(r === 0 ? 100 : r)
      },
      { extra: [[0x50, gate, CapRight.All]] },
    )
    void owner
    h.run(10e6)
    expect(errors.sort()).toEqual([100, IpcErr.ENotExistent, IpcErr.ENotExistent].sort())
    expect(gate.dead).toBe(true)
  })

  it('cancels a caller waiting for the reply when the server dies', () => {
    const h = new KernelHarness()
    let err = 0
    const server = h.spawn('server', function* (sys) {
      yield sys.wait()
      throw new Error('server bug')
    })
    const gate = h.kernel.newGate(null, server.thread, 1)!
    h.spawn(
      'client',
      function* (sys) {
        yield sys.call(GATE, msgtag(0, 0, 0, 0))
        err = sys.error
      },
      { extra: [[GATE, gate, CapRight.RW]] },
    )
    h.run(10e6)
    expect(err).toBe(IpcErr.ReCanceled)
    expect(server.task.dead).toBe(true)
    expect(server.task.exitReason).toMatch(/server bug/)
  })

  it('delivers blocked senders in order when a gate is bound later', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const order: number[] = []
    const gate = k.newGate(null, null, 0)!
    for (const n of [1, 2, 3]) {
      h.spawn(
        `c${n}`,
        function* (sys) {
          sys.utcb[0] = n
          yield sys.send(GATE, msgtag(0, 1, 0, 0))
        },
        { extra: [[GATE, gate, CapRight.RW]] },
      )
    }
    const server = h.spawn('server', function* (sys) {
      for (;;) {
        yield sys.wait()
        order.push(sys.utcb[0])
      }
    })
    h.run(1e6)
    expect(order).toEqual([])
    k.bindGate(gate, server.thread, 9)
    h.run(1e6)
    expect(order).toEqual([1, 2, 3])
  })

  it('maps a memory page with a map item into the receive window, at the hotspot', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const server = h.spawn('server', function* (sys) {
      yield sys.wait()
      sys.utcb[0] = 0x5000 + MapItem.Map // hotspot 0x5000
      sys.utcb[1] = 0x4000_1000 + (12 << 6) + (1 << 4) + 0x6 // RW page at sigma0 address
      yield sys.reply(msgtag(0, 0, 1, 0))
      yield sys.receive(BaseCap.Thread) // a pager that dies revokes what it mapped: stay
    })
    // The server owns the identity of RAM, as sigma0 does.
    server.task.space.identity = { firstVpn: 0x40000, frames: 256 }
    const gate = k.newGate(null, server.thread, 1)!
    const client = h.spawn(
      'client',
      function* (sys) {
        sys.utcb[Utcb.Bdr] = 0
        sys.utcb[Utcb.BrFirst] = 0x10_0000 + (20 << 6) + (1 << 4) // a 1 MiB window at 1 MiB
        yield sys.call(GATE, msgtag(0, 0, 0, 0))
        yield sys.receive(BaseCap.Thread) // stay alive for the checks below
      },
      { extra: [[GATE, gate, CapRight.RWS]] },
    )
    h.run()
    const m = client.task.space.lookup((0x10_0000 + 0x5000) / 4096)!
    expect(m).toBeDefined()
    expect(m.frame).toBe(1)
    expect(m.rights).toBe(0x6)
    expect(m.parent?.space).toBe(server.task.space)
  })

  it('lets a task give another a capability with mapCap', () => {
    const h = new KernelHarness()
    const other = h.kernel.newTask(null, 'other')!
    other.ref() // the test holds it: the giver's capability is not its only reference
    let r = -1
    h.spawn(
      'giver',
      function* (sys) {
        r = yield* mapCap(sys, 0x40, BaseCap.Scheduler, 0x77, CapRight.R)
      },
      { extra: [[0x40, other, CapRight.All]] },
    )
    h.run()
    expect(r).toBe(0)
    expect(other.caps.get(0x77)?.object.kind).toBe('scheduler')
    expect(other.caps.get(0x77)?.rights).toBe(CapRight.R)
  })
})
