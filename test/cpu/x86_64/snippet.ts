// Snippet runs shared by the x86-64 core's tests: the same code, registers
// and data run on our core (runOnCore) and natively on the host CPU
// (native.ts), at the same addresses, with results in one shape.
import { X86_64Core } from '../../../src/engine/cpu/x86_64/x86_64-core'
import type { X86_64Context } from '../../../src/engine/cpu/x86_64/context'
import { CoreExit, TranslateFault } from '../../../src/engine/cpu/core-abi'

export const CODE_ADDR = 0x10000000
export const CODE_SIZE = 0x10000
export const DATA_ADDR = 0x20000000
export const DATA_SIZE = 0x2000

export interface SnippetState {
  /** RAX..R15. */
  regs: bigint[]
  rflags: bigint
  /** XMM0..XMM15, 16 bytes each (zeros when absent). */
  xmm?: Uint8Array
}

export interface SnippetResult extends SnippetState {
  /** Where the snippet stopped: its end, or the faulting instruction (after an INT3). */
  rip: bigint
  /** 0 when it ran to its end, else the host signal the fault corresponds to (SIGILL 4, SIGTRAP 5, SIGFPE 8, SIGSEGV 11). */
  signal: number
  data: Uint8Array
}

/** The signal Linux delivers for a core exit (0: the snippet ended). */
export function signalOf(exit: CoreExit, vector: number): number {
  switch (exit) {
    case CoreExit.Undefined: return 4
    case CoreExit.Breakpoint: return 5
    case CoreExit.Exception: return vector === 0 ? 8 : 11
    case CoreExit.DataAbort: case CoreExit.InstructionAbort: return 11
    default: return -1
  }
}

/** Our core with code and data mapped where the native harness has them (RAM: code, then data). */
export class SnippetMachine {
  readonly core: X86_64Core
  readonly ctx: X86_64Context
  /**
   * `jit`: the core's block-compiler option (default: the core's default).
   * `warm`: every run() runs the snippet twice from the same state and data,
   * the code loaded once, and reports the second run: the first caches the
   * decoded instructions, so that with `jit: 1` the second runs every region
   * the compiler takes as compiled code (each snippet start, branch target
   * and instruction after one the compiler leaves to the interpreter).
   */
  constructor(private readonly opts: { jit?: boolean | number; warm?: boolean } = {}) {
    this.core = X86_64Core.create({
      jit: opts.jit,
      ramBytes: 1 << 20,
      cores: 1,
      translate: (_asid, va) => {
        if (va >= CODE_ADDR && va < CODE_ADDR + CODE_SIZE) return va - CODE_ADDR
        if (va >= DATA_ADDR && va < DATA_ADDR + DATA_SIZE) return CODE_SIZE + (va - DATA_ADDR)
        return TranslateFault.Translation
      },
    })
    this.ctx = this.core.allocContext()
  }

  /** Runs `code` from `state` until it reaches its end (a UD2 placed there) or faults. */
  run(code: Uint8Array, state: SnippetState, data: Uint8Array, budget = 1_000_000): SnippetResult & { retired: number; exit: CoreExit } {
    const ram = this.core.ram
    ram.fill(0, 0, CODE_SIZE)
    ram.set(code, 0)
    ram.set([0x0f, 0x0b], code.length)
    this.core.invalidateCode(0, CODE_SIZE)
    if (this.opts.warm) {
      this.start(state, data, budget)
      // Code that rewrote itself is loaded again (its cached instructions then go stale).
      if (ram.subarray(0, code.length).some((b, i) => b !== code[i])) {
        ram.set(code, 0)
        this.core.invalidateCode(0, CODE_SIZE)
      }
    }
    const exit = this.start(state, data, budget)
    const ctx = this.ctx
    const d = this.core.details(0)
    const end = BigInt(CODE_ADDR + code.length)
    const ended = exit === CoreExit.Undefined && ctx.pc === end
    return {
      regs: Array.from({ length: 16 }, (_, i) => ctx.gpr(i)),
      rflags: ctx.rflags,
      xmm: Uint8Array.from({ length: 256 }, (_, k) => ctx.xmm(k >> 4)[k & 15]),
      rip: ctx.pc,
      signal: ended ? 0 : signalOf(exit, d.imm),
      data: ram.slice(CODE_SIZE, CODE_SIZE + DATA_SIZE),
      retired: d.retired,
      exit,
    }
  }

  /** Loads state and data and runs from the snippet's start. */
  private start(state: SnippetState, data: Uint8Array, budget: number): CoreExit {
    const ctx = this.ctx
    this.core.ram.set(data, CODE_SIZE)
    ctx.reset()
    state.regs.forEach((v, i) => ctx.setGpr(i, v))
    ctx.setRflags(state.rflags)
    for (let i = 0; i < 16; i++) ctx.xmm(i).set(state.xmm ? state.xmm.subarray(i * 16, i * 16 + 16) : new Uint8Array(16))
    ctx.setPc(BigInt(CODE_ADDR))
    ctx.setGsBase(BigInt(DATA_ADDR)) // as the native harness sets it
    return this.core.run(0, ctx, 1, budget)
  }
}
