// The x86-64 block compiler against the interpreter on whole programs: the
// same loops (calls followed into the callee and back, forward branches,
// shifts, memory, code that rewrites itself) run in the same random quanta
// on a core that compiles every region at its first arrival and on one that
// only interprets; after every quantum the registers, flags, RIP, the data
// and the retired count must be equal — budgets are exact in compiled code.
import { describe, expect, test } from 'vitest'
import { assemble } from './assemble'
import { Rng } from './random-insns'
import { CODE_ADDR, CODE_SIZE, DATA_ADDR, DATA_SIZE, SnippetMachine } from './snippet'
import { CoreExit } from '../../../src/engine/cpu/core-abi'

const PROGRAMS: [string, string][] = [
  ['a loop with a followed call, memory, shifts and a forward branch', `
    mov ecx, 3000
    mov r15, ${DATA_ADDR}
    lea rsp, [r15+0x1000]
  1: mov rax, [r15+8]
    add rax, rcx
    call 3f
    mov [r15+16], rax
    test cl, 1
    jz 2f
    ror rax, 7
    shr rdx, 3
    adc rsi, rax
  2: sub ecx, 1
    jnz 1b
    jmp 4f
  3: xor rbx, rax
    lea rdx, [rbx+rax*2]
    sar rdx, 1
    add rsi, rdx
    setc al
    ret
  4: nop`],
  // Compiled between rewrites; each rewrite (a store to the code page) must drop the compiled loop.
  ['a loop that rewrites an immediate it runs every 64 passes', `
    lea rbx, [rip+2f]
    mov ecx, 3000
    xor edx, edx
  1:
  2: mov eax, 0x11111111
    add edx, eax
    test ecx, 63
    jnz 3f
    inc dword ptr [rbx+1]
  3: dec ecx
    jnz 1b`],
  ['nested loops with flags read at a region start', `
    mov r15, ${DATA_ADDR}
    mov r8d, 200
  1: mov ecx, 17
  2: movzx eax, byte ptr [r15+rcx]
    add [r15+rcx+0x100], al
    inc r9
    dec ecx
    jg 2b
    cmovs r10, r9
    dec r8d
    jnz 1b`],
]

function snapshot(m: SnippetMachine): string {
  const regs = Array.from({ length: 16 }, (_, i) => m.ctx.gpr(i).toString(16)).join(',')
  const data = Buffer.from(m.core.ram.slice(CODE_SIZE, CODE_SIZE + DATA_SIZE)).toString('base64')
  return `${regs} rflags=${m.ctx.rflags.toString(16)} rip=${m.ctx.pc.toString(16)} data=${data}`
}

function load(m: SnippetMachine, code: Uint8Array): void {
  m.core.ram.fill(0, 0, CODE_SIZE + DATA_SIZE)
  m.core.ram.set(code, 0)
  m.core.ram.set([0x0f, 0x0b], code.length)
  m.core.invalidateCode(0, CODE_SIZE + DATA_SIZE)
  m.ctx.reset()
  m.ctx.setPc(BigInt(CODE_ADDR))
}

describe('x86-64 block compiler: compiled and interpreted runs agree after every quantum', () => {
  for (const [name, src] of PROGRAMS) {
    test(name, () => {
      const code = assemble(src)
      const jit = new SnippetMachine({ jit: 1 })
      const interp = new SnippetMachine({ jit: false })
      load(jit, code)
      load(interp, code)
      const rng = new Rng(code.length * 31 + name.length)
      let total = 0
      for (let q = 0; q < 100_000; q++) {
        const budget = 1 + rng.int(q % 3 === 0 ? 7 : 300)
        const a = jit.core.run(0, jit.ctx, 1, budget)
        const b = interp.core.run(0, interp.ctx, 1, budget)
        expect(a).toBe(b)
        expect(jit.core.details(0).retired).toBe(interp.core.details(0).retired)
        expect(snapshot(jit)).toBe(snapshot(interp))
        total += interp.core.details(0).retired
        if (b !== CoreExit.Budget) break
      }
      const st = jit.core.compilerStats()
      console.log(`${name}: ${total} instructions, ${st.retired} of them compiled, ${st.regions} regions`)
      expect(interp.ctx.pc).toBe(BigInt(CODE_ADDR + code.length)) // ran to its end (the UD2)
      expect(st.failed).toBe(0)
      expect(st.retired).toBeGreaterThan(total / 2)
    })
  }
})
