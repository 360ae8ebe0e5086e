// Random-instruction differential test of the x86-64 interpreter against the
// host CPU: snippets drawn from the encoding table (random-insns.ts) run on
// our core and natively (native/harness.c) from the same registers, flags and
// data; GPRs, the defined flags, DF, the stopping RIP and signal, and the data
// area must agree. A mismatch is narrowed to the first differing instruction.
// X86_DIFF_SEED, X86_DIFF_SNIPPETS, X86_DIFF_LENGTH vary it (defaults: 3,000
// snippets of 40 instructions, about 108,000 executed: faults end some early).
import { describe, expect, test } from 'vitest'
import { ARITH_FLAGS, Rng, prefixCode, randomSnippet, type Snippet } from './random-insns'
import { nativeUnavailable, runNative } from './native'
import { CODE_ADDR, SnippetMachine, type SnippetResult } from './snippet'

const SEED = Number(process.env.X86_DIFF_SEED ?? 20261205)
const SNIPPETS = Number(process.env.X86_DIFF_SNIPPETS ?? 3000)
const LENGTH = Number(process.env.X86_DIFF_LENGTH ?? 40)
const DF = 0x400

function hex(v: bigint): string { return `0x${v.toString(16)}` }

/** Differences between our result and the native one, ignoring flags left undefined. */
export function differences(ours: SnippetResult, native: SnippetResult, undef: number): string[] {
  const out: string[] = []
  const names = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15']
  for (let i = 0; i < 16; i++) if (ours.regs[i] !== native.regs[i]) out.push(`${names[i]}: ours ${hex(ours.regs[i])} native ${hex(native.regs[i])}`)
  const mask = BigInt((ARITH_FLAGS & ~undef) | DF)
  if ((ours.rflags & mask) !== (native.rflags & mask)) out.push(`rflags&${hex(mask)}: ours ${hex(ours.rflags & mask)} native ${hex(native.rflags & mask)}`)
  for (let i = 0; i < 16; i++) {
    const a = Buffer.from(ours.xmm?.subarray(i * 16, i * 16 + 16) ?? []).toString('hex')
    const b = Buffer.from(native.xmm?.subarray(i * 16, i * 16 + 16) ?? []).toString('hex')
    if (a !== b) out.push(`xmm${i}: ours ${a} native ${b}`)
  }
  if (ours.signal !== native.signal) out.push(`signal: ours ${ours.signal} native ${native.signal}`)
  if (ours.rip !== native.rip) out.push(`rip: ours ${hex(ours.rip)} native ${hex(native.rip)}`)
  for (let i = 0; i < ours.data.length; i++) {
    if (ours.data[i] !== native.data[i]) { out.push(`data[0x${i.toString(16)}]: ours ${ours.data[i]} native ${native.data[i]}`); break }
  }
  return out
}

/**
 * Flags undefined where the first `count` instructions of `s` stopped: after
 * all of them, or before the one that faulted (found by its address).
 */
function undefinedAt(s: Snippet, count: number, stop: SnippetResult): number {
  if (stop.signal === 0) return s.undefAfter[count]
  let at = CODE_ADDR
  for (let k = 0; k < count; k++) {
    if (BigInt(at) === stop.rip) return s.undefAfter[k]
    at += s.insns[k].bytes.length
  }
  return s.undefAfter[count]
}

/** The first instruction after which our core and the host disagree. */
function bisect(m: SnippetMachine, s: Snippet): string {
  const cases = s.insns.map((_, k) => ({ code: prefixCode(s, k + 1), state: s.state, data: s.data }))
  const natives = runNative(cases)
  for (let k = 0; k < cases.length; k++) {
    const diff = differences(m.run(cases[k].code, s.state, s.data), natives[k], undefinedAt(s, k + 1, natives[k]))
    if (diff.length > 0) {
      const before = s.insns.slice(Math.max(0, k - 3), k).map((i) => `  ${i.text}`).join('\n')
      return `first difference after instruction ${k}: ${s.insns[k].text} (table line ${s.insns[k].row.line})\n${before}\n${diff.join('\n')}`
    }
  }
  return 'no single instruction differs (the whole snippet did)'
}

const skip = nativeUnavailable()

/** Runs the snippets of SEED on `m` against the host; returns instructions executed and failures. */
function sweep(m: SnippetMachine, label: string): { executed: number; failures: string[] } {
  const rng = new Rng(SEED)
  const snippets = Array.from({ length: SNIPPETS }, () => randomSnippet(rng, LENGTH))
  const natives = runNative(snippets.map((s) => ({ code: s.code, state: s.state, data: s.data })))
  let executed = 0
  let faulted = 0
  const failures: string[] = []
  snippets.forEach((s, i) => {
    const ours = m.run(s.code, s.state, s.data)
    executed += ours.retired
    if (ours.signal !== 0) faulted++
    const diff = differences(ours, natives[i], undefinedAt(s, s.insns.length, natives[i]))
    if (diff.length > 0 && failures.length < 5) failures.push(`snippet ${i}: ${bisect(m, s)}`)
  })
  console.log(`x86 differential (${label}, seed ${SEED}): ${SNIPPETS} snippets, ${executed} instructions executed, ${faulted} ended by a fault`)
  return { executed, failures }
}

describe.skipIf(skip !== undefined)('x86-64 interpreter against the host CPU', () => {
  test(`${SNIPPETS} random snippets of ${LENGTH} instructions (seed ${SEED})`, () => {
    expect(sweep(new SnippetMachine({ jit: false }), 'interpreter').failures).toEqual([])
  }, 120_000)
})

describe.skipIf(skip !== undefined)('x86-64 block compiler against the host CPU', () => {
  test(`${SNIPPETS} random snippets of ${LENGTH} instructions, compiled (seed ${SEED})`, () => {
    // Every region the compiler takes is compiled on its first arrival after a warm-up run (snippet.ts).
    const m = new SnippetMachine({ jit: 1, warm: true })
    const { executed, failures } = sweep(m, 'block compiler')
    const st = m.core.jitStats()
    console.log(`x86 block compiler: ${st.compiled} regions compiled (${st.instructions} instructions), ${st.reused} reused, ${st.failed} failed${st.lastError ? ` (${st.lastError})` : ''}`)
    expect(failures).toEqual([])
    expect(st.failed).toBe(0)
    // The compiled code must have done a real share of the work, not left it all to the interpreter.
    expect(st.instructions).toBeGreaterThan(executed / 10)
  }, 300_000)
})
