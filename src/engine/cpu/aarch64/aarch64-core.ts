// The TypeScript side of the AArch64 core: creates the wasm instance, owns
// the register blocks (Aarch64Context) and implements the core contract
// (../core.ts): runs, exits, TLB maintenance and the ID register values.
// Pure TypeScript: no Node, no DOM.
import { GIC_BYTES } from '../../hw/gic-state'
import { coreWasmBase64 } from './generated/core-wasm'
import { decodeBase64 } from '../../util/base64'
import { BlockCompiler, type JitStats, type WasmTable } from './jit/block-compiler'
import type { CompilerStats, Core, ExitDetails, Translate } from '../core'
import type { Access, CoreExit } from '../core-abi'
import { Aarch64Context } from './context'
import {
  CNTFRQ_HZ, CTX_BYTES, C_ACCESS, C_FAULT, C_IMM, C_IPA, C_PC, C_REASON, C_RETIRED, C_SYNDROME,
  ID_CTR, ID_DCZID, ID_ISAR0, ID_ISAR1, ID_MIDR, ID_MMFR0, ID_PFR0,
} from './core-layout'

export interface Aarch64CoreOptions {
  ramBytes: number
  cores: number
  translate: Translate
  /** The block compiler: on by default; false turns it off, a number sets
   *  how many taken branches to an entry make it hot. */
  jit?: boolean | number
  /** Instructions all cores retire before the block compiler compiles
   *  anything (default JIT_DEFAULT_WARMUP; 0 when `jit` sets a threshold). */
  jitWarmup?: number
}

/** Taken branches to an entry before its region is compiled. */
export const JIT_DEFAULT_THRESHOLD = 50
/**
 * A guest's boot runs well under a million instructions, and compiling its
 * short-lived loops cost a cold engine more than interpreting them (busybox
 * to its prompt: ~255 ms with compiles, ~195 ms without). Code still hot
 * after this many instructions is compiled as before.
 */
export const JIT_DEFAULT_WARMUP = 5_000_000

export type { JitStats }

/** The part of the WebAssembly API the core uses, typed here so that this
 *  file checks the same under the engine's and the Node tests' tsconfig. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown }
  Table: new (desc: { initial: number; element: 'anyfunc' }) => WasmTable
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

interface CoreExports {
  memory: { buffer: ArrayBuffer }
  init(ramBytes: number, cores: number): number
  run(core: number, ctx: number, asid: number, budget: number): number
  setRamPa(pa: number): void
  gicBase(): number
  setIrqLines(core: number, lines: number): void
  ticksToNextTimer(core: number, ctx: number): number
  advanceCounter(core: number, ticks: number): void
  wfiWakeable(core: number, ctx: number): number
  ctxBase(): number
  ctxBytes(): number
  maxCtx(): number
  coreBase(core: number): number
  flushTlb(): void
  flushTlbAsid(asid: number): void
  flushTlbPage(asid: number, va: number): void
  invalidateCode(ramOff: number, n: number): void
  trackBase(): number
  trackWrites(ppn: number, on: number): void
  dropTrackedWrites(): void
  clearExclusive(core: number): void
  setCounterOffset(core: number, off: number): void
  setCounterHz(hz: number): void
  forgetContext(ctx: number): void
  instret(core: number): number
  setJitThreshold(n: number): void
  decodeOp(insn: number): number
  decodeRows(): number
  decodeRowMask(i: number): number
  decodeRowValue(i: number): number
  decodeRowOp(i: number): number
  decodeTableError(): number
}

let cachedModule: object | null = null

function coreModule(): object {
  if (cachedModule) return cachedModule
  const bytes = decodeBase64(coreWasmBase64)
  cachedModule = new wasmApi.Module(bytes)
  return cachedModule
}

/**
 * The compiled core, to hand to other threads of this process (an engine
 * worker per board): a WebAssembly.Module posted to a worker shares V8's
 * compiled code, so the worker neither decodes nor compiles the core, and
 * runs the functions earlier boards compiled and tiered up. `text` is what
 * it was compiled from: the receiver adopts it only if its own build embeds
 * the same (a host and a worker bundled at different times must not mix).
 */
export interface SharedCoreModule {
  module: object
  text: string
}

export function sharedCoreModule(): SharedCoreModule {
  return { module: coreModule(), text: coreWasmBase64 }
}

/** Adopts a core compiled by another thread (sharedCoreModule); false, and nothing changed, when it is not one of this build. */
export function adoptCoreModule(shared: unknown): boolean {
  const s = shared as Partial<SharedCoreModule> | null | undefined
  if (!s || s.text !== coreWasmBase64 || !(s.module instanceof wasmApi.Module)) return false
  cachedModule = s.module
  return true
}

/** Details of the last exit of each core. */
export class ExitInfo {
  private readonly u32: Uint32Array
  private readonly f64: Float64Array
  constructor(buffer: ArrayBuffer, private readonly coreBase: (core: number) => number) {
    this.u32 = new Uint32Array(buffer)
    this.f64 = new Float64Array(buffer)
  }
  reason(core: number): CoreExit { return this.u32[(this.coreBase(core) + C_REASON) / 4] as CoreExit }
  retired(core: number): number { return this.f64[(this.coreBase(core) + C_RETIRED) / 8] }
  pc(core: number): number { const b = (this.coreBase(core) + C_PC) / 4; return this.u32[b] + this.u32[b + 1] * 4294967296 }
  faultAddress(core: number): number { const b = (this.coreBase(core) + C_FAULT) / 4; return this.u32[b] + this.u32[b + 1] * 4294967296 }
  access(core: number): Access { return this.u32[(this.coreBase(core) + C_ACCESS) / 4] as Access }
  /** The immediate of SVC/HVC/SMC/BRK. */
  imm(core: number): number { return this.u32[(this.coreBase(core) + C_IMM) / 4] }
  /** The undefined instruction word, or an ESR_EL1-shaped syndrome for the other exits. */
  syndrome(core: number): number { return this.u32[(this.coreBase(core) + C_SYNDROME) / 4] }
  /** The physical (or intermediate physical) address of a Stage2Abort. */
  ipa(core: number): number { const b = (this.coreBase(core) + C_IPA) / 4; return this.u32[b] + this.u32[b + 1] * 4294967296 }
}

export interface IdRegisters {
  midr: bigint; ctr: bigint; dczid: bigint; isar0: bigint; isar1: bigint; pfr0: bigint; mmfr0: bigint; cntfrq: bigint
}

const ID: IdRegisters = {
  midr: BigInt(ID_MIDR), ctr: BigInt(ID_CTR), dczid: BigInt(ID_DCZID), isar0: BigInt(ID_ISAR0), isar1: BigInt(ID_ISAR1),
  pfr0: BigInt(ID_PFR0), mmfr0: BigInt(ID_MMFR0), cntfrq: BigInt(CNTFRQ_HZ),
}

export class Aarch64Core implements Core<Aarch64Context> {
  readonly arch = 'aarch64'
  readonly ram: Uint8Array
  readonly exit: ExitInfo
  readonly id: IdRegisters = ID
  /** The raw module exports (tests, tools). */
  readonly exports: CoreExports
  readonly cores: number
  private readonly buffer: ArrayBuffer
  private readonly freeBlocks: number[] = []
  private nextBlock = 0
  private readonly ctxBase: number
  private readonly maxCtx: number
  private readonly coreBases: number[]
  /** One byte per RAM page: 0 untracked, 1 clean, 2 written (assembly/mmu.ts, write tracking). */
  private readonly trackMap: Uint8Array
  private readonly lastExit: ExitDetails = { retired: 0, pc: 0, faultAddress: 0, ipa: 0, access: 0 as Access, imm: 0, syndrome: 0 }

  private constructor(exports: CoreExports, ramBase: number, opts: Aarch64CoreOptions, private readonly jit: BlockCompiler) {
    this.exports = exports
    this.cores = opts.cores
    this.buffer = exports.memory.buffer
    this.ram = new Uint8Array(this.buffer, ramBase, opts.ramBytes)
    this.ctxBase = exports.ctxBase()
    this.maxCtx = exports.maxCtx()
    this.coreBases = Array.from({ length: opts.cores }, (_, i) => exports.coreBase(i))
    this.exit = new ExitInfo(this.buffer, (c) => this.coreBases[c])
    this.trackMap = new Uint8Array(this.buffer, exports.trackBase(), opts.ramBytes >>> 12)
  }

  static create(opts: Aarch64CoreOptions): Aarch64Core {
    if (!(opts.cores >= 1 && opts.cores <= 16)) throw new RangeError(`cores must be 1..16, not ${opts.cores}`)
    if (opts.ramBytes <= 0 || opts.ramBytes % 65536 !== 0 || opts.ramBytes > 2 ** 31) {
      throw new RangeError(`ramBytes must be a positive multiple of 64 KiB up to 2 GiB, not ${opts.ramBytes}`)
    }
    const translate = opts.translate
    // Index 1 of the table is the core's own; compiled regions are added after it.
    const table = new wasmApi.Table({ initial: 2, element: 'anyfunc' })
    // Assigned once the instance exists; the compile hook only runs after that.
    let core = null as unknown as CoreExports
    const jit = new BlockCompiler(wasmApi, table)
    const warmup = opts.jitWarmup ?? (typeof opts.jit === 'number' ? 0 : JIT_DEFAULT_WARMUP)
    let warm = warmup <= 0
    // Declining leaves the entry to the interpreter; it asks again after as many taken branches.
    const warmedUp = (): boolean => {
      if (warm) return true
      let retired = 0
      for (let c = 0; c < opts.cores; c++) retired += core.instret(c)
      return (warm = retired >= warmup)
    }
    const instance = new wasmApi.Instance(coreModule(), {
      env: {
        translate: (asid: number, va: number, access: number) => translate(asid, va, access as Access) | 0,
        jitCompile: (hostPage: number, index: number) => (warmedUp() ? jit.compile(hostPage, index) : 0),
        table,
        abort: () => { throw new Error('aarch64 core: abort') },
      },
    })
    core = instance.exports as unknown as CoreExports
    jit.attach(core.memory)
    // The module declares only the memory its static data needs (asconfig.json
    // has no initialMemory) and init grows it once to the layout's size: V8
    // counts a wasm memory as external memory, and each large allocation of it
    // (the instance's 64 MiB, then the grow) set off a full GC of the heap.
    const ramBase = core.init(opts.ramBytes >>> 0, opts.cores)
    if (ramBase < 0) throw new RangeError('aarch64 core: cannot allocate memory')
    if (core.decodeTableError() >= 0) throw new Error(`aarch64 core: decode table row ${core.decodeTableError()} is not 32 bits`)
    const threshold = opts.jit === undefined || opts.jit === true ? JIT_DEFAULT_THRESHOLD : opts.jit === false ? 0 : Math.max(1, Math.floor(opts.jit))
    core.setJitThreshold(threshold)
    return new Aarch64Core(core, ramBase, opts, jit)
  }

  allocContext(): Aarch64Context {
    let block = this.freeBlocks.pop()
    if (block === undefined) {
      if (this.nextBlock >= this.maxCtx) throw new RangeError('aarch64 core: out of register blocks')
      block = this.nextBlock++
    }
    const ctx = new Aarch64Context(this.buffer, this.ctxBase + block * CTX_BYTES)
    ctx.reset()
    return ctx
  }

  freeContext(ctx: Aarch64Context): void {
    this.exports.forgetContext(ctx.base)
    this.freeBlocks.push((ctx.base - this.ctxBase) / CTX_BYTES)
  }

  /** Runs `ctx` on `core` for up to `budget` instructions (budget < 2^31). */
  run(core: number, ctx: Aarch64Context, asid: number, budget: number): CoreExit {
    return this.exports.run(core, ctx.base, asid, Math.min(budget, 0x7fffffff)) as CoreExit
  }

  details(core: number): ExitDetails {
    const e = this.exit
    const d = this.lastExit
    d.retired = e.retired(core)
    d.pc = e.pc(core)
    d.faultAddress = e.faultAddress(core)
    d.access = e.access(core)
    d.imm = e.imm(core)
    d.syndrome = e.syndrome(core)
    d.ipa = e.ipa(core)
    return d
  }

  flushTlb(asid?: number): void {
    if (asid === undefined) this.exports.flushTlb()
    else this.exports.flushTlbAsid(asid)
  }
  flushTlbPage(asid: number, vaddr: number): void { this.exports.flushTlbPage(asid, vaddr) }
  invalidateCode(ramOffset: number, bytes: number): void { this.exports.invalidateCode(ramOffset >>> 0, bytes >>> 0) }
  clearExclusive(core: number): void { this.exports.clearExclusive(core) }
  trackWrites(ramPage: number, on: boolean): void { this.exports.trackWrites(ramPage >>> 0, on ? 1 : 0) }
  takeWrites(pages: Int32Array, written: Uint8Array): number {
    // Write-TLB entries of written pages go first: a page marked clean must miss on its next store.
    this.exports.dropTrackedWrites()
    const map = this.trackMap
    let n = 0
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]
      if (map[p] === 2) {
        map[p] = 1
        written[i] = 1
        n++
      } else written[i] = 0
    }
    return n
  }
  /** What the block compiler has done so far. */
  jitStats(): JitStats { return { ...this.jit.stats } }
  compilerStats(): CompilerStats {
    const s = this.jit.stats
    return { regions: s.compiled, instructions: s.instructions, failed: s.failed }
  }
  /** Instructions retired on `core` since create. */
  instret(core: number): number { return this.exports.instret(core) }
  /** CNTVCT_EL0 on `core` reads instret(core) + offset (ticks of CNTFRQ =
   *  100 MHz); the kernel sets the offset to align cores with its clock. */
  setCounterOffset(core: number, ticks: number): void { this.exports.setCounterOffset(core, ticks) }
  setCounter(core: number, ticks: number): void { this.exports.setCounterOffset(core, ticks - this.exports.instret(core)) }
  /** CNTFRQ_EL0 every context reads (100 MHz unless set; the kernel's board counts nanoseconds). */
  setCounterHz(hz: number): void { this.exports.setCounterHz(hz) }
  /** Where RAM sits in the physical address space of system contexts (QEMU virt's 0x4000_0000 by default). */
  setRamPa(pa: number): void { this.exports.setRamPa(pa) }
  /** The GICv3 state block (core-layout.ts GIC_*) as bytes, for the board's distributor and redistributors. */
  gicState(): Uint8Array { return new Uint8Array(this.buffer, this.exports.gicBase(), GIC_BYTES) }
  /** The board's interrupt lines into `core` (bit 0: IRQ), besides the GIC's. */
  setIrqLines(core: number, lines: number): void { this.exports.setIrqLines(core, lines) }
  /** Instructions until a timer of system context `ctx` fires on `core`, or -1: how long a WFI may sleep. */
  ticksToNextTimer(core: number, ctx: Aarch64Context): number { return this.exports.ticksToNextTimer(core, ctx.base) }
  /** Lets `ticks` of counter time pass on `core` without instructions (a WFI's sleep). */
  advanceCounter(core: number, ticks: number): void { this.exports.advanceCounter(core, ticks) }
  /** Whether `core`, asleep in WFI running `ctx`, has an interrupt to wake it (its timers brought up to date). */
  wfiWakeable(core: number, ctx: Aarch64Context): boolean { return this.exports.wfiWakeable(core, ctx.base) !== 0 }
}
