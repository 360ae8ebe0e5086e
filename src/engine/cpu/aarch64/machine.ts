// The TypeScript side of the AArch64 core: creates the wasm instance, owns
// the register blocks (CpuContext) and exposes exits, TLB maintenance and the
// ID register values. Pure TypeScript: no Node, no DOM.
import { coreWasmBase64 } from './generated/core-wasm'
import { BlockCompiler, type JitStats, type WasmTable } from './jit/block-compiler'

export const enum Access { Read = 1, Write = 2, Execute = 4 }

export const enum ExitReason {
  Budget = 0,
  Svc = 1,
  Brk = 2,
  Undefined = 3,
  DataAbort = 4,
  InstructionAbort = 5,
  Alignment = 6,
  // Hvc, Wfi, Mmio come with the VM issue.
}

/** Translates a virtual page for the running task: returns the RAM offset of
 *  the 4 KiB physical page, -1 for a translation fault, -2 for a permission
 *  fault. vaddr is exact (< 2^48 for EL0; higher addresses fault without a call). */
export type Translate = (asid: number, vaddr: number, access: Access) => number

export interface MachineOptions {
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
  ctxBase(): number
  ctxBytes(): number
  maxCtx(): number
  coreBase(core: number): number
  flushTlb(): void
  flushTlbAsid(asid: number): void
  flushTlbPage(asid: number, va: number): void
  invalidateCode(ramOff: number, n: number): void
  clearExclusive(core: number): void
  setCounterOffset(core: number, off: number): void
  instret(core: number): number
  setJitThreshold(n: number): void
  decodeOp(insn: number): number
  decodeRows(): number
  decodeRowMask(i: number): number
  decodeRowValue(i: number): number
  decodeRowOp(i: number): number
  decodeTableError(): number
}

// Register-block layout (assembly/layout.ts).
export const CTX = {
  bytes: 1024,
  x: 0, sp: 256, pc: 264, nf: 272, zf: 280, cf: 288, vf: 296, fpcr: 304, fpsr: 308, tpidr: 312, tpidrro: 320, v: 512,
} as const

// Per-core exit record layout (assembly/layout.ts).
const C_REASON = 0, C_ACCESS = 4, C_RETIRED = 8, C_PC = 16, C_FAULT = 24, C_IMM = 32, C_SYNDROME = 36

let cachedModule: object | null = null

function coreModule(): object {
  if (cachedModule) return cachedModule
  const bin = atob(coreWasmBase64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  cachedModule = new wasmApi.Module(bytes)
  return cachedModule
}

/** One emulated thread's registers, viewed in the core's linear memory. */
export class CpuContext {
  /** Byte offset of this block in linear memory (raw access for hot paths). */
  readonly base: number
  /** 64-bit view of the block: u64[i] is X(i) for i < 31, u64[32] SP, u64[33] PC. */
  readonly u64: BigUint64Array
  /** 32-bit view of the block (X(i) low half at i * 2). */
  readonly u32: Uint32Array
  readonly bytes: Uint8Array

  constructor(buffer: ArrayBuffer, base: number) {
    this.base = base
    this.u64 = new BigUint64Array(buffer, base, CTX.bytes / 8)
    this.u32 = new Uint32Array(buffer, base, CTX.bytes / 4)
    this.bytes = new Uint8Array(buffer, base, CTX.bytes)
  }

  x(i: number): bigint { return i === 31 ? 0n : this.u64[i] }
  setX(i: number, v: bigint): void { if (i !== 31) this.u64[i] = BigInt.asUintN(64, v) }
  /** X(i) as a number when it fits (syscall arguments, addresses < 2^53). */
  xNum(i: number): number { return i === 31 ? 0 : this.u32[i * 2] + this.u32[i * 2 + 1] * 4294967296 }
  setXNum(i: number, v: number): void {
    if (i === 31) return
    if (v < 0) { this.u64[i] = BigInt.asUintN(64, BigInt(v)); return }
    this.u32[i * 2] = v >>> 0
    this.u32[i * 2 + 1] = Math.floor(v / 4294967296) >>> 0
  }
  get pc(): bigint { return this.u64[CTX.pc / 8] }
  setPc(v: bigint): void { this.u64[CTX.pc / 8] = BigInt.asUintN(64, v) }
  get pcNum(): number { return this.u32[CTX.pc / 4] + this.u32[CTX.pc / 4 + 1] * 4294967296 }
  get sp(): bigint { return this.u64[CTX.sp / 8] }
  setSp(v: bigint): void { this.u64[CTX.sp / 8] = BigInt.asUintN(64, v) }
  /** NZCV in bits 31..28, as MRS NZCV reads it. */
  get nzcv(): number {
    const u = this.u64
    let v = 0
    if (BigInt.asIntN(64, u[CTX.nf / 8]) < 0n) v |= 1 << 31
    if (u[CTX.zf / 8] === 0n) v |= 1 << 30
    if (u[CTX.cf / 8] !== 0n) v |= 1 << 29
    if (BigInt.asIntN(64, u[CTX.vf / 8]) < 0n) v |= 1 << 28
    return v >>> 0
  }
  setNzcv(v: number): void {
    const u = this.u64
    u[CTX.nf / 8] = v & (1 << 31) ? 0xffffffffffffffffn : 0n
    u[CTX.zf / 8] = v & (1 << 30) ? 0n : 1n
    u[CTX.cf / 8] = v & (1 << 29) ? 1n : 0n
    u[CTX.vf / 8] = v & (1 << 28) ? 0xffffffffffffffffn : 0n
  }
  get tpidr(): bigint { return this.u64[CTX.tpidr / 8] }
  setTpidr(v: bigint): void { this.u64[CTX.tpidr / 8] = BigInt.asUintN(64, v) }
  get tpidrro(): bigint { return this.u64[CTX.tpidrro / 8] }
  setTpidrro(v: bigint): void { this.u64[CTX.tpidrro / 8] = BigInt.asUintN(64, v) }
  get fpcr(): number { return this.u32[CTX.fpcr / 4] }
  setFpcr(v: number): void { this.u32[CTX.fpcr / 4] = v & 0x07c00000 }
  get fpsr(): number { return this.u32[CTX.fpsr / 4] }
  setFpsr(v: number): void { this.u32[CTX.fpsr / 4] = v & 0xf800009f }
  /** V(i) as a 16-byte view (lane 0 first). */
  v(i: number): Uint8Array { return this.bytes.subarray(CTX.v + i * 16, CTX.v + i * 16 + 16) }
  snapshot(): Uint8Array { return this.bytes.slice() }
  restore(bytes: Uint8Array): void {
    this.bytes.set(bytes.subarray(0, CTX.bytes))
    this.u64[31] = 0n // XZR slot
  }
  /** Zeroes every register. */
  reset(): void { this.bytes.fill(0); this.u64[CTX.zf / 8] = 1n }
}

/** Details of the last exit of each core. */
export class ExitInfo {
  private readonly u32: Uint32Array
  private readonly f64: Float64Array
  constructor(buffer: ArrayBuffer, private readonly coreBase: (core: number) => number) {
    this.u32 = new Uint32Array(buffer)
    this.f64 = new Float64Array(buffer)
  }
  reason(core: number): ExitReason { return this.u32[(this.coreBase(core) + C_REASON) / 4] as ExitReason }
  retired(core: number): number { return this.f64[(this.coreBase(core) + C_RETIRED) / 8] }
  pc(core: number): number { const b = (this.coreBase(core) + C_PC) / 4; return this.u32[b] + this.u32[b + 1] * 4294967296 }
  faultAddress(core: number): number { const b = (this.coreBase(core) + C_FAULT) / 4; return this.u32[b] + this.u32[b + 1] * 4294967296 }
  access(core: number): Access { return this.u32[(this.coreBase(core) + C_ACCESS) / 4] as Access }
  svcImm(core: number): number { return this.u32[(this.coreBase(core) + C_IMM) / 4] }
  /** The undefined instruction word, or an ESR_EL1-shaped syndrome for the other exits. */
  syndrome(core: number): number { return this.u32[(this.coreBase(core) + C_SYNDROME) / 4] }
}

export interface IdRegisters {
  midr: bigint; ctr: bigint; dczid: bigint; isar0: bigint; isar1: bigint; pfr0: bigint; mmfr0: bigint; cntfrq: bigint
}

/** Must match assembly/sysreg.ts. */
const ID: IdRegisters = {
  midr: 0x4c0f0010n, ctr: 0x84448004n, dczid: 4n, isar0: 0x10000n, isar1: 0n, pfr0: 0x11n, mmfr0: 0x0f000025n, cntfrq: 100000000n,
}

export class Aarch64Machine {
  readonly ram: Uint8Array
  readonly exit: ExitInfo
  readonly id: IdRegisters = ID
  /** The raw module exports (tests, tools). */
  readonly core: CoreExports
  readonly cores: number
  private readonly buffer: ArrayBuffer
  private readonly freeBlocks: number[] = []
  private nextBlock = 0
  private readonly ctxBase: number
  private readonly maxCtx: number
  private readonly coreBases: number[]

  private constructor(core: CoreExports, ramBase: number, opts: MachineOptions, private readonly jit: BlockCompiler) {
    this.core = core
    this.cores = opts.cores
    this.buffer = core.memory.buffer
    this.ram = new Uint8Array(this.buffer, ramBase, opts.ramBytes)
    this.ctxBase = core.ctxBase()
    this.maxCtx = core.maxCtx()
    this.coreBases = Array.from({ length: opts.cores }, (_, i) => core.coreBase(i))
    this.exit = new ExitInfo(this.buffer, (c) => this.coreBases[c])
  }

  static create(opts: MachineOptions): Aarch64Machine {
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
    const ramBase = core.init(opts.ramBytes >>> 0, opts.cores)
    if (ramBase < 0) throw new RangeError('aarch64 core: cannot allocate memory')
    if (core.decodeTableError() >= 0) throw new Error(`aarch64 core: decode table row ${core.decodeTableError()} is not 32 bits`)
    const threshold = opts.jit === undefined || opts.jit === true ? JIT_DEFAULT_THRESHOLD : opts.jit === false ? 0 : Math.max(1, Math.floor(opts.jit))
    core.setJitThreshold(threshold)
    return new Aarch64Machine(core, ramBase, opts, jit)
  }

  allocContext(): CpuContext {
    let block = this.freeBlocks.pop()
    if (block === undefined) {
      if (this.nextBlock >= this.maxCtx) throw new RangeError('aarch64 core: out of register blocks')
      block = this.nextBlock++
    }
    const ctx = new CpuContext(this.buffer, this.ctxBase + block * CTX.bytes)
    ctx.reset()
    return ctx
  }

  freeContext(ctx: CpuContext): void {
    this.freeBlocks.push((ctx.base - this.ctxBase) / CTX.bytes)
  }

  /** Runs `ctx` on `core` for up to `budget` instructions (budget < 2^31). */
  run(core: number, ctx: CpuContext, asid: number, budget: number): ExitReason {
    return this.core.run(core, ctx.base, asid, Math.min(budget, 0x7fffffff)) as ExitReason
  }

  flushTlb(asid?: number): void {
    if (asid === undefined) this.core.flushTlb()
    else this.core.flushTlbAsid(asid)
  }
  flushTlbPage(asid: number, vaddr: number): void { this.core.flushTlbPage(asid, vaddr) }
  invalidateCode(ramOffset: number, bytes: number): void { this.core.invalidateCode(ramOffset >>> 0, bytes >>> 0) }
  clearExclusive(core: number): void { this.core.clearExclusive(core) }
  /** What the block compiler has done so far. */
  jitStats(): JitStats { return { ...this.jit.stats } }
  /** Instructions retired on `core` since create. */
  instret(core: number): number { return this.core.instret(core) }
  /** CNTVCT_EL0 on `core` reads instret(core) + offset (ticks of CNTFRQ =
   *  100 MHz); the kernel sets the offset to align cores with its clock. */
  setCounterOffset(core: number, ticks: number): void { this.core.setCounterOffset(core, ticks) }
}
