import { describe, expect, it } from 'vitest'
import { checkArgs, COMMAND_NAMES, EVENT_NAMES, isCommandName, isEventName, SCENARIO_SOURCE_LIMIT } from './contract'

describe('contract', () => {
  it('lists every command and event once', () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length)
    expect(COMMAND_NAMES).toContain('console.input')
    expect(EVENT_NAMES).toEqual(['lab.changed', 'console.output', 'stats', 'display.frame'])
  })

  it('recognizes only contract names, not inherited properties', () => {
    expect(isCommandName('vm.start')).toBe(true)
    expect(isCommandName('toString')).toBe(false)
    expect(isCommandName('__proto__')).toBe(false)
    expect(isCommandName(42)).toBe(false)
    expect(isEventName('stats')).toBe(true)
    expect(isEventName('hasOwnProperty')).toBe(false)
  })

  it('accepts well-formed arguments', () => {
    expect(checkArgs('lab.snapshot', {})).toBeNull()
    expect(checkArgs('console.input', { vm: 'b/v', data: 'ls\r' })).toBeNull()
    expect(checkArgs('console.resize', { vm: 'b/v', cols: 80, rows: 24 })).toBeNull()
    expect(checkArgs('board.memoryMap', { board: 'b', task: 7 })).toBeNull()
    expect(checkArgs('board.ipcTrace.read', { board: 'b', after: 0 })).toBeNull()
    expect(checkArgs('board.mappingTree', { board: 'b', task: 7, address: 0xffff_ffff_f000 })).toBeNull()
    expect(checkArgs('vm.putFile', { vm: 'b/v', name: 'a.txt', offset: 0, data: 'aGVsbG8K' })).toBeNull()
    expect(checkArgs('vm.putFile', { vm: 'b/v', name: 'a.txt', offset: 262144, data: 'A'.repeat(349528) })).toBeNull()
    expect(checkArgs('scenario.list', {})).toBeNull()
    expect(checkArgs('scenario.read', { id: 'shipped/hello.lua' })).toBeNull()
    expect(checkArgs('scenario.check', { name: 'a.lua', source: 'x'.repeat(SCENARIO_SOURCE_LIMIT) })).toBeNull()
    expect(checkArgs('scenario.run', { name: 'a.lua', source: '' })).toBeNull()
    expect(checkArgs('display.watch', { vm: 'b/gfx', full: true })).toBeNull()
    expect(checkArgs('display.input', { vm: 'b/gfx', events: [] })).toBeNull()
    const events = [{ kind: 'key', code: 0x110, down: true }, { kind: 'motion', dx: -4096, dy: 12 }, { kind: 'wheel', steps: -3 }]
    expect(checkArgs('display.input', { vm: 'b/gfx', events: Array.from({ length: 256 }, (_, i) => events[i % 3]) })).toBeNull()
  })

  it('rejects display input the devices cannot take, naming the event', () => {
    expect(checkArgs('display.watch', { vm: 'b/gfx' })).toMatch(/'full'/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: {} })).toMatch(/'events'/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: Array(257).fill({ kind: 'wheel', steps: 1 }) })).toMatch(/at most 256/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: [{ kind: 'wheel', steps: 1 }, { kind: 'key', code: 0x300, down: true }] })).toMatch(/event 1/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: [{ kind: 'key', code: 30 }] })).toMatch(/event 0/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: [{ kind: 'motion', dx: 0.5, dy: 0 }] })).toMatch(/event 0/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: [null] })).toMatch(/event 0/)
    expect(checkArgs('display.input', { vm: 'b/gfx', events: [{ kind: 'touch' }] })).toMatch(/event 0/)
  })

  it('rejects malformed arguments with a message naming the field', () => {
    expect(checkArgs('vm.start', null)).toMatch(/object/)
    expect(checkArgs('vm.start', [])).toMatch(/object/)
    expect(checkArgs('vm.start', { vm: 3 })).toMatch(/'vm'/)
    expect(checkArgs('console.input', { vm: 'a/b', data: 'x'.repeat(70000) })).toMatch(/'data'/)
    expect(checkArgs('console.resize', { vm: 'a/b', cols: 0, rows: 24 })).toMatch(/'cols'/)
    expect(checkArgs('console.resize', { vm: 'a/b', cols: 80, rows: 1.5 })).toMatch(/'rows'/)
    expect(checkArgs('board.restart', { board: 'x'.repeat(300) })).toMatch(/'board'/)
    expect(checkArgs('board.memoryMap', { board: 'b' })).toMatch(/'task'/)
    expect(checkArgs('board.ipcTrace.read', { board: 'b', after: -1 })).toMatch(/'after'/)
    expect(checkArgs('board.ipcTrace.start', {})).toMatch(/'board'/)
    expect(checkArgs('board.memoryMap', { board: 'b', task: -1 })).toMatch(/'task'/)
    expect(checkArgs('board.mappingTree', { board: 'b', task: 7, address: 2 ** 53 })).toMatch(/'address'/)
    expect(checkArgs('board.mappingTree', { board: 'b', task: 7, address: '0x1000' })).toMatch(/'address'/)
    expect(checkArgs('board.mappingTree', { board: 'b', task: 7, address: 0.5 })).toMatch(/'address'/)
    expect(checkArgs('vm.putFile', { vm: 'b/v', name: 'a', offset: 0, data: 'not base64!' })).toMatch(/'data'/)
    expect(checkArgs('vm.putFile', { vm: 'b/v', name: 'a', offset: 0, data: 'A'.repeat(349532) })).toMatch(/'data'/)
    expect(checkArgs('vm.putFile', { vm: 'b/v', name: 'a', offset: -1, data: '' })).toMatch(/'offset'/)
    expect(checkArgs('vm.putFile', { vm: 'b/v', offset: 0, data: '' })).toMatch(/'name'/)
    expect(checkArgs('scenario.save', { name: 'a.lua', source: 'x'.repeat(SCENARIO_SOURCE_LIMIT + 1) })).toMatch(/'source'/)
    expect(checkArgs('scenario.save', { name: 'a.lua' })).toMatch(/'source'/)
    expect(checkArgs('scenario.run', { source: '' })).toMatch(/'name'/)
    expect(checkArgs('scenario.read', {})).toMatch(/'id'/)
  })
})
