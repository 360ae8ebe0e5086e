// The encoding table and its generator: malformed or conflicting rows are
// build errors, and the decoder the core was built from agrees with the
// table row by row (each row's encodings, assembled from the row, decode to
// that row's op in the core).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { buildDecoder, generateDecoder, parseTable } from '../../../scripts/build/x86-decoder.mjs'
import { X86_64Core } from '../../../src/engine/cpu/x86_64/x86_64-core'
import { TranslateFault } from '../../../src/engine/cpu/core-abi'

const TABLE = readFileSync(fileURLToPath(new URL('../../../src/engine/cpu/x86_64/encodings.table', import.meta.url)), 'utf8')

describe('encoding table generator', () => {
  test('rejects malformed rows with their line', () => {
    expect(() => parseTable('00 /r | ADD | Eb,Gb | alu_E_G(ADD)')).toThrow(/:1: expected 5 columns/)
    expect(() => parseTable('\n0G /r | ADD | Eb,Gb | x | ')).toThrow(/:2: bad opcode/)
    expect(() => parseTable('00 /9 | ADD | Eb,Gb | x | ')).toThrow(/bad token/)
    expect(() => parseTable('00 /r | ADD | Eb,Gb | x | fast')).toThrow(/unknown attribute 'fast'/)
    expect(() => parseTable('F9+r | X | Zv | x | ')).toThrow(/leaves the map/)
  })

  test('rejects an encoding taken twice, and a plain opcode that is also a group', () => {
    expect(() => generateDecoder('00 /r | ADD | Eb,Gb | a | \n00 /r | OR | Eb,Gb | b | ')).toThrow(/line 2|already taken by line 1/)
    expect(() => generateDecoder('80 /0 | ADD | Eb,Ib | a | \n80 /0 | OR | Eb,Ib | b | ')).toThrow(/already taken/)
    expect(() => generateDecoder('80 | ADD | Eb | a | \n80 /0 | OR | Eb,Ib | b | ')).toThrow(/both plain and grouped/)
  })

  test('the shipped table generates deterministically', () => {
    expect(generateDecoder(TABLE)).toBe(generateDecoder(TABLE))
    const rows = parseTable(TABLE)
    expect(rows.length).toBeGreaterThan(300)
  })
})

describe('the core decodes every row of the table as that row', () => {
  test('every encoding of every row', () => {
    const rows = parseTable(TABLE)
    const { ops } = buildDecoder(rows)
    const core = X86_64Core.create({ ramBytes: 1 << 16, cores: 1, translate: (_a, va) => (va < 65536 ? va : TranslateFault.Translation) })
    let checked = 0
    for (const row of rows) {
      const rowOp = ops.find((o) => o.name === row.opName)!.id
      for (const opcode of row.opcodes) {
        for (let reg = 0; reg < 8; reg++) {
          if (row.ext >= 0 && reg !== row.ext) continue
          for (const isReg of [false, true]) {
            if (!row.modrm && isReg) continue
            if ((row.form === 'mem' && isReg) || (row.form === 'reg' && !isReg)) continue
            const bytes: number[] = []
            if (row.vex) bytes.push(0xc4, 0xe0 | (row.map - 4), 0x78 | row.pfx) // R X B = 0, W0, vvvv = 0, L0, pp
            else {
              if (row.pfxText) bytes.push(parseInt(row.pfxText, 16))
              if (row.map >= 1) bytes.push(0x0f)
              if (row.map === 2) bytes.push(0x38)
              if (row.map === 3) bytes.push(0x3a)
            }
            bytes.push(opcode)
            if (row.modrm) bytes.push((isReg ? 0xc0 : 0x80) | (reg << 3))
            bytes.push(...new Array(12).fill(0)) // displacement and immediates
            core.ram.set(bytes, 0x100)
            core.invalidateCode(0x100, bytes.length)
            const op = core.exports.decodeAt(0, 0x100)
            expect({ line: row.line, opcode, reg, isReg, op }).toEqual({ line: row.line, opcode, reg, isReg, op: rowOp })
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })
})
