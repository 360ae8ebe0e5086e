// The x86-64 core's decoder generator: reads the encoding table
// (src/engine/cpu/x86_64/encodings.table, format in its header and in
// docs/cpu-x86_64.md) and writes src/engine/cpu/x86_64/assembly/generated/decoder.ts,
// the AssemblyScript module with the opcode maps, the ModRM groups, the op
// enum and the dispatch switch the interpreter runs. One table, so the
// interpreter, the tests' instruction generator and (later) the block
// compiler cannot disagree about an encoding — as v86 generates its decoder
// from x86_table.js.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const TABLE_PATH = 'src/engine/cpu/x86_64/encodings.table'
export const DECODER_PATH = 'src/engine/cpu/x86_64/assembly/generated/decoder.ts'
/** The block compiler's view of the same rows (host TypeScript, src/engine/cpu/x86_64/jit/). */
export const JIT_ROWS_PATH = 'src/engine/cpu/x86_64/generated/jit-rows.ts'

// Attribute word of a map or group entry (read by assembly/decode.ts).
export const A = {
  OP_MASK: 0x3ff, // op (or group index when GROUP)
  MODRM: 1 << 10,
  IMM_SHIFT: 11, // 4 bits: Imm
  SIZE_SHIFT: 15, // 2 bits: Size
  GROUP: 1 << 17,
  LOCK: 1 << 18,
  ZREG: 1 << 19,
  /** An SSE row (XMM operands): a 66/F3/F2 in front selects another instruction, never this one. */
  STRICT: 1 << 20,
  /** A VEX row defined only with VEX.L = 0. */
  LZ: 1 << 21,
  /** A VEX row without a vvvv operand: VEX.vvvv must be 1111b, else the instruction is undefined. */
  NOVVVV: 1 << 22,
}
export const Imm = { NONE: 0, IB: 1, IW: 2, IZ: 3, IV: 4, IW_IB: 5, MOFFS: 6, JZ: 7 }
export const Size = { V: 0, BYTE: 1, D64: 2, F64: 3 }
const MAPS = { '': 0, '0F': 1, '0F 38': 2, '0F 3A': 3 }
const PREFIX_CLASS = { '': 0, '66': 1, F3: 2, F2: 3 }

/**
 * Parses the table into rows:
 * { line, map, pfx, opcodes: number[], zreg, cc, ext (-1 or 0..7), modrm, form ('any'|'mem'|'reg'),
 *   mnemonic, operands: string[], handler, attrs: Set, uf, rf, jit, name }
 * `jit=` names how the block compiler takes the row: an emitter of
 * src/engine/cpu/x86_64/jit/emitters.ts, or `interp`; without it, the emitter
 * named after the row's handler when there is one, else `interp` (the region
 * ends before the instruction and the interpreter runs it).
 * Throws with the line number on a malformed row (a build error, not a guest's).
 */
export function parseTable(text) {
  const rows = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const cols = line.split('|').map((c) => c.trim())
    if (cols.length !== 5) throw new Error(`encodings.table:${i + 1}: expected 5 columns, got ${cols.length}`)
    const [enc, mnemonic, operandCol, handler, attrCol] = cols
    const toks = enc.split(/\s+/)
    // "VEX" first: a VEX-encoded row (its pp and map come from the VEX prefix; maps 5-7 of OPMAP).
    const vex = toks[0] === 'VEX'
    if (vex) toks.shift()
    let pfx = ''
    // A mandatory prefix only exists before the 0F maps.
    if (['66', 'F3', 'F2'].includes(toks[0]) && toks[1] === '0F') pfx = toks.shift()
    let map = ''
    if (toks[0] === '0F') {
      toks.shift()
      if (toks[0] === '38' || toks[0] === '3A') map = `0F ${toks.shift()}`
      else map = '0F'
    }
    const opTok = toks.shift()
    const m = /^([0-9A-F]{2})(\+r|\+cc)?$/.exec(opTok ?? '')
    if (!m) throw new Error(`encodings.table:${i + 1}: bad opcode '${opTok}'`)
    const base = parseInt(m[1], 16)
    const count = m[2] === '+r' ? 8 : m[2] === '+cc' ? 16 : 1
    let ext = -1
    let modrm = false
    let form = 'any'
    for (const t of toks) {
      if (t === '/r') modrm = true
      else if (/^\/[0-7]$/.test(t)) { modrm = true; ext = Number(t[1]) }
      else if (t === 'mem' || t === 'reg') form = t
      else throw new Error(`encodings.table:${i + 1}: bad token '${t}'`)
    }
    const operands = operandCol === '-' ? [] : operandCol.split(',')
    const attrs = new Set()
    let uf = ''
    let rf = ''
    let jit = ''
    for (const a of attrCol.split(/\s+/).filter(Boolean)) {
      if (a.startsWith('uf=')) uf = a.slice(3)
      else if (a.startsWith('jit=')) jit = a.slice(4)
      else if (a.startsWith('rf=')) rf = a.slice(3)
      else if (['lock', 'd64', 'f64', 'ctl', 'nogen', 'strict'].includes(a)) attrs.add(a)
      else throw new Error(`encodings.table:${i + 1}: unknown attribute '${a}'`)
    }
    const opcodes = Array.from({ length: count }, (_, k) => base + k)
    if (opcodes[count - 1] > 0xff) throw new Error(`encodings.table:${i + 1}: opcode range leaves the map`)
    if (vex && map === '') throw new Error(`encodings.table:${i + 1}: a VEX row needs a map (0F, 0F 38, 0F 3A)`)
    const name = `${mnemonic}_${operands.join('_') || 'none'}`.replace(/[^A-Za-z0-9_]/g, '')
    rows.push({ line: i + 1, vex, map: (vex ? 4 : 0) + MAPS[map], pfx: PREFIX_CLASS[pfx], pfxText: pfx, mapText: map, opcodes, zreg: m[2] === '+r', cc: m[2] === '+cc', ext, modrm, form, mnemonic, operands, handler, attrs, uf, rf, jit, name })
  })
  return rows
}

function immKind(operands) {
  const j = operands.join(',')
  if (j.includes('Iw,Ib')) return Imm.IW_IB
  for (const o of operands) {
    if (o === 'Ib' || o === 'Jb') return Imm.IB
    if (o === 'Iw') return Imm.IW
    if (o === 'Iz') return Imm.IZ
    if (o === 'Iv') return Imm.IV
    if (o === 'Jz') return Imm.JZ
    if (o === 'Ob' || o === 'Ov') return Imm.MOFFS
  }
  return Imm.NONE
}

function sizeClass(row) {
  if (row.attrs.has('f64')) return Size.F64
  if (row.attrs.has('d64')) return Size.D64
  const first = row.operands[0] ?? ''
  if (first === 'AL' || /^[A-Z]b$/.test(first)) return Size.BYTE
  return Size.V
}

/** The attribute word of a row (without the op, which the caller adds). */
export function rowAttr(row) {
  let a = sizeClass(row) << A.SIZE_SHIFT | immKind(row.operands) << A.IMM_SHIFT
  if (row.modrm) a |= A.MODRM
  if (row.attrs.has('lock')) a |= A.LOCK
  if (row.zreg) a |= A.ZREG
  if (row.vex) a |= A.LZ
  if (row.vex && !row.operands.some((o) => o.startsWith('B'))) a |= A.NOVVVV
  if (row.pfx === 0 && row.map !== 0 && !row.vex && (row.attrs.has('strict') || row.operands.some((o) => /^[VWU]/.test(o)))) a |= A.STRICT
  return a
}

/** Builds op ids, the opcode maps (8 maps — legacy 1-byte/0F/0F38/0F3A, then VEX 0F/0F38/0F3A at 5-7 — × 4 prefix classes × 256) and the group tables. */
export function buildDecoder(rows) {
  const ops = new Map() // name -> { id, handler }
  const opOf = (row) => {
    let key = row.name
    let n = 1
    while (ops.has(key) && ops.get(key).handler !== row.handler) key = `${row.name}_${++n}`
    if (!ops.has(key)) ops.set(key, { id: ops.size + 1, handler: row.handler, name: key, jit: row.jit })
    row.op = ops.get(key).id
    row.opName = key
    return row.op
  }
  const opmap = new Array(8 * 4 * 256).fill(0)
  const groups = [] // arrays of 16 attribute words
  const groupOf = new Map() // map index -> group index
  const where = new Map() // map index or group slot -> row (duplicate detection)
  const claim = (key, row) => {
    if (where.has(key)) throw new Error(`encodings.table:${row.line}: encoding already taken by line ${where.get(key).line}`)
    where.set(key, row)
  }
  for (const row of rows) {
    const op = opOf(row)
    const attr = rowAttr(row) | op
    for (const opcode of row.opcodes) {
      const idx = (row.map * 4 + row.pfx) * 256 + opcode
      const grouped = row.ext >= 0 || row.form !== 'any'
      if (!grouped) {
        claim(`m${idx}`, row)
        opmap[idx] = attr
        continue
      }
      let g = groupOf.get(idx)
      if (g === undefined) {
        if (opmap[idx] !== 0) throw new Error(`encodings.table:${row.line}: opcode is both plain and grouped`)
        g = groups.length
        groups.push(new Array(16).fill(0))
        groupOf.set(idx, g)
        opmap[idx] = A.GROUP | A.MODRM | g
      }
      for (let reg = 0; reg < 8; reg++) {
        if (row.ext >= 0 && reg !== row.ext) continue
        for (const isReg of [0, 1]) {
          if ((row.form === 'mem' && isReg) || (row.form === 'reg' && !isReg)) continue
          claim(`g${g}.${reg}.${isReg}`, row)
          groups[g][reg * 2 + isReg] = attr
        }
      }
    }
  }
  return { ops: [...ops.values()], opmap, groups }
}

function asArg(tok) {
  const t = tok.trim()
  return /^[0-9]+$/.test(t) ? t : `H.${t}`
}

function dispatchCall(handler) {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(handler)
  if (!m) throw new Error(`bad handler '${handler}'`)
  const args = m[2] ? m[2].split(',').map(asArg).join(', ') : ''
  return `H.${m[1]}(${args})`
}

function words(list, perLine = 16) {
  const out = []
  for (let i = 0; i < list.length; i += perLine) out.push('  ' + list.slice(i, i + perLine).map((w) => `0x${w.toString(16)}`).join(', ') + ',')
  return out.join('\n')
}

export function generateDecoder(text) {
  const rows = parseTable(text)
  const { ops, opmap, groups } = buildDecoder(rows)
  const flatGroups = groups.flat()
  if (flatGroups.length === 0) flatGroups.push(0)
  return `// Generated by scripts/build/x86-decoder.mjs from src/engine/cpu/x86_64/encodings.table; do not edit.
// ${rows.length} rows, ${ops.length} ops, ${groups.length} ModRM groups.
import * as H from '../handlers'

/** One op per distinct row (mnemonic_operands); 0 is the undefined instruction. */
export const enum Op {
  UD = 0,
${ops.map((o) => `  ${o.name} = ${o.id},`).join('\n')}
}

/** Attribute words by [map * 4 + prefix class][opcode] (maps: 1-byte, 0F, 0F 38, 0F 3A, -, VEX 0F, VEX 0F 38, VEX 0F 3A; prefix classes: none, 66, F3, F2). */
export const OPMAP: StaticArray<u32> = [
${words(opmap)}
]

/** ModRM groups: 16 attribute words each, at reg * 2 + (mod == 3). */
export const GROUPS: StaticArray<u32> = [
${words(flatGroups)}
]

/** Runs the handler of \`op\` (the decoded instruction is in decode.ts's globals). */
export function dispatch(op: u32): void {
  switch (op) {
${ops.map((o) => `    case ${o.id}: ${dispatchCall(o.handler)}; return`).join('\n')}
    default: H.ud()
  }
}
`
}

/** Splits `name(a, b)` into the emitter name and its constant arguments. */
function handlerParts(handler) {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(handler)
  if (!m) throw new Error(`bad handler '${handler}'`)
  return { fn: m[1], args: m[2] ? m[2].split(',').map((a) => a.trim()) : [] }
}

/** The block compiler's row table: per op, the emitter that compiles it and
 *  the handler's constant arguments (names such as ADD stay names). */
export function generateJitRows(text) {
  const rows = parseTable(text)
  const { ops } = buildDecoder(rows)
  const line = (o) => {
    const { fn, args } = handlerParts(o.handler)
    return `  { op: ${o.id}, name: '${o.name}', emitter: '${o.jit || fn}', args: [${args.map((a) => `'${a}'`).join(', ')}] },`
  }
  return `// Generated by scripts/build/x86-decoder.mjs from src/engine/cpu/x86_64/encodings.table; do not edit.
// The block compiler's view of the table the interpreter's decoder comes from.

export interface JitRow {
  /** The op the decoder stores in a cached entry (core-layout.ts DC_OP). */
  readonly op: number
  readonly name: string
  /** The emitter (jit/emitters.ts) or 'interp' (the region ends before it). */
  readonly emitter: string
  /** The handler's constant arguments. */
  readonly args: readonly string[]
}

/** Indexed by op; op 0 (undefined) has none. */
export const JIT_ROWS: readonly (JitRow | undefined)[] = [
  undefined,
${ops.map(line).join('\n')}
]
`
}

function writeIfChanged(path, out) {
  let old = ''
  try { old = readFileSync(path, 'utf8') } catch { /* first build */ }
  if (old === out) return false
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, out)
  return true
}

/** Writes the decoder and the compiler's row table when the table changed (or they are missing). */
export function writeDecoder() {
  const text = readFileSync(TABLE_PATH, 'utf8')
  const jit = writeIfChanged(JIT_ROWS_PATH, generateJitRows(text))
  return writeIfChanged(DECODER_PATH, generateDecoder(text)) || jit
}
