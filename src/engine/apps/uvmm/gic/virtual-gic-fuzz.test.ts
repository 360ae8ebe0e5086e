// Random guests against the virtual GIC: register accesses of any offset and
// size, device lines, SGIs, hardware mappings, and entries and exits with the
// guest acknowledging and deactivating in between (as the core does). Nothing
// may throw, and after every flush each list register must hold what the
// guest's own register state allows: read back through the registers, not
// from the model's insides.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { VirtualGic } from '.'
import { GuestCpuInterface } from '../../../testing/vgic-guest'
import type { AccessSize } from '../../../hw/mmio-bus'

const STRIDE = 0x20000
const mpidr = (v: number): bigint => BigInt(((v >> 1) << 8) | (v & 1)) // two vCPUs per cluster
const aff = (v: number): bigint => mpidr(v) & 0xffffffn
const firstSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9)

type Op =
  | { k: 'dist'; write: boolean; off: number; size: AccessSize; value: bigint }
  | { k: 'redist'; write: boolean; off: number; size: AccessSize; value: bigint }
  | { k: 'level'; intid: number; level: boolean; vcpu: number }
  | { k: 'pulse'; intid: number; vcpu: number }
  | { k: 'sgi'; from: number; value: bigint }
  | { k: 'hw'; vcpu: number; intid: number; pintid: number }
  | { k: 'exit'; vcpu: number }
  | { k: 'enter'; vcpu: number }
  | { k: 'ack'; vcpu: number }
  | { k: 'eoi'; vcpu: number }

const size = fc.constantFrom<AccessSize>(1, 2, 4, 8)
const value = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0n, 0xffffffffn, 0xffffffffffffffffn, 1n, 0x13n))
// Offsets that hit registers often, and anything at all sometimes.
const distOff = fc.oneof(
  fc.integer({ min: 0, max: 0x10 }),
  fc.integer({ min: 0x80, max: 0x3ff }),
  fc.integer({ min: 0x400, max: 0x4ff }),
  fc.integer({ min: 0xc00, max: 0xc20 }),
  fc.integer({ min: 0x6100, max: 0x6300 }),
  fc.integer({ min: 0, max: 0x1ffff }),
)
const redistOff = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.oneof(
  fc.integer({ min: 0, max: 0x20 }),
  fc.integer({ min: 0x10080, max: 0x10420 }),
  fc.integer({ min: 0x10c00, max: 0x10c08 }),
  fc.integer({ min: 0, max: STRIDE - 1 }),
)).map(([v, o]) => v * STRIDE + o)
const intid = fc.integer({ min: -2, max: 100 })
const vcpu = fc.integer({ min: -1, max: 4 })
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('dist' as const), write: fc.boolean(), off: distOff, size, value }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('redist' as const), write: fc.boolean(), off: redistOff, size, value }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('level' as const), intid, level: fc.boolean(), vcpu }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('pulse' as const), intid, vcpu }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('sgi' as const), from: vcpu, value }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('hw' as const), vcpu, intid, pintid: fc.integer({ min: -1, max: 0x2000 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('exit' as const), vcpu }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('enter' as const), vcpu }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('ack' as const), vcpu }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('eoi' as const), vcpu }), weight: 3 },
)

/** What the guest's registers say about `id` for vCPU `v`. */
function registers(gic: VirtualGic, v: number, id: number) {
  const bank = (reg: number): boolean => {
    const word = id < 32 ? gic.redistributors.read(v * STRIDE + 0x10000 + reg, 4) : gic.distributor.read(reg + Math.floor(id / 32) * 4, 4)
    return ((word >> BigInt(id % 32)) & 1n) === 1n
  }
  const ctlr = gic.distributor.read(0, 4)
  let routedHere = true
  if (id >= 32) {
    const route = gic.distributor.read(0x6000 + id * 8, 8)
    if (route & (1n << 31n)) {
      // IRM: the lowest-numbered awake vCPU, else vCPU 0.
      let first = 0
      for (let u = 0; u < gic.cpus; u++) {
        if ((gic.redistributors.read(u * STRIDE + 0x14, 4) & 2n) === 0n) {
          first = u
          break
        }
      }
      routedHere = first === v
    } else {
      routedHere = ((route >> 8n) & 0xff000000n | (route & 0xffffffn)) === aff(v)
    }
  }
  return { enabled: bank(0x100), group1: bank(0x80), active: bank(0x300), grp1On: (ctlr & 2n) !== 0n, routedHere }
}

/** Across the runs: how much got into list registers and was taken (the fuzz must reach that far). */
const reached = { injected: 0, acknowledged: 0, completed: 0 }

function run(cpus: number, lrCount: number, spis: number, setup: boolean, ops: Op[]): void {
  const gic = new VirtualGic({ cpus, spis, mpidr })
  if (setup) {
    // Half the runs start from a guest that enabled Group 1, every SPI and every vCPU's SGIs and PPIs.
    gic.distributor.write(0, 4, 0x13n)
    for (let w = 1; w <= spis / 32; w++) gic.distributor.write(0x100 + 4 * w, 4, 0xffffffffn)
    for (let v = 0; v < cpus; v++) gic.redistributors.write(v * STRIDE + 0x10100, 4, 0xffffffffn)
  }
  const cpu = Array.from({ length: cpus }, () => new GuestCpuInterface(lrCount))
  cpu.forEach((c) => (c.pmr = 0xff))
  const inside = new Set<number>()
  gic.onKick = (v) => expect(v >= 0 && v < cpus).toBe(true)
  for (const o of ops) {
    const c = o.k === 'dist' || o.k === 'redist' || o.k === 'level' || o.k === 'pulse' || o.k === 'sgi' || o.k === 'hw' ? null : cpu[o.vcpu]
    switch (o.k) {
      case 'dist':
        if (o.write) gic.distributor.write(o.off, o.size, o.value)
        else expect(typeof gic.distributor.read(o.off, o.size)).toBe('bigint')
        break
      case 'redist':
        if (o.write) gic.redistributors.write(o.off, o.size, o.value)
        else expect(typeof gic.redistributors.read(o.off, o.size)).toBe('bigint')
        break
      case 'level': gic.setLevel(o.intid, o.level, o.vcpu < 0 ? undefined : o.vcpu); break
      case 'pulse': gic.pulse(o.intid, o.vcpu < 0 ? undefined : o.vcpu); break
      case 'sgi': gic.sendSgi(o.from, o.value); break
      case 'hw': gic.mapHw(o.vcpu, o.intid, o.pintid); break
      case 'exit':
        if (!c) break
        gic.sync(o.vcpu, c.lrs)
        inside.delete(o.vcpu)
        expect(c.intids()).toEqual([])
        break
      case 'enter':
        if (!c) break
        gic.flush(o.vcpu, c.lrs)
        inside.add(o.vcpu)
        check(gic, cpu, o.vcpu, inside)
        break
      case 'ack': if (c && inside.has(o.vcpu)) c.acknowledge(); break
      case 'eoi': {
        if (!c || !inside.has(o.vcpu)) break
        const active = [...c.lrs].find((v) => (v >> 62n) & 2n)
        if (active !== undefined) c.endOfInterrupt(Number(active & 0xffffffffn))
        break
      }
    }
  }
  reached.injected += gic.stats.injected
  reached.acknowledged += gic.stats.acknowledged
  reached.completed += gic.stats.completed
}

/** Right after vCPU v's flush: what its list registers may hold. */
function check(gic: VirtualGic, cpu: GuestCpuInterface[], v: number, inside: Set<number>): void {
  const ids = cpu[v].intids()
  expect(new Set(ids).size, `an INTID twice in vCPU ${v}'s list registers: ${ids}`).toBe(ids.length)
  for (const lr of cpu[v].lrs) {
    const state = Number(lr >> 62n)
    if (state === 0) {
      expect(lr).toBe(0n)
      continue
    }
    const id = Number(lr & 0xffffffffn)
    expect(id < 32 + gic.spis && id >= 0).toBe(true)
    const r = registers(gic, v, id)
    const what = `vCPU ${v}, INTID ${id}, LR 0x${lr.toString(16)}, ${JSON.stringify(r)}`
    if (state & 1) {
      expect(r.enabled && r.group1 && r.grp1On, `pending but not forwardable: ${what}`).toBe(true)
      expect(r.routedHere, `pending here but routed elsewhere: ${what}`).toBe(true)
    }
    if (state & 2) expect(r.active, `active in a list register only: ${what}`).toBe(true)
    if ((lr >> 61n) & 1n) expect(state, `HW and pending+active: ${what}`).not.toBe(3)
    if (id >= 32) {
      for (const u of inside) if (u !== v) expect(cpu[u].intids(), `SPI ${id} in vCPUs ${v} and ${u}`).not.toContain(id)
    }
  }
}

describe('VirtualGic under random guests', () => {
  it('never throws and never offers an interrupt the registers do not allow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(32, 64), fc.boolean(), fc.array(op, { minLength: 20, maxLength: 300, size: 'max' }),
        (cpus, lrs, spis, setup, ops) => run(cpus, lrs, spis, setup, ops),
      ),
      { numRuns: 400, seed: firstSeed },
    )
    expect(reached.injected).toBeGreaterThan(300)
    expect(reached.completed).toBeGreaterThan(30)
  })

  it('after Linux-like setup, delivers what random lines raise and loses nothing', () => {
    // Everything enabled and routed to vCPU 0; random lines go up and down; a guest that takes
    // every interrupt and lowers each line in its handler takes every edge and every level that
    // was high when it looked, and ends with nothing pending.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 32, max: 63 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 80, size: 'max' }), (events) => {
        const gic = new VirtualGic({ cpus: 1, spis: 32, mpidr })
        const d = gic.distributor
        d.write(0, 4, 0x13n)
        d.write(0x104, 4, 0xffffffffn)
        d.write(0xc08, 4, 0xaaaaaaaan) // 32–47 edge, 48–63 level
        const cpu = new GuestCpuInterface(4)
        cpu.pmr = 0xff
        const taken = new Set<number>()
        const raised = new Set<number>()
        const high = new Set<number>()
        const drain = (): void => {
          for (const id of high) raised.add(id)
          for (let i = 0; i < 200; i++) {
            gic.sync(0, cpu.lrs)
            gic.flush(0, cpu.lrs)
            const id = cpu.acknowledge()
            if (id === 1023) return
            taken.add(id)
            gic.sync(0, cpu.lrs)
            gic.setLevel(id, false)
            high.delete(id)
            gic.flush(0, cpu.lrs)
            cpu.endOfInterrupt(id)
          }
          throw new Error('interrupts never stop')
        }
        for (const [id, level, handleNow] of events) {
          if (id < 48) {
            gic.pulse(id)
            raised.add(id)
          } else {
            gic.setLevel(id, level)
            if (level) high.add(id)
            else high.delete(id)
          }
          if (handleNow) drain()
        }
        drain()
        expect([...taken].sort()).toEqual([...raised].sort())
        expect(gic.hasPending(0)).toBe(false)
      }),
      { numRuns: 300, seed: firstSeed + 1 },
    )
  })
})
