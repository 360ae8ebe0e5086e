// The host half of the x86-64 block compiler: the core asks (its
// `jitCompile` import) for the region starting at a RAM offset whose cached
// entry is current; the region is the run of following instructions in the
// same page, each taken from the decoded-instruction cache and compiled by
// the emitter its table row names (../generated/jit-rows.ts), up to the
// first one without an emitter, an unconditional transfer, a Jcc the flags
// state cannot evaluate, or JIT_MAX_REGION instructions.
//
// Invalidation needs nothing here: all of a region lies in its first
// instruction's page, and the core only calls a region from a current entry
// of that page (a store to the page bumps its generation, dcache.ts).
// Functions are keyed by the bytes they run, not by address: they take the
// region's RIP as an argument, so the same code in another page, task, or
// after a re-decode reuses them.
import { CompiledFunctions, type JitStats, type JitWasmApi, type WasmTable } from '../../jit/compiled-functions'
import { JIT_MAX_REGION } from '../core-layout'
import { JIT_ROWS } from '../generated/jit-rows'
import { Gen } from './codegen'
import { EMITTERS, type Emitted, callFollow, retFollow } from './emitters'
import { readEntry } from './region'

export type { JitStats }

/** What the compiler needs of the core. */
export interface X86JitCore {
  memory: { buffer: ArrayBuffer }
  /** The current cached entry (a linear address) of the instruction at a RAM offset, else 0. */
  jitEntry(ramOff: number): number
}

export class X86BlockCompiler {
  private readonly fns: CompiledFunctions
  private readonly byBytes = new Map<string, number>()
  private core: X86JitCore | null = null
  private ramBase = 0

  constructor(api: JitWasmApi, table: WasmTable, now?: () => number) {
    this.fns = new CompiledFunctions(api, table, now)
  }

  get stats(): JitStats { return this.fns.stats }

  attach(core: X86JitCore, ramBase: number): void {
    this.core = core
    this.ramBase = ramBase
    this.fns.attach(core.memory)
  }

  /** Table index of the region's function; -1 when none can start there (the
   *  core asks again much later), 0 for not now. */
  compile(ramOff: number): number {
    // Called from inside the core's run loop: nothing may escape.
    try {
      return this.compileAt(ramOff)
    } catch (e) {
      this.fns.failed(`region at RAM 0x${ramOff.toString(16)}`, e)
      return 0
    }
  }

  private compileAt(ramOff: number): number {
    const core = this.core
    if (!core) return 0
    const view = new DataView(core.memory.buffer)
    // First with the longest pass allowed, to learn how long it is; then
    // again with that length, which is what the budget check needs.
    const probe = this.generate(core, view, ramOff, JIT_MAX_REGION)
    if (probe.count < 2) { this.stats.declined++; return -1 }
    // The key: where each instruction lies (relative to the start) and its bytes.
    let key = ''
    for (const [at, len] of probe.spans) {
      key += `${at}:`
      const bytes = new Uint8Array(core.memory.buffer, this.ramBase + ramOff + at, len)
      for (const b of bytes) key += String.fromCharCode(b)
    }
    const known = this.byBytes.get(key)
    if (known !== undefined) { this.stats.reused++; return known }
    if (!this.fns.roomFor()) return -1
    const t0 = this.fns.time()
    const { body } = this.generate(core, view, ramOff, probe.count, forwardPlan(probe.lines))
    const index = this.fns.install(body, probe.count, t0)
    this.byBytes.set(key, index)
    return index
  }

  /**
   * Generates the region at RAM offset `start`: instructions in order, a JMP
   * or CALL to a place in the same page followed (the CALL's return address
   * pushed and remembered, so that the RET of the callee continues after it
   * when it returns there, as it almost always does).
   */
  private generate(core: X86JitCore, view: DataView, start: number, maxPass: number, plan?: Map<number, number>): Generated {
    const g = new Gen(maxPass)
    let count = 0
    const spans: [number, number][] = []
    const lines: Line[] = []
    const returns: number[] = []
    // A followed JMP, CALL or RET starts another straight line.
    let seg = 0
    const body = g.build(() => {
      if (plan) g.planForward(plan)
      let at = 0
      while (count < maxPass) {
        const ramOff = start + at
        if ((ramOff >>> 12) !== (start >>> 12)) break
        const e = core.jitEntry(ramOff)
        if (e === 0) break
        const ins = readEntry(view, e, at)
        const row = JIT_ROWS[ins.op]
        const emit = row ? EMITTERS[row.emitter] : undefined
        if (!row || !emit) break
        g.pos = count
        g.insnAt = at
        g.arrive(count)
        const target = Number(BigInt.asIntN(64, BigInt(ins.next) + ins.imm))
        const inPage = ((start + target) >>> 12) === (start >>> 12) && target !== 0
        let r: Emitted
        let next = ins.next
        lines.push({ at, seg, jcc: row.emitter === 'jcc' ? target : null })
        if (row.emitter === 'jmp_J' && inPage) {
          r = true
          next = target
        } else if (row.emitter === 'call_J' && inPage) {
          r = callFollow(g, ins)
          returns.push(ins.next)
          next = target
        } else if (row.emitter === 'ret' && returns.length > 0) {
          next = returns.pop()!
          r = retFollow(g, ins, next)
        } else r = emit(g, ins, row.args)
        if (r === false) { lines.pop(); break }
        if (next !== ins.next) seg++
        count++
        spans.push([at, ins.next - at])
        at = next
        if (r === 'end') return { count, endAt: at, open: false }
      }
      return { count, endAt: at, open: count > 0 }
    })
    return { body, count, spans, lines }
  }
}

interface Line { at: number; seg: number; jcc: number | null }
interface Generated { body: number[]; count: number; spans: [number, number][]; lines: Line[] }

/** Jcc position → the later position of its target on the same straight line. */
function forwardPlan(lines: Line[]): Map<number, number> {
  const plan = new Map<number, number>()
  lines.forEach((l, p) => {
    if (l.jcc === null) return
    for (let q = p + 1; q < lines.length && lines[q].seg === l.seg; q++) {
      if (lines[q].at === l.jcc) { plan.set(p, q); return }
    }
  })
  return plan
}
