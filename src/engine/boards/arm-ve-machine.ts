/**
 * The arm-ve machine without software of ours: RAM, the PL011, the GICv3,
 * the generic timer and PSCI, as QEMU's `virt,virtualization=on` presents
 * them, running a guest image directly on the cores from EL2 — what
 * `qemu-system-aarch64 -kernel` does with a bare-metal ELF. The bare-metal
 * test suite runs here and under QEMU and compares what the two print
 * (docs/cpu-aarch64-system.md). The arm-ve board of the lab builds on it.
 *
 * Cores run round-robin in quanta of instructions, so a run is the same
 * every time. A core in WFI sleeps until an interrupt would wake it; its
 * counter moves on with the others', and when every core sleeps, time skips
 * to the next timer. WFE ends the core's quantum (the event it waits for
 * comes from another core, which runs next) without sleeping.
 */
import { Aarch64Core } from '../cpu/aarch64/aarch64-core'
import type { Aarch64Context } from '../cpu/aarch64/context'
import { SysMode, SysReg } from '../cpu/aarch64/core-layout'
import { Access, CoreExit } from '../cpu/core-abi'
import { MmioBus } from '../hw/mmio-bus'
import { emulateMmio, MmioAccessResult } from '../hw/mmio-access'
import { Gicv3, REDIST_STRIDE } from '../devices/gicv3'
import { Pl011 } from '../devices/pl011'
import { parseElf } from '../formats/elf'
import { ARM_VE_MEMMAP } from './arm-ve'

export interface ArmVeMachineOptions {
  cpus?: number
  ramMiB?: number
  /** Bytes the guest writes to the PL011. */
  output?: (byte: number) => void
  /** Instructions a core runs before the next one's turn. */
  quantum?: number
  /** The block compiler (Aarch64CoreOptions.jit): on by default, false for the interpreter alone. */
  jit?: boolean | number
}

type CoreState = 'off' | 'running' | 'asleep'

// PSCI 1.1 (Arm DEN 0022): the calls QEMU virt answers, 32- and 64-bit ids.
const PSCI = {
  version: 0x8400_0000, cpuOff: 0x8400_0002, cpuOn32: 0x8400_0003, cpuOn64: 0xc400_0003,
  affinityInfo32: 0x8400_0004, affinityInfo64: 0xc400_0004, migrateInfoType: 0x8400_0006,
  systemOff: 0x8400_0008, systemReset: 0x8400_0009, features: 0x8400_000a,
} as const
const PSCI_SUCCESS = 0n
const PSCI_NOT_SUPPORTED = -1n
const PSCI_INVALID = -2n
const PSCI_ALREADY_ON = -4n

export class ArmVeMachine {
  readonly core: Aarch64Core
  readonly bus = new MmioBus()
  readonly gic: Gicv3
  readonly contexts: Aarch64Context[]
  readonly states: CoreState[]
  readonly ramBase = ARM_VE_MEMMAP.ram.base
  /** Set when the guest powered the machine off or asked for a reset (PSCI), or a core met what we cannot do. */
  stopped: { reason: 'off' | 'reset' | 'error'; detail?: string } | null = null
  /** Device accesses that hit no device (read as zero, writes ignored). */
  unmappedAccesses = 0
  private readonly quantum: number

  constructor(opts: ArmVeMachineOptions = {}) {
    const cpus = opts.cpus ?? 1
    const ramBytes = (opts.ramMiB ?? 128) << 20
    this.quantum = opts.quantum ?? 10_000
    this.core = Aarch64Core.create({ ramBytes, cores: cpus, translate: () => -1, jit: opts.jit })
    this.core.setRamPa(this.ramBase)
    this.gic = new Gicv3(this.core.gicState(), cpus, 256)
    const m = ARM_VE_MEMMAP
    this.bus.map(m.gicDist.base, m.gicDist.size, this.gic.distributor, 'gic-dist')
    this.bus.map(m.gicRedist.base, REDIST_STRIDE * cpus, this.gic.redistributors, 'gic-redist')
    this.bus.map(m.uart.base, m.uart.size, new Pl011(opts.output ?? (() => {})), 'pl011')
    this.contexts = []
    this.states = []
    for (let i = 0; i < cpus; i++) {
      const ctx = this.core.allocContext()
      ctx.setMode(SysMode.System, 2)
      const mpidr = BigInt(0x8000_0000 + i)
      ctx.setSysReg(SysReg.MPIDR_EL1, mpidr)
      ctx.setSysReg(SysReg.VMPIDR_EL2, mpidr)
      ctx.setSysReg(SysReg.CNTHCTL_EL2, 3n) // EL1 reaches the physical counter and timer, as after QEMU's reset
      this.contexts.push(ctx)
      this.states.push('off')
    }
  }

  /** Copies a static ELF's segments into RAM; returns its entry, or a reason. */
  loadElf(bytes: Uint8Array): { ok: true; entry: number } | { ok: false; reason: string } {
    const r = parseElf(bytes)
    if (!r.ok) return r
    const ram = this.core.ram
    for (const s of r.image.segments) {
      if (s.vaddr < ARM_VE_MEMMAP.flash.size) continue // headers lld puts below the image: flash is not modelled
      const off = s.vaddr - this.ramBase
      if (off < 0 || off + s.memsz > ram.length) return { ok: false, reason: `segment at 0x${s.vaddr.toString(16)} lies outside RAM` }
      ram.set(bytes.subarray(s.offset, s.offset + s.filesz), off)
      ram.fill(0, off + s.filesz, off + s.memsz)
      this.core.invalidateCode(off, s.memsz)
    }
    return { ok: true, entry: r.image.entry }
  }

  /** Starts core 0 at `entry` in EL2 with x0 = `x0` (a device tree's address, or 0), the others off, as QEMU does. */
  boot(entry: number, x0 = 0n): void {
    const ctx = this.contexts[0]
    ctx.setPc(BigInt(entry))
    ctx.setX(0, x0)
    this.states[0] = 'running'
  }

  /** Runs until the guest stops the machine or `maxInstructions` pass on core 0's clock; returns the instructions core 0 ran. */
  run(maxInstructions: number): number {
    let ran = 0
    while (!this.stopped && ran < maxInstructions) {
      let anyRan = false
      for (let i = 0; i < this.contexts.length && !this.stopped; i++) {
        if (this.states[i] === 'asleep' && this.core.wfiWakeable(i, this.contexts[i])) this.states[i] = 'running'
        if (this.states[i] !== 'running') continue
        anyRan = true
        this.step(i)
      }
      if (this.stopped) break
      if (anyRan) {
        ran += this.quantum
        // Sleeping cores' clocks keep pace with the running ones'.
        for (let i = 0; i < this.contexts.length; i++) if (this.states[i] === 'asleep') this.core.advanceCounter(i, this.quantum)
      } else if (!this.skipToTimer()) {
        this.stopped = { reason: 'error', detail: 'every core waits for an interrupt that nothing will raise' }
      }
    }
    return ran
  }

  /** No core runs: moves every clock on to the first timer that fires (exactly, so it wakes on its tick). False when none will. */
  private skipToTimer(): boolean {
    let next = Infinity
    this.contexts.forEach((ctx, i) => {
      if (this.states[i] !== 'asleep') return
      const t = this.core.ticksToNextTimer(i, ctx)
      if (t >= 0) next = Math.min(next, t)
    })
    if (next === Infinity) return false
    for (let i = 0; i < this.contexts.length; i++) this.core.advanceCounter(i, next)
    return true
  }

  /** One quantum of core `i`, and what its exits ask of the machine. */
  private step(i: number): void {
    const ctx = this.contexts[i]
    let left = this.quantum
    while (left > 0 && !this.stopped && this.states[i] === 'running') {
      const exit = this.core.run(i, ctx, 1 + i, left)
      const d = this.core.details(i)
      left -= Math.max(d.retired, 1)
      switch (exit) {
        case CoreExit.Budget:
          break
        case CoreExit.Stage2Abort:
          this.deviceAccess(ctx, d.ipa, d.access, d.syndrome)
          break
        case CoreExit.Smc:
        case CoreExit.Hvc:
          this.psci(i, ctx)
          break
        case CoreExit.Wfi:
          // WFE waits for an event (SEV, a lock released): the other cores run first, this one stays runnable.
          if (d.syndrome & 1) return
          this.states[i] = 'asleep'
          break
        default:
          this.stopped = { reason: 'error', detail: `core ${i}: exit ${exit} at 0x${ctx.pc.toString(16)}` }
      }
    }
  }

  /** A load or store to a device: the ISS names the register and the size; the PC moves past it. */
  private deviceAccess(ctx: Aarch64Context, pa: number, access: Access, syndrome: number): void {
    const r = emulateMmio(ctx, this.bus, pa, access === Access.Write, syndrome)
    if (r === MmioAccessResult.NoSyndrome) {
      this.stopped = { reason: 'error', detail: `a device access at 0x${pa.toString(16)} by an instruction with no syndrome (pc 0x${ctx.pc.toString(16)})` }
      return
    }
    if (r === MmioAccessResult.Unmapped) this.unmappedAccesses++
    ctx.setPc(ctx.pc + 4n)
  }

  /** PSCI through SMC (or HVC): the function id in x0, the result back in x0. */
  private psci(i: number, ctx: Aarch64Context): void {
    const fid = Number(ctx.x(0) & 0xffff_ffffn)
    let r = PSCI_NOT_SUPPORTED
    switch (fid) {
      case PSCI.version: r = 0x10001n; break // 1.1
      case PSCI.migrateInfoType: r = 2n; break // no trusted OS to migrate
      case PSCI.features: r = Object.values(PSCI).includes(Number(ctx.x(1) & 0xffff_ffffn) as never) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED; break
      case PSCI.systemOff: this.stopped = { reason: 'off' }; return
      case PSCI.systemReset: this.stopped = { reason: 'reset' }; return
      case PSCI.cpuOff: this.states[i] = 'off'; return
      case PSCI.cpuOn32:
      case PSCI.cpuOn64: r = this.cpuOn(Number(ctx.x(1) & 0xffn), ctx.x(2), ctx.x(3)); break
      case PSCI.affinityInfo32:
      case PSCI.affinityInfo64: {
        const t = Number(ctx.x(1) & 0xffn)
        r = t < this.states.length ? (this.states[t] === 'off' ? 1n : 0n) : PSCI_INVALID
        break
      }
    }
    ctx.setX(0, BigInt.asUintN(64, r))
  }

  /**
   * CPU_ON: the core starts at `entry` with x0 = `contextId`, MMU off, at
   * the highest exception level there is — EL2 — as PSCI asks of firmware
   * and QEMU's does.
   */
  private cpuOn(target: number, entry: bigint, contextId: bigint): bigint {
    if (target >= this.states.length) return PSCI_INVALID
    if (this.states[target] !== 'off') return PSCI_ALREADY_ON
    const ctx = this.contexts[target]
    const mpidr = ctx.sysReg(SysReg.MPIDR_EL1)
    ctx.reset()
    ctx.setMode(SysMode.System, 2)
    ctx.setSysReg(SysReg.MPIDR_EL1, mpidr)
    ctx.setSysReg(SysReg.VMPIDR_EL2, mpidr)
    ctx.setSysReg(SysReg.CNTHCTL_EL2, 3n)
    ctx.setPc(entry)
    ctx.setX(0, contextId)
    this.states[target] = 'running'
    return PSCI_SUCCESS
  }
}
