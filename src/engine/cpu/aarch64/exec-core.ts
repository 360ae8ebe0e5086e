/**
 * The AArch64 machine as the kernel's execution core (kernel/exec-core.ts):
 * the kernel runs contexts and reads exit details through this adapter;
 * the details object is reused, so an exit costs no allocation.
 */
import type { ExecCore, ExitDetails, CpuExit } from '../../kernel/exec-core'
import { Aarch64Machine, type CpuContext, type Translate } from './machine'

export class Aarch64ExecCore implements ExecCore {
  readonly ram: Uint8Array
  private readonly d: ExitDetails = { retired: 0, pc: 0, faultAddress: 0, access: 0, svcImm: 0, syndrome: 0 }

  constructor(readonly machine: Aarch64Machine) {
    this.ram = machine.ram
  }

  static create(ramBytes: number, cores: number, translate: Translate): Aarch64ExecCore {
    return new Aarch64ExecCore(Aarch64Machine.create({ ramBytes, cores, translate }))
  }

  allocContext(): unknown {
    const c = this.machine.allocContext()
    c.reset()
    return c
  }
  freeContext(ctx: unknown): void {
    this.machine.freeContext(ctx as CpuContext)
  }
  run(core: number, ctx: unknown, asid: number, budget: number): CpuExit {
    return this.machine.run(core, ctx as CpuContext, asid, budget) as unknown as CpuExit
  }
  details(core: number): ExitDetails {
    const e = this.machine.exit
    const d = this.d
    d.retired = e.retired(core)
    d.pc = e.pc(core)
    d.faultAddress = e.faultAddress(core)
    d.access = e.access(core)
    d.svcImm = e.svcImm(core)
    d.syndrome = e.syndrome(core)
    return d
  }
  flushTlb(asid?: number): void {
    this.machine.flushTlb(asid)
  }
  flushTlbPage(asid: number, vaddr: number): void {
    this.machine.flushTlbPage(asid, vaddr)
  }
  invalidateCode(ramOffset: number, bytes: number): void {
    this.machine.invalidateCode(ramOffset, bytes)
  }
  clearExclusive(core: number): void {
    this.machine.clearExclusive(core)
  }
  compilerStats(): { regions: number; instructions: number; failed: number } {
    const s = this.machine.jitStats()
    return { regions: s.compiled, instructions: s.instructions, failed: s.failed }
  }
}
