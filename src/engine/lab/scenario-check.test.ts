import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkScenario, checkScenarioForBoard, type ScenarioCheckEnv } from './scenario-check'
import { DEFAULT_RAM_MIB } from './scenario-session'

const env: ScenarioCheckEnv = {
  programs: new Set(['ned', 'lx', 'uvmm', 'hello-server', 'hello-client']),
  romModule: (name) => ['rootfs.cpio', 'Image', 'initramfs.cpio.gz', 'disk.img'].includes(name),
  ramBytes: 320 * 2 ** 20,
  kernelMemoryBytes: 64 * 2 ** 20,
}

const lxVm = (mem: string, quota: string) => `local L4 = require "L4"
local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, ${quota} * L4.MiB)
L4.default_loader:start(
  { log = { "vm1", "g" }, mem = mem },
  "rom/lx --initrd rom/rootfs.cpio --init /bin/sh --mem ${mem} --hostname vm1")
`

describe('checkScenario', () => {
  it('finds nothing wrong with a good scenario', () => {
    expect(checkScenario('good.lua', lxVm('64M', '80'), env)).toEqual([])
  })

  it('places a syntax error at its line and the token it stopped at', () => {
    const src = 'local L4 = require "L4"\nlocal x = 1\nlocal y = = 2\n'
    const d = checkScenario('bad.lua', src, env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 3, column: 11, severity: 'error' })
    expect(d[0].message).toMatch(/unexpected symbol near '='/)
  })

  it('tells which of two equal tokens on a line the parser stopped at', () => {
    const d = checkScenario('two.lua', 'local t = { a = 1 } local u = = 2\n', env)
    expect(d[0]).toMatchObject({ line: 1, column: 31 })
  })

  it('places an unfinished block at the end of the text', () => {
    const d = checkScenario('eof.lua', 'if true then\n  local a = 1\n', env)
    // Lua reports the end of the text, after its last newline.
    expect(d[0]).toMatchObject({ line: 3, column: 1, severity: 'error' })
    expect(d[0].message).toMatch(/'end' expected/)
  })

  it('flags an unknown program at its rom name, on the line the command line is written', () => {
    const src = lxVm('64M', '80').replace('rom/lx ', 'rom/lxx ')
    const d = checkScenario('prog.lua', src, env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 5, column: 4, severity: 'error' })
    expect(d[0].message).toMatch(/unknown program lxx \(known: hello-client, hello-server, lx, ned, uvmm\)/)
  })

  it('flags a missing rom file at its place', () => {
    const src = lxVm('64M', '80').replace('rom/rootfs.cpio', 'rom/nosuch.cpio')
    const d = checkScenario('rom.lua', src, env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 5, column: 20 })
    expect(d[0].message).toMatch(/missing rom file nosuch\.cpio/)
  })

  it('checks the rom files vmm.start_vm is given, at the caller', () => {
    const src = 'local vmm = require "vmm"\nvmm.start_vm { id = "a", kernel = "rom/Image",\n  disks = { "rom/other.img" } }\n'
    const d = checkScenario('vm.lua', src, env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 3, column: 14 })
    expect(d[0].message).toMatch(/missing rom file other\.img/)
  })

  it('flags allocators that together exceed their parent, at the one that does not fit', () => {
    const src = 'local L4 = require "L4"\nlocal a = L4.Env.mem_alloc:create(L4.Proto.Factory, 200 * L4.MiB)\nlocal b = L4.Env.mem_alloc:create(L4.Proto.Factory, 200 * L4.MiB)\n'
    const d = checkScenario('quota.lua', src, env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 3, column: 1 })
    expect(d[0].message).toMatch(/a 200 MiB allocator does not fit: its parent has 320 MiB and gave 200 MiB to earlier ones \(400 MiB in all\)/)
  })

  it('flags kernel-memory factories that exceed the kernel memory', () => {
    const src = 'local L4 = require "L4"\nfor i = 1, 3 do\n  L4.Env.factory:create(L4.Proto.Factory, 30 * L4.MiB)\nend\n'
    const d = checkScenario('kmem.lua', src, env)
    expect(d.map((x) => x.line)).toEqual([3])
    expect(d[0].message).toMatch(/30 MiB factory does not fit: its parent has 64 MiB/)
  })

  it('flags an lx VM whose --mem is larger than its allocator', () => {
    const d = checkScenario('lxmem.lua', lxVm('96M', '80'), env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 5 })
    expect(d[0].message).toMatch(/lx --mem 96 MiB does not fit in its allocator of 80 MiB/)
  })

  it('flags what ned\'s start refuses: a capability that is none, a log tag it cannot use', () => {
    const src = 'local L4 = require "L4"\nL4.default_loader:start({ caps = { server = 42 },\n  log = { "my vm", "g" } }, "rom/hello-client 1")\n'
    const d = checkScenario('caps.lua', src, env)
    expect(d.map((x) => [x.line, x.column, x.message])).toEqual([
      [2, 36, 'caps.server: not a capability'],
      [3, 12, 'log: bad tag "my vm" (letters, digits, _ . -, at most 32)'],
    ])
  })

  it('flags an lx VM of another architecture than the board\'s', () => {
    const src = lxVm('64M', '80').replace('rom/lx ', 'rom/lx --arch x86_64 ')
    const d = checkScenario('x86-on-arm.lua', src, env)
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 3, severity: 'error' })
    expect(d[0].message).toMatch(/--arch x86_64: this board's CPU is aarch64/)
    expect(checkScenario('x86.lua', src, { ...env, arch: 'x86_64' })).toEqual([])
    const vm = 'local vmm = require "vmm"\nvmm.start_vm { id = "vm1", mem = 128, kernel = "rom/Image" }\n'
    expect(checkScenario('linux.lua', vm, env)).toEqual([])
    const d2 = checkScenario('linux-on-pc.lua', vm, { ...env, arch: 'x86_64' })
    expect(d2).toEqual([expect.objectContaining({ line: 2, severity: 'error', message: "uvmm runs Linux VMs on aarch64 boards; this board's CPU is x86_64" })])
  })

  it('reports a run-time error at its line', () => {
    const d = checkScenario('rt.lua', 'local vmm = require "vmm"\n\nvmm.start_vm { id = "a" }\n', env)
    expect(d).toEqual([{ line: 3, column: 1, severity: 'error', message: 'start_vm: no kernel (kernel = "rom/Image")' }])
  })

  it('stops a script that runs without end with a warning, not a hang', () => {
    const d = checkScenario('loop.lua', 'local n = 0\nwhile true do\n  n = n + 1\nend\n', env)
    expect(d).toHaveLength(1)
    expect(d[0].severity).toBe('warning')
    expect(d[0].line).toBeGreaterThanOrEqual(2)
  })

  it('passes the shipped scenarios against a scenario board', () => {
    const romModule = () => true
    for (const [name, src] of Object.entries(shipped)) {
      // linux-arm.lua asks for 768 MiB on its board line (the host reads that line: lab-config.ts).
      const ramMiB = Number(/ram=(\d+)M/.exec(src)?.[1] ?? DEFAULT_RAM_MIB)
      const arch = /file=pc\b/.test(src) ? 'x86_64' : 'aarch64'
      expect(checkScenarioForBoard(name, src, { romModule, ramMiB, arch }), name).toEqual([])
    }
    expect(Object.keys(shipped)).toContain('hello.lua')
  })
})

const scenarios = new URL('../../../resources/scenarios/', import.meta.url)
const shipped: Record<string, string> = Object.fromEntries(
  readdirSync(scenarios)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => [f, readFileSync(new URL(f, scenarios), 'utf8')]),
)
