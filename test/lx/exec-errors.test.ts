/**
 * Programs `l4lab exec` cannot start (issue 11, item 11): one line on
 * stderr, "l4lab exec: cannot start PATH: ERRNO: reason", and a shell's
 * exit status (127 not found, 126 found but not executable). Where the host
 * kernel gives an answer of its own (binfmt_misc runs aarch64 programs
 * under qemu here, so not for those), an aarch64 program's execve inside lx
 * gets the errno the host's execve gets.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, WORK, program, run } from './harness'
import { requireBuilt, root } from '../support/built'

const D = join(WORK, 'exec-errors')

beforeAll(() => {
  requireBuilt()
  rmSync(D, { recursive: true, force: true })
  mkdirSync(join(D, 'dir'), { recursive: true })
  const cc = spawnSync('aarch64-linux-gnu-gcc', ['-O2', '-o', join(D, 'dynamic'), join(root, 'test/lx/programs/execve.c')], { encoding: 'utf8' })
  if (cc.status !== 0) throw new Error(`cannot build a dynamic aarch64 program: ${cc.stderr}`)
  const staticElf = readFileSync(program('execve'))
  const arm32 = Uint8Array.from(staticElf)
  arm32[4] = 1 // EI_CLASS: ELFCLASS32
  writeFileSync(join(D, 'arm32'), arm32, { mode: 0o755 })
  writeFileSync(join(D, 'truncated'), staticElf.subarray(0, 100), { mode: 0o755 })
  writeFileSync(join(D, 'text'), 'not a program\n', { mode: 0o755 })
  writeFileSync(join(D, 'data'), staticElf, { mode: 0o644 })
  chmodSync(join(D, 'data'), 0o644)
}, 120_000)

describe('l4lab exec: a program it cannot start', () => {
  it.each([
    ['dynamic', 126, /^ENOEXEC: dynamically linked programs are not supported \(static executables only\)$/],
    // A host program named for aarch64; without --arch its ELF header picks x86_64, where lx finds it dynamic.
    ['x86', 126, /^ENOEXEC: not an aarch64 program \(x86-64\)$/],
    ['x86-dynamic', 126, /^ENOEXEC: dynamically linked programs are not supported \(static executables only\)$/],
    ['arm32', 126, /^ENOEXEC: a 32-bit ELF file \(64-bit programs only\)$/],
    ['truncated', 126, /^ENOEXEC: truncated ELF file \(100 bytes; its program headers end at byte \d+\)$/],
    ['text', 126, /^ENOEXEC: not an ELF file$/],
    ['dir', 126, /^EACCES: a directory, not a program$/],
    ['data', 126, /^EACCES: no permission to execute it \(mode 0644\)$/],
    ['missing', 127, /^ENOENT: no such file or directory$/],
  ])('%s: exit %d and one line with the errno name and the reason', (name, status, reason) => {
    const path = name.startsWith('x86') ? program('execve', true) : join(D, name)
    const r = run(process.execPath, [CLI, 'exec', ...(name === 'x86' ? ['--arch', 'aarch64'] : []), path])
    const prefix = `l4lab exec: cannot start ${path}: `
    expect(r.stderr.startsWith(prefix), r.stderr).toBe(true)
    expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length).toBe(2)
    expect(r.stderr.slice(prefix.length, -1)).toMatch(reason)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(status)
  })

  it('execve inside lx returns the errno the host kernel returns', () => {
    const lab = program('execve')
    const host = program('execve', true)
    for (const name of ['arm32', 'text', 'dir', 'data', 'missing']) {
      const path = join(D, name)
      const inLab = run(process.execPath, [CLI, 'exec', lab, path])
      const onHost = run(host, [path])
      expect({ name, out: inLab.stdout, status: inLab.status }).toEqual({ name, out: onHost.stdout, status: onHost.status })
    }
  })
})
