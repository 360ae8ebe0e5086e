import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ScenarioSession } from './scenario-session'
import type { SessionSink, VmDescriptor } from './session'
import { endTask } from '../kernel/lifecycle'

const dec = new TextDecoder()

function boot(source: string, name = 'test.lua', modules?: Record<string, Uint8Array>) {
  const out = new Map<string, string>()
  let vms: readonly VmDescriptor[] = []
  const sink: SessionSink = {
    consoleOutput: (vm, data) => out.set(vm, (out.get(vm) ?? '') + dec.decode(data)),
    vmsChanged: (v) => (vms = v),
    statusChanged: () => {},
  }
  let wall = 0
  const board = new ScenarioSession({ kind: 'scenario', scenario: { name, source }, paced: false, ramMiB: 32, modules }, sink, () => (wall += 0.01))
  const runUntilIdle = () => {
    for (let i = 0; i < 10_000; i++) if (board.run(50) === Infinity) return
  }
  return { board, out, vms: () => vms, runUntilIdle }
}

describe('scenario board', () => {
  it('runs the same scenario twice in one process identically: consoles, kernel objects and their ids', () => {
    const source = readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8')
    const run = () => {
      const b = boot(source, 'hello.lua')
      b.runUntilIdle()
      return { consoles: Object.fromEntries(b.out), kernel: b.board.inspect() }
    }
    const first = run()
    expect(first.kernel.tasks.map((t) => t.name)).toEqual(expect.arrayContaining(['sigma0', 'moe', 'cons', 'ned', 'server']))
    expect(run()).toEqual(first)
  })

  it('boots sigma0 → moe → cons → ned and runs hello.lua: two programs talk over a gate, each on its own console', () => {
    const b = boot(readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8'), 'hello.lua')
    b.runUntilIdle()
    const client = b.out.get('client') ?? ''
    const server = b.out.get('server') ?? ''
    expect(client).toContain('hello-client: 1^2 = 1')
    expect(client).toContain('hello-client: 5^2 = 25')
    expect(client).toContain('hello-client: done')
    expect(server).toContain('hello-server: request 5: 5 -> 25')
    // The client's exit is reported on its console by ned, and its VM state follows.
    expect(client).toContain('[client: exited]')
    const states = Object.fromEntries(b.vms().map((v) => [v.name, v.state]))
    expect(states).toMatchObject({ client: 'exited', server: 'running', l4re: 'running' })
    expect(b.vms().find((v) => v.name === 'l4re')?.system).toBe(true)
  })

  it('starts an exited program again through ned, and answers clearly when it cannot', async () => {
    const b = boot(readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8'), 'hello.lua')
    b.runUntilIdle()
    expect(b.vms().find((v) => v.name === 'client')?.state).toBe('exited')
    const settle = async (answer: ReturnType<ScenarioSession['control']>) => {
      let result: unknown
      void Promise.resolve(answer).then((r) => (result = r))
      for (let i = 0; i < 1000 && result === undefined; i++) {
        b.board.run(50)
        await Promise.resolve()
      }
      return result
    }
    expect(await settle(b.board.control('client', 'start'))).toEqual({ ok: true })
    b.runUntilIdle()
    // The same console, a second run of the client.
    expect((b.out.get('client') ?? '').match(/hello-client: done/g)?.length).toBe(2)
    expect(b.board.control('nope', 'start')).toEqual({ ok: false, error: 'no VM named nope' })
    expect(b.board.control('server', 'start')).toEqual({ ok: false, error: 'server is running' })
    // ned gone while a request waits: the request fails instead of hanging.
    const pending = b.board.control('client', 'restart')
    const ned = b.board.inspect().tasks.find((t) => t.name === 'ned')!
    const kernel = b.board.booted.kernel
    for (const o of kernel.objects) if (o.id === ned.id && o.kind === 'task') endTask(kernel, o, 'killed by the test')
    expect(await settle(pending)).toEqual({ ok: false, error: 'ned ended (killed by the test): restart the board' })
    expect(b.board.control('client', 'start')).toEqual({ ok: false, error: 'ned is not running: restart the board to run the scenario again' })
  })

  it('reports a Lua error with file:line and starts nothing after it', () => {
    const b = boot(
      [
        'local L4 = require "L4"',
        'local ch = L4.default_loader:new_channel()',
        'L4.default_loader:start({ caps = { server = ch:svr() }, log = { "server", "c" } }, "rom/hello-server")',
        'L4.default_loader:start({ log = { "nope", "r" } }, "rom/no-such-program")',
        'L4.default_loader:start({ caps = { server = ch }, log = { "client", "g" } }, "rom/hello-client 1")',
      ].join('\n'),
      'broken.lua',
    )
    b.runUntilIdle()
    const log = b.out.get('l4re') ?? ''
    expect(log).toMatch(/ned: error: rom\/broken\.lua:4: rom\/no-such-program: no such program in rom/)
    expect(b.out.has('client')).toBe(false)
    expect(b.out.get('server')).toContain('waiting for requests')
  })

  it('reports Lua syntax errors and bad rights strings with file:line', () => {
    const b = boot('local L4 = require "L4"\nlocal x = = 1\n', 'syntax.lua')
    b.runUntilIdle()
    expect(b.out.get('l4re')).toMatch(/ned: error: rom\/syntax\.lua:2:/)
    const c = boot('local L4 = require "L4"\nlocal ch = L4.default_loader:new_channel()\nlocal y = ch:m("rxz")\n', 'rights.lua')
    c.runUntilIdle()
    expect(c.out.get('l4re')).toMatch(/rom\/rights\.lua:3: unknown right 'x'/)
  })

  it('a VM whose init cannot start says why on its console, with the errno name (issue 11, item 11)', () => {
    const rootfs = readFileSync(new URL('../../../resources/guests/aarch64/rootfs.cpio.gz', import.meta.url))
    const source = `local L4 = require "L4"
L4.default_loader:start({ log = { "vm1", "g" }, mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 16 * 1024 * 1024) },
  "rom/lx --initrd rom/rootfs.cpio.gz --init /etc/motd --mem 8M")`
    const b = boot(source, 'test.lua', { 'rootfs.cpio.gz': rootfs })
    b.runUntilIdle()
    expect(b.out.get('vm1')).toMatch(/^lx: cannot start \/etc\/motd: EACCES: no permission to execute it \(mode 0644\)\r?\n\[vm1: exited\]/m)
  })

  it('an lx asking for more memory than its allocator has says so with the exact size (issue 11, item 14)', () => {
    const rootfs = readFileSync(new URL('../../../resources/guests/aarch64/rootfs.cpio.gz', import.meta.url))
    const source = `local L4 = require "L4"
local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 16 * L4.MiB)
L4.default_loader:start({ log = { "vm1", "g" }, mem = mem }, "rom/lx --initrd rom/rootfs.cpio.gz --mem 4196M")
L4.default_loader:start({ log = { "vm2", "g" }, mem = mem }, "rom/lx --initrd rom/rootfs.cpio.gz --mem 8G")`
    const b = boot(source, 'test.lua', { 'rootfs.cpio.gz': rootfs })
    b.runUntilIdle()
    expect(b.out.get('vm1')).toContain('lx: cannot get 4196 MiB of memory (4399824896 bytes): ENOMEM, more than the allocator has left')
    expect(b.out.get('vm2')).toContain('lx: cannot get 8192 MiB of memory (8589934592 bytes): ENOMEM, more than the allocator has left')
  })

  it('gives scripts no access to the host', () => {
    const b = boot('print(io, dofile, loadfile, os.execute, os.exit, os.remove, debug, js)\nprint(pcall(require, "fs"))', 'sandbox.lua')
    b.runUntilIdle()
    const log = b.out.get('l4re') ?? ''
    expect(log).toContain('nil\tnil\tnil\tnil\tnil\tnil\tnil\tnil')
    expect(log).toMatch(/false\tmodule 'fs' not found/)
  })
})
