// The TypeScript side of the x86-64 core: creates the wasm instance, owns the
// register blocks (X86_64Context) and implements the core contract
// (../core.ts). Pure TypeScript: no Node, no DOM. docs/cpu-x86_64.md.
import { coreWasmBase64 } from './generated/core-wasm'
import { decodeBase64 } from '../../util/base64'
import type { CompilerStats, Core, ExitDetails, Translate } from '../core'
import type { Access, CoreExit } from '../core-abi'
import { X86_64Context } from './context'
import { CTX_BYTES, C_ACCESS, C_FAULT, C_IMM, C_PC, C_REASON, C_RETIRED, C_SYNDROME, TSC_HZ } from './core-layout'
import { X86BlockCompiler, type JitStats } from './jit/block-compiler'
import type { JitWasmApi, WasmTable } from '../jit/compiled-functions'

export interface X86_64CoreOptions {
  ramBytes: number
  cores: number
  translate: Translate
  /** The block compiler: on (default), off, or the number of arrivals by a
   *  taken branch after which a region is compiled. */
  jit?: boolean | number
}

/** Arrivals at an instruction by a taken branch before its region is compiled. */
export const JIT_DEFAULT_THRESHOLD = 50

export type { JitStats }

interface WasmApi extends JitWasmApi {
  Table: new (desc: { initial: number; element: 'anyfunc' }) => WasmTable
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

interface CoreExports {
  memory: { buffer: ArrayBuffer }
  init(ramBytes: number, cores: number): number
  run(core: number, ctx: number, asid: number, budget: number): number
  ctxBase(): number
  maxCtx(): number
  coreBase(core: number): number
  flushTlb(): void
  flushTlbAsid(asid: number): void
  flushTlbPage(asid: number, va: number): void
  instret(core: number): number
  setTscOffset(core: number, off: number): void
  decodeAt(core: number, va: number): number
  invalidateCode(ramOff: number, n: number): void
  setJitThreshold(n: number): void
  jitEntry(ramOff: number): number
  jitRetired(): number
  jitCalls(): number
}

let cachedModule: object | null = null

function coreModule(): object {
  if (cachedModule) return cachedModule
  // The host's native decoder when it lends one (util/base64.ts); Node 20's atob and a loop ran cold here.
  cachedModule = new wasmApi.Module(decodeBase64(coreWasmBase64))
  return cachedModule
}

export class X86_64Core implements Core<X86_64Context> {
  readonly arch = 'x86_64'
  readonly ram: Uint8Array
  readonly cores: number
  /** The raw module exports (tests, tools). */
  readonly exports: CoreExports
  /** RDTSC ticks per second of virtual time (one per retired instruction). */
  readonly tscHz = TSC_HZ
  private readonly buffer: ArrayBuffer
  private readonly u32: Uint32Array
  private readonly f64: Float64Array
  private readonly freeBlocks: number[] = []
  private nextBlock = 0
  private readonly ctxBase: number
  private readonly maxCtx: number
  private readonly coreBases: number[]
  private readonly lastExit: ExitDetails = { retired: 0, pc: 0, faultAddress: 0, ipa: 0, access: 0 as Access, imm: 0, syndrome: 0 }

  private constructor(exports: CoreExports, ramBase: number, opts: X86_64CoreOptions, private readonly jit: X86BlockCompiler) {
    this.exports = exports
    this.cores = opts.cores
    this.buffer = exports.memory.buffer
    this.u32 = new Uint32Array(this.buffer)
    this.f64 = new Float64Array(this.buffer)
    this.ram = new Uint8Array(this.buffer, ramBase, opts.ramBytes)
    this.ctxBase = exports.ctxBase()
    this.maxCtx = exports.maxCtx()
    this.coreBases = Array.from({ length: opts.cores }, (_, i) => exports.coreBase(i))
  }

  static create(opts: X86_64CoreOptions): X86_64Core {
    if (!(opts.cores >= 1 && opts.cores <= 16)) throw new RangeError(`cores must be 1..16, not ${opts.cores}`)
    if (opts.ramBytes <= 0 || opts.ramBytes % 65536 !== 0 || opts.ramBytes > 2 ** 31) {
      throw new RangeError(`ramBytes must be a positive multiple of 64 KiB up to 2 GiB, not ${opts.ramBytes}`)
    }
    const translate = opts.translate
    // Compiled regions are added to the core's function table (index 0 is never one).
    const table = new wasmApi.Table({ initial: 2, element: 'anyfunc' })
    const jit = new X86BlockCompiler(wasmApi, table)
    const instance = new wasmApi.Instance(coreModule(), {
      env: {
        translate: (asid: number, va: number, access: number) => translate(asid, va, access as Access) | 0,
        jitCompile: (ramOff: number) => jit.compile(ramOff),
        table,
        abort: () => { throw new Error('x86_64 core: abort') },
      },
    })
    const core = instance.exports as unknown as CoreExports
    const ramBase = core.init(opts.ramBytes >>> 0, opts.cores)
    if (ramBase < 0) throw new RangeError('x86_64 core: cannot allocate memory')
    jit.attach(core, ramBase)
    const threshold = opts.jit === undefined || opts.jit === true ? JIT_DEFAULT_THRESHOLD : opts.jit === false ? 0 : Math.max(1, Math.floor(opts.jit))
    core.setJitThreshold(threshold)
    return new X86_64Core(core, ramBase, opts, jit)
  }

  /** What the block compiler did so far. */
  jitStats(): JitStats { return { ...this.jit.stats } }
  compilerStats(): CompilerStats {
    const s = this.jit.stats
    return { regions: s.compiled, instructions: s.instructions, failed: s.failed, retired: this.exports.jitRetired(), calls: this.exports.jitCalls() }
  }

  allocContext(): X86_64Context {
    let block = this.freeBlocks.pop()
    if (block === undefined) {
      if (this.nextBlock >= this.maxCtx) throw new RangeError('x86_64 core: out of register blocks')
      block = this.nextBlock++
    }
    const ctx = new X86_64Context(this.buffer, this.ctxBase + block * CTX_BYTES)
    ctx.reset()
    return ctx
  }

  freeContext(ctx: X86_64Context): void {
    this.freeBlocks.push((ctx.base - this.ctxBase) / CTX_BYTES)
  }

  /** Runs `ctx` on `core` for up to `budget` instructions (REP iterations count one each). */
  run(core: number, ctx: X86_64Context, asid: number, budget: number): CoreExit {
    return this.exports.run(core, ctx.base, asid, Math.min(budget, 0x7fffffff)) as CoreExit
  }

  /**
   * The last exit of `core`. Syndrome: the instruction's first four bytes for
   * Undefined; the x86 page-fault error code (bit 0 present, 1 write, 2 user,
   * 4 fetch) for DataAbort/InstructionAbort. imm: the vector of Exception
   * (0 #DE, 13 #GP) and Breakpoint (3).
   */
  details(core: number): ExitDetails {
    const b = this.coreBases[core]
    const u = this.u32
    const d = this.lastExit
    d.retired = this.f64[(b + C_RETIRED) / 8]
    d.pc = u[(b + C_PC) / 4] + u[(b + C_PC) / 4 + 1] * 4294967296
    d.faultAddress = u[(b + C_FAULT) / 4] + u[(b + C_FAULT) / 4 + 1] * 4294967296
    d.access = u[(b + C_ACCESS) / 4] as Access
    d.imm = u[(b + C_IMM) / 4]
    d.syndrome = u[(b + C_SYNDROME) / 4]
    d.ipa = 0
    return d
  }

  reason(core: number): CoreExit { return this.u32[(this.coreBases[core] + C_REASON) / 4] as CoreExit }

  flushTlb(asid?: number): void {
    if (asid === undefined) this.exports.flushTlb()
    else this.exports.flushTlbAsid(asid)
  }
  flushTlbPage(asid: number, vaddr: number): void { this.exports.flushTlbPage(asid, vaddr) }
  /** The host wrote RAM: decoded instructions cached from there are stale. */
  invalidateCode(ramOffset: number, bytes: number): void { this.exports.invalidateCode(ramOffset >>> 0, bytes >>> 0) }
  /** x86 has no exclusive monitor (LOCK'd instructions are atomic within one run). */
  clearExclusive(_core: number): void {}
  instret(core: number): number { return this.exports.instret(core) }
  /** RDTSC on `core` reads `ticks` now and counts on with retired instructions. */
  setCounter(core: number, ticks: number): void { this.exports.setTscOffset(core, ticks - this.exports.instret(core)) }
}
