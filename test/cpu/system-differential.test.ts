// Random differential test at EL1 with the MMU on (issue 13), against
// qemu-system-aarch64: each program runs a batch of random snippets at EL1,
// with stage-1 translation on (an identity map of RAM as normal memory).
// A snippet is the user-level generator's instructions (random-programs.ts:
// ALU, FP/SIMD, loads and stores around X28) mixed with privileged ones —
// MSR/MRS of EL1 registers that hold values (TPIDR_EL1, CONTEXTIDR_EL1,
// AFSR0/1_EL1, AMAIR_EL1, TPIDR_EL0, TPIDRRO_EL0) and SVCs, whose
// handler at VBAR_EL1 + 0x200 records ESR_EL1, ELR_EL1 and SPSR_EL1 in X24-X26
// and returns with ERET. After each snippet X0-X30, NZCV, SP, the EL1
// registers and 16 KiB of data around X28 go out through the PL011; the
// bytes must be identical. CPU_SYSDIFF_SEED / _PROGRAMS / _SNIPPETS / _LENGTH
// change the run.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ArmVeMachine } from '../../src/engine/boards/arm-ve-machine'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import { Generator, Rng, interesting, opNames } from './random-programs'

const SEED = Number(process.env.CPU_SYSDIFF_SEED ?? 20261205)
const PROGRAMS = Number(process.env.CPU_SYSDIFF_PROGRAMS ?? 10)
const SNIPPETS = Number(process.env.CPU_SYSDIFF_SNIPPETS ?? 20)
const LENGTH = Number(process.env.CPU_SYSDIFF_LENGTH ?? 500)

const have = (cmd: string) => spawnSync(cmd, ['--version']).status === 0
const present = have('clang') && have('ld.lld') && have('qemu-system-aarch64')

/** EL1 registers that only hold what is written (op0, op1, CRn, CRm, op2). */
const HOLDING: [number, number, number, number, number][] = [
  [3, 0, 13, 0, 4], // TPIDR_EL1
  [3, 0, 13, 0, 1], // CONTEXTIDR_EL1
  [3, 0, 5, 1, 0], // AFSR0_EL1
  [3, 0, 5, 1, 1], // AFSR1_EL1
  [3, 0, 10, 3, 0], // AMAIR_EL1
  [3, 3, 13, 0, 2], // TPIDR_EL0
  [3, 3, 13, 0, 3], // TPIDRRO_EL0
]
const sysreg = (read: boolean, [op0, op1, crn, crm, op2]: number[], rt: number) =>
  (0xd5000000 | (read ? 1 << 21 : 0) | ((op0 & 3) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0

/** A free destination/source register for privileged words (not X24-X28, which the handler and the data base use). */
const reg = (r: Rng) => r.int(24)

function snippet(gen: Generator, r: Rng, length: number): number[] {
  const body = gen.body(r, length)
  // About one word in ten becomes privileged: MSR/MRS of a holding register, or an SVC.
  for (let i = 0; i < body.length; i += 1 + r.int(20)) {
    const k = r.int(5)
    if (k === 0) body[i] = (0xd4000001 | (r.int(0x10000) << 5)) >>> 0 // SVC #imm
    else body[i] = sysreg(k === 1, HOLDING[r.int(HOLDING.length)], reg(r))
  }
  return body
}

const hex = (v: bigint) => `0x${v.toString(16)}`

/** The assembly of a program: EL2 sets EL1 up and ERETs into each snippet; each snippet ends with HVC back. */
function programSource(r: Rng, snippets: number[][]): string {
  const out: string[] = []
  out.push(`\t.text\n\t.global _start\n_start:`)
  out.push(`\tadr x0, vec1\n\tmsr vbar_el1, x0\n\tadr x0, vec2\n\tmsr vbar_el2, x0`)
  out.push(`\tmov x0, #(1 << 31)\n\tmsr hcr_el2, x0\n\tmsr cptr_el2, xzr\n\tmov x0, #(3 << 20)\n\tmsr cpacr_el1, x0`)
  out.push(`\tadr x0, l1\n\tmov x1, #0x401\n\tstr x1, [x0]\n\tmov x1, #0x40000000\n\tmovk x1, #0x0705\n\tstr x1, [x0, #8]`)
  out.push(`\tmov x1, #0xff00\n\tmsr mair_el1, x1\n\tmovz x1, #0x0019\n\tmovk x1, #0x0002, lsl #32\n\tmsr tcr_el1, x1\n\tmsr ttbr0_el1, x0`)
  out.push(`\tmovz x1, #0x0001\n\tmsr sctlr_el1, x1\n\tisb\n`)
  // next: the index of the snippet to run is in memory (snippets use every register).
  out.push(`next:\n\tadr x1, index\n\tldr x2, [x1]\n\tadd x3, x2, #1\n\tstr x3, [x1]\n\tadr x0, table\n\tldr x0, [x0, x2, lsl #3]\n\tcbz x0, done\n\tmsr elr_el2, x0\n\tmov x0, #0x3c5\n\tmsr spsr_el2, x0\n\teret`)
  out.push(`done:\n\tmovz x0, #0x0008\n\tmovk x0, #0x8400, lsl #16\n\tsmc #0`)
  snippets.forEach((body, k) => {
    out.push(`snippet${k}:`)
    out.push(`\tadr x0, init${k}\n\tldr x1, [x0, #248]\n\tmsr nzcv, x1\n\tldr x1, [x0, #256]\n\tmov sp, x1`)
    for (let i = 1; i < 31; i += 2) out.push(i === 29 ? `\tldp x29, x30, [x0, #232]` : `\tldp x${i}, x${i + 1}, [x0, #${i * 8}]`)
    out.push(`\tldr x0, [x0]`)
    for (const w of body) out.push(`\t.inst 0x${w.toString(16)}`)
    out.push(`\tb dump`)
  })
  // dump: registers to the dump area, then it and the data window to the PL011, then HVC to EL2.
  out.push(`dump:\n\tmsr tpidr_el1, x0\n\tadr x0, dumparea`)
  for (let i = 1; i < 31; i += 2) out.push(i === 29 ? `\tstp x29, x30, [x0, #232]` : `\tstp x${i}, x${i + 1}, [x0, #${i * 8}]`)
  out.push(`\tmrs x1, tpidr_el1\n\tstr x1, [x0]\n\tmrs x1, nzcv\n\tstr x1, [x0, #248]\n\tmov x1, sp\n\tstr x1, [x0, #256]`)
  HOLDING.forEach((h, i) => out.push(`\t.inst 0x${sysreg(true, h, 1).toString(16)}\n\tstr x1, [x0, #${264 + i * 8}]`))
  out.push(`\tmov x2, #0x09000000\n\tmov x3, #${264 + HOLDING.length * 8}\n1:\tldrb w4, [x0], #1\n\tstrb w4, [x2]\n\tsubs x3, x3, #1\n\tb.ne 1b`)
  out.push(`\tadr x0, data\n\tadd x0, x0, #0x2000\n\tmov x3, #0x4000\n2:\tldrb w4, [x0], #1\n\tstrb w4, [x2]\n\tsubs x3, x3, #1\n\tb.ne 2b\n\thvc #0`)
  // EL1 synchronous handler (current EL, SP_ELx): the SVC's syndrome, return address and state.
  // Any other exception (an LDTR of EL1-only memory, say) is skipped over, its syndrome recorded the same way.
  out.push(`\t.balign 0x800\nvec1:\n\t.rept 4\n\t.balign 0x80\n\tb .\n\t.endr\n\t.balign 0x80\n\tmrs x24, esr_el1\n\tmrs x25, elr_el1\n\tlsr x26, x24, #26\n\tcmp x26, #0x15\n\tb.eq 1f\n\tadd x25, x25, #4\n\tmsr elr_el1, x25\n1:\tmrs x26, spsr_el1\n\teret`)
  out.push(`\t.rept 11\n\t.balign 0x80\n\tb .\n\t.endr`)
  out.push(`\t.balign 0x800\nvec2:\n\t.rept 8\n\t.balign 0x80\n\tb .\n\t.endr\n\t.balign 0x80\n\tb next\n\t.rept 7\n\t.balign 0x80\n\tb .\n\t.endr`)
  out.push(`\t.balign 8\nindex:\t.quad 0\ntable:`)
  snippets.forEach((_, k) => out.push(`\t.quad snippet${k}`))
  out.push(`\t.quad 0`)
  snippets.forEach((_, k) => {
    const regs = Array.from({ length: 31 }, (_, i) => (i === 27 ? BigInt(r.int(64) * 4) : i === 28 ? 0n : interesting(r)))
    out.push(`\t.balign 16\ninit${k}:`)
    // X28: the middle of the data window (filled in as an address below).
    regs.forEach((v, i) => out.push(i === 28 ? `\t.quad data + 0x4000` : `\t.quad ${hex(v)}`))
    out.push(`\t.quad ${hex(BigInt(r.int(16)) << 28n)}\n\t.quad data + 0x8000`)
  })
  out.push(`\t.balign 16\ndumparea:\t.space 512`)
  out.push(`\t.balign 4096\nl1:\t.space 4096\ndata:`)
  for (let i = 0; i < 0x10000 / 8; i++) out.push(`\t.quad ${hex(r.u64())}`)
  return out.join('\n') + '\n'
}

describe.skipIf(!present)('aarch64 random differential at EL1 with the MMU on, vs qemu-system-aarch64', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-sysdiff-'))
  // A failing run keeps its programs for replay (the message names the source).
  let failed = false
  afterAll(() => { if (!failed) rmSync(dir, { recursive: true, force: true }) })
  const names = opNames(readFileSync(join(import.meta.dirname, '../../src/engine/cpu/aarch64/assembly/ops.ts'), 'utf8'))
  const gen = new Generator(Aarch64Core.create({ ramBytes: 1 << 16, cores: 1, translate: () => 0 }), names)

  test(`${PROGRAMS} programs × ${SNIPPETS} snippets × ${LENGTH} instructions`, () => {
    let compared = 0
    for (let p = 0; p < PROGRAMS; p++) {
      const r = new Rng(SEED * 13 + p)
      const snippets = Array.from({ length: SNIPPETS }, () => snippet(gen, r, LENGTH))
      const src = join(dir, `p${p}.S`)
      const elf = join(dir, `p${p}.elf`)
      writeFileSync(src, programSource(r, snippets))
      const cc = spawnSync('clang', ['--target=aarch64-none-elf', '-nostdlib', '-fuse-ld=lld', '-Wl,-Ttext=0x40000000', src, '-o', elf], { encoding: 'utf8' })
      if (cc.status !== 0) throw new Error(cc.stderr)
      const q = spawnSync('qemu-system-aarch64', ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a57', '-display', 'none',
        '-serial', 'stdio', '-monitor', 'none', '-net', 'none', '-kernel', elf], { encoding: 'latin1', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] })
      let ours = ''
      const m = new ArmVeMachine({ output: (b) => (ours += String.fromCharCode(b)) })
      const loaded = m.loadElf(new Uint8Array(readFileSync(elf)))
      if (!loaded.ok) throw new Error(loaded.reason)
      m.boot(loaded.entry)
      m.run(20_000_000)
      failed = m.stopped?.reason !== 'off'
      expect(m.stopped?.reason, `program ${p} did not finish on our machine (${elf})`).toBe('off')
      const per = 264 + HOLDING.length * 8 + 0x4000
      expect(q.stdout.length, `program ${p}: qemu printed ${q.stdout.length} bytes`).toBe(per * SNIPPETS)
      for (let k = 0; k < SNIPPETS; k++) {
        const a = ours.slice(k * per, (k + 1) * per)
        const b = q.stdout.slice(k * per, (k + 1) * per)
        if (a !== b) {
          failed = true
          const at = [...a].findIndex((ch, i) => ch !== b[i])
          const what = at < 264 ? `register slot ${at >> 3}` : at < 264 + HOLDING.length * 8 ? `EL1 register ${(at - 264) >> 3}` : `data byte ${at - 264 - HOLDING.length * 8}`
          expect.fail(`seed ${SEED}, program ${p}, snippet ${k}: ${what} differs (source ${src})`)
        }
        compared += LENGTH
      }
    }
    console.log(`system differential: ${compared} random instructions at EL1 compared`)
  }, 600_000)
})
