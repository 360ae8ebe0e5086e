// What the block compilers of both cores share on the host side: the
// signature of a compiled region, turning a generated module into a function
// in the core's function table, the cap on how many there are, and the
// statistics. The architecture-specific parts (which instructions a region
// holds, the code for each) stay in cpu/<arch>/jit/.
import { moduleBytes, ValType } from '../wasm/wasm-writer'

/**
 * A compiled region: (register block, budget left, read TLB, write TLB, asid
 * tag bits, the region's PC) → instructions retired, 0 when it could not
 * start. The PC is an argument so that the same code serves every place the
 * same instructions run (another task, a remapped page).
 */
export const JIT_PARAMS = [ValType.i32, ValType.i32, ValType.i32, ValType.i32, ValType.i64, ValType.i64]

export interface WasmTable {
  readonly length: number
  grow(delta: number, value?: unknown): number
}

/** The part of the WebAssembly API the compilers use. */
export interface JitWasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown }
}

export interface JitStats {
  /** Regions compiled to wasm functions. */
  compiled: number
  /** Requests served from the cache (the same instructions compiled before). */
  reused: number
  /** Requests for a start the compiler does not take (too few instructions it knows, or the cap reached). */
  declined: number
  /** Guest instructions in all compiled regions. */
  instructions: number
  /** Bytes of generated wasm. */
  wasmBytes: number
  /** Milliseconds spent generating and compiling. */
  ms: number
  /** Modules the engine refused (a compiler bug: the region is interpreted instead). */
  failed: number
  lastError: string | null
}

/** Table indices are u16 in the cores' entries; the cap also keeps a long
 *  session's compiled code to a few tens of MiB. Past it, new regions stay
 *  interpreted (counted as declined). */
export const MAX_FUNCTIONS = 16384

export function newJitStats(): JitStats {
  return { compiled: 0, reused: 0, declined: 0, instructions: 0, wasmBytes: 0, ms: 0, failed: 0, lastError: null }
}

/** Installs compiled regions in a core's function table. */
export class CompiledFunctions {
  readonly stats: JitStats = newJitStats()
  private memory: { buffer: ArrayBuffer } | null = null

  constructor(private readonly api: JitWasmApi, readonly table: WasmTable, private readonly now: () => number = () => Date.now()) {}

  /** The core's memory (imported by every compiled function). */
  attach(memory: { buffer: ArrayBuffer }): void {
    this.memory = memory
  }

  get buffer(): ArrayBuffer | null { return this.memory ? this.memory.buffer : null }

  /** Whether another function may be added (else the request counts as declined). */
  roomFor(): boolean {
    if (this.stats.compiled < MAX_FUNCTIONS) return true
    this.stats.declined++
    return false
  }

  /** Compiles a function body (FunctionWriter.body()) of `instructions`
   *  guest instructions and returns its table index. Throws when the engine
   *  refuses the module; callers count that through `failed`. */
  install(body: number[], instructions: number, t0: number): number {
    if (!this.memory) throw new Error('compiled functions: no memory attached')
    const bytes = moduleBytes(JIT_PARAMS, ValType.i32, body)
    const module = new this.api.Module(bytes)
    const fn = (new this.api.Instance(module, { env: { memory: this.memory } }).exports as { f: unknown }).f
    const index = this.table.grow(1, fn)
    this.stats.wasmBytes += bytes.length
    this.stats.compiled++
    this.stats.instructions += instructions
    this.stats.ms += this.now() - t0
    return index
  }

  time(): number { return this.now() }

  /** Records a compiler failure for `what` (the region is interpreted instead). */
  failed(what: string, e: unknown): void {
    this.stats.failed++
    this.stats.lastError = `${what}: ${(e as Error).message}`
  }
}
