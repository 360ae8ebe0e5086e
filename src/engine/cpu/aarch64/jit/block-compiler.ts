// The host half of the block compiler: the core asks (through its
// `jitCompile` import) for the region starting at a word of a RAM page; this
// compiles it to a wasm function, puts it in the core's function table and
// returns its index. Functions are keyed by the words the region runs (in
// execution order, with their page offsets: a region may follow jumps), not
// by address: they take the region's PC as an argument, so the same code in
// another page, task or after a remap reuses them, and a region one of whose
// words changed simply misses.
import { compileRegion } from './codegen'
import { scanRegion } from './region'
import { CompiledFunctions, type JitStats, type JitWasmApi, type WasmTable } from '../../jit/compiled-functions'

export type { JitStats, JitWasmApi, WasmTable }

interface Compiled {
  /** Page word offsets of the region's instructions, and the words there. */
  at: number[]
  words: Uint32Array
  index: number
}

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
  private readonly fns: CompiledFunctions
  private readonly cache = new Map<number, Compiled[]>()
  /** The region last handed out for a start (RAM page address + word): most
   *  requests are for a start compiled before, whose function the core took
   *  out (a budget below one pass, code invalidated elsewhere in its page).
   *  If the words that region runs are unchanged, it is still right — the
   *  scan may now find a longer one, which is no reason to compile again. */
  private readonly byStart = new Map<number, Compiled>()

  constructor(api: JitWasmApi, readonly table: WasmTable, now: () => number = () => Date.now()) {
    this.fns = new CompiledFunctions(api, table, now)
  }

  get stats(): JitStats { return this.fns.stats }

  /** The core's memory (imported by every compiled function). */
  attach(memory: { buffer: ArrayBuffer }): void {
    this.fns.attach(memory)
  }

  /** Table index of the function for the region at word `index` of the RAM
   *  page at linear address `hostPage`; -1 when no region starts there (the
   *  core then asks again much later), 0 when there is none for now. */
  compile(hostPage: number, index: number): number {
    // Called from inside the core's run loop: nothing may escape.
    try {
      return this.compileRegion(hostPage, index)
    } catch (e) {
      this.fns.failed(`region at word ${index}`, e)
      return 0
    }
  }

  private compileRegion(hostPage: number, index: number): number {
    const buffer = this.fns.buffer
    if (!buffer) return 0
    const words = new Uint32Array(buffer, hostPage, 1024)
    const key = hostPage + index * 4
    const last = this.byStart.get(key)
    if (last && sameRegion(last, words, last.at)) {
      this.stats.reused++
      return last.index
    }
    const region = scanRegion(words, index)
    if (!region) { this.stats.declined++; return -1 }
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
    if (!this.fns.roomFor()) return -1
    const t0 = this.fns.time()
    const tableIndex = this.fns.install(compileRegion(region), region.insns.length, t0)
    const entry: Compiled = { at: region.at, words: Uint32Array.from(region.at, (a) => words[a]), index: tableIndex }
    if (list) list.push(entry)
    else this.cache.set(h, [entry])
    this.byStart.set(key, entry)
    return tableIndex
  }
}
