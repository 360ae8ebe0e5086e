// Hand-written snippets for what the random test leaves out (control flow,
// string instructions with REP, the stack, flags registers, SSE loops and
// alignment faults), assembled with
// the host's GNU as and compared with native execution; then known answers
// for what the host cannot run the same way (exits, CPUID, RDTSC, budgets,
// restart after a fault).
import { describe, expect, test } from 'vitest'
import { CoreExit } from '../../../src/engine/cpu/core-abi'
import { assemble } from './assemble'
import { nativeUnavailable, runNative } from './native'
import { CODE_ADDR, DATA_SIZE, SnippetMachine, type SnippetState } from './snippet'
import { R15_VALUE, RSP_VALUE, Rng } from './random-insns'

/** name, source, flags the snippet leaves undefined. */
const SNIPPETS: [string, string, number][] = [
  ['rep movsb forward', 'lea rsi, [r15]\nlea rdi, [r15+0x300]\nmov rcx, 100\nrep movsb', 0],
  ['rep movsq backward', 'std\nlea rsi, [r15+0x100]\nlea rdi, [r15+0x500]\nmov rcx, 17\nrep movsq\ncld', 0],
  ['rep movsw overlapping', 'lea rsi, [r15]\nlea rdi, [r15+3]\nmov ecx, 60\nrep movsw', 0],
  ['rep stosd and stosb', 'lea rdi, [r15-0x200]\nmov eax, 0xdeadbeef\nmov ecx, 33\nrep stosd\nmov al, 7\nstosb', 0],
  ['rep stos with rcx = 0', 'lea rdi, [r15]\nxor ecx, ecx\nmov eax, 1\nrep stosq', 0x10],
  ['repe cmpsb stops at a difference', 'lea rsi, [r15]\nlea rdi, [r15+0x40]\nmov rcx, 64\nmovb [r15+0x50], 0\nmovb [r15+0x10], 1\nrepe cmpsb', 0],
  ['repe cmpsb over equal bytes', 'lea rsi, [r15]\nlea rdi, [r15]\nmov rcx, 77\nrepe cmpsb', 0],
  ['repne scasb finds a byte', 'lea rdi, [r15]\nmov al, [r15+200]\nmov rcx, 1000\nrepne scasb', 0],
  ['repne scasq', 'lea rdi, [r15]\nmov rax, [r15+64]\nmov rcx, 100\nrepne scasq', 0],
  ['lodsd and lodsb', 'lea rsi, [r15+5]\nlodsd\nlodsb\nlodsq', 0],
  ['cmpsw with 67', 'lea esi, [r15d]\nlea edi, [r15d+8]\naddr32 cmpsw', 0],
  ['call and ret', 'call 1f\njmp 2f\n1: mov rax, [rsp]\nadd rbx, 5\nret\n2: nop', 0],
  ['ret imm16', 'call 1f\njmp 2f\n1: pop rax\nsub rsp, 24\npush rax\nret 24\n2: nop', 0],
  ['indirect call and jmp', 'lea rax, [rip+1f]\ncall rax\nlea rcx, [rip+2f]\njmp rcx\n1: inc rdx\nret\n2: nop', 0x10],
  ['call through memory', 'lea rax, [rip+1f]\nmov [r15], rax\ncall qword ptr [r15]\njmp 2f\n1: ret\n2: nop', 0],
  ['jcc loop', 'mov ecx, 10\nxor eax, eax\n1: add eax, ecx\ndec ecx\njnz 1b', 0],
  ['all conditions', 'xor ebx, ebx\n' + Array.from({ length: 16 }, (_, c) => `cmp rax, rdx\nj${['o','no','b','ae','e','ne','be','a','s','ns','p','np','l','ge','le','g'][c]} 1f\nor rbx, ${1 << c}\n1:`).join('\n'), 0],
  ['jcc rel32', 'cmp rax, rax\nje 1f\n.fill 200, 1, 0x90\n1: nop', 0],
  ['loop, loope, loopne, jrcxz', 'mov ecx, 5\n1: inc eax\nloop 1b\nmov ecx, 9\n2: cmp eax, eax\nloope 2b\nmov ecx, 9\n3: cmp eax, ebx\nloopne 3b\nxor ecx, ecx\njrcxz 4f\ninc edx\n4: nop', 0],
  ['push and pop forms', 'push rax\npush 0x12\npush -5\npushw 0x1234\npush qword ptr [r15]\npop rcx\npopw dx\npop rbx\npop rsi\npop qword ptr [r15+8]', 0],
  ['pop rsp-based memory', 'push rax\npop qword ptr [rsp+8]', 0],
  ['push and pop rsp', 'push rsp\npop rax\nmov rbx, rsp', 0],
  ['enter and leave', 'mov rbp, rsp\nenter 32, 0\nmov [rbp-8], rax\nleave\nenter 16, 3\nleave', 0],
  ['pushf and popf', 'pushfq\npop rax\nxor rax, 0x8d5\nand rax, 0xfffffffffffffeff\npush rax\npopfq\npushfq\npop rbx', 0],
  ['lahf and sahf', 'stc\nlahf\nmov bl, ah\nmov ah, 0xd5\nsahf\nlahf', 0],
  ['cmc clc stc cld', 'cmc\nsetc al\nclc\nsetc bl\nstc\nsetc cl\ncld', 0],
  ['cmpxchg success and failure', 'mov rax, [r15]\nmov rbx, 77\nlock cmpxchg [r15], rbx\nsete cl\nlock cmpxchg [r15], rbx\nsete dl', 0],
  ['cmpxchg register forms', 'mov eax, 5\nmov ecx, 5\nmov edx, 9\ncmpxchg ecx, edx\nmov eax, 1\ncmpxchg ecx, edx', 0],
  ['cmpxchg8b and 16b', 'mov rax, [r15]\nmov rdx, [r15+8]\nlock cmpxchg16b [r15]\nsete bl\nmov eax, [r15+16]\nmov edx, [r15+20]\ncmpxchg8b [r15+16]', 0],
  ['xadd and xchg', 'mov rax, 5\nlock xadd [r15], rax\nxchg [r15+8], rbx\nxadd ecx, edx\nxchg ax, dx', 0],
  ['byte registers without REX', 'mov ah, 0x12\nmov ch, al\nadd dh, bh\nxchg ah, bl\nmovzx esi, bh\nmovsx edi, ch', 0],
  ['divide error', 'xor ecx, ecx\nmov eax, 5\ndiv ecx', 0],
  ['idiv overflow', 'mov rax, 0x8000000000000000\ncqo\nmov rcx, -1\nidiv rcx', 0],
  ['idiv 128-bit', 'mov rax, -1000000007\ncqo\nmov rcx, 13\nidiv rcx\nmov r8, rax\nmov r9, rdx\nmov rax, 123456789\nmov rdx, 5\nmov rcx, 1000000000\ndiv rcx', 0x8d5],
  ['mul and imul 64-bit', 'mov rax, -3\nmov rcx, 0x7fffffffffffffff\nmul rcx\nmov r8, rax\nmov r9, rdx\nmov rax, -3\nimul rcx\nimul rbx, rcx, -7', 0xd4],
  ['ud2', 'nop\nud2', 0],
  ['int3', 'inc eax\nint3\ninc ebx', 0],
  ['hlt faults', 'hlt', 0],
  ['null segment prefixes', 'mov rax, [r15]\n.byte 0x3e, 0x2e, 0x26, 0x36\nmov rbx, [r15+8]', 0],
  ['lea forms', 'lea rax, [rbx+rcx*4+100]\nlea eax, [rbx+rcx*8-1]\nlea ax, [rsi+rdi]\nlea rcx, [rip+0x1234]\nlea edx, [0x12345678]', 0],
  ['setcc to memory and cmov', 'cmp rax, rbx\nsetl [r15]\ncmovg rcx, [r15+8]\ncmovl edx, esi\ncmovge edi, [r15+16]', 0],
  ['sse strlen loop (pcmpeqb, pmovmskb, bsf)', 'movb [r15+0x123], 0\nlea rdi, [r15+0x40]\npxor xmm0, xmm0\n1: movdqa xmm1, [rdi]\npcmpeqb xmm1, xmm0\npmovmskb eax, xmm1\nadd rdi, 16\ntest eax, eax\njz 1b\nbsf eax, eax\nlea rax, [rdi+rax-16]\nsub rax, r15', 0],
  ['sse memchr-style (pminub, punpcklbw, pshufd)', 'movd xmm1, eax\npunpcklbw xmm1, xmm1\npunpcklwd xmm1, xmm1\npshufd xmm1, xmm1, 0\nmovdqu xmm2, [r15+3]\npcmpeqb xmm2, xmm1\npminub xmm2, [r15+0x20]\npmovmskb ecx, xmm2', 0],
  ['movdqa misaligned faults', 'movdqa xmm3, [r15+8]', 0],
  ['movdqu and movups unaligned stores', 'movdqu xmm5, [r15+1]\nmovdqu [r15+0x207], xmm5\nmovups [r15+0x301], xmm6\nmovq [r15+0x403], xmm7\nmovd [r15+0x409], xmm7', 0],
  ['sse shifts by count registers', 'movq xmm1, rcx\npsrlq xmm2, xmm1\npsllw xmm3, xmm1\npsrad xmm5, xmm1\nmov ecx, 3\nmovd xmm1, ecx\npsraw xmm6, xmm1\npsrldq xmm7, 5\npslldq xmm8, 11', 0],
  ['self-modifying code: a loop rewrites an immediate it runs', 'lea rbx, [rip+2f]\nmov ecx, 5\nxor edx, edx\n1:\n2: mov eax, 0x11111111\nadd edx, eax\ninc dword ptr [rbx+1]\ndec ecx\njnz 1b', 0],
  ['self-modifying code: a store turns the next instruction into another', 'lea rbx, [rip+1f]\nmovw [rbx], 0x9090\n1: inc eax\ninc ecx', 0],
  ['GS-relative accesses (GS base = the data area)', 'mov rax, gs:[0x10]\nmov gs:[0x20], rbx\nadd qword ptr gs:[0x28], 5\nlea rcx, gs:[0x30]\nmov edx, 0x40\nmov rsi, gs:[rdx*2]\n.byte 0x65, 0x48, 0xa1\n.quad 0x48', 0],
  ['GS with string instructions and 67', 'mov esi, 0x100\nlea rdi, [r15]\nmov ecx, 8\nrep movsb es:[rdi], gs:[rsi]\nmov r8d, 0x200\nmov r9, gs:[r8d]', 0],
  ['sse floating point: NaN rules, invalid operations, signed zeros, conversions out of range, ties', 'mov rax, 0x7ff4000000000001\nmovq xmm0, rax\nmov rax, 0xfff8000000000123\nmovq xmm1, rax\nmovapd xmm2, xmm0\naddsd xmm2, xmm1\nmovapd xmm3, xmm1\nmulsd xmm3, xmm0\nxorpd xmm4, xmm4\nmovapd xmm5, xmm4\ndivsd xmm5, xmm4\nmov rax, 0xc000000000000000\nmovq xmm6, rax\nsqrtsd xmm7, xmm6\nsqrtsd xmm8, xmm0\nmov rax, 0x8000000000000000\nmovq xmm9, rax\nxorpd xmm10, xmm10\nminsd xmm10, xmm9\nmaxsd xmm9, xmm0\nucomisd xmm0, xmm1\nsetp al\ncomisd xmm6, xmm4\nsetb ah\ncvttsd2si rbx, xmm0\nmov rdx, 0x43e0000000000000\nmovq xmm11, rdx\ncvttsd2si rcx, xmm11\ncvtsd2si edx, xmm11\ncvtsd2ss xmm12, xmm0\ncvtss2sd xmm13, xmm12\ncvtsi2sd xmm14, rcx\ncvtsi2ss xmm14, rbx\nmov rsi, 0x4004000000000000\nmovq xmm1, rsi\ncvtsd2si esi, xmm1\nmov rdi, 0x400c000000000000\nmovq xmm1, rdi\ncvtsd2si edi, xmm1\ncvtpd2ps xmm3, xmm0\ncvtps2pd xmm5, xmm12\ncmpsd xmm2, xmm0, 3\ncmppd xmm7, xmm4, 4', 0],
  ['sse floating point on memory operands', 'movsd xmm0, [r15+8]\naddsd xmm0, [r15+16]\nmulss xmm1, [r15+3]\nmovss [r15+0x101], xmm1\nmovhpd xmm2, [r15+0x20]\nmovlps [r15+0x30], xmm2\nsqrtpd xmm3, [r15+0x40]\ncvttps2dq xmm4, [r15+0x50]\nucomiss xmm1, [r15+0x61]', 0],
  // The GS load crosses a page, so it is decoded afresh every pass; the cached LEA after it must not see its segment base.
  ['a cached LEA after a freshly decoded GS-relative load', 'mov ecx, 3\n1: lea rbx, [r15+8]\nadd rdx, rbx\njmp 2f\n.org 0xffc, 0x90\n2: mov rax, gs:[0x10]\ndec ecx\njnz 1b', 0],
  ['sse3: addsub, horizontal add/sub, duplicating moves, lddqu (NaNs, infinities, memory operands)', 'mov rax, 0x7ff4000000000001\nmovq xmm0, rax\nmov rax, 0xfff0000000000000\npinsrw xmm0, eax, 7\nmovapd xmm1, xmm0\nhaddpd xmm1, xmm2\nhsubpd xmm2, [r15+0x40]\naddsubpd xmm3, xmm0\naddsubps xmm4, [r15+0x10]\nhaddps xmm5, xmm0\nhsubps xmm6, [r15+0x20]\nmovsldup xmm7, [r15+0x30]\nmovshdup xmm8, xmm5\nmovddup xmm9, [r15+3]\nmovddup xmm10, xmm0\nlddqu xmm11, [r15+7]\nhaddps xmm12, [r15+8]', 0],
  ['movabs moffs', 'movabs rax, [0x20000800]\nmovabs [0x20000810], eax\nmovabs al, [0x20000820]', 0],
]

function state(rng: Rng): SnippetState {
  const regs = Array.from({ length: 16 }, () => rng.u64())
  regs[4] = RSP_VALUE
  regs[15] = R15_VALUE
  const xmm = new Uint8Array(256)
  for (let i = 0; i < 256; i++) xmm[i] = rng.int(256)
  return { regs, rflags: 0x202n | BigInt(rng.u32() & 0x8d5), xmm }
}

const skip = nativeUnavailable()

// Each snippet on the interpreter alone and through the block compiler (every
// region it takes compiled on first arrival after a warm-up run, snippet.ts).
const machines: [string, () => SnippetMachine][] = [
  ['interpreter', () => new SnippetMachine({ jit: false })],
  ['block compiler', () => new SnippetMachine({ jit: 1, warm: true })],
]

describe.skipIf(skip !== undefined).each(machines)('x86-64 snippets against the host CPU (%s)', (_label, make) => {
  const m = make()
  for (const [name, src, undef] of SNIPPETS) {
    test(name, () => {
      const code = assemble(src)
      const rng = new Rng(name.length * 7919 + code.length)
      for (let round = 0; round < 4; round++) {
        const st = state(rng)
        const data = new Uint8Array(DATA_SIZE)
        for (let i = 0; i < DATA_SIZE; i++) data[i] = rng.int(4) === 0 ? 0 : rng.int(256)
        const ours = m.run(code, st, data)
        const [native] = runNative([{ code, state: st, data }])
        const mask = BigInt((0x8d5 & ~undef) | 0x400)
        expect({ regs: ours.regs, flags: ours.rflags & mask, rip: ours.rip, signal: ours.signal, xmm: ours.xmm })
          .toEqual({ regs: native.regs, flags: native.rflags & mask, rip: native.rip, signal: native.signal, xmm: native.xmm })
        expect(Buffer.from(ours.data).equals(Buffer.from(native.data))).toBe(true)
      }
    })
  }
})

describe('x86-64 known answers', () => {
  const m = new SnippetMachine()
  const zero = (): SnippetState => ({ regs: Array.from({ length: 16 }, (_, i) => (i === 4 ? RSP_VALUE : i === 15 ? R15_VALUE : 0n)), rflags: 0x202n })

  test('SYSCALL exits with RIP after it, RCX = that RIP, R11 = RFLAGS', () => {
    const code = assemble('mov eax, 60\nstc\nsyscall\nnop')
    const r = m.run(code, zero(), new Uint8Array(DATA_SIZE))
    expect(r.exit).toBe(CoreExit.Syscall)
    expect(r.rip).toBe(BigInt(CODE_ADDR + code.length - 1))
    expect(r.regs[1]).toBe(r.rip)
    expect(r.regs[11]).toBe(0x203n)
    expect(r.retired).toBe(3)
  })

  test('CPUID reports the vendor and only implemented features', () => {
    const code = assemble('xor eax, eax\ncpuid\nmov r8, rbx\nmov r9, rdx\nmov r10, rcx\nmov eax, 1\ncpuid\nmov r11, rcx\nmov r12, rdx\nmov eax, 7\nxor ecx, ecx\ncpuid\nmov r13, rbx\nmov eax, 0x80000001\ncpuid')
    const r = m.run(code, zero(), new Uint8Array(DATA_SIZE))
    const vendor = Buffer.alloc(12)
    vendor.writeUInt32LE(Number(r.regs[8]), 0); vendor.writeUInt32LE(Number(r.regs[9]), 4); vendor.writeUInt32LE(Number(r.regs[10]), 8)
    expect(vendor.toString('latin1')).toBe('L4LabL4LabCP')
    expect(r.regs[11]).toBe((1n << 23n) | 1n) // SSE3, POPCNT
    expect(r.regs[12]).toBe((1n << 4n) | (1n << 8n) | (1n << 15n) | (1n << 24n) | (1n << 25n) | (1n << 26n)) // TSC, CX8, CMOV, FXSR, SSE, SSE2: no FPU (x87 transcendentals missing) or MMX yet
    expect(r.regs[13]).toBe((1n << 3n) | (1n << 8n)) // BMI1, BMI2
    expect(r.regs[1]).toBe(0x21n) // LAHF/SAHF, LZCNT
    expect(r.regs[2]).toBe((1n << 11n) | (1n << 29n)) // SYSCALL, LM
  })

  test('a non-canonical address is #GP (vector 13), the canonical kernel half a page fault', () => {
    const gp = m.run(assemble('mov rax, 0x8000000000000000\nmov [rax], ebx'), zero(), new Uint8Array(DATA_SIZE))
    expect(gp.exit).toBe(CoreExit.Exception)
    expect(m.core.details(0).imm).toBe(13)
    expect(gp.rip).toBe(BigInt(CODE_ADDR + 10))
    const pf = m.run(assemble('mov rax, 0xffff800000000000\nmov ebx, [rax]'), zero(), new Uint8Array(DATA_SIZE))
    expect(pf.exit).toBe(CoreExit.DataAbort)
    expect(m.core.details(0).faultAddress).toBe(2 ** 64 - 2 ** 47)
  })

  test('RDTSC counts retired instructions from the core counter', () => {
    const code = assemble('rdtsc\nmov r8d, eax\nnop\nnop\nrdtsc')
    m.core.setCounter(0, 1000)
    const r = m.run(code, zero(), new Uint8Array(DATA_SIZE))
    expect(r.regs[0] - r.regs[8]).toBe(4n)
    expect(r.regs[8]).toBe(1000n)
  })

  test('LZCNT and TZCNT known answers', () => {
    const code = assemble('mov rbx, 0x00f0000000000000\nlzcnt rax, rbx\nlzcnt ecx, ebx\nsetc r8b\nlzcntw dx, bx\ntzcnt rsi, rbx\nxor edi, edi\ntzcnt r9d, edi\nsetc r10b')
    const r = m.run(code, zero(), new Uint8Array(DATA_SIZE))
    expect(r.regs[0]).toBe(8n)
    expect(r.regs[1]).toBe(32n)
    expect(r.regs[8]).toBe(1n)
    expect(r.regs[2] & 0xffffn).toBe(16n)
    expect(r.regs[6]).toBe(52n)
    expect(r.regs[9]).toBe(32n)
    expect(r.regs[10]).toBe(1n)
  })

  test('a REP string instruction stops at the budget and resumes exactly', () => {
    const code = assemble('lea rdi, [r15]\nmov ecx, 1000\nmov al, 0x5a\nrep stosb\nnop')
    const data = new Uint8Array(DATA_SIZE)
    const whole = m.run(code, zero(), data)
    expect(whole.retired).toBe(3 + 1000 + 1)
    // Now in quanta of 7: the same end state, the same count.
    const ctx = m.ctx
    const st = zero()
    m.run(code, st, data, 1) // load code and state, run the LEA
    let retired = 1
    for (let i = 0; i < 1000 && ctx.pc !== BigInt(CODE_ADDR + code.length); i++) {
      m.core.run(0, ctx, 1, 7)
      retired += m.core.details(0).retired
    }
    expect(retired).toBe(whole.retired)
    expect(ctx.gpr(1)).toBe(0n)
    expect(ctx.gpr(7)).toBe(R15_VALUE + 1000n)
  })

  test('a fault leaves the instruction undone and restartable', () => {
    // ADD to an unmapped address, then to the data area: the fault reports the address, nothing changes.
    const code = assemble('mov rbx, 0x30000000\nstc\nadc qword ptr [rbx+8], 1')
    const r = m.run(code, zero(), new Uint8Array(DATA_SIZE))
    expect(r.exit).toBe(CoreExit.DataAbort)
    const d = m.core.details(0)
    expect(d.faultAddress).toBe(0x30000008)
    expect(d.syndrome & 0x6).toBe(0x6) // a user-mode write: a read-modify-write checks its write first
    expect(r.rflags & 1n).toBe(1n)
    expect(r.rip).toBe(BigInt(CODE_ADDR + code.length - 5))
    expect(r.retired).toBe(2)
    // Point RBX at the data area and run the same instruction again: it completes with CF = 1 added.
    const before = m.core.ram[0x10000 + 8] | (m.core.ram[0x10000 + 9] << 8)
    m.ctx.setGpr(3, R15_VALUE - 0x800n)
    expect(m.core.run(0, m.ctx, 1, 1)).toBe(CoreExit.Budget)
    const after = m.core.ram[0x10000 + 8] | (m.core.ram[0x10000 + 9] << 8)
    expect((after - before) & 0xffff).toBe(2)
  })
})
