import { describe, expect, it } from 'vitest'
import { VirtualGic, VGIC_SPIS } from '.'
import {
  GuestCpuInterface, linuxCpuInit, linuxDistInit, linuxMask, linuxRoute, linuxSetPriority, linuxSetType, linuxUnmask,
} from '../../../testing/vgic-guest'

const STRIDE = 0x20000
/** MPIDR as QEMU virt numbers CPUs: Aff0 = index within a cluster of 8 (ARM_DEFAULT_CPUS_PER_CLUSTER), Aff1 = cluster. */
const mpidr = (v: number): bigint => 0x8000_0000n | BigInt(((v >> 3) << 8) | (v & 7))
const affinity = (v: number): number => Number(mpidr(v) & 0xffffffn)

interface Vm {
  gic: VirtualGic
  cpu: GuestCpuInterface[]
  kicks: number[]
  /** An exit of vCPU v and its next entry: sync what the guest did, `meanwhile` (uvmm emulating the exit), flush. */
  enter(v: number, meanwhile?: () => void): void
}

/** A VM whose guest ran Linux's GIC initialisation on every vCPU. */
function linuxVm(cpus = 1, lrCount = 4): Vm {
  const gic = new VirtualGic({ cpus, spis: VGIC_SPIS, mpidr })
  linuxDistInit(gic, mpidr(0) & 0xff00ffffffn)
  for (let v = 0; v < cpus; v++) expect(linuxCpuInit(gic, affinity(v))).toBe(v * STRIDE)
  const cpu = Array.from({ length: cpus }, () => new GuestCpuInterface(lrCount))
  const kicks: number[] = []
  gic.onKick = (v) => kicks.push(v)
  const enter = (v: number, meanwhile?: () => void): void => {
    gic.sync(v, cpu[v].lrs)
    meanwhile?.()
    gic.flush(v, cpu[v].lrs)
  }
  return { gic, cpu, kicks, enter }
}

/** Runs the guest's interrupt handler on vCPU v once: acknowledge, then EOI. Returns the INTID (1023: none). */
function handleOne(vm: Vm, v: number): number {
  const id = vm.cpu[v].acknowledge()
  if (id !== 1023) vm.cpu[v].endOfInterrupt(id)
  return id
}

describe('VirtualGic registers, as Linux 6.1 programs them', () => {
  it('answers the distributor probes with a GICv3 of 256 SPIs, one security state, affinity routing on', () => {
    const gic = new VirtualGic({ cpus: 2, spis: 256, mpidr })
    const d = gic.distributor
    expect(d.read(0xffe8, 4) & 0xf0n).toBe(0x30n) // PIDR2.ArchRev = 3
    const typer = Number(d.read(0x4, 4))
    expect(typer & 0x1f).toBe(8) // ITLinesNumber: INTIDs up to 32 × 9 − 1 = 287
    expect((typer >> 19) & 0x1f).toBe(9) // IDbits: 10-bit INTIDs
    expect(typer & (1 << 17)).toBe(0) // no LPIs
    expect(typer & (1 << 8)).toBe(0) // no extended SPIs
    expect(d.read(0x0, 4)).toBe(0x50n) // ARE (4) and DS (6) read as one; groups disabled at reset
    linuxDistInit(gic, 0n)
    expect(d.read(0x0, 4)).toBe(0x53n) // EnableGrp0, EnableGrp1, RWP clear
    expect(d.read(0x84, 4)).toBe(0xffffffffn) // IGROUPR1: SPIs 32–63 in Group 1
    expect(d.read(0x400 + 40, 1)).toBe(0xa0n)
    expect(d.read(0x400 + 40, 4)).toBe(0xa0a0a0a0n)
    expect(d.read(0x104, 4)).toBe(0n) // all disabled
    expect(gic.stats.ignored).toBe(0)
  })

  it('keeps IPRIORITYR per byte, five bits deep, and byte writes touch one INTID', () => {
    const gic = new VirtualGic({ cpus: 1, spis: 64, mpidr })
    linuxDistInit(gic, 0n)
    linuxSetPriority(gic, 41, 0x27)
    expect(gic.distributor.read(0x428, 4)).toBe(0xa0a020a0n) // INTID 41 is byte 1 of the word at 0x428; 0x27 & 0xf8
    expect(gic.distributor.read(0x429, 1)).toBe(0x20n)
    // INTIDs 0–31 are the redistributors' with ARE set: RAZ/WI here.
    gic.distributor.write(0x400, 4, 0x11111111n)
    expect(gic.distributor.read(0x400, 4)).toBe(0n)
    // Past the last SPI (95): RAZ/WI.
    expect(gic.distributor.read(0x400 + 96, 4)).toBe(0n)
    expect(gic.stats.ignored).toBe(0)
  })

  it('routes with IROUTER as one 64-bit register or two 32-bit halves', () => {
    const gic = new VirtualGic({ cpus: 2, spis: 64, mpidr: (v) => BigInt(v) | (BigInt(v) << 32n) })
    const d = gic.distributor
    d.write(0x6000 + 40 * 8, 8, 0xff_8001_0203n | (0xffn << 40n))
    expect(d.read(0x6000 + 40 * 8, 8)).toBe(0xff_8001_0203n) // Aff3 and Aff2..0 and IRM kept, the rest RES0
    expect(d.read(0x6000 + 40 * 8, 4)).toBe(0x8001_0203n)
    expect(d.read(0x6000 + 40 * 8 + 4, 4)).toBe(0xffn)
    d.write(0x6000 + 41 * 8 + 4, 4, 1n) // Aff3 = 1
    d.write(0x6000 + 41 * 8, 4, 1n) // Aff0 = 1: vCPU 1's affinity 1.0.0.1
    expect(d.read(0x6000 + 41 * 8, 8)).toBe(0x1_0000_0001n)
    expect(Number(d.read(0x4, 4)) & (1 << 24)).not.toBe(0) // A3V: an Aff3 is in use
    // IROUTER0–31 do not exist (RAZ/WI), a misaligned 64-bit access is no access.
    d.write(0x6000, 8, 5n)
    expect(d.read(0x6000, 8)).toBe(0n)
    expect(gic.stats.ignored).toBe(0)
    d.read(0x6004 + 40 * 8, 8)
    expect(gic.stats.ignored).toBe(1)
    expect(gic.stats.lastIgnored).toBe(0x6004 + 40 * 8)
  })

  it('finds each vCPU by GICR_TYPER affinity, with Last on the final one, and wakes it through GICR_WAKER', () => {
    const gic = new VirtualGic({ cpus: 10, spis: 32, mpidr })
    const r = gic.redistributors
    for (let v = 0; v < 10; v++) {
      const typer = r.read(v * STRIDE + 8, 8)
      expect(Number(typer >> 32n)).toBe(affinity(v)) // vCPU 9 is cluster 1, Aff0 1: 0x101
      expect(Number((typer >> 8n) & 0xffffn)).toBe(v) // Processor_Number
      expect((typer & 0x10n) !== 0n).toBe(v === 9)
      expect(r.read(v * STRIDE + 0xc, 4)).toBe(typer >> 32n)
      expect(r.read(v * STRIDE + 0x14, 4)).toBe(6n) // ProcessorSleep and ChildrenAsleep at reset
    }
    expect(linuxCpuInit(gic, 0x101)).toBe(9 * STRIDE)
    expect(r.read(9 * STRIDE + 0x14, 4)).toBe(0n)
    expect(r.read(8 * STRIDE + 0x14, 4)).toBe(6n)
    expect(linuxCpuInit(gic, 0x1234)).toBe(-1)
    expect(r.read(0x10c00, 4)).toBe(0xaaaaaaaan) // ICFGR0: SGIs edge, read-only
    r.write(0x10c00, 4, 0n)
    expect(r.read(0x10c00, 4)).toBe(0xaaaaaaaan)
    expect(gic.stats.ignored).toBe(0)
    // Past the last redistributor: nothing there.
    r.read(10 * STRIDE, 4)
    expect(gic.stats.ignored).toBe(1)
  })

  it('sets and clears enables, pending and active state through the set/clear register pairs', () => {
    const { gic } = linuxVm(1)
    const d = gic.distributor
    d.write(0x104, 4, 0x5n) // ISENABLER1: SPIs 32 and 34
    d.write(0x184, 4, 0x1n) // ICENABLER1: 32
    expect(d.read(0x104, 4)).toBe(0x4n)
    expect(d.read(0x184, 4)).toBe(0x4n)
    d.write(0x204, 4, 0x2n) // ISPENDR1: 33
    expect(d.read(0x284, 4)).toBe(0x2n)
    gic.setLevel(35, true)
    expect(d.read(0x204, 4)).toBe(0xan) // a high level line is pending
    d.write(0x284, 4, 0xfn) // ICPENDR: clears the latch, not the line
    expect(d.read(0x204, 4)).toBe(0x8n)
    d.write(0x304, 4, 0x10n)
    expect(d.read(0x384, 4)).toBe(0x10n)
    d.write(0x384, 4, 0x10n)
    expect(d.read(0x304, 4)).toBe(0n)
    linuxSetType(gic, 36, true)
    expect(d.read(0xc08, 4)).toBe(BigInt(2 << 8)) // INTID 36 is field 4 of ICFGR2
  })
})

describe('VirtualGic list registers', () => {
  it('injects a level SPI, folds back its acknowledgement and EOI, and injects it again while the line stays high', () => {
    const vm = linuxVm(1)
    linuxUnmask(vm.gic, 33) // the PL011's SPI 1 on QEMU virt
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    vm.gic.setLevel(33, true)
    expect(vm.kicks).toEqual([0])
    vm.enter(0)
    expect(vm.cpu[0].statesOf(33)).toEqual(['pending'])
    expect(vm.cpu[0].lrs[0] >> 41n & 1n).toBe(1n) // EOI maintenance requested for a level interrupt
    expect(vm.gic.stats.injected).toBe(1)
    expect(vm.cpu[0].acknowledge()).toBe(33)
    expect(vm.cpu[0].statesOf(33)).toEqual(['active'])
    // The handler's MMIO access to the device exits, and the device lowers its line.
    vm.enter(0, () => {
      expect(vm.gic.distributor.read(0x304, 4)).toBe(0x2n) // active
      vm.gic.setLevel(33, false)
    })
    expect(vm.cpu[0].statesOf(33)).toEqual(['active']) // still active, no longer pending
    vm.cpu[0].endOfInterrupt(33)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.gic.distributor.read(0x304, 4)).toBe(0n)
    expect(vm.gic.stats).toMatchObject({ injected: 1, acknowledged: 1, completed: 1 })

    // This time the line stays high through the EOI: pending again at once.
    vm.gic.setLevel(33, true)
    vm.enter(0)
    expect(handleOne(vm, 0)).toBe(33)
    vm.enter(0)
    expect(vm.cpu[0].statesOf(33)).toEqual(['pending'])
    expect(vm.gic.hasPending(0)).toBe(true)
    expect(vm.gic.stats.injected).toBe(3)
  })

  it('marks an active level interrupt pending and active when its line is still high at the next entry', () => {
    const vm = linuxVm(1)
    linuxUnmask(vm.gic, 40)
    vm.gic.setLevel(40, true)
    vm.enter(0)
    expect(vm.cpu[0].acknowledge()).toBe(40)
    vm.enter(0)
    expect(vm.cpu[0].statesOf(40)).toEqual(['pending+active'])
    expect(vm.cpu[0].acknowledge()).toBe(1023) // not taken again before it is deactivated
    vm.cpu[0].endOfInterrupt(40)
    expect(vm.cpu[0].acknowledge()).toBe(40)
  })

  it('keeps an interrupt active across exits until a split-mode guest deactivates it (EOImode 1)', () => {
    const vm = linuxVm(1)
    vm.cpu[0].eoiMode = 1
    linuxUnmask(vm.gic, 42)
    vm.gic.setLevel(42, true)
    vm.enter(0)
    expect(vm.cpu[0].acknowledge()).toBe(42)
    vm.cpu[0].endOfInterrupt(42) // priority drop only
    vm.enter(0, () => vm.gic.setLevel(42, false))
    vm.enter(0)
    expect(vm.cpu[0].statesOf(42)).toEqual(['active'])
    vm.cpu[0].deactivate(42) // ICV_DIR_EL1
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.gic.distributor.read(0x304, 4)).toBe(0n)
  })

  it('latches edge pulses: one while active is delivered after the EOI, several coalesce', () => {
    const vm = linuxVm(1)
    linuxSetType(vm.gic, 48, true) // a virtio-mmio transport's SPI 16, edge-rising
    linuxUnmask(vm.gic, 48)
    vm.gic.pulse(48)
    vm.gic.pulse(48) // before the guest saw the first: one interrupt
    vm.enter(0)
    expect(vm.cpu[0].statesOf(48)).toEqual(['pending'])
    expect(vm.cpu[0].acknowledge()).toBe(48)
    vm.enter(0)
    expect(vm.cpu[0].statesOf(48)).toEqual(['active']) // the line is low: an edge does not stay pending
    vm.gic.pulse(48)
    vm.gic.pulse(48)
    vm.enter(0)
    expect(vm.cpu[0].statesOf(48)).toEqual(['pending+active'])
    vm.cpu[0].endOfInterrupt(48)
    expect(handleOne(vm, 0)).toBe(48)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.gic.stats).toMatchObject({ injected: 2, acknowledged: 2, completed: 1 })
    vm.enter(0)
    expect(vm.gic.stats.completed).toBe(1) // nothing left to fold
  })

  it('keeps an edge pending in its list register across exits until the guest takes it', () => {
    const vm = linuxVm(1)
    linuxSetType(vm.gic, 49, true)
    linuxUnmask(vm.gic, 49)
    vm.gic.pulse(49)
    vm.enter(0)
    vm.enter(0) // an exit before the guest unmasked IRQs
    vm.enter(0)
    expect(vm.cpu[0].statesOf(49)).toEqual(['pending'])
    expect(vm.gic.stats.injected).toBe(1)
    expect(handleOne(vm, 0)).toBe(49)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
  })

  it('fills the list registers by priority when more is pending than they hold, and lets a higher one in later', () => {
    const vm = linuxVm(1)
    const prios: Record<number, number> = { 40: 0xa0, 41: 0x80, 42: 0x90, 43: 0xa0, 44: 0x60, 45: 0x70 }
    for (const [id, p] of Object.entries(prios)) {
      linuxSetPriority(vm.gic, Number(id), p)
      linuxUnmask(vm.gic, Number(id))
      vm.gic.setLevel(Number(id), true)
    }
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([44, 45, 41, 42]) // 0x60, 0x70, 0x80, 0x90; 40 and 43 wait
    expect(vm.gic.stats.overflows).toBe(1)
    // The guest takes the first: 44 is active; then 46 of priority 0x50 arrives.
    expect(vm.cpu[0].acknowledge()).toBe(44)
    linuxSetPriority(vm.gic, 46, 0x50)
    linuxUnmask(vm.gic, 46)
    vm.enter(0)
    vm.gic.setLevel(46, true)
    vm.enter(0)
    // Active 44 keeps its place; 46 displaces the lowest pending one (42).
    expect(vm.cpu[0].intids()).toEqual([44, 46, 45, 41])
    // Each handled in priority order, each line lowered by its handler.
    vm.gic.setLevel(44, false)
    vm.cpu[0].endOfInterrupt(44)
    const order: number[] = []
    for (let i = 0; i < 8; i++) {
      const id = vm.cpu[0].acknowledge()
      if (id === 1023) {
        vm.enter(0)
        continue
      }
      order.push(id)
      vm.gic.setLevel(id, false) // the handler's MMIO exit: the device drops its line...
      vm.enter(0)
      vm.cpu[0].endOfInterrupt(id)
    }
    // Equal priorities (40 and 43, 0xa0) go in INTID order.
    expect(order).toEqual([46, 45, 41, 42, 40, 43])
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.gic.hasPending(0)).toBe(false)
  })

  it('never injects a disabled interrupt, a Group 0 one, or any while Group 1 is disabled', () => {
    const vm = linuxVm(1)
    vm.gic.setLevel(50, true)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.gic.hasPending(0)).toBe(false)
    expect(vm.kicks).toEqual([])
    linuxUnmask(vm.gic, 50)
    expect(vm.kicks).toEqual([0]) // enabling a pending interrupt makes it deliverable
    vm.gic.distributor.write(0x84, 4, ~(1n << 18n) & 0xffffffffn) // INTID 50 into Group 0
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    vm.gic.distributor.write(0x84, 4, 0xffffffffn)
    vm.gic.distributor.write(0x0, 4, 0x11n) // EnableGrp1 off
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    vm.gic.distributor.write(0x0, 4, 0x13n)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([50])
    // Masked while offered: at the next entry it leaves the list register.
    linuxMask(vm.gic, 50)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
  })

  it('delivers an SPI only to the vCPU its IROUTER names, and to one vCPU at a time', () => {
    const vm = linuxVm(2)
    linuxUnmask(vm.gic, 60)
    linuxRoute(vm.gic, 60, BigInt(affinity(1)))
    vm.gic.setLevel(60, true)
    expect(vm.kicks).toEqual([1])
    vm.enter(0)
    vm.enter(1)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.cpu[1].intids()).toEqual([60])
    // Rerouted while vCPU 1 runs with it in a list register: vCPU 0 must not take it as well.
    linuxRoute(vm.gic, 60, BigInt(affinity(0)))
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.gic.hasPending(0)).toBe(false)
    vm.enter(1) // vCPU 1 exits: the SPI is folded back and now goes to vCPU 0
    expect(vm.cpu[1].intids()).toEqual([])
    expect(vm.kicks.at(-1)).toBe(0)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([60])
  })

  it('keeps an SPI rerouted while active on its old vCPU until deactivated, then pends it on the new one', () => {
    const vm = linuxVm(2)
    linuxUnmask(vm.gic, 61)
    vm.gic.setLevel(61, true)
    vm.enter(0)
    expect(vm.cpu[0].acknowledge()).toBe(61)
    // Linux moves the interrupt (irq_set_affinity) while it is being handled on vCPU 0; the line stays high.
    vm.enter(0, () => linuxRoute(vm.gic, 61, BigInt(affinity(1))))
    expect(vm.cpu[0].statesOf(61)).toEqual(['active']) // not pending here: it is routed to vCPU 1 now
    vm.enter(1)
    expect(vm.cpu[1].intids()).toEqual([]) // nor there while active on vCPU 0
    vm.cpu[0].endOfInterrupt(61)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.kicks.at(-1)).toBe(1)
    vm.enter(1)
    expect(vm.cpu[1].statesOf(61)).toEqual(['pending'])
  })

  it('sends SGIs to a target list, across clusters and with a range selector, and with IRM to all but the sender', () => {
    const vm = linuxVm(20)
    for (let v = 0; v < 20; v++) linuxUnmask(vm.gic, 1, v * STRIDE)
    const sgi1r = (intid: number, aff1: number, list: number, rs = 0): bigint =>
      (BigInt(intid) << 24n) | (BigInt(aff1) << 16n) | BigInt(list) | (BigInt(rs) << 44n)
    // Cluster 0, CPUs 1 and 3 (vCPUs 1 and 3); cluster 2, CPU 2 (vCPU 18).
    vm.gic.sendSgi(0, sgi1r(1, 0, 0b1010))
    vm.gic.sendSgi(0, sgi1r(1, 2, 0b100))
    // Aff0 16 + 0 does not exist: nobody.
    vm.gic.sendSgi(0, sgi1r(1, 0, 1, 1))
    const got = (): number[] => Array.from({ length: 20 }, (_, v) => v).filter((v) => vm.gic.hasPending(v))
    expect(got()).toEqual([1, 3, 18])
    expect(vm.kicks).toEqual([1, 3, 18])
    for (let v = 0; v < 20; v++) {
      vm.enter(v)
      expect(handleOne(vm, v)).toBe(got().includes(v) || [1, 3, 18].includes(v) ? 1 : 1023)
      vm.enter(v)
    }
    expect(got()).toEqual([])
    vm.gic.sendSgi(5, (1n << 40n) | (1n << 24n))
    expect(got()).toEqual(Array.from({ length: 20 }, (_, v) => v).filter((v) => v !== 5))
    expect(vm.gic.stats.sgis).toBe(3 + 19)
  })

  it('banks SGIs and PPIs per vCPU', () => {
    const vm = linuxVm(2)
    linuxUnmask(vm.gic, 27, 0) // the virtual timer on vCPU 0 only
    expect(vm.gic.redistributors.read(0x10100, 4)).toBe(1n << 27n)
    expect(vm.gic.redistributors.read(STRIDE + 0x10100, 4)).toBe(0n)
    linuxSetPriority(vm.gic, 27, 0x20, STRIDE)
    expect(vm.gic.redistributors.read(STRIDE + 0x10418, 4)).toBe(0x20a0a0a0n)
    expect(vm.gic.redistributors.read(0x10418, 4)).toBe(0xa0a0a0a0n)
    vm.gic.setLevel(27, true, 1)
    vm.enter(0)
    vm.enter(1)
    expect(vm.cpu[0].intids()).toEqual([])
    expect(vm.cpu[1].intids()).toEqual([]) // disabled on vCPU 1
    vm.gic.setLevel(27, true, 0)
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([27])
    expect(vm.gic.redistributors.read(STRIDE + 0x10200, 4)).toBe(1n << 27n) // vCPU 1's is pending, not enabled
    vm.gic.setLevel(27, true) // a PPI without a vCPU names no line
    expect(vm.gic.stats.badLines).toBe(1)
  })

  it('puts a hardware-mapped PPI in a list register with HW and its physical INTID, never pending and active', () => {
    const vm = linuxVm(1)
    vm.gic.mapHw(0, 27, 27)
    linuxUnmask(vm.gic, 27, 0)
    vm.gic.setLevel(27, true, 0)
    vm.enter(0)
    const lr = vm.cpu[0].lrs[0]
    expect(lr & 0xffffffffn).toBe(27n)
    expect((lr >> 61n) & 1n).toBe(1n) // HW
    expect((lr >> 32n) & 0x1fffn).toBe(27n) // pINTID
    expect((lr >> 60n) & 1n).toBe(1n) // Group 1
    expect((lr >> 48n) & 0xffn).toBe(0xa0n)
    expect(vm.cpu[0].acknowledge()).toBe(27)
    vm.enter(0) // the timer condition still holds
    expect(vm.cpu[0].statesOf(27)).toEqual(['active'])
    vm.cpu[0].endOfInterrupt(27)
    expect(vm.cpu[0].physicalDeactivations).toEqual([27])
    vm.gic.setLevel(27, false, 0) // the handler reprogrammed the timer
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([])
  })

  it('says a vCPU has something pending in a list register or not, for WFI', () => {
    const vm = linuxVm(1)
    linuxUnmask(vm.gic, 33)
    expect(vm.gic.hasPending(0)).toBe(false)
    vm.gic.setLevel(33, true)
    expect(vm.gic.hasPending(0)).toBe(true)
    vm.enter(0)
    expect(vm.gic.hasPending(0)).toBe(true) // offered in a list register
    vm.cpu[0].acknowledge()
    vm.enter(0)
    expect(vm.cpu[0].statesOf(33)).toEqual(['pending+active']) // the line is still high
    expect(vm.gic.hasPending(0)).toBe(false) // but nothing can be taken before the EOI
    vm.enter(0, () => vm.gic.setLevel(33, false))
    vm.cpu[0].endOfInterrupt(33)
    vm.enter(0)
    expect(vm.gic.hasPending(0)).toBe(false)
  })

  it('uses as many list registers as it is given', () => {
    const vm = linuxVm(1, 2)
    for (const id of [40, 41, 42]) {
      linuxUnmask(vm.gic, id)
      vm.gic.setLevel(id, true)
    }
    vm.enter(0)
    expect(vm.cpu[0].intids()).toEqual([40, 41])
    const none = new BigUint64Array(0)
    vm.gic.sync(0, vm.cpu[0].lrs)
    vm.gic.flush(0, none)
    expect(vm.gic.hasPending(0)).toBe(true)
  })
})
