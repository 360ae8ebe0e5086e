// An x86-64 vCPU on the pc-exec board: a native thread resumes into a task
// running x86-64 code and gets each event back as an upcall: a page fault
// (address and access), SYSCALL, #UD, #DE, #GP and INT3 as exception
// classes, with the FS base of the context applied to an FS-relative load.
import { describe, expect, it } from 'vitest'
import { buildBoard } from '../../boards/builder'
import { PC_EXEC } from '../../boards/pc-exec'
import { bootKernel, createInitialTask } from '../boot'
import { BaseCap, MemRight, Proto, VcpuF } from '../abi'
import { factoryCreate, mem, vcpuControl, vcpuResume } from '../../l4/l4sys'
import { MemorySpace, mapPages } from '../mem-space'
import { ExcClass, TrapKind, newVcpuState } from '../vcpu'
import { x86_64Regs } from './x86_64'

const RAM = PC_EXEC.memmap.ram.base
const CODE_VA = 0x1000
const DATA_VA = 0x3000
// mov rax, [0x3000]; syscall; ud2; xor ecx, ecx; div rcx; mov rbx, fs:[8];
// mov rax, 0x8000000000000000; mov edx, [rax]; int3
const CODE = [
  0x48, 0x8b, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b, 0x31, 0xc9, 0x48, 0xf7, 0xf1,
  0x64, 0x48, 0x8b, 0x1c, 0x25, 0x08, 0x00, 0x00, 0x00, 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x8b, 0x10, 0xcc,
]
/** Bytes to skip for the instructions the handler steps over: ud2, div rcx, mov edx, [rax]. */
const SKIP: Record<number, number> = { [CODE_VA + 10]: 2, [CODE_VA + 14]: 3, [CODE_VA + 36]: 2 }

interface Event { kind: TrapKind; cls: number; pc: number; pfa?: number }

describe('an x86-64 vCPU (pc-exec)', () => {
  it('returns page faults and SYSCALL, #UD, #DE, #GP, INT3 as upcalls; FS base applies', () => {
    const events: Event[] = []
    let rax = -1n
    let rbx = -1n
    let kernel: ReturnType<typeof bootKernel>['kernel'] | null = null
    const built = buildBoard(PC_EXEC, { ramBytes: 16 << 20, cpus: 1, translate: (asid, va, access) => kernel!.translate(asid, va, access) })
    if (!built.ok) throw new Error(built.error)
    const booted = bootKernel({ cpus: 1, ram: built.board.ram, core: built.board.core ?? undefined, kernelMemory: 16 << 20 })
    kernel = booted.kernel
    const t = createInitialTask(booted, 'host', function* (sys) {
      sys.mem.write(RAM, new Uint8Array(CODE))
      const data = new Uint8Array(16)
      new DataView(data.buffer).setBigUint64(0, 0x1122334455667788n, true)
      new DataView(data.buffer).setBigUint64(8, 0x99n, true)
      sys.mem.write(RAM + 0x1000, data)
      expect(yield* factoryCreate(sys, BaseCap.Factory, Proto.Task, 0x40)).toBe(0)
      const v = newVcpuState()
      expect(yield* vcpuControl(sys, BaseCap.Thread, v)).toBe(0)
      const regs = x86_64Regs(v.regs)!
      expect(regs).not.toBeNull()
      regs.setPc(BigInt(CODE_VA))
      regs.setFsBase(BigInt(DATA_VA))
      v.userTask = 0x40
      let maps: (readonly [number, number])[] = [[mem(RAM, 12, MemRight.RX), CODE_VA]]
      for (let i = 0; i < 10; i++) {
        v.state = VcpuF.Irq | VcpuF.PageFaults | VcpuF.Exceptions
        expect(yield* vcpuResume(sys, BaseCap.Thread, maps)).toBe(0)
        maps = []
        const trap = v.trap
        events.push(trap.kind === TrapKind.PageFault ? { kind: trap.kind, cls: 0, pc: trap.pc, pfa: trap.pfa } : { kind: trap.kind, cls: trap.excClass, pc: trap.pc })
        if (trap.kind === TrapKind.PageFault) maps = [[mem(RAM + 0x1000, 12, MemRight.RW), DATA_VA]]
        else if (trap.excClass === ExcClass.Syscall) rax = regs.gpr(0)
        else if (trap.excClass === ExcClass.Breakpoint) {
          rbx = regs.gpr(3)
          break
        } else regs.setPc(BigInt(trap.pc + SKIP[trap.pc]))
      }
    })
    const sigma0 = new MemorySpace(999, null, 'sigma0')
    sigma0.identity = { firstVpn: RAM / 4096, frames: 4096 }
    mapPages(sigma0, RAM / 4096, t.task.space, RAM / 4096, 16, MemRight.RWX, false)
    kernel.run(50e6)
    expect(events).toEqual([
      { kind: TrapKind.PageFault, cls: 0, pc: CODE_VA, pfa: DATA_VA },
      // SYSCALL: the PC after it (RCX holds it too).
      { kind: TrapKind.Exception, cls: ExcClass.Syscall, pc: CODE_VA + 10 },
      { kind: TrapKind.Exception, cls: ExcClass.Undefined, pc: CODE_VA + 10 },
      { kind: TrapKind.Exception, cls: ExcClass.Arithmetic, pc: CODE_VA + 14 },
      { kind: TrapKind.Exception, cls: ExcClass.Protection, pc: CODE_VA + 36 },
      { kind: TrapKind.Exception, cls: ExcClass.Breakpoint, pc: CODE_VA + 39 },
    ])
    expect(rax).toBe(0x1122334455667788n)
    expect(rbx).toBe(0x99n)
  })
})
