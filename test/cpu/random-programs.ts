// Random differential programs: a raw static ELF that loads registers and
// flags from a block, runs a random sequence of instructions drawn from the
// core's decode table, then dumps X0-X30, NZCV, FPSR, SP, V0-V31 and a 64 KiB
// data area with write(1, …) and exits. The same file runs on our core and
// under qemu-aarch64; their outputs must be identical.
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'

export const BASE = 0x400000
const CODE = 0x1000 // offset of the code in the segment
const CODE_MAX = 0x8000
const INIT = CODE + CODE_MAX // X0..X30, NZCV, FPCR, SP, X27/X28 values, V0..V31
const DUMP = INIT + 0x400
const DATA = DUMP + 0x400
export const DATA_BYTES = 0x10000
const TOTAL = DATA + DATA_BYTES
export const DUMP_BYTES = 272 + 512

/** Deterministic xorshift128+ so that a failing seed can be replayed. */
export class Rng {
  private s0: bigint
  private s1: bigint
  constructor(seed: number) {
    this.s0 = BigInt(seed) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn | 1n
    this.s1 = (BigInt(seed) + 0x1234567n) * 0xbf58476d1ce4e5b9n & 0xffffffffffffffffn | 1n
    for (let i = 0; i < 8; i++) this.u64()
  }
  u64(): bigint {
    let x = this.s0
    const y = this.s1
    this.s0 = y
    x ^= (x << 23n) & 0xffffffffffffffffn
    x ^= x >> 17n
    x ^= y ^ (y >> 26n)
    this.s1 = x
    return (x + y) & 0xffffffffffffffffn
  }
  u32(): number { return Number(this.u64() >> 32n) >>> 0 }
  int(n: number): number { return this.u32() % n }
}

const SPECIAL = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x7fffffffffffffffn,
  0x8000000000000000n, 0xffffffffffffffffn, 0x3ff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 63n, 64n, 32n]

export function interesting(r: Rng): bigint {
  switch (r.int(4)) {
    case 0: return SPECIAL[r.int(SPECIAL.length)]
    case 1: return BigInt(r.int(256))
    default: return r.u64()
  }
}

// ---- A64 encodings used by the prologue and epilogue ----
const adr = (rd: number, from: number, to: number) => {
  const off = to - from
  return (((off & 3) << 29) | (((off >> 2) & 0x7ffff) << 5) | rd | 0x10000000) >>> 0
}
const ldpX = (t1: number, t2: number, n: number, off: number) => (0xa9400000 | (((off / 8) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t1) >>> 0
const stpX = (t1: number, t2: number, n: number, off: number) => (0xa9000000 | (((off / 8) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t1) >>> 0
const ldpQ = (t1: number, t2: number, n: number, off: number) => (0xad400000 | (((off / 16) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t1) >>> 0
const stpQ = (t1: number, t2: number, n: number, off: number) => (0xad000000 | (((off / 16) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t1) >>> 0
const ldrX = (t: number, n: number, off: number) => (0xf9400000 | ((off / 8) << 10) | (n << 5) | t) >>> 0
const strX = (t: number, n: number, off: number) => (0xf9000000 | ((off / 8) << 10) | (n << 5) | t) >>> 0
const addI = (d: number, n: number, imm: number) => (0x91000000 | (imm << 10) | (n << 5) | d) >>> 0
const movz = (d: number, imm: number, hw = 0) => (0xd2800000 | (hw << 21) | (imm << 5) | d) >>> 0
const MSR_NZCV = 0xd51b4200, MRS_NZCV = 0xd53b4200, MSR_FPCR = 0xd51b4400, MSR_FPSR = 0xd51b4420, MRS_FPSR = 0xd53b4420
const MSR_TPIDR = 0xd51bd040, MRS_TPIDR = 0xd53bd040
const SVC0 = 0xd4000001
export const NOP = 0xd503201f

/** Decode-table rows the generator may draw from, with the op names it must avoid. */
export interface Row { mask: number; value: number; op: number }

// Ops (assembly/ops.ts order) excluded: control flow, exception generation,
// system registers and DC ZVA (implementation-defined values), exclusives
// and acquire/release (alignment faults), literal loads (range), hints.
const EXCLUDED_NAMES = ['UNDECODED', 'REFETCH', 'UNDEF', 'B', 'BL', 'CBZ', 'CBNZ', 'TBZ', 'TBNZ', 'B_COND', 'SVC', 'BRK', 'HINT',
  'MRS', 'MSR_R', 'SYS', 'BR', 'BLR', 'RET', 'LDXR', 'STXR', 'LDXP', 'STXP', 'LDAR', 'STLR', 'LDR_LIT', 'LDRSW_LIT', 'LDR_LIT_V']
const MEMORY_NAMES = ['LDP', 'STP', 'LDPSW', 'LDP_V', 'STP_V', 'LDST_IMM9', 'LDST_UIMM', 'LDST_REG', 'LDST_MULT', 'LDST_SINGLE']

export function opNames(opsSource: string): string[] {
  const body = opsSource.slice(opsSource.indexOf('{') + 1, opsSource.lastIndexOf('}')).replace(/\/\/.*$/gm, '')
  return body.split(',').map((x) => x.trim().split('=')[0].trim()).filter(Boolean)
}

export class Generator {
  readonly rows: Row[]
  private readonly memOps: Set<number>
  private readonly names: string[]
  private readonly machine: Aarch64Core
  private readonly probeCtx: ReturnType<Aarch64Core['allocContext']>

  constructor(machine: Aarch64Core, names: string[]) {
    this.names = names
    this.machine = machine
    this.probeCtx = machine.allocContext()
    const core = machine.exports
    const excluded = new Set(EXCLUDED_NAMES.map((n) => names.indexOf(n)))
    this.memOps = new Set(MEMORY_NAMES.map((n) => names.indexOf(n)))
    this.rows = []
    for (let i = 0; i < core.decodeRows(); i++) {
      const row = { mask: core.decodeRowMask(i) >>> 0, value: core.decodeRowValue(i) >>> 0, op: core.decodeRowOp(i) }
      if (!excluded.has(row.op)) this.rows.push(row)
    }
  }

  opName(op: number): string { return this.names[op] ?? `op${op}` }

  /** The op name of the row a word decodes by. */
  nameOf(w: number): string {
    const row = this.rows.find((r) => ((w & r.mask) >>> 0) === r.value)
    return row ? this.opName(row.op) : '?'
  }

  /** Whether our core executes `w` (rather than reporting it undefined):
   *  the word runs once at address 0 of a machine whose memory translates to
   *  page 0 (machine created with a translate that maps everything there). */
  executes(w: number): boolean {
    const m = this.machine
    new DataView(m.ram.buffer, m.ram.byteOffset).setUint32(0, w, true)
    m.invalidateCode(0, 4)
    this.probeCtx.setPc(0n)
    return m.run(0, this.probeCtx, 1, 1) !== 3 /* CoreExit.Undefined */
  }

  /** Only words this accepts are drawn (e.g. the block compiler's subset). */
  accept: (w: number) => boolean = () => true

  /** A random instruction the core implements. */
  next(r: Rng): number {
    for (;;) {
      const w = this.instruction(r, this.rows[r.int(this.rows.length)])
      if (this.accept(w) && this.executes(w)) return w
    }
  }

  /** A random body of `length` words: instructions from the table, plus
   *  (about one in twelve) forward conditional branches that skip 1–4 words
   *  and compare-immediate + B.cond pairs, which exercise the condition
   *  codes and the fused compare-and-branch. Branches never leave the body. */
  body(r: Rng, length: number): number[] {
    const out: number[] = []
    while (out.length < length) {
      const room = length - out.length
      const kind = r.int(24)
      if (kind === 0 && room >= 6) {
        const skip = 2 + r.int(4) // words from the branch to its target
        switch (r.int(4)) {
          case 0: out.push((0x54000000 | (skip << 5) | r.int(16)) >>> 0); break // B.cond
          case 1: out.push((0x34000000 | (r.int(2) << 31) | (r.int(2) << 24) | (skip << 5) | r.int(27)) >>> 0); break // CBZ/CBNZ
          case 2: { // TBZ/TBNZ
            const bit = r.int(64)
            out.push((0x36000000 | ((bit >> 5) << 31) | (r.int(2) << 24) | ((bit & 31) << 19) | (skip << 5) | r.int(27)) >>> 0)
            break
          }
          default: { // CMP/CMN/ADDS/SUBS (immediate or register), then B.cond
            const rd = r.int(2) ? 31 : r.int(27)
            if (r.int(2)) out.push((0x31000000 | (r.int(2) << 31) | (r.int(2) << 30) | (r.int(4096) << 10) | (r.int(27) << 5) | rd) >>> 0)
            else out.push((0x2b000000 | (r.int(2) << 31) | (r.int(2) << 30) | (r.int(32) << 16) | (r.int(27) << 5) | rd) >>> 0) // register form
            out.push((0x54000000 | ((skip - 1) << 5) | r.int(16)) >>> 0)
          }
        }
        continue
      }
      out.push(this.next(r))
    }
    return out
  }

  /** One random instruction word from `row`, constrained so that it cannot
   *  fault or touch the reserved registers X27 (index) and X28 (data base). */
  instruction(r: Rng, row: Row): number {
    let w = (row.value | (r.u32() & ~row.mask)) >>> 0
    // destination (bits 4:0) never X27/X28
    const rd = w & 31
    if (rd === 27 || rd === 28) w = (w & ~31) | (rd === 27 ? 26 : 29)
    if (this.memOps.has(row.op)) {
      w = (w & ~(31 << 5)) | (28 << 5) // base X28
      const name = this.names[row.op]
      if (name === 'LDST_UIMM') w = (w & ~(0xfff << 10)) | ((r.int(64)) << 10)
      if (name === 'LDST_REG') w = (w & ~(31 << 16)) | (27 << 16)
      if ((name === 'LDST_MULT' || name === 'LDST_SINGLE') && (w & (1 << 23))) {
        w = (w & ~(31 << 16)) | ((r.int(2) ? 31 : 27) << 16)
      }
      // rt2 of pairs must differ from rt and from the reserved registers
      if (name.startsWith('LDP') || name.startsWith('STP')) {
        let rt2 = (w >>> 10) & 31
        const rt = w & 31
        if (rt2 === rt || rt2 === 27 || rt2 === 28) rt2 = (rt + 1) % 27
        w = (w & ~(31 << 10)) | (rt2 << 10)
      }
    }
    return w >>> 0
  }
}

export interface Program { elf: Uint8Array; body: number[] }

/** Builds the ELF around `body` with initial state drawn from `r`. */
export function buildProgram(r: Rng, body: number[]): Program {
  const img = new Uint8Array(TOTAL)
  const dv = new DataView(img.buffer)
  // ELF header + one RWX PT_LOAD covering the whole image
  img.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
  dv.setUint16(16, 2, true); dv.setUint16(18, 183, true); dv.setUint32(20, 1, true)
  dv.setBigUint64(24, BigInt(BASE + CODE), true); dv.setBigUint64(32, 64n, true)
  dv.setUint16(52, 64, true); dv.setUint16(54, 56, true); dv.setUint16(56, 1, true)
  dv.setUint32(64, 1, true); dv.setUint32(68, 7, true)
  dv.setBigUint64(72, 0n, true); dv.setBigUint64(80, BigInt(BASE), true); dv.setBigUint64(88, BigInt(BASE), true)
  dv.setBigUint64(96, BigInt(TOTAL), true); dv.setBigUint64(104, BigInt(TOTAL), true); dv.setBigUint64(112, 0x1000n, true)
  // initial state
  for (let i = 0; i < 31; i++) dv.setBigUint64(INIT + i * 8, interesting(r), true)
  dv.setBigUint64(INIT + 27 * 8, BigInt(r.int(64) * 4), true)
  dv.setBigUint64(INIT + 28 * 8, BigInt(BASE + DATA + 0x4000), true)
  dv.setBigUint64(INIT + 248, BigInt(r.int(16)) << 28n, true) // NZCV
  const fpcr = [0, 0, 1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25, (1 << 24) | (1 << 25) | (1 << 22)][r.int(8)]
  dv.setBigUint64(INIT + 256, BigInt(fpcr), true)
  dv.setBigUint64(INIT + 264, BigInt(BASE + DATA + 0x8000), true) // SP
  for (let i = 0; i < 64; i++) dv.setBigUint64(INIT + 272 + i * 8, interesting(r), true)
  for (let i = 0; i < DATA_BYTES; i += 8) dv.setBigUint64(DATA + i, r.u64(), true)
  // code
  const code: number[] = []
  const pc = () => BASE + CODE + code.length * 4
  code.push(adr(0, pc(), BASE + INIT + 272))
  for (let i = 0; i < 32; i += 2) code.push(ldpQ(i, i + 1, 0, i * 16))
  code.push(adr(0, pc(), BASE + INIT))
  code.push(ldrX(1, 0, 248), MSR_NZCV | 1, ldrX(1, 0, 256), MSR_FPCR | 1, MSR_FPSR | 31, ldrX(1, 0, 264), addI(31, 1, 0))
  for (let i = 1; i < 31; i += 2) code.push(i === 29 ? ldpX(29, 30, 0, 232) : ldpX(i, i + 1, 0, i * 8))
  code.push(ldrX(0, 0, 0))
  code.push(...body)
  code.push(MSR_TPIDR | 0, adr(0, pc() + 4, BASE + DUMP))
  for (let i = 1; i < 31; i += 2) code.push(stpX(i, i + 1, 0, i * 8))
  code.push(MRS_TPIDR | 1, strX(1, 0, 0), MRS_NZCV | 1, strX(1, 0, 248), MRS_FPSR | 1, strX(1, 0, 256), addI(1, 31, 0), strX(1, 0, 264))
  code.push(addI(0, 0, 272))
  for (let i = 0; i < 32; i += 2) code.push(stpQ(i, i + 1, 0, i * 16))
  code.push(movz(0, 1), adr(1, pc() + 4, BASE + DUMP), movz(2, DUMP_BYTES), movz(8, 64), SVC0)
  code.push(movz(0, 1), adr(1, pc() + 4, BASE + DATA), movz(2, 1, 1), movz(8, 64), SVC0)
  code.push(movz(0, 0), movz(8, 94), SVC0)
  if (code.length * 4 > CODE_MAX) throw new RangeError('random program too long')
  code.forEach((w, i) => dv.setUint32(CODE + i * 4, w, true))
  return { elf: img, body }
}

/** Address of body instruction k (for mapping a fault PC back to the body). */
export function bodyIndexOf(pc: number): number {
  const prologue = 1 + 16 + 1 + 7 + 15 + 1
  return (pc - BASE - CODE) / 4 - prologue
}
