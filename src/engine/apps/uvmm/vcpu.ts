/**
 * A vCPU's loop, as uvmm's: load the pending virtual interrupts into the
 * list registers, `vcpu_resume` into the Vm, and handle what comes back —
 * a VM exit (a stage-2 fault to emulate on the device bus or to map RAM
 * for, PSCI over HVC/SMC, WFI, a trapped GIC register, a timer's
 * interrupt) or an IRQ of ours (console input, another vCPU's kick).
 * Between runs the loop does what needs IPC: console output and input,
 * kicking other vCPUs, unmasking our Irqs.
 */
import { GuestSysReg, IPC_NEVER, TIMEOUT_NEVER, TrapKind, VcpuF, VmExitKind, timeoutPair, timeoutUs, type Sys, type VcpuTrap } from '../../kernel/uapi'
import { irqTrigger, irqUnmask, vcpuResume } from '../../l4/l4sys'
import { emulateMmio, MmioAccessResult } from '../../hw/mmio-access'
import { psciCall } from './psci'
import type { UvmmVcpu, UvmmVm } from './vm'

/** The labels our Irqs are attached with. */
export const enum UvmmIrq {
  Console = 1,
  Kick = 2,
}

/** Stage-2 mappings that ride on one vcpu_resume (the UTCB's room for send items). */
const MAPS_PER_RESUME = 30

export function* runVcpu(vm: UvmmVm, v: UvmmVcpu, sys: Sys): Generator<unknown, void, number> {
  const acks: number[] = []
  for (;;) {
    yield* housekeeping(vm, v, sys, acks)
    if (vm.stopped) return
    if (v.power === 'starting' && v.start) powerOn(v)
    if (v.power === 'off') {
      yield* sleep(vm, v, sys, Infinity, acks)
      continue
    }
    vm.gic.flush(v.index, v.ext.gicLr)
    v.state.userTask = vm.vmCap
    v.state.state = VcpuF.Irq | VcpuF.FpuEnabled
    const maps = v.maps.splice(0, MAPS_PER_RESUME)
    const r = yield* vcpuResume(sys, v.thread, maps)
    vm.gic.sync(v.index, v.ext.gicLr)
    if (r < 0) {
      vm.stop({ kind: 'crash', detail: `vCPU ${v.index}: vcpu_resume failed (L4 error ${r})` })
      continue
    }
    const trap = v.state.trap
    if (trap.kind === TrapKind.VmExit) {
      vm.stats.exits++
      yield* vmExit(vm, v, sys, trap, acks)
    } else if (trap.kind === TrapKind.Irq || trap.kind === TrapKind.Ipc) {
      ourIrq(vm, v, v.state.ipc.label, acks)
    }
  }
}

/** CPU_ON: the vCPU starts at its entry with x0 = the context id, at EL1 with the MMU off (PSCI's rules). */
function powerOn(v: UvmmVcpu): void {
  const { entry, contextId } = v.start!
  v.regs.reset()
  v.regs.setPc(entry)
  v.regs.setX(0, contextId)
  v.ext.gicLr.fill(0n)
  v.power = 'on'
  v.start = null
}

function* housekeeping(vm: UvmmVm, v: UvmmVcpu, sys: Sys, acks: number[]): Generator<unknown, void, number> {
  v.kickDue = false
  for (const w of vm.vcpuList) {
    if (w === v || !w.kickDue) continue
    w.kickDue = false
    yield* irqTrigger(sys, w.kick)
  }
  while (acks.length > 0) yield* irqUnmask(sys, acks.pop()!)
  if (v.index !== 0) return
  if (vm.rtc?.armed) vm.rtc.poll()
  // Display input posted since the last look (the lab kicks vCPU 0 when it posts).
  vm.display?.flush()
  vm.console.pump()
  if (vm.console.inputPending) yield* vm.console.drain(sys)
  if (vm.console.flushDue || (vm.stopped && vm.console.hasOutput)) yield* vm.console.flush(sys)
}

function ourIrq(vm: UvmmVm, v: UvmmVcpu, label: number, acks: number[]): void {
  vm.stats.hostIrqs++
  if (label === UvmmIrq.Console) {
    vm.console.inputPending = true
    acks.push(vm.consoleIrq)
  } else if (label === UvmmIrq.Kick) {
    acks.push(v.kick)
  }
}

function* vmExit(vm: UvmmVm, v: UvmmVcpu, sys: Sys, trap: VcpuTrap, acks: number[]): Generator<unknown, void, number> {
  const regs = v.regs
  switch (trap.imm) {
    case VmExitKind.Stage2Abort: {
      const item = vm.ram.stage2Item(trap.pfa)
      if (item) {
        vm.stats.ramFaults++
        v.maps.push(item)
        return
      }
      if (vm.ram.contains(trap.pfa, 1)) {
        vm.stop({ kind: 'crash', detail: `vCPU ${v.index}: a stage-2 fault in mapped RAM at IPA 0x${trap.pfa.toString(16)} (pc 0x${regs.pc.toString(16)})` })
        return
      }
      vm.stats.mmio++
      const r = emulateMmio(regs, vm.bus, trap.pfa, (trap.access & 2) !== 0, trap.syndrome)
      if (r === MmioAccessResult.NoSyndrome) {
        vm.stop({ kind: 'crash', detail: `vCPU ${v.index}: a device access at 0x${trap.pfa.toString(16)} by an instruction uvmm cannot emulate (pc 0x${regs.pc.toString(16)})` })
        return
      }
      if (r === MmioAccessResult.Unmapped) vm.unmappedAccess(trap.pfa)
      regs.setPc(regs.pc + 4n)
      return
    }
    case VmExitKind.Hvc:
    case VmExitKind.Smc: {
      if (trap.imm === VmExitKind.Hvc) vm.stats.hvc++
      else {
        vm.stats.smc++
        regs.setPc(regs.pc + 4n) // a trapped SMC returns to itself
      }
      const r = psciCall(vm, v.index, [regs.x(0), regs.x(1), regs.x(2), regs.x(3)])
      if (r !== null) regs.setX(0, BigInt.asUintN(64, r))
      return
    }
    case VmExitKind.Wfi:
      vm.stats.wfi++
      // WFE (syndrome bit 0) only yields; WFI sleeps until an interrupt could be taken.
      if ((trap.syndrome & 1) === 0 && !vm.gic.hasPending(v.index)) yield* sleep(vm, v, sys, Math.min(timerDeadline(v), v.index === 0 ? rtcDeadline(vm, sys) : Infinity), acks)
      return
    case VmExitKind.SysReg:
      vm.stats.sysreg++
      sysRegTrap(vm, v, trap.syndrome)
      regs.setPc(regs.pc + 4n)
      return
    case VmExitKind.Irq:
      // A timer of the guest fired (the INTID in the syndrome): its line is high until the guest
      // deactivates the interrupt (the core holds the timer masked until then; gic/ drops the line).
      vm.stats.timerIrqs++
      vm.gic.setLevel(trap.syndrome, true, v.index)
      return
    default:
      vm.stats.unhandled++
      vm.stop({ kind: 'crash', detail: `vCPU ${v.index}: VM exit ${trap.imm} (syndrome 0x${(trap.syndrome >>> 0).toString(16)}) at pc 0x${regs.pc.toString(16)}` })
  }
}

/** A trapped MSR/MRS (EC 0x18): the SGI registers of the GIC CPU interface, which the VMM routes. */
function sysRegTrap(vm: UvmmVm, v: UvmmVcpu, iss: number): void {
  const read = (iss & 1) === 1
  const crm = (iss >>> 1) & 15
  const rt = (iss >>> 5) & 31
  const crn = (iss >>> 10) & 15
  const op1 = (iss >>> 14) & 7
  const op2 = (iss >>> 17) & 7
  const op0 = (iss >>> 20) & 3
  if (!read && op0 === 3 && op1 === 0 && crn === 12 && crm === 11 && op2 === 5) {
    vm.gic.sendSgi(v.index, rt === 31 ? 0n : v.regs.x(rt))
    return
  }
  // Group 0 and secure SGIs (SGI0R, ASGI1R) have no target here; anything else trapped reads as zero.
  if (read && rt !== 31) v.regs.setX(rt, 0n)
  vm.unknownSysReg(`S${op0}_${op1}_C${crn}_C${crm}_${op2}`)
}

/** Virtual time (ns) when the vCPU's next enabled, unmasked timer fires; Infinity when none will. */
function timerDeadline(v: UvmmVcpu): number {
  let at = Infinity
  const vctl = v.regs.sysReg(GuestSysReg.CNTV_CTL)
  if ((vctl & 3n) === 1n) at = Math.min(at, Number(v.regs.sysReg(GuestSysReg.CNTV_CVAL) + v.ext.cntvoff))
  const pctl = v.regs.sysReg(GuestSysReg.CNTP_CTL)
  if ((pctl & 3n) === 1n) at = Math.min(at, Number(v.regs.sysReg(GuestSysReg.CNTP_CVAL)))
  return at
}

/** Virtual time (ns) when the RTC's alarm fires; Infinity when it is not armed. */
function rtcDeadline(vm: UvmmVm, sys: Sys): number {
  const rtc = vm.rtc
  return rtc?.armed ? sys.clock() + rtc.msUntilMatch() * 1e6 : Infinity
}

/** The longest relative timeout the L4 format holds (1023 × 2^31 µs, about 70 years). */
const MAX_SLEEP_US = 0x3ff * 2 ** 31

/**
 * The receive timeout for a sleep of `leftNs`: a guest may program its timer
 * anywhere in 64 bits, so a deadline beyond what the format holds is slept
 * to the longest timeout (and looked at again), never an error.
 */
export function sleepTimeout(leftNs: number): number {
  if (!Number.isFinite(leftNs)) return IPC_NEVER
  return timeoutPair(TIMEOUT_NEVER, timeoutUs(Math.min(MAX_SLEEP_US, Math.max(1, Math.ceil(leftNs / 1000)))))
}

/** Waits until `until` (virtual ns) or an IRQ of ours (a kick, console input). */
function* sleep(vm: UvmmVm, v: UvmmVcpu, sys: Sys, until: number, acks: number[]): Generator<unknown, void, number> {
  if (vm.console.hasOutput && v.index === 0) yield* vm.console.flush(sys)
  while (acks.length > 0) yield* irqUnmask(sys, acks.pop()!)
  const left = until - sys.clock()
  if (left <= 0) return
  const timeout = sleepTimeout(left)
  v.sleeping = true
  const tag = yield sys.wait(timeout)
  v.sleeping = false
  if (!(tag & 0x8000)) ourIrq(vm, v, sys.label, acks)
}
