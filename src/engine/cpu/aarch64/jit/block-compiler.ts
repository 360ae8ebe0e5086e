// The host half of the block compiler: the core asks (through its
// `jitCompile` import) for the region starting at a word of a RAM page; this
// compiles it to a wasm function, puts it in the core's function table and
// returns its index. Functions are keyed by the words the region runs (in
// execution order, with their page offsets: a region may follow jumps), not
// by address: they take the region's PC as an argument, so the same code in
// another page, task or after a remap reuses them, and a region one of whose
// words changed simply misses.
import { compileRegion, JIT_PARAMS } from './codegen'
import { scanRegion } from './region'
import { moduleBytes, ValType } from '../../wasm/wasm-writer'

export interface WasmTable {
  readonly length: number
  grow(delta: number, value?: unknown): number
}

/** The part of the WebAssembly API the compiler uses (see aarch64-core.ts). */
export interface JitWasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown }
}

export interface JitStats {
  /** Regions compiled to wasm functions. */
  compiled: number
  /** Requests served from the cache (the same words at the same page offset). */
  reused: number
  /** Requests for a start the compiler does not take (fewer than 2 instructions it knows). */
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

interface Compiled {
  /** Page word offsets of the region's instructions, and the words there. */
  at: number[]
  words: Uint32Array
  index: number
}

/** Table indices are u16 in a decoded entry (assembly/exec.ts); the cap
 *  below keeps a long session's compiled code to a few tens of MiB. Past
 *  it, new regions stay interpreted (counted as declined). */
const MAX_FUNCTIONS = 16384

function hashRegion(words: Uint32Array, at: number[]): number {
  let h = 0x811c9dc5
  for (const a of at) h = Math.imul(Math.imul(h ^ a, 0x01000193) ^ words[a], 0x01000193)
  return h >>> 0
}

function sameRegion(c: Compiled, words: Uint32Array, at: number[]): boolean {
  if (c.at.length !== at.length) return false
  for (let i = 0; i < at.length; i++) if (c.at[i] !== at[i] || c.words[i] !== words[at[i]]) return false
  return true
}

export class BlockCompiler {
  readonly stats: JitStats = { compiled: 0, reused: 0, declined: 0, instructions: 0, wasmBytes: 0, ms: 0, failed: 0, lastError: null }
  private readonly cache = new Map<number, Compiled[]>()
  /** The region last handed out for a start (RAM page address + word): most
   *  requests are for a start compiled before, whose function the core took
   *  out (a budget below one pass, code invalidated elsewhere in its page).
   *  If the words that region runs are unchanged, it is still right — the
   *  scan may now find a longer one, which is no reason to compile again. */
  private readonly byStart = new Map<number, Compiled>()
  private memory: { buffer: ArrayBuffer } | null = null

  constructor(private readonly api: JitWasmApi, readonly table: WasmTable, private readonly now: () => number = () => Date.now()) {}

  /** The core's memory (imported by every compiled function). */
  attach(memory: { buffer: ArrayBuffer }): void {
    this.memory = memory
  }

  /** Table index of the function for the region at word `index` of the RAM
   *  page at linear address `hostPage`; -1 when no region starts there (the
   *  core then asks again much later), 0 when there is none for now. */
  compile(hostPage: number, index: number): number {
    // Called from inside the core's run loop: nothing may escape.
    try {
      return this.compileRegion(hostPage, index)
    } catch (e) {
      this.stats.failed++
      this.stats.lastError = `region at word ${index}: ${(e as Error).message}`
      return 0
    }
  }

  private compileRegion(hostPage: number, index: number): number {
    if (!this.memory) return 0
    const words = new Uint32Array(this.memory.buffer, hostPage, 1024)
    const key = hostPage + index * 4
    const last = this.byStart.get(key)
    if (last && sameRegion(last, words, last.at)) {
      this.stats.reused++
      return last.index
    }
    const region = scanRegion(words, index)
    if (!region) { this.stats.declined++; return -1 }
    const n = region.insns.length
    const h = hashRegion(words, region.at)
    const list = this.cache.get(h)
    if (list) {
      for (const c of list) {
        if (sameRegion(c, words, region.at)) {
          this.stats.reused++
          this.byStart.set(key, c)
          return c.index
        }
      }
    }
    if (this.stats.compiled >= MAX_FUNCTIONS) { this.stats.declined++; return -1 }
    const t0 = this.now()
    const bytes = moduleBytes(JIT_PARAMS, ValType.i32, compileRegion(region))
    const module = new this.api.Module(bytes)
    const fn = (new this.api.Instance(module, { env: { memory: this.memory } }).exports as { f: unknown }).f
    this.stats.wasmBytes += bytes.length
    const tableIndex = this.table.grow(1, fn)
    const entry: Compiled = { at: region.at, words: Uint32Array.from(region.at, (a) => words[a]), index: tableIndex }
    if (list) list.push(entry)
    else this.cache.set(h, [entry])
    this.byStart.set(key, entry)
    this.stats.compiled++
    this.stats.instructions += n
    this.stats.ms += this.now() - t0
    return tableIndex
  }
}
