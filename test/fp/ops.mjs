// The operation list shared by the QEMU reference program
// (guests/fp-ref/fp-ref.c, through the generated ops.h) and the wasm test
// entry (src/engine/cpu/aarch64/assembly/fp/test/entry.ts, whose
// `case N: // NAME` lines are checked against this list). An operation's id
// is its index here.
//
// Record exchanged with both sides (little endian):
//   input  32 bytes: u32 op, u32 fpcr, u64 a, u64 b, u64 c
//   output 16 bytes: u64 result, u32 fpsr, u32 0
// a, b, c are the operands in instruction order (FMADD: n, m, a); for the
// fixed-point conversions c holds fbits.

const BIN = ['ADD', 'SUB', 'MUL', 'NMUL', 'DIV', 'MULX', 'ABD', 'MAX', 'MIN', 'MAXNM', 'MINNM', 'RECPS', 'RSQRTS']
const UN = ['SQRT', 'RECPE', 'RSQRTE', 'RECPX', 'FRINTN', 'FRINTP', 'FRINTM', 'FRINTZ', 'FRINTA', 'FRINTX', 'FRINTI']
const TER = ['MADD', 'MSUB', 'NMADD', 'NMSUB']
const CMP = ['CMP', 'CMPE']

/** @type {{name: string, kind: string, fmt?: string, src?: string, dst?: string, signed?: boolean, mode?: string, fixed?: boolean}[]} */
export const OPS = []
for (const f of ['S', 'D']) for (const n of BIN) OPS.push({ name: `${f}_${n}`, kind: 'bin', fmt: f, op: n })
for (const f of ['S', 'D']) for (const n of UN) OPS.push({ name: `${f}_${n}`, kind: 'un', fmt: f, op: n })
for (const f of ['S', 'D']) for (const n of TER) OPS.push({ name: `${f}_${n}`, kind: 'ter', fmt: f, op: n })
for (const f of ['S', 'D']) for (const n of CMP) OPS.push({ name: `${f}_${n}`, kind: 'cmp', fmt: f, op: n })
for (const [s, d] of [['S', 'D'], ['D', 'S'], ['S', 'H'], ['D', 'H'], ['H', 'S'], ['H', 'D']]) {
  OPS.push({ name: `CVT_${d}_${s}`, kind: 'cvt', src: s, dst: d })
}
for (const s of ['S', 'D']) for (const d of ['W', 'X']) for (const sg of [true, false]) {
  for (const m of ['N', 'A', 'P', 'M', 'Z']) {
    OPS.push({ name: `FCVT${m}${sg ? 'S' : 'U'}_${d}_${s}`, kind: 'toint', src: s, dst: d, signed: sg, mode: m, fixed: false })
  }
  OPS.push({ name: `FCVTZ${sg ? 'S' : 'U'}_${d}_${s}_FIX`, kind: 'toint', src: s, dst: d, signed: sg, mode: 'Z', fixed: true })
}
for (const d of ['S', 'D']) for (const s of ['W', 'X']) for (const sg of [true, false]) {
  for (const fixed of [false, true]) {
    OPS.push({ name: `${sg ? 'S' : 'U'}CVTF_${d}_${s}${fixed ? '_FIX' : ''}`, kind: 'fromint', src: s, dst: d, signed: sg, fixed })
  }
}
// AdvSIMD scalar FCVTXN (round to odd); appended to keep the ids stable
OPS.push({ name: 'CVTXN_S_D', kind: 'cvt', src: 'D', dst: 'S' })
// AdvSIMD unsigned integer estimates (lane 0 of a .2S vector)
OPS.push({ name: 'URECPE', kind: 'uest', op: 'URECPE' })
OPS.push({ name: 'URSQRTE', kind: 'uest', op: 'URSQRTE' })
OPS.forEach((o, i) => { o.id = i })

/** ops.h for the C reference program. */
export function opsHeader() {
  return '/* Generated from test/fp/ops.mjs; do not edit. */\n' +
    OPS.map((o) => `#define OP_${o.name} ${o.id}`).join('\n') + '\n'
}
