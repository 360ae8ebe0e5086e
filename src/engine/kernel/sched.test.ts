import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { KernelHarness } from '../testing/kernel-harness'
import { Cpu } from './sched'
import type { Thread } from './objects/thread'

/** The queue as the scheduler sees it: who is ready, in pick order, and who runs next. */
function snapshot(cpu: Cpu): string[] {
  return [...cpu.readyThreads().map((t) => t.name), `pick:${cpu.pick()?.name ?? '-'}`]
}

describe('Cpu.handoff', () => {
  // handoff is the fused switch of the IPC fast paths: it must leave the
  // queues exactly as enqueue(to) and dequeue(from) do, in the
  // swap shape it takes a shortcut for and in every other shape.
  it('matches dequeue + enqueue for random queues and random pairs', () => {
    const k = new KernelHarness().kernel
    const prios = [3, 3, 3, 7, 7, 40]
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: prios.length, maxLength: prios.length }),
        fc.nat(prios.length - 1),
        fc.nat(prios.length - 1),
        (ready, fromIdx, toIdx) => {
          if (fromIdx === toIdx) return
          const make = (): Thread[] => prios.map((p, i) => Object.assign(k.newThread(null, `t${i}`)!, { prio: p }))
          const a = make()
          const b = make()
          const ca = new Cpu(0)
          const cb = new Cpu(0)
          for (let i = 0; i < prios.length; i++) {
            if (!ready[i] && i !== fromIdx) continue
            ca.enqueue(a[i])
            cb.enqueue(b[i])
          }
          ca.handoff(a[fromIdx], a[toIdx])
          cb.enqueue(b[toIdx])
          cb.dequeue(b[fromIdx])
          expect(snapshot(ca)).toEqual(snapshot(cb))
          expect(a.map((t) => t.queued)).toEqual(b.map((t) => t.queued))
          // Later operations see the same queues too (links and bitmaps, not just the order).
          for (let i = 0; i < prios.length; i++) {
            ca.rotate(a[i])
            cb.rotate(b[i])
          }
          ca.dequeue(a[toIdx])
          cb.dequeue(b[toIdx])
          expect(snapshot(ca)).toEqual(snapshot(cb))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('swaps the only member of a queue without touching the other priorities', () => {
    const k = new KernelHarness().kernel
    const cpu = new Cpu(0)
    const [client, server, low] = ['client', 'server', 'low'].map((n) => k.newThread(null, n)!)
    client.prio = server.prio = 10
    low.prio = 2
    cpu.enqueue(low)
    cpu.enqueue(client)
    cpu.handoff(client, server)
    expect(snapshot(cpu)).toEqual(['server', 'low', 'pick:server'])
    expect(client.queued).toBe(false)
    cpu.handoff(server, client)
    expect(snapshot(cpu)).toEqual(['client', 'low', 'pick:client'])
    cpu.dequeue(client)
    expect(snapshot(cpu)).toEqual(['low', 'pick:low'])
  })
})
