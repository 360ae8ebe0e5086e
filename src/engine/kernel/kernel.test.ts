import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { KernelHarness } from '../testing/kernel-harness'
import { BaseCap, CapRight, Err, MemRight, Proto, TagFlag, Utcb, msgtag, objFpage, tagHasError, timeoutPair, timeoutUs, TIMEOUT_NEVER } from './abi'
import { OBJECT_COST } from './quota'
import { createFactory, factoryCreate, irqAttach, irqTrigger, irqUnmask, runThread, startNativeThread, threadControl, vconWrite } from '../l4/l4sys'
import type { Sys } from './native'
import { NATIVE_BYTES_PER_NS, SYSCALL_NS } from './kernel'
import { MemorySpace, mapPages } from './mem-space'
import type { ThreadBody } from './objects/thread'
import { Vcon } from './objects/vcon'

/** A native thread that keeps the CPU: a cheap invocation per step, `n` steps, recording when it ran. */
function* busy(sys: Sys, n: number, trace: string[], name: string): ThreadBody {
  for (let i = 0; i < n; i++) {
    trace.push(name)
    sys.utcb[0] = 0
    yield sys.call(BaseCap.Scheduler, msgtag(Proto.Scheduler, 1, 0, 0))
  }
}

describe('scheduling', () => {
  it('always runs the highest-priority ready thread first', () => {
    const h = new KernelHarness()
    const trace: string[] = []
    h.spawn('low', (sys) => busy(sys, 5, trace, 'low'), { prio: 5 })
    h.spawn('high', (sys) => busy(sys, 5, trace, 'high'), { prio: 10 })
    h.spawn('mid', (sys) => busy(sys, 5, trace, 'mid'), { prio: 7 })
    h.run()
    expect(trace.join(' ')).toBe([...Array(5).fill('high'), ...Array(5).fill('mid'), ...Array(5).fill('low')].join(' '))
  })

  it('preempts a lower-priority thread the moment a higher one becomes ready', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const trace: string[] = []
    const irq = k.newIrq(null)!
    const high = h.spawn(
      'high',
      function* (sys) {
        yield* irqAttach(sys, 0x40, 7, BaseCap.Thread)
        for (;;) {
          yield sys.wait()
          trace.push(`high got irq ${sys.label}`)
          yield* irqUnmask(sys, 0x40)
        }
      },
      { prio: 10, extra: [[0x40, irq, CapRight.All]] },
    )
    void high
    h.spawn(
      'low',
      function* (sys) {
        trace.push('low before')
        yield* irqTrigger(sys, 0x40)
        trace.push('low after')
      },
      { prio: 3, extra: [[0x40, irq, CapRight.All]] },
    )
    h.run()
    expect(trace).toEqual(['low before', 'high got irq 7', 'low after'])
  })

  it('shares a CPU round-robin within one priority, by timeslices of virtual time', () => {
    const h = new KernelHarness()
    const trace: string[] = []
    // Each step costs SYSCALL_NS (100 ns); a 10 ms timeslice is 100 000 steps.
    for (const n of ['a', 'b', 'c']) h.spawn(n, (sys) => busy(sys, 250_000, trace, n), { prio: 4 })
    h.run(100e6)
    // Collapse runs: the order of timeslices.
    const slices: string[] = []
    for (const x of trace) if (slices[slices.length - 1] !== x) slices.push(x)
    expect(slices.slice(0, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c'])
    const a = h.tasks.get('a')!.thread.stats.consumedNs
    const b = h.tasks.get('b')!.thread.stats.consumedNs
    const c = h.tasks.get('c')!.thread.stats.consumedNs
    expect(Math.abs(a - b)).toBeLessThanOrEqual(h.kernel.timesliceNs)
    expect(Math.abs(b - c)).toBeLessThanOrEqual(h.kernel.timesliceNs)
  })

  it('moves threads between CPUs by affinity and keeps each CPU deterministic', () => {
    const run = () => {
      const h = new KernelHarness({ cpus: 2 })
      const trace: string[] = []
      h.spawn('ctl', function* (sys) {
        for (const [slot, name, cpu] of [[0x40, 'x', 1], [0x41, 'y', 0]] as const) {
          yield* factoryCreate(sys, BaseCap.Factory, Proto.Thread, slot)
          yield* threadControl(sys, slot, { bindTask: BaseCap.Task })
          yield* startNativeThread(sys, slot, (s) => busy(s, 3, trace, name))
          yield* runThread(sys, BaseCap.Scheduler, slot, 2, cpu)
        }
        yield sys.receive(BaseCap.Thread)
      })
      h.run()
      return { trace, busy: h.kernel.cpus.map((c) => c.busyNs) }
    }
    const first = run()
    expect(first.trace.filter((x) => x === 'x')).toHaveLength(3)
    // x ran on CPU 1: three calls and its exit, each a kernel entry.
    expect(first.busy[1]).toBe(4 * SYSCALL_NS)
    expect(run().trace).toEqual(first.trace)
  })
})

describe('virtual time of native work', () => {
  it('charges a native step for the bytes it copies through its memory, besides the kernel entry', () => {
    const h = new KernelHarness()
    const at: number[] = []
    const app = h.spawn('app', function* (sys) {
      const data = new Uint8Array(64 << 10).fill(7)
      for (const copy of [false, true, true]) {
        if (copy) expect(sys.mem.write(0x4000_0000, data) && sys.mem.read(0x4000_0000, 4096)?.[4095]).toBe(7)
        at.push(app.thread.stats.consumedNs)
        sys.utcb[0] = 0
        yield sys.call(BaseCap.Scheduler, msgtag(Proto.Scheduler, 1, 0, 0))
      }
    })
    // The app's own view of RAM at 0x4000_0000, as sigma0 would have mapped it.
    const sigma0 = new MemorySpace(999, null, 'sigma0')
    sigma0.identity = { firstVpn: 0x4_0000, frames: 256 }
    mapPages(sigma0, 0x4_0000, app.task.space, 0x4_0000, 16, MemRight.RWX, false)
    h.run()
    // Writing 64 KiB and reading 4 KiB cost (65536 + 4096) / NATIVE_BYTES_PER_NS more than a bare entry.
    expect(at[1] - at[0]).toBe(SYSCALL_NS)
    expect(at[2] - at[1]).toBe(SYSCALL_NS + (65536 + 4096) / NATIVE_BYTES_PER_NS)
  })
})

describe('kernel-memory quota', () => {
  it('returns ENOMEM when a child factory is exhausted, and the parent keeps working', () => {
    const h = new KernelHarness()
    const out: number[] = []
    let created = 0
    h.spawn('app', function* (sys) {
      out.push(yield* createFactory(sys, BaseCap.Factory, 0x40, 3 * OBJECT_COST.thread + OBJECT_COST.ipc_gate))
      for (let i = 0; ; i++) {
        const r = yield* factoryCreate(sys, 0x40, Proto.Thread, 0x100 + i)
        if (r !== 0) {
          out.push(r)
          break
        }
        created++
      }
      // The parent factory is untouched by the child's exhaustion.
      out.push(yield* factoryCreate(sys, BaseCap.Factory, Proto.Thread, 0x200))
      // Deleting a child's object refunds it: the child can create again.
      yield sys.call(BaseCap.Task, msgtag(Proto.Task, 3, 0, 0)) // no-op map with bad args (EINVAL) keeps going
      sys.utcb[0] = 1
      sys.utcb[1] = 0xc0000000
      sys.utcb[2] = objFpage(0x100, 0, 0xf)
      yield sys.call(BaseCap.Task, msgtag(Proto.Task, 3, 0, 0))
      out.push(yield* factoryCreate(sys, 0x40, Proto.Thread, 0x300))
    })
    h.run()
    expect(created).toBe(3)
    expect(out).toEqual([0, -Err.ENoMem, 0, 0])
  })

  it('a child factory cannot be given more than its parent has', () => {
    const h = new KernelHarness({ kernelMemory: 1 << 20 })
    const out: number[] = []
    h.spawn('app', function* (sys) {
      out.push(yield* createFactory(sys, BaseCap.Factory, 0x40, 64 << 20))
      out.push(yield* createFactory(sys, BaseCap.Factory, 0x41, 64 << 10))
      out.push(yield* createFactory(sys, 0x41, 0x42, 128 << 10))
    })
    h.run()
    expect(out).toEqual([-Err.ENoMem, 0, -Err.ENoMem])
  })
})

describe('board objects', () => {
  it('Icu: a board line bound to an Irq reaches the thread with its label; masked lines stay quiet', () => {
    const h = new KernelHarness()
    const got: number[] = []
    const irq = h.kernel.newIrq(null)!
    h.spawn(
      'driver',
      function* (sys) {
        yield* irqAttach(sys, 0x40, 0x77, BaseCap.Thread)
        sys.utcb[0] = 0 // ICU bind line 5 to our Irq
        sys.utcb[1] = 5
        sys.utcb[2] = 0x40
        const tag = yield sys.call(BaseCap.Icu, msgtag(Proto.Irq, 3, 0, 0))
        got.push(tagHasError(tag) ? -1 : Math.floor(tag / 65536))
        for (;;) {
          yield sys.wait()
          got.push(sys.label)
          yield* irqUnmask(sys, 0x40)
        }
      },
      { extra: [[0x40, irq, CapRight.All]] },
    )
    h.run(1e6)
    h.booted.objects.icu.raise(5)
    h.run(1e6)
    h.booted.objects.icu.masked[5] = true
    h.booted.objects.icu.raise(5)
    h.run(1e6)
    h.booted.objects.icu.raise(6) // not bound
    h.run(1e6)
    expect(got).toEqual([0, 0x77])
  })

  it('Scheduler info and idle time, Platform_control shutdown, Debugger names', () => {
    const h = new KernelHarness({ cpus: 2 })
    const k = h.kernel
    const out: (number | string)[] = []
    h.spawn(
      'admin',
      function* (sys) {
        sys.utcb[0] = 0
        yield sys.call(BaseCap.Scheduler, msgtag(Proto.Scheduler, 1, 0, 0))
        out.push(sys.utcb[0], sys.utcb[1], sys.utcb[2])
        // Name our own thread through the Debugger, read it back.
        const name = new TextEncoder().encode('admin-thread')
        sys.utcb[0] = 0
        sys.utcb[1] = BaseCap.Thread
        sys.utcb[2] = name.length
        sys.bytes.set(name, 24)
        yield sys.call(BaseCap.Debugger, msgtag(Proto.Debugger, 5, 0, 0))
        sys.utcb[0] = 1
        sys.utcb[1] = BaseCap.Thread
        yield sys.call(BaseCap.Debugger, msgtag(Proto.Debugger, 2, 0, 0))
        out.push(new TextDecoder().decode(sys.bytes.subarray(8, 8 + sys.utcb[0])))
        sys.utcb[0] = 1 // shutdown
        sys.utcb[1] = 0
        const tag = yield sys.call(0x41, msgtag(Proto.PlatformControl, 2, 0, 0))
        out.push(Math.floor(tag / 65536))
        yield sys.wait(timeoutPair(TIMEOUT_NEVER, timeoutUs(10)))
        out.push('ran after shutdown')
      },
      { extra: [[0x41, h.booted.objects.platform, CapRight.All]] },
    )
    h.run(1e9)
    expect(out).toEqual([255, 2, 3, 'admin-thread', 0])
    expect(k.halted).toBe('shutdown')
  })

  it('Vcon: input the host types is read after the bound Irq fires', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const vcon = k.register(new Vcon(k, 'term', 'g'), null, 0)!
    const irq = k.newIrq(null)!
    const lines: string[] = []
    h.spawn(
      'reader',
      function* (sys) {
        yield* irqAttach(sys, 0x40, 1, BaseCap.Thread)
        sys.utcb[0] = 0
        sys.utcb[1] = 0
        sys.utcb[2] = 0x40
        yield sys.call(BaseCap.Log, msgtag(Proto.Irq, 3, 0, 0))
        yield sys.wait()
        sys.utcb[0] = 1
        sys.utcb[1] = 100
        yield sys.call(BaseCap.Log, msgtag(Proto.Log, 2, 0, 0))
        lines.push(new TextDecoder().decode(sys.bytes.subarray(8, 8 + (sys.utcb[0] % 0x80000000))))
      },
      { extra: [[BaseCap.Log, vcon, CapRight.RW], [0x40, irq, CapRight.All]] },
    )
    h.run(1e6)
    vcon.pushInput(new TextEncoder().encode('typed line\n'))
    h.run(1e6)
    expect(lines).toEqual(['typed line\n'])
  })
})

describe('robustness', () => {
  it('kills a throwing µApp — its task, its threads, its mappings — and runs everything else on', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const survivors: string[] = []
    const ended: string[] = []
    k.hooks.taskEnded = (task, reason) => ended.push(`${task.name}: ${reason}`)
    const bad = h.spawn('bad', function* (sys) {
      yield sys.wait(timeoutPair(TIMEOUT_NEVER, timeoutUs(5)))
      const o: { x?: { y: number } } = {}
      survivors.push(String(o.x!.y)) // a TypeError
    })
    h.spawn('good', function* (sys) {
      for (let i = 0; i < 3; i++) {
        yield sys.wait(timeoutPair(TIMEOUT_NEVER, timeoutUs(10)))
        survivors.push(`tick ${i}`)
      }
    })
    h.run(1e9)
    expect(bad.task.dead).toBe(true)
    expect(bad.thread.dead).toBe(true)
    expect(ended[0]).toMatch(/^bad: µApp exception: Cannot read properties of undefined/)
    expect(survivors).toEqual(['tick 0', 'tick 1', 'tick 2'])
  })

  it('writes to a terminal through a Vcon capability and refuses without W', () => {
    const h = new KernelHarness()
    const k = h.kernel
    const vcon = k.register(new Vcon(k, 'term', 'g'), null, 0)!
    const text: string[] = []
    k.vcons.observer = { output: (_v, b) => text.push(new TextDecoder().decode(b)) }
    const r: number[] = []
    h.spawn(
      'app',
      function* (sys) {
        r.push(yield* vconWrite(sys, BaseCap.Log, 'hello, lab\n'))
        r.push(yield* vconWrite(sys, 0x40, 'nope'))
        r.push(yield* vconWrite(sys, BaseCap.Log, 'x'.repeat(1500)))
      },
      { extra: [[BaseCap.Log, vcon, CapRight.RW], [0x40, vcon, CapRight.R]] },
    )
    h.run()
    expect(r).toEqual([0, -Err.EPerm, 0])
    expect(text.join('')).toBe('hello, lab\n' + 'x'.repeat(1500))
  })

  it('survives 100k random invocations: every call returns a defined result, others run on', () => {
    const h = new KernelHarness({ kernelMemory: 8 << 20 })
    const k = h.kernel
    const irq = k.newIrq(null)!
    const vcon = k.register(new Vcon(k, 'fuzz', 'r'), null, 0)!
    let heartbeats = 0
    h.spawn('heartbeat', function* (sys) {
      for (;;) {
        yield sys.wait(timeoutPair(TIMEOUT_NEVER, timeoutUs(100)))
        heartbeats++
      }
    })
    const results = new Map<string, number>()
    const N = 100_000
    const calls = fc.sample(
      fc.record({
        cap: fc.oneof(fc.integer({ min: 0, max: 0x50 }), fc.integer({ min: 0, max: 2 ** 20 })),
        label: fc.oneof(fc.constantFrom(0, -1, -2, -5, -10, -11, -12, -13, -14, -15, -16, -18, -23, -1002), fc.integer({ min: -2000, max: 2000 })),
        words: fc.integer({ min: 0, max: 63 }),
        items: fc.integer({ min: 0, max: 4 }),
        flags: fc.integer({ min: 0, max: 0xf }),
        // Finite timeouts only, so that the fuzzer never waits for good.
        timeout: fc.constantFrom(timeoutPair(0x400, 0x400), timeoutPair(timeoutUs(3), timeoutUs(3)), timeoutPair(0x400, timeoutUs(50))),
        mr: fc.array(fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer(), fc.double(), fc.constantFrom(NaN, -1, 2 ** 53, 0xc0000000)), { minLength: 8, maxLength: 8 }),
      }),
      { numRuns: N, seed: 42 },
    )
    let next = 0
    let generations = 0
    // A fuzzer may delete its own task or thread (a legal outcome); a new one picks up where it stopped.
    while (next < N && generations < 1000) {
      generations++
      h.spawn(
        `fuzzer${generations}`,
        function* (sys) {
          while (next < N) {
            const c = calls[next++]
            for (let i = 0; i < 8; i++) sys.utcb[i] = c.mr[i]
            sys.utcb[Utcb.BrFirst] = c.mr[7]
            sys.regs.flags = c.flags
            sys.regs.cap = c.cap
            sys.regs.tag = msgtag(c.label, c.words, c.items, 0)
            sys.regs.timeout = c.timeout
            const tag: number = yield 0
            expect(Number.isFinite(tag)).toBe(true)
            const key = tag & TagFlag.Error ? `ipc error ${sys.error}` : `label ${Math.floor(tag / 65536)}`
            results.set(key, (results.get(key) ?? 0) + 1)
          }
        },
        { prio: 2, extra: [[0x40, irq, CapRight.All], [0x41, vcon, CapRight.All], [BaseCap.Log, vcon, CapRight.RW]] },
      )
      h.run(10e9)
    }
    const beatsBefore = heartbeats
    h.run(1e6)
    expect(next).toBe(N)
    expect(heartbeats).toBeGreaterThan(beatsBefore)
    expect([...results.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(N * 0.9)
    // Kernel objects the fuzzer made died with it; the kernel's own objects remain.
    expect(k.rootQuota.current).toBeGreaterThan(0)
  })
})

void tagHasError
