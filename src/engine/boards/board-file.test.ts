import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkBoardFile, boardFileError, type BoardResolver } from './board-file'
import { ARM_VE, ARM_VE_EXEC, PC_EXEC, shippedBoard } from './shipped'
import { ARM_VE_IRQMAP, ARM_VE_MEMMAP } from '../hw/arm-virt-map'
import { buildBoard } from './builder'

const dir = new URL('../../../resources/boards/', import.meta.url)
const shipped: BoardResolver = (n) => shippedBoard(n)

/** A small good board, one field per line, so that tests can name the line of each. */
const good = (over: Record<string, string> = {}) => {
  const f = {
    arch: '"aarch64"',
    cpus: '1',
    irqLines: '64',
    memmap: '{\n    "rtc": { "base": "0x0901_0000", "size": "4K" },\n    "ram": { "base": "0x4000_0000", "size": "64M" }\n  }',
    irqmap: '{ "rtc": 2 }',
    devices: '[{ "name": "rtc", "compatible": "arm,pl031", "region": "rtc", "irq": "rtc" }]',
    ...over,
  }
  return `{\n  "name": "tiny",\n${Object.entries(f).map(([k, v]) => `  "${k}": ${v}`).join(',\n')}\n}\n`
}
const errors = (source: string, name = 'tiny.json', resolve?: BoardResolver) =>
  checkBoardFile(name, source, resolve).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.message}`)

describe('board files', () => {
  it('every shipped file passes the check as written, and the engine builds on what it says', () => {
    const names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    expect(names).toEqual(['arm-ve-exec.json', 'arm-ve.json', 'pc-exec.json', 'pc.json'])
    for (const n of names) {
      const r = checkBoardFile(n, readFileSync(new URL(n, dir), 'utf8'), shipped)
      expect(r.diagnostics, n).toEqual([])
      expect(r.descriptor).toEqual(shippedBoard(n.replace('.json', '')))
    }
    // QEMU virt's numbers (hw/arm/virt.c), which images made for virt rely on.
    expect(ARM_VE_MEMMAP.uart).toEqual({ base: 0x0900_0000, size: 0x1000 })
    expect(ARM_VE_MEMMAP.virtio).toEqual({ base: 0x0a00_0000, size: 0x200 * 32 })
    expect(ARM_VE_MEMMAP.ram).toEqual(ARM_VE.memmap.ram)
    expect(ARM_VE_IRQMAP).toEqual({ uart: 1, rtc: 2, virtio: 16 })
    expect(ARM_VE_EXEC.memmap).toEqual(ARM_VE.memmap)
    expect(ARM_VE_EXEC.irqmap).toEqual({ ...ARM_VE.irqmap, hostInput: 200 })
    expect(ARM_VE_EXEC.devices.map((d) => d.compatible)).toEqual(['l4lab,host-input'])
    expect(PC_EXEC).toMatchObject({ arch: 'x86_64', memmap: { ram: { base: 0x4000_0000, size: 160 << 20 } }, irqmap: { hostInput: 24 } })
  })

  it('a good file gives the descriptor, which the builder accepts', () => {
    const r = checkBoardFile('tiny.json', good())
    expect(r.diagnostics).toEqual([])
    expect(r.descriptor).toMatchObject({ name: 'tiny', arch: 'aarch64', cpus: 1, irqLines: 64, memmap: { rtc: { base: 0x0901_0000, size: 4096 } } })
    const built = buildBoard(r.descriptor!, { cpus: 0, ramBytes: 0 })
    expect(built.ok && [...built.board.devices.keys()]).toEqual(['rtc'])
  })

  it('places each kind of mistake at its line and field', () => {
    expect(errors(good({ arch: '"arm"' }))).toEqual(['3:11 arch: unknown architecture "arm" (aarch64 or x86_64)'])
    expect(errors(good({ devices: '[{ "name": "rtc", "compatible": "acme,rtc", "region": "rtc" }]' }))[0]).toMatch(/^11:46 devices\[0\]\.compatible: no device model is compatible with "acme,rtc" \(there are: .*arm,pl031/)
    expect(errors(good({ irqmap: '{ "rtc": 64 }' }))).toEqual(['10:22 irqmap.rtc: line 64 is out of range: the board has 64 lines (0..63)'])
    expect(errors(good({ memmap: '{\n    "rtc": { "base": "0x4000_0000", "size": "4K" },\n    "ram": { "base": "0x4000_0000", "size": "64M" }\n  }' })))
      .toEqual(['8:12 memmap.ram (0x40000000..0x43ffffff) overlaps memmap.rtc (0x40000000..0x40000fff)'])
    expect(errors(good({ memmap: '{\n    "ram": { "base": "0x4000_0000", "size": "3G" }\n  }', devices: '[]', irqmap: '{}' })))
      .toEqual(['7:45 memmap.ram.size: at most 2 GiB (a core\'s memory), not 3072 MiB'])
    expect(errors(good({ memmap: '{\n    "ram": { "base": "0x4000_0000", "size": 1000 }\n  }', devices: '[]', irqmap: '{}' })))
      .toEqual(['7:45 memmap.ram.size: 1000 bytes is not a multiple of 64 KiB', '7:45 memmap.ram.size: a board with CPUs needs at least 1 MiB of RAM, not 1000 bytes'])
    expect(errors(good({ cpus: '17' }))).toEqual(['4:11 cpus: an integer in 0..16'])
    expect(errors(good({ devices: '[{ "name": "rtc", "compatible": "arm,pl031", "region": "rtc", "irq": "uart" }]' }))).toEqual(['11:83 devices[0].irq: the IRQ map has no line "uart"'])
    expect(errors(good({ cpu: '2' }))).toEqual([expect.stringMatching(/^12:3 cpu: unknown field \(the fields are name, summary/)])
    expect(errors(good(), 'small.json')).toEqual(['2:11 name: "tiny" must be the file\'s name, "small"'])
    expect(errors(good({ memmap: '{ "rtc": { "base": "nowhere", "size": "4K" }, "ram": { "base": 0, "size": "1M" } }' }))).toEqual([expect.stringMatching(/^6:32 memmap\.rtc\.base: a non-negative integer/)])
  })

  it('gives JSON syntax errors at their place and never throws on any prefix of a file', () => {
    expect(errors('{\n  "name": "tiny",\n  "arch" "aarch64"\n}')).toEqual(['3:10 JSON: expected ":" after the key "arch", found "\\""'])
    expect(errors('[1, 2')).toEqual(['1:6 JSON: expected "," or "]", found end of text'])
    const text = readFileSync(new URL('arm-ve.json', dir), 'utf8')
    for (let n = 0; n < text.length; n += 7) expect(() => checkBoardFile('arm-ve.json', text.slice(0, n))).not.toThrow()
    expect(errors('['.repeat(100))[0]).toMatch(/nested deeper than 64 levels/)
  })

  it('extends another board: its tables plus this file’s, checked together', () => {
    const source = '{\n  "extends": "arm-ve",\n  "name": "big",\n  "memmap": { "ram": { "base": "0x4000_0000", "size": "1G" } },\n  "devices": [{ "name": "rtc", "compatible": "arm,pl031", "region": "rtc", "irq": "rtc" }]\n}'
    const r = checkBoardFile('big.json', source, shipped)
    expect(r.diagnostics).toEqual([])
    expect(r.descriptor).toMatchObject({ arch: 'aarch64', irqLines: 256, memmap: { ram: { size: 1 << 30 }, uart: ARM_VE.memmap.uart } })
    expect(errors(source.replace('"arm-ve"', '"arm-vx"'), 'big.json', shipped)).toEqual(['2:14 extends: no board named "arm-vx"'])
    expect(errors(source.replace('"1G"', '"0x0900_0000"').replace('0x4000_0000', '0x0'), 'big.json', shipped)[0]).toMatch(/^4:22 memmap\.ram .*overlaps memmap\.flash/)
    expect(boardFileError('big.json', checkBoardFile('big.json', source.replace('"rtc" }]', '"nmi" }]'), shipped))).toBe('big.json:5:83: devices[0].irq: the IRQ map has no line "nmi"')
  })
})
