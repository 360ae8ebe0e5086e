// A runnable Vm: a native VMM thread in extended vCPU mode resumes into a
// Vm whose stage 2 it built by mapping, and gets each VM exit back as an
// upcall with its syndrome — HVC, a device access with its IPA and ISS, the
// guest's virtual timer firing (once, until the guest deactivates the
// interrupt the VMM injected through a list register).
import { describe, expect, it } from 'vitest'
import { buildBoard } from '../boards/builder'
import { ARM_VE } from '../boards/arm-ve'
import { bootKernel, createInitialTask } from './boot'
import { BaseCap, Err, MemRight, Proto, VcpuF } from './abi'
import { factoryCreate, mem, vcpuControl, vcpuResume } from '../l4/l4sys'
import { MemorySpace, mapPages } from './mem-space'
import { TrapKind, newVcpuState } from './vcpu'
import { VmExitKind, aarch64Regs, type Aarch64VcpuExt } from './arch/aarch64'
import type { Sys } from './native'

// test/… guest.S, assembled: the program at IPA 0x4000_0000, its IRQ vector at +0xa80.
//   adr x9, vectors; msr vbar_el1, x9; mov x0, #0xff; msr icc_pmr_el1, x0; mov x0, #1; msr icc_igrpen1_el1, x0
//   mov x0, #42; hvc #0
//   mov x1, #0x09000000; mov w2, #0x41; str w2, [x1]; ldr w3, [x1, #0x18]; hvc #1
//   mrs x4, cntvct_el0; add x4, x4, #2000; msr cntv_cval_el0, x4; mov x5, #1; msr cntv_ctl_el0, x5
//   msr daifclr, #2; 1: b 1b
// vectors + 0x280: mrs x6, icc_iar1_el1; mov x7, #0; msr cntv_ctl_el0, x7; msr icc_eoir1_el1, x6; hvc #2; b .
const MAIN = [
  0x10004009, 0xd518c009, 0xd2801fe0, 0xd5184600, 0xd2800020, 0xd518cce0, 0xd2800540, 0xd4000002, 0xd2a12001, 0x52800822, 0xb9000022,
  0xb9401823, 0xd4000022, 0xd53be044, 0x911f4084, 0xd51be344, 0xd2800025, 0xd51be325, 0xd50342ff, 0x14000000,
]
const IRQ_VECTOR = [0xd538cc06, 0xd2800007, 0xd51be327, 0xd518cc26, 0xd4000042, 0x14000000]

const RAM = 0x4000_0000

interface Exit {
  kind: TrapKind
  exit: number
  syndrome: number
  ipa: number
  access: number
}

function words(ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4)
  const dv = new DataView(b.buffer)
  ws.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true))
  return b
}

/** A kernel on the arm-ve board's core with one native VMM task holding 16 pages of RAM at their physical addresses. */
function boot(vmm: (sys: Sys) => Generator<unknown, void, number>) {
  let kernel: ReturnType<typeof bootKernel>['kernel'] | null = null
  const built = buildBoard(ARM_VE, { ramBytes: 16 << 20, cpus: 1, translate: (asid, va, access) => kernel!.translate(asid, va, access) })
  if (!built.ok) throw new Error(built.error)
  const booted = bootKernel({ cpus: 1, ram: built.board.ram, core: built.board.core ?? undefined, kernelMemory: 16 << 20 })
  kernel = booted.kernel
  const t = createInitialTask(booted, 'vmm', vmm)
  const sigma0 = new MemorySpace(999, null, 'sigma0')
  sigma0.identity = { firstVpn: RAM / 4096, frames: 4096 }
  mapPages(sigma0, RAM / 4096, t.task.space, RAM / 4096, 16, MemRight.RWX, false)
  return { kernel, t }
}

describe('a runnable Vm (extended vCPU)', () => {
  it('runs guest code at EL1 under stage 2 and returns each VM exit to the VMM with its syndrome', () => {
    const exits: Exit[] = []
    const regsSeen: bigint[] = []
    let lrAfter = -1n
    let created = -1
    const { kernel } = boot(function* (sys) {
      sys.mem.write(RAM, words(MAIN))
      sys.mem.write(RAM + 0xa80, words(IRQ_VECTOR))
      created = yield* factoryCreate(sys, BaseCap.Factory, Proto.Vm, 0x40)
      const v = newVcpuState()
      expect(yield* vcpuControl(sys, BaseCap.Thread, v, true)).toBe(0)
      const regs = aarch64Regs(v.regs)!
      const ext = v.ext as Aarch64VcpuExt
      ext.vmpidr = 0x8000_0000n
      regs.setPc(BigInt(RAM))
      v.userTask = 0x40
      let maps: (readonly [number, number])[] = [[mem(RAM, 12, MemRight.RWX), RAM]]
      for (let i = 0; i < 8; i++) {
        v.state = VcpuF.Irq | VcpuF.FpuEnabled
        const r = yield* vcpuResume(sys, BaseCap.Thread, maps)
        maps = []
        expect(r).toBe(0)
        const trap = v.trap
        exits.push({ kind: trap.kind, exit: trap.imm, syndrome: trap.syndrome >>> 0, ipa: trap.pfa, access: trap.access })
        if (trap.kind !== TrapKind.VmExit) continue
        if (trap.imm === VmExitKind.Hvc) {
          regsSeen.push(regs.x(0), regs.x(3), regs.x(6))
          if ((trap.syndrome & 0xffff) === 2) {
            lrAfter = ext.gicLr[0]
            break
          }
        } else if (trap.imm === VmExitKind.Stage2Abort) {
          // The VMM emulates the device: the load gets 0x90 (a PL011's flags), the PC moves on.
          if ((trap.access & 2) === 0) regs.setX((trap.syndrome >>> 16) & 31, 0x90n)
          regs.setPc(regs.pc + 4n)
        } else if (trap.imm === VmExitKind.Irq) {
          // The virtual timer fired: inject it as a hardware interrupt (vINTID = pINTID 27), pending, group 1.
          ext.gicLr[0] = (1n << 62n) | (1n << 61n) | (1n << 60n) | (0xa0n << 48n) | (27n << 32n) | 27n
        }
      }
    })
    kernel.run(50e6)
    expect(created).toBe(0)
    const hvc = (imm: number) => ({ kind: TrapKind.VmExit, exit: VmExitKind.Hvc, syndrome: ((0x16 << 26) | (1 << 25) | imm) >>> 0, ipa: 0, access: 0 })
    // ISS of a data abort: ISV, SAS (2: word), SRT, WnR; DFSC translation fault level 3.
    const abort = (srt: number, write: boolean, ipa: number) => ({
      kind: TrapKind.VmExit,
      exit: VmExitKind.Stage2Abort,
      syndrome: ((0x24 << 26) | (1 << 25) | (1 << 24) | (2 << 22) | (srt << 16) | (write ? 1 << 6 : 0) | 0x07) >>> 0,
      ipa,
      access: write ? 2 : 1,
    })
    expect(exits).toEqual([
      hvc(0),
      abort(2, true, 0x0900_0000),
      abort(3, false, 0x0900_0018),
      hvc(1),
      { kind: TrapKind.VmExit, exit: VmExitKind.Irq, syndrome: 27, ipa: 0, access: 0 },
      hvc(2),
    ])
    // x0 = 42 at the first HVC, x3 = what the VMM emulated, x6 = the INTID the guest acknowledged.
    expect(regsSeen.slice(0, 2)).toEqual([42n, 0n])
    expect(regsSeen[4]).toBe(0x90n)
    expect(regsSeen[8]).toBe(27n)
    // The guest's EOI deactivated the list register (and with it the host's mask on the timer).
    expect(lrAfter >> 62n).toBe(0n)
  })

  it('refuses to resume an extended vCPU into a plain task', () => {
    let r = 0
    const { kernel } = boot(function* (sys) {
      const v = newVcpuState()
      yield* vcpuControl(sys, BaseCap.Thread, v, true)
      v.userTask = BaseCap.Task
      r = yield* vcpuResume(sys, BaseCap.Thread)
    })
    kernel.run(1e6)
    expect(r).toBe(-Err.EInval)
  })

  it('tells the VMM of an unmapped guest-physical page as a stage-2 abort', () => {
    const exits: Exit[] = []
    const { kernel } = boot(function* (sys) {
      yield* factoryCreate(sys, BaseCap.Factory, Proto.Vm, 0x40)
      const v = newVcpuState()
      yield* vcpuControl(sys, BaseCap.Thread, v, true)
      aarch64Regs(v.regs)!.setPc(BigInt(RAM + 0x1000))
      v.userTask = 0x40
      v.state = VcpuF.Irq
      yield* vcpuResume(sys, BaseCap.Thread)
      const trap = v.trap
      exits.push({ kind: trap.kind, exit: trap.imm, syndrome: trap.syndrome >>> 0, ipa: trap.pfa, access: trap.access })
    })
    kernel.run(1e6)
    expect(exits).toHaveLength(1)
    expect(exits[0]).toMatchObject({ kind: TrapKind.VmExit, exit: VmExitKind.Stage2Abort, ipa: RAM + 0x1000, access: 4 })
  })
})
