// Types of x86-decoder.mjs for the TypeScript tests that read the encoding table.
export const TABLE_PATH: string
export const DECODER_PATH: string
export const A: { OP_MASK: number; MODRM: number; IMM_SHIFT: number; SIZE_SHIFT: number; GROUP: number; LOCK: number; ZREG: number; STRICT: number; LZ: number; NOVVVV: number }
export const Imm: { NONE: 0; IB: 1; IW: 2; IZ: 3; IV: 4; IW_IB: 5; MOFFS: 6; JZ: 7 }
export const Size: { V: 0; BYTE: 1; D64: 2; F64: 3 }

export interface TableRow {
  line: number
  /** 0: one-byte map, 1: 0F, 2: 0F 38, 3: 0F 3A; VEX rows 5-7. */
  map: number
  vex: boolean
  /** Mandatory prefix class: 0 none, 1 66, 2 F3, 3 F2. */
  pfx: number
  pfxText: string
  mapText: string
  opcodes: number[]
  zreg: boolean
  cc: boolean
  /** ModRM reg extension, or -1. */
  ext: number
  modrm: boolean
  form: 'any' | 'mem' | 'reg'
  mnemonic: string
  operands: string[]
  handler: string
  attrs: Set<string>
  /** Flags left undefined (letters O S Z A P C). */
  uf: string
  /** Flags read. */
  rf: string
  name: string
  /** Set by buildDecoder: the op's name and id. */
  opName?: string
  op?: number
}

export function parseTable(text: string): TableRow[]
export function rowAttr(row: TableRow): number
export function buildDecoder(rows: TableRow[]): { ops: { id: number; name: string; handler: string }[]; opmap: number[]; groups: number[][] }
export function generateDecoder(text: string): string
export function writeDecoder(): boolean
