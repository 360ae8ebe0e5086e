// The GICv3 CPU interface of a system context (ICC_* system registers) over
// the GIC state block the board's distributor and redistributor models
// share (../core-layout.ts GIC_*, devices/gicv3.ts). Group 1 only, as a
// CPU with a single (non-secure) security state uses it; five priority
// bits (GIC-500's), so one active-priority register.
import {
  GIC_CPU, GIC_CPU_BYTES, GIC_C_ACTIVE, GIC_C_AP1R0, GIC_C_CTLR, GIC_C_ENABLE, GIC_C_GROUP, GIC_C_IGRPEN1, GIC_C_LEVEL,
  GIC_C_PENDING, GIC_C_PMR, GIC_C_PRIO, GIC_DCTLR, GIC_SPI_ACTIVE, GIC_SPI_ENABLE, GIC_SPI_GROUP, GIC_SPI_LEVEL,
  GIC_SPI_PENDING, GIC_SPI_PRIO, GIC_SPI_ROUTE,
} from '../../../hw/gic-state'
import { GIC_BASE } from './layout'
import { nCores } from './mmu'

export const SPURIOUS: u32 = 1023

@inline function cpu(core: u32): u32 { return GIC_BASE + GIC_CPU + core * GIC_CPU_BYTES }
@inline function prioOf(core: u32, id: u32): u32 {
  return (id < 32 ? load<u8>(cpu(core) + GIC_C_PRIO + id) : load<u8>(GIC_BASE + GIC_SPI_PRIO + id)) & 0xF8
}

/** The running priority: that of the highest active group (0x100 when none is active). */
export function runningPriority(core: u32): u32 {
  const ap = load<u32>(cpu(core) + GIC_C_AP1R0)
  return ap == 0 ? 0x100 : ctz(ap) << 3
}

// The result of the last scan: the INTID and its priority.
let bestId: u32 = SPURIOUS
let bestPrio: u32 = 0x100

/** Finds the highest-priority pending, enabled, inactive Group 1 interrupt for `core` (lowest INTID wins a tie). */
function scan(core: u32): void {
  bestId = SPURIOUS
  bestPrio = 0x100
  const c = cpu(core)
  if ((load<u32>(GIC_BASE + GIC_DCTLR) & 2) == 0 || (load<u32>(c + GIC_C_IGRPEN1) & 1) == 0) return
  let bits = (load<u32>(c + GIC_C_PENDING) | load<u32>(c + GIC_C_LEVEL)) & load<u32>(c + GIC_C_ENABLE)
    & ~load<u32>(c + GIC_C_ACTIVE) & load<u32>(c + GIC_C_GROUP)
  while (bits != 0) {
    const id = ctz(bits)
    bits &= bits - 1
    const p = prioOf(core, id)
    if (p < bestPrio) { bestPrio = p; bestId = id }
  }
  for (let w: u32 = 1; w < 32; w++) {
    const o = w << 2
    let b = (load<u32>(GIC_BASE + GIC_SPI_PENDING + o) | load<u32>(GIC_BASE + GIC_SPI_LEVEL + o))
      & load<u32>(GIC_BASE + GIC_SPI_ENABLE + o) & ~load<u32>(GIC_BASE + GIC_SPI_ACTIVE + o) & load<u32>(GIC_BASE + GIC_SPI_GROUP + o)
    while (b != 0) {
      const id = (w << 5) + ctz(b)
      b &= b - 1
      const route = load<u32>(GIC_BASE + GIC_SPI_ROUTE + (id << 2))
      if (route != core && !(route == 0xFFFFFFFF && core == 0)) continue
      const p = prioOf(core, id)
      if (p < bestPrio) { bestPrio = p; bestId = id }
    }
  }
}

/** Whether `core` has an interrupt to signal: pending above the priority mask and above the running priority. */
export function irqPending(core: u32): bool {
  scan(core)
  if (bestId == SPURIOUS) return false
  return bestPrio < (load<u32>(cpu(core) + GIC_C_PMR) & 0xF8) && bestPrio < runningPriority(core)
}

@inline function bitOp(id: u32, core: u32, spiBase: u32, cpuOff: u32): u32 {
  return id < 32 ? cpu(core) + cpuOff : GIC_BASE + spiBase + ((id >>> 5) << 2)
}

/** ICC_IAR1_EL1: acknowledges the interrupt `irqPending` found (1023 when there is none). */
export function acknowledge(core: u32): u32 {
  if (!irqPending(core)) return SPURIOUS
  const id = bestId
  const bit: u32 = 1 << (id & 31)
  const pend = bitOp(id, core, GIC_SPI_PENDING, GIC_C_PENDING)
  store<u32>(pend, load<u32>(pend) & ~bit)
  const act = bitOp(id, core, GIC_SPI_ACTIVE, GIC_C_ACTIVE)
  store<u32>(act, load<u32>(act) | bit)
  const c = cpu(core)
  store<u32>(c + GIC_C_AP1R0, load<u32>(c + GIC_C_AP1R0) | (1 << (bestPrio >>> 3)))
  return id
}

/** ICC_HPPIR1_EL1: the highest-priority pending interrupt, unacknowledged. */
export function highestPending(core: u32): u32 {
  scan(core)
  return bestId
}

export function deactivate(core: u32, id: u32): void {
  if (id >= 1020) return
  const act = bitOp(id, core, GIC_SPI_ACTIVE, GIC_C_ACTIVE)
  store<u32>(act, load<u32>(act) & ~(<u32>1 << (id & 31)))
}

/** ICC_EOIR1_EL1: drops the running priority; with EOImode 0 it deactivates the interrupt too. */
export function endOfInterrupt(core: u32, id: u32): void {
  const c = cpu(core)
  const ap = load<u32>(c + GIC_C_AP1R0)
  if (ap != 0) store<u32>(c + GIC_C_AP1R0, ap & (ap - 1))
  if ((load<u32>(c + GIC_C_CTLR) & 2) == 0) deactivate(core, id)
}

/** ICC_SGI1R_EL1: makes SGI INTID pending on the cores the value names (Aff0 = core index; IRM: all others). */
export function generateSgi(core: u32, v: u64): void {
  const id = <u32>(v >>> 24) & 15
  const irm = ((v >>> 40) & 1) != 0
  const aff1 = <u32>(v >>> 16) & 0xFF
  const list = <u32>v & 0xFFFF
  for (let t: u32 = 0; t < nCores; t++) {
    const hit = irm ? t != core : aff1 == 0 && t < 16 && (list & (1 << t)) != 0
    if (hit) store<u32>(cpu(t) + GIC_C_PENDING, load<u32>(cpu(t) + GIC_C_PENDING) | (1 << id))
  }
}

/** The level of PPI `id` of `core` (the generic timer drives 26, 27 and 30). */
export function setPpiLevel(core: u32, id: u32, high: bool): void {
  const a = cpu(core) + GIC_C_LEVEL
  store<u32>(a, high ? load<u32>(a) | (1 << id) : load<u32>(a) & ~(<u32>1 << id))
}

export function cpuRegs(core: u32): u32 { return cpu(core) }
