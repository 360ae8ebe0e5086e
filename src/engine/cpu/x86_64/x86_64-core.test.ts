// The x86-64 core behind the core contract: options, register blocks, exits
// and their details, the soft TLB per ASID and its maintenance, fetches that
// cross into an unmapped page. Instruction semantics are tested against the
// host CPU in test/cpu/x86_64/.
import { describe, expect, test } from 'vitest'
import { X86_64Core } from './x86_64-core'
import { Gpr } from './context'
import { Access, CoreExit, TranslateFault } from '../core-abi'

/** A core whose address spaces are maps asid -> (virtual page -> RAM page). */
function machine(): { core: X86_64Core; spaces: Map<number, Map<number, number>>; asked: number[] } {
  const spaces = new Map<number, Map<number, number>>()
  const asked: number[] = []
  const core = X86_64Core.create({
    ramBytes: 1 << 20,
    cores: 2,
    translate: (asid, va) => {
      asked.push(va)
      const page = spaces.get(asid)?.get(Math.floor(va / 4096))
      return page === undefined ? TranslateFault.Translation : page * 4096
    },
  })
  return { core, spaces, asked }
}

describe('X86_64Core', () => {
  test('rejects bad options', () => {
    const translate = (): number => 0
    expect(() => X86_64Core.create({ ramBytes: 1 << 20, cores: 0, translate })).toThrow(RangeError)
    expect(() => X86_64Core.create({ ramBytes: 1000, cores: 1, translate })).toThrow(/multiple of 64 KiB/)
  })

  test('contexts start zeroed with RFLAGS 0x202 and MXCSR 0x1F80; blocks are reused', () => {
    const { core } = machine()
    const a = core.allocContext()
    a.setGpr(Gpr.RBX, 5n)
    expect(a.rflags).toBe(0x202n)
    expect(a.mxcsr).toBe(0x1f80)
    core.freeContext(a)
    const b = core.allocContext()
    expect(b.base).toBe(a.base)
    expect(b.gpr(Gpr.RBX)).toBe(0n)
    expect(b.arch).toBe('x86_64')
  })

  test('the same virtual page in two address spaces, and flushTlbPage after a remap', () => {
    const { core, spaces } = machine()
    // mov rax, [0x5000] ; ud2
    const code = [0x48, 0x8b, 0x04, 0x25, 0x00, 0x50, 0x00, 0x00, 0x0f, 0x0b]
    core.ram.set(code, 0)
    core.ram[1 * 4096] = 11
    core.ram[2 * 4096] = 22
    core.ram[3 * 4096] = 33
    spaces.set(1, new Map([[0, 0], [5, 1]]))
    spaces.set(2, new Map([[0, 0], [5, 2]]))
    const ctx = core.allocContext()
    const run = (asid: number): bigint => {
      ctx.setPc(0n)
      expect(core.run(0, ctx, asid, 100)).toBe(CoreExit.Undefined)
      return ctx.gpr(Gpr.RAX)
    }
    expect(run(1)).toBe(11n)
    expect(run(2)).toBe(22n)
    spaces.get(1)!.set(5, 3)
    core.flushTlbPage(1, 0x5000)
    expect(run(1)).toBe(33n)
    spaces.get(2)!.delete(5)
    core.flushTlb(2)
    ctx.setPc(0n)
    expect(core.run(0, ctx, 2, 100)).toBe(CoreExit.DataAbort)
    const d = core.details(0)
    expect(d.faultAddress).toBe(0x5000)
    expect(d.access).toBe(Access.Read)
    expect(d.syndrome).toBe(4) // not present, read, user
    expect(d.pc).toBe(0)
    expect(d.retired).toBe(0)
  })

  test('an instruction crossing into an unmapped page faults there, with RIP on it', () => {
    const { core, spaces } = machine()
    spaces.set(7, new Map([[0, 0]]))
    // nop at 0xFFA, then mov rax, imm64 (10 bytes) starting at 0xFFB: 5 bytes on page 1
    core.ram.set([0x90, 0x48, 0xb8, 1, 2, 3, 4, 5], 0xffa)
    const ctx = core.allocContext()
    ctx.setPc(0xffan)
    expect(core.run(1, ctx, 7, 100)).toBe(CoreExit.InstructionAbort)
    const d = core.details(1)
    expect(d.faultAddress).toBe(0x1000)
    expect(d.syndrome & 0x10).toBe(0x10) // instruction fetch
    expect(ctx.pcNum).toBe(0xffb)
    expect(d.retired).toBe(1)
    expect(core.instret(1)).toBe(1)
  })

  test('the budget is exact and a non-canonical address is #GP without asking the host', () => {
    const { core, spaces, asked } = machine()
    spaces.set(1, new Map([[0, 0]]))
    core.ram.set([0xff, 0xc0, 0xeb, 0xfc], 0) // 1: inc eax ; jmp 1b
    const ctx = core.allocContext()
    expect(core.run(0, ctx, 1, 1001)).toBe(CoreExit.Budget)
    expect(core.details(0).retired).toBe(1001)
    expect(ctx.gpr(Gpr.RAX)).toBe(501n)
    ctx.setPc(0x800000000000n)
    asked.length = 0
    // Linux reports it as SIGSEGV with SI_KERNEL, which only a #GP (not a page fault) gives.
    expect(core.run(0, ctx, 1, 10)).toBe(CoreExit.Exception)
    expect(core.details(0).imm).toBe(13)
    expect(asked).toEqual([])
  })

  test('cached instructions follow host writes (invalidateCode) and stores from another core', () => {
    const { core, spaces } = machine()
    spaces.set(1, new Map([[0, 0], [1, 1]]))
    // 1: add eax, 1 ; jmp 1b  — then the immediate is changed to 2 by the host, then by core 1.
    core.ram.set([0x83, 0xc0, 0x01, 0xeb, 0xfb], 0)
    const ctx = core.allocContext()
    expect(core.run(0, ctx, 1, 100)).toBe(CoreExit.Budget)
    expect(ctx.gpr(Gpr.RAX)).toBe(50n)
    core.ram[2] = 2
    core.invalidateCode(2, 1)
    expect(core.run(0, ctx, 1, 100)).toBe(CoreExit.Budget)
    expect(ctx.gpr(Gpr.RAX)).toBe(150n)
    // Core 1: mov byte [2], 3 ; ud2 (its code on page 1, storing into page 0 which core 0 runs).
    core.ram.set([0xc6, 0x04, 0x25, 0x02, 0x00, 0x00, 0x00, 0x03, 0x0f, 0x0b], 4096)
    core.invalidateCode(4096, 10)
    const other = core.allocContext()
    other.setPc(0x1000n)
    expect(core.run(1, other, 1, 10)).toBe(CoreExit.Undefined)
    expect(core.run(0, ctx, 1, 100)).toBe(CoreExit.Budget)
    expect(ctx.gpr(Gpr.RAX)).toBe(300n)
  })
})
