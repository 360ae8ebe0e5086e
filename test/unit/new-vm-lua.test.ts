/**
 * The New VM dialog's Lua (renderer) against the back end's check (engine):
 * what the dialog writes must pass the check it will meet when saved or run.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { appendBlock, defaultVm, freeVmName, newVmLua, vmProblems } from '../../src/renderer/src/scenarios/new-vm'
import { checkScenarioForBoard } from '../../src/engine'

const romModule = (name: string) => ['rootfs.cpio', 'Image', 'initramfs.cpio.gz', 'disk.img'].includes(name)
const hello = readFileSync(new URL('../../resources/scenarios/hello.lua', import.meta.url), 'utf8')

describe('New VM Lua', () => {
  it('writes an lx VM and a Linux VM that the check passes, appended to a shipped scenario', () => {
    for (const kind of ['lx', 'linux'] as const) {
      const spec = defaultVm(kind, freeVmName(hello))
      expect(vmProblems(spec)).toEqual({})
      const source = appendBlock(hello, newVmLua(spec))
      expect(checkScenarioForBoard('hello.lua', source, { romModule, ramMiB: 768 }), kind).toEqual([])
    }
  })

  it('writes what the fields say', () => {
    const lx = newVmLua({ ...defaultVm('lx', 'box'), memoryMiB: 32, program: '/bin/init', color: 'm' })
    expect(lx).toContain('{ log = { "box", "m" }, mem = mem, factory = kmem }')
    expect(lx).toContain('"rom/lx --initrd rom/rootfs.cpio --init /bin/init --mem 32M --hostname box"')
    expect(lx).toContain('create(L4.Proto.Factory, 48 * L4.MiB)')
    const linux = newVmLua({ ...defaultVm('linux', 'k1'), cpus: 2, disk: '', image: '' })
    expect(linux).toContain('cpus = 2,')
    expect(linux).not.toContain('disks')
    expect(linux).not.toContain('ramdisk')
  })

  it('flags a VM whose memory does not fit the board, at the line the dialog wrote', () => {
    const block = newVmLua({ ...defaultVm('lx', 'big'), memoryMiB: 400 })
    const source = appendBlock(hello, block)
    const d = checkScenarioForBoard('hello.lua', source, { romModule })
    expect(d).toHaveLength(1)
    expect(d[0].line).toBe(source.split('\n').findIndex((l) => l.includes('mem_alloc:create(L4.Proto.Factory, 416')) + 1)
    expect(d[0].line).toBeGreaterThan(hello.split('\n').length)
    expect(d[0].message).toMatch(/416 MiB allocator does not fit/)
  })

  it('refuses fields that would not run', () => {
    expect(Object.keys(vmProblems({ ...defaultVm('linux', 'a b'), memoryMiB: 33, cpus: 0, program: 'Image', disk: '/x' })).sort()).toEqual(['cpus', 'disk', 'memoryMiB', 'name', 'program'])
    expect(Object.keys(vmProblems({ ...defaultVm('lx', 'ok'), program: 'sh', image: 'rootfs.cpio', color: 'x' })).sort()).toEqual(['color', 'image', 'program'])
  })

  it('names a VM after the ones the scenario has', () => {
    expect(freeVmName('vm("vm1", "g")\nvm("vm2", "c")\n')).toBe('vm3')
    expect(freeVmName('')).toBe('vm1')
  })

  it('appends on a line of its own', () => {
    expect(appendBlock('a', 'B\n')).toBe('a\n\nB\n')
    expect(appendBlock('a\n', 'B\n')).toBe('a\n\nB\n')
    expect(appendBlock('a\n\n', 'B\n')).toBe('a\n\nB\n')
  })
})
