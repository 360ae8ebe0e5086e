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

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'l4lab-scenarios-'))
  dirs.push(d)
  return d
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
    expect(ids.at(-1)).toBe('user/mine.lua')
    expect(ids.some((id) => id.endsWith('notes.txt'))).toBe(false)
    expect(lib.read('user/mine.lua')).toMatchObject({ origin: 'user', board: { ramMiB: 512, cpus: 2 }, source: expect.stringContaining('hello-client') })
    expect(lib.read('shipped/hello.lua').source).toBe(readFileSync(join(projectRoot(), 'resources/scenarios/hello.lua'), 'utf8'))
    expect(() => lib.read('shipped/../../package.json')).toThrow(/scenario ids are/)
    expect(() => lib.read('user/none.lua')).toThrow(/no user scenario named none\.lua/)
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
  }, 60_000)
})
