import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ScenarioLibrary, defaultUserScenarioDir } from './scenario-library'
import { EngineHost } from './engine-host'
import { loopbackLab, projectRoot } from './lab-config'
import { requireBuilt, workerUrl } from '../../test/support/built'

const dirs: string[] = []
let host: EngineHost | null = null

/** A user scenario folder in a fresh temporary home (its boards folder, beside it, is that home's too). */
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'l4lab-scenarios-'))
  dirs.push(d)
  mkdirSync(join(d, 'scenarios'))
  return join(d, 'scenarios')
}

const good = 'local L4 = require "L4"\nL4.default_loader:start({ log = { "one", "g" } }, "rom/hello-client 1")\n'
const bad = 'local L4 = require "L4"\nL4.default_loader:start({ log = { "one", "g" } }, "rom/hello-clint 1")\n'

afterEach(async () => {
  await host?.dispose()
  host = null
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('ScenarioLibrary', () => {
  it('lists the shipped scenarios, then the user folder; reads them with their board line', () => {
    const user = tempDir()
    writeFileSync(join(user, 'mine.lua'), '-- l4lab board: ram=512M cpus=2\n' + good)
    writeFileSync(join(user, 'notes.txt'), 'not a scenario')
    const lib = new ScenarioLibrary({ userDir: user })
    const ids = lib.list().map((e) => e.id)
    expect(ids).toContain('shipped/hello.lua')
    expect(ids.filter((id) => id.endsWith('.lua')).at(-1)).toBe('user/mine.lua')
    expect(ids.some((id) => id.endsWith('notes.txt'))).toBe(false)
    expect(lib.read('user/mine.lua')).toMatchObject({ origin: 'user', board: { ramMiB: 512, cpus: 2 }, source: expect.stringContaining('hello-client') })
    expect(lib.read('shipped/hello.lua').source).toBe(readFileSync(join(projectRoot(), 'resources/scenarios/hello.lua'), 'utf8'))
    expect(() => lib.read('shipped/../../package.json')).toThrow(/library ids are/)
    expect(() => lib.read('user/none.lua')).toThrow(/no user scenario file named none\.lua/)
  })

  it('takes the user folder from L4LAB_HOME', () => {
    const old = process.env.L4LAB_HOME
    process.env.L4LAB_HOME = '/some/home'
    try {
      expect(defaultUserScenarioDir()).toBe(join('/some/home', 'scenarios'))
    } finally {
      if (old === undefined) delete process.env.L4LAB_HOME
      else process.env.L4LAB_HOME = old
    }
  })

  it('saves into the user folder only: a shipped scenario saved under its name leaves the shipped file as it was', () => {
    const user = join(tempDir(), 'nested', 'scenarios')
    const lib = new ScenarioLibrary({ userDir: user })
    const shippedPath = join(projectRoot(), 'resources/scenarios/hello.lua')
    const before = readFileSync(shippedPath, 'utf8')
    const edited = before + '\nprint("edited")\n'
    const r = lib.save('hello.lua', edited)
    expect(r).toMatchObject({ saved: true, entry: { id: 'user/hello.lua', origin: 'user' }, diagnostics: [] })
    expect(readFileSync(shippedPath, 'utf8')).toBe(before)
    expect(readFileSync(join(user, 'hello.lua'), 'utf8')).toBe(edited)
    expect(lib.list().filter((e) => e.name === 'hello.lua').map((e) => e.origin)).toEqual(['shipped', 'user'])
  })

  it('refuses to save when the user folder is the shipped one', () => {
    const lib = new ScenarioLibrary({ userDir: join(projectRoot(), 'resources', 'scenarios', '.') })
    expect(() => lib.save('hello.lua', good)).toThrow(/is the shipped scenarios' folder/)
  })

  it('refuses names that are paths', () => {
    const lib = new ScenarioLibrary({ userDir: tempDir() })
    for (const name of ['../resources/scenarios/hello.lua', '/tmp/x.lua', 'a/b.lua', 'x.txt', '.hidden.lua'])
      expect(() => lib.save(name, good), name).toThrow(/a scenario's name is a file name/)
  })

  it('never replaces the last good file with one that has errors', () => {
    const user = tempDir()
    const lib = new ScenarioLibrary({ userDir: user })
    expect(lib.save('mine.lua', good).saved).toBe(true)
    const r = lib.save('mine.lua', bad)
    expect(r.saved).toBe(false)
    expect(r.entry).toBeNull()
    expect(r.diagnostics).toEqual([expect.objectContaining({ line: 2, column: 52, severity: 'error', message: expect.stringMatching(/unknown program hello-clint/) })])
    expect(readFileSync(join(user, 'mine.lua'), 'utf8')).toBe(good)
    // Nothing half-written is left beside it.
    expect(readdirSync(user)).toEqual(['mine.lua'])
  })

  it('checks rom files against the lab\'s rom path, and the scenario itself as a module', () => {
    const lib = new ScenarioLibrary({ userDir: tempDir() })
    const src = (rom: string) => `local L4 = require "L4"\nL4.default_loader:start({ log = { "vm", "g" } }, "rom/lx --initrd rom/${rom} --init /bin/sh")\n`
    expect(lib.check('a.lua', src('rootfs.cpio'))).toEqual([])
    expect(lib.check('a.lua', src('a.lua'))).toEqual([])
    expect(lib.check('a.lua', src('rootfs2.cpio'))).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/missing rom file rootfs2\.cpio/) })])
  })
})

describe('board files in the library', () => {
  const big = '{\n  "extends": "arm-ve",\n  "name": "big",\n  "memmap": { "ram": { "base": "0x4000_0000", "size": "1G" } }\n}\n'
  const quota = (mib: number) => `-- l4lab board: file=big\nlocal L4 = require "L4"\nlocal mem = L4.Env.mem_alloc:create(L4.Proto.Factory, ${mib} * L4.MiB)\n`

  it('lists the shipped boards after the scenarios, with their RAM, CPUs and summary', () => {
    const lib = new ScenarioLibrary({ userDir: tempDir() })
    const boards = lib.list().filter((e) => e.kind === 'board')
    expect(boards.map((e) => e.id)).toEqual(['shipped/arm-ve-exec.json', 'shipped/arm-ve.json', 'shipped/pc-exec.json', 'shipped/pc.json'])
    expect(boards[1]).toMatchObject({ name: 'arm-ve.json', origin: 'shipped', board: { ramMiB: 320, cpus: 1, summary: expect.stringMatching(/QEMU virt/) } })
    expect(lib.read('shipped/arm-ve.json').source).toBe(readFileSync(join(projectRoot(), 'resources/boards/arm-ve.json'), 'utf8'))
  })

  it('saves a board into the user boards folder only, never one with errors, and places its errors', () => {
    const user = tempDir()
    const lib = new ScenarioLibrary({ userDir: user })
    const shippedPath = join(projectRoot(), 'resources/boards/arm-ve.json')
    const before = readFileSync(shippedPath, 'utf8')
    const edited = before.replace('"320M"', '"512M"')
    expect(lib.save('arm-ve.json', edited)).toMatchObject({ saved: true, entry: { id: 'user/arm-ve.json', kind: 'board', board: { ramMiB: 512 } } })
    expect(readFileSync(shippedPath, 'utf8')).toBe(before)
    expect(readFileSync(join(user, '..', 'boards', 'arm-ve.json'), 'utf8')).toBe(edited)
    const r = lib.save('arm-ve.json', edited.replace('"aarch64"', '"riscv64"'))
    expect(r.saved).toBe(false)
    expect(r.diagnostics).toEqual([expect.objectContaining({ line: 11, column: 11, message: 'arch: unknown architecture "riscv64" (aarch64 or x86_64)' })])
    expect(readFileSync(join(user, '..', 'boards', 'arm-ve.json'), 'utf8')).toBe(edited)
    expect(() => lib.boardFor('arm-ve.json', edited, () => false)).toThrow(/is a board file: it runs when a scenario names it/)
  })

  it('a scenario names its board file: the user’s first, its RAM counts for the quotas, its problems sit on the board line', () => {
    const user = tempDir()
    const lib = new ScenarioLibrary({ userDir: user })
    // Not there yet: an error on the board line, and the quotas are those of arm-ve's 320 MiB.
    expect(lib.check('q.lua', quota(800))).toEqual([
      expect.objectContaining({ line: 1, column: 17, message: expect.stringMatching(/^board file: no board file big\.json in /) }),
      expect.objectContaining({ line: 3, message: expect.stringMatching(/800 MiB allocator does not fit: its parent has 320 MiB/) }),
    ])
    expect(lib.save('big.json', big).saved).toBe(true)
    expect(lib.check('q.lua', quota(800))).toEqual([])
    expect(lib.check('q.lua', quota(1100))).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/1100 MiB allocator does not fit: its parent has 1 GiB/) })])
    const spec = lib.boardFor('q.lua', quota(800), () => false).spec
    expect(spec).toMatchObject({ kind: 'scenario', board: { name: 'big', memmap: { ram: { size: 1 << 30 } } } })
    // A board file that went bad on disk: the scenario says which file and where.
    writeFileSync(join(user, '..', 'boards', 'big.json'), big.replace('"1G"', '"3G"'))
    expect(lib.check('q.lua', quota(100))).toEqual([expect.objectContaining({ line: 1, column: 17, message: expect.stringMatching(/^board file: user board big\.json:4:55: memmap\.ram\.size: at most 2 GiB/) })])
    expect(() => lib.boardFor('q.lua', quota(100), () => false)).toThrow(/^q\.lua:1:17: board file: user board big\.json:4:55/)
    // A board a scenario cannot run on, and sizes out of range.
    writeFileSync(join(user, '..', 'boards', 'no-cpus.json'), JSON.stringify({ extends: 'arm-ve', name: 'no-cpus', summary: 'native µApps only', cpus: 0 }))
    expect(lib.check('q.lua', '-- l4lab board: file=no-cpus ram=4G cpus=40\n')).toEqual([
      expect.objectContaining({ line: 1, column: 17, message: expect.stringMatching(/scenarios run on boards with CPUs/) }),
      expect.objectContaining({ line: 1, column: 30, message: 'ram=4096M: a board\'s RAM is 1 MiB to 2 GiB' }),
      expect.objectContaining({ line: 1, column: 37, message: 'cpus=40: 1 to 16' }),
    ])
  })
})

describe('scenario.run', () => {
  beforeAll(() => requireBuilt())

  it('starts a checked scenario as a new board beside the running ones, and refuses one with errors', async () => {
    const user = tempDir()
    mkdirSync(user, { recursive: true })
    host = new EngineHost({ workerUrl, boards: loopbackLab(), version: 'test', scenarios: new ScenarioLibrary({ userDir: user }) })
    await host.start()
    const text = new Map<string, string>()
    host.on('console.output', ({ vm, data }) => text.set(vm, (text.get(vm) ?? '') + new TextDecoder().decode(data)))
    await expect(host.command('scenario.run', { name: 'bad.lua', source: bad })).rejects.toThrow(/^bad\.lua:2:52: unknown program hello-clint/)
    expect(host.snapshot().boards.map((b) => b.id)).toEqual(['board0', 'board1'])
    const hello = readFileSync(join(projectRoot(), 'resources/scenarios/hello.lua'), 'utf8')
    const { board } = await host.command('scenario.run', { name: 'hello.lua', source: hello })
    expect(board).toBe('hello-1')
    const t0 = Date.now()
    while (!(text.get('hello-1/client') ?? '').includes('5^2 = 25') && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20))
    const snap = host.snapshot()
    expect(snap.boards.map((b) => b.id)).toEqual(['board0', 'board1', 'hello-1'])
    expect(snap.boards[2]).toMatchObject({ scenario: 'hello.lua' })
    expect(text.get('hello-1/client')).toContain('hello-client: 5^2 = 25')
    expect(snap.boards[2].vms.map((v) => v.name)).toEqual(expect.arrayContaining(['server', 'client']))
    expect(existsSync(join(user, 'hello.lua'))).toBe(false)
    // A second run is a second board; another scenario's first run is its -1.
    expect((await host.command('scenario.run', { name: 'hello.lua', source: hello })).board).toBe('hello-2')
    expect((await host.command('scenario.run', { name: 'other.lua', source: hello })).board).toBe('other-1')
    // A board started by Run is removed with its worker; the lab's own boards are not.
    expect(host.snapshot().boards.map((b) => [b.id, b.removable ?? false])).toEqual([['board0', false], ['board1', false], ['hello-1', true], ['hello-2', true], ['other-1', true]])
    const workers = host.liveWorkers()
    await host.command('board.remove', { board: 'hello-1' })
    expect(host.snapshot().boards.map((b) => b.id)).toEqual(['board0', 'board1', 'hello-2', 'other-1'])
    expect(host.liveWorkers()).toBe(workers - 1)
    await expect(host.command('console.input', { vm: 'hello-1/client', data: 'x' })).rejects.toThrow(/hello-1/)
    await expect(host.command('board.remove', { board: 'hello-1' })).rejects.toThrow(/hello-1/)
    await expect(host.command('board.remove', { board: 'board0' })).rejects.toThrow(/only boards started by Run are removed/)
    // Its name is free again for the next run.
    expect((await host.command('scenario.run', { name: 'hello.lua', source: hello })).board).toBe('hello-1')
  }, 60_000)
})
