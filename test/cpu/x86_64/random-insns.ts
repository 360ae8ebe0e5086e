// Random instruction snippets drawn from the encoding table, for the
// differential test against the host CPU. Every generated instruction is a
// row of src/engine/cpu/x86_64/encodings.table with random prefixes (66, REX
// bits, LOCK, 67), registers, addressing forms and immediates, constrained
// only so that the snippet stays in its sandbox: RSP and R15 are never
// written (R15 is the base of every memory operand, RSP the stack), memory
// operands fall inside the data area, rows the table marks `nogen` or `ctl`
// are left out, and flags the architecture leaves undefined are tracked so
// that no instruction reads them and the comparison masks what remains.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { A, parseTable, rowAttr, type TableRow } from '../../../scripts/build/x86-decoder.mjs'
import { CODE_ADDR, DATA_ADDR, DATA_SIZE, type SnippetState } from './snippet'

const TABLE = fileURLToPath(new URL('../../../src/engine/cpu/x86_64/encodings.table', import.meta.url))

/** xorshift-style PRNG, deterministic per seed. */
export class Rng {
  private s: number
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9 }
  u32(): number {
    let x = this.s
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    this.s = x
    return x
  }
  int(n: number): number { return this.u32() % n }
  chance(p: number): boolean { return this.u32() / 4294967296 < p }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)] }
  u64(): bigint {
    switch (this.int(8)) {
      case 0: return 0n
      case 1: return 0xffffffffffffffffn
      case 2: return BigInt(this.int(64))
      case 3: return 0x8000000000000000n >> BigInt(this.int(64))
      case 4: return BigInt(this.u32())
      default: return (BigInt(this.u32()) << 32n) | BigInt(this.u32())
    }
  }
}

const FLAG_BITS: Record<string, number> = { O: 0x800, S: 0x80, Z: 0x40, A: 0x10, P: 0x4, C: 0x1 }
export const ARITH_FLAGS = 0x8d5
function flagMask(letters: string): number {
  let m = 0
  for (const c of letters) m |= FLAG_BITS[c] ?? 0
  return m
}

/** Registers an instruction may name: all but RSP (the stack) and R15 (the memory base). */
const REGS = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
const MEM_BASE = 15
export const R15_VALUE = BigInt(DATA_ADDR + 0x800)
export const RSP_VALUE = BigInt(DATA_ADDR + 0x1c00)

/** Handlers whose rows set all six arithmetic flags (but their undefined ones). */
const DEFINES_ALL = /^(alu_|neg_E|xadd_E_G|cmpxchg_E_G|popcnt|fpcomi)/
/** Rows kept out: they move RSP arbitrarily, change TF/AC, or address memory through a random register. */
const EXCLUDED = /^(enter|leave|popf)$/

export interface GenInsn { bytes: number[]; row: TableRow; text: string }
export interface Snippet {
  code: Uint8Array
  insns: GenInsn[]
  /** Undefined flags after each instruction prefix (index k: after the first k instructions). */
  undefAfter: number[]
  state: SnippetState
  data: Uint8Array
}

let rowsCache: TableRow[] | undefined
export function generatorRows(): TableRow[] {
  rowsCache ??= parseTable(readFileSync(TABLE, 'utf8')).filter((r) => !r.attrs.has('nogen') && !r.attrs.has('ctl') && !EXCLUDED.test(r.handler))
  return rowsCache
}

const CMP_RAX_RBX = [0x48, 0x39, 0xd8]

function hex(bytes: number[]): string { return bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ') }

/** One instruction of `row` placed at code offset `at`. */
function encode(rng: Rng, row: TableRow, at: number): number[] {
  const sizeV = !row.operands[0]?.match(/^(AL|[A-Z]b)$/) && !row.attrs.has('f64')
  // A 16-bit BSWAP/SHLD/SHRD (counts above 16) has no defined result; in the
  // 0F map a 66 before an instruction without operand size (fences, hints)
  // encodes another (undefined) instruction.
  const undef66 = /^(bswap_Z|shd_E_G)/.test(row.handler) || (rowAttr(row) & A.STRICT) !== 0 ||
    (row.map !== 0 && (row.operands.length === 0 || row.operands[0] === 'M'))
  const pre: number[] = []
  let w = 0, r = 0, b = 0
  let forceRex = false
  if (row.pfxText === '66') pre.push(0x66)
  else if (sizeV && row.pfx === 0 && !undef66 && rng.chance(0.2)) pre.push(0x66)
  if (sizeV && rng.chance(0.5) && !row.attrs.has('d64')) w = 1
  const opcode = rng.pick(row.opcodes)
  const tail: number[] = []
  let memDisp: { at: number; size: number; ripRel: boolean } | undefined
  let isMem = false
  let zregBits = 0
  if (row.zreg) { const z = rng.pick(REGS); b = z >> 3; zregBits = z & 7 }
  // Packed SSE memory operands must be 16-byte aligned (else #GP): keep them aligned here.
  const align = row.operands.some((o) => /^[VWUM]x$/.test(o)) ? 16 : 1
  if (row.modrm) {
    const reg = row.ext >= 0 ? row.ext : rng.pick(REGS)
    r = reg >> 3
    const btMem = /^bt_E_G/.test(row.handler)
    isMem = row.form === 'mem' || (row.form === 'any' && !btMem && rng.chance(0.4))
    if (!isMem) {
      const rm = rng.pick(REGS)
      b = rm >> 3
      tail.push(0xc0 | ((reg & 7) << 3) | (rm & 7))
    } else {
      const kind = rng.int(4)
      if (kind === 0) { // RIP-relative
        tail.push(0x00 | ((reg & 7) << 3) | 5)
        memDisp = { at: tail.length, size: 4, ripRel: true }
        tail.push(0, 0, 0, 0)
      } else if (kind === 1) { // SIB without index, base R15, disp8
        b = 1; forceRex = true
        tail.push(0x44 | ((reg & 7) << 3), (rng.int(4) << 6) | (4 << 3) | (MEM_BASE & 7))
        const d = (rng.int(256) - 128) & -align
        tail.push(d & 0xff)
      } else {
        b = 1; forceRex = true
        if (kind === 2) {
          tail.push(0x40 | ((reg & 7) << 3) | (MEM_BASE & 7))
          tail.push(((rng.int(256) - 128) & -align) & 0xff)
        } else {
          tail.push(0x80 | ((reg & 7) << 3) | (MEM_BASE & 7))
          const d = (rng.int(0x1000 + 0x800 - 16) - 0x800) & -align
          tail.push(d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, (d >> 24) & 0xff)
        }
      }
    }
  }
  // Immediates.
  const osz = !sizeV ? 1 : w ? 8 : pre.includes(0x66) && row.pfxText !== '66' ? 2 : 4
  const ops = row.operands.join(',')
  let immLen = 0
  if (/Iw,Ib/.test(ops)) immLen = 3
  else if (/\bIb\b|\bJb\b/.test(ops)) immLen = 1
  else if (/\bIw\b/.test(ops)) immLen = 2
  else if (/\bIz\b/.test(ops)) immLen = osz === 2 ? 2 : 4
  else if (/\bIv\b/.test(ops)) immLen = osz
  for (let i = 0; i < immLen; i++) tail.push(rng.int(256))
  if (isMem && row.attrs.has('lock') && rng.chance(0.3)) pre.unshift(0xf0)
  if (isMem && !memDisp?.ripRel && rng.chance(0.1)) pre.unshift(0x67)
  if (row.pfxText === 'F3') pre.push(0xf3)
  if (row.pfxText === 'F2') pre.push(0xf2)
  let mapBytes = row.map === 0 ? [] : row.map === 1 ? [0x0f] : row.map === 2 ? [0x0f, 0x38] : [0x0f, 0x3a]
  if (row.vex) {
    // C4 R X B mmmmm, W vvvv L pp (inverted R X B vvvv), in place of legacy prefixes and REX.
    const vreg = row.operands.some((o) => o.startsWith('B')) ? rng.pick(REGS) : 0 // unused vvvv must be 1111b (inverted 0)
    const keep = pre.filter((p) => p === 0x67)
    pre.length = 0
    pre.push(...keep, 0xc4, ((r ^ 1) << 7) | (1 << 6) | ((b ^ 1) << 5) | (row.map - 4), (w << 7) | ((~vreg & 15) << 3) | row.pfx)
    mapBytes = []
  } else {
    const rexv = 0x40 | (w << 3) | (r << 2) | b
    if (rexv !== 0x40 || forceRex || rng.chance(0.1)) pre.push(rexv)
  }
  const op = row.zreg ? (opcode & ~7) | zregBits : opcode
  const out = [...pre, ...mapBytes, op, ...tail]
  if (memDisp?.ripRel) {
    const start = pre.length + mapBytes.length + 1 + memDisp.at
    const next = CODE_ADDR + at + out.length
    const target = (DATA_ADDR + 0x100 + rng.int(0x1000)) & -align
    const d = target - next
    out[start] = d & 0xff; out[start + 1] = (d >> 8) & 0xff; out[start + 2] = (d >> 16) & 0xff; out[start + 3] = (d >>> 24) & 0xff
  }
  return out
}

export function randomSnippet(rng: Rng, length: number): Snippet {
  const rows = generatorRows()
  const insns: GenInsn[] = []
  const undefAfter = [0]
  let undef = 0
  const bytes: number[] = []
  const add = (bs: number[], row: TableRow, text: string): void => {
    bytes.push(...bs)
    insns.push({ bytes: bs, row, text })
  }
  const cmpRow = rows.find((r) => r.name === 'CMP_Ev_Gv')!
  while (insns.length < length) {
    const row = rng.pick(rows)
    const reads = flagMask(row.rf)
    if (reads & undef) {
      add(CMP_RAX_RBX, cmpRow, 'cmp rax, rbx')
      undef = 0
      undefAfter.push(undef)
    }
    // Most random dividends overflow the quotient (#DE ends the snippet);
    // clearing the high half first keeps most divisions running.
    if (/^i?div_A_E$/.test(row.handler) && rng.chance(0.8)) {
      const isByte = row.operands[0] === 'Eb'
      add(isByte ? [0xb4, 0x00] : [0xba, 0, 0, 0, 0], rows.find((r) => r.name === (isByte ? 'MOV_Zb_Ib' : 'MOV_Zv_Iv'))!, isByte ? 'mov ah, 0' : 'mov edx, 0')
      undefAfter.push(undef)
    }
    const bs = encode(rng, row, bytes.length)
    add(bs, row, `${row.mnemonic} ${row.operands.join(',')} [${hex(bs)}]`)
    if (DEFINES_ALL.test(row.handler)) undef = 0
    undef |= flagMask(row.uf)
    undefAfter.push(undef)
  }
  const regs = Array.from({ length: 16 }, () => rng.u64())
  regs[4] = RSP_VALUE
  regs[15] = R15_VALUE
  const data = new Uint8Array(DATA_SIZE)
  for (let i = 0; i < DATA_SIZE; i++) data[i] = rng.int(256)
  const rflags = 0x202n | BigInt(rng.u32() & ARITH_FLAGS)
  const xmm = new Uint8Array(256)
  for (let i = 0; i < 256; i += 8) new DataView(xmm.buffer).setBigUint64(i, rng.u64(), true)
  return { code: new Uint8Array(bytes), insns, undefAfter, state: { regs, rflags, xmm }, data }
}

/** The code of the first `k` instructions. */
export function prefixCode(s: Snippet, k: number): Uint8Array {
  return new Uint8Array(s.insns.slice(0, k).flatMap((i) => i.bytes))
}
