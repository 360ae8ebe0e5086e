/**
 * `#!` scripts (Linux's binfmt_script) under `l4lab exec` against Linux:
 * execve of scripts with and without an argument, tabs, a NUL, lines
 * without a newline or longer than the 256-byte buffer, broken lines
 * (ENOEXEC), missing or unusable interpreters (ENOENT, EACCES), relative
 * interpreters, nested scripts, busybox sh running scripts by path and
 * through PATH, a script as the program `l4lab exec` starts, and the
 * nesting limit (ELOOP).
 *
 * The reference is qemu-aarch64 for aarch64 programs that exec scripts
 * (the host kernel reads the `#!` line; binfmt_misc runs the aarch64
 * interpreter under qemu) and the host kernel itself for a script run
 * directly (qemu-aarch64 loads ELF files only). binfmt_misc takes one of
 * exec's five levels of rewriting, so nesting is compared up to four
 * scripts, and the limit against a chain of scripts over the host's own
 * /bin/echo.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUSYBOX, CLI, WORK, prepareReference, program, run, same } from './harness'

const D = join(WORK, 'shebang')

/** name → [content, mode]; D stands for the directory. */
const SCRIPTS: Record<string, [string, number]> = {
  plain: ['#!D/echo\n', 0o755],
  witharg: ['#!D/echo  one  two  \nnot read\n', 0o755],
  tabs: ['#!\tD/echo\tx\ty\t\n', 0o755],
  noeol: ['#!D/echo', 0o755],
  trailnoeol: ['#!D/echo ', 0o755],
  nul: ['#!D/echo ab\0cd\n', 0o755],
  longarg: [`#!D/echo ${'x'.repeat(300)}\n`, 0o755],
  longname: [`#!/${'a'.repeat(300)}`, 0o755],
  longnamenl: [`#!D/${'a'.repeat(300)}\n`, 0o755],
  bang: ['#!', 0o755],
  empty: ['#!\n', 0o755],
  spaces: ['#!   \n', 0o755],
  missing: ['#!/nonexistent/interp\n', 0o755],
  datainterp: ['#!D/data.txt\n', 0o755],
  dirinterp: ['#!D\n', 0o755],
  garbage: ['hello\n', 0o755],
  notexec: ['#!D/echo\n', 0o644],
  relinterp: ['#!./echo rel\n', 0o755],
  shell: ['#!D/sh -e\necho "sh: $0 $# $*"; read c < /proc/$$/comm; echo "comm $c"\n', 0o755],
  n1: ['#!D/plain\n', 0o755],
  n2: ['#!D/n1\n', 0o755],
  n3: ['#!D/n2 z\n', 0o755],
  'data.txt': ['data\n', 0o644],
}

function populate(dir: string, scripts: Record<string, [string, number]>, links: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name))
  for (const [name, [text, mode]] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), text.replaceAll('D', dir))
    chmodSync(join(dir, name), mode)
  }
}

beforeAll(() => {
  prepareReference()
  populate(D, SCRIPTS, { echo: BUSYBOX, sh: BUSYBOX })
}, 300_000)

describe('#! scripts: l4lab exec = Linux', () => {
  it('execve of each script from an aarch64 program (qemu-aarch64)', () => {
    const execve = program('execve')
    for (const name of Object.keys(SCRIPTS)) {
      const { lab, qemu } = same(execve, [`./${name}`, 'a', 'b c'], { cwd: D })
      expect({ name, ...lab }).toEqual({ name, ...qemu })
    }
  })

  it('busybox sh runs scripts by path and through PATH', () => {
    const script = `./plain a; ./witharg b; ./shell c d; ./n3 e; PATH=${D}:$PATH; plain f; shell g; ./garbage; ./missing; echo "status $?"`
    const { lab, qemu } = same(BUSYBOX, ['sh', '-c', script], { cwd: D })
    expect(lab).toEqual(qemu)
    expect(qemu.stdout).toContain('one  two ./witharg b\n')
    expect(qemu.stdout).toContain(`sh: ${D}/shell 1 g\n`)
    expect(qemu.stdout).toContain('comm shell\n')
  })

  it('a script as the program l4lab exec starts', () => {
    for (const name of ['witharg', 'shell', 'n3']) {
      const lab = run(process.execPath, [CLI, 'exec', `${D}/${name}`, 'a', 'b'], { cwd: D })
      const linux = run(`${D}/${name}`, ['a', 'b'], { cwd: D })
      expect({ name, ...lab }).toEqual({ name, ...linux })
    }
  })

  it('scripts nest five deep; a sixth is ELOOP (as exec_binprm allows)', () => {
    // The same chains on both sides, over busybox's echo for lx and the host's /bin/echo for Linux.
    const chain = (dir: string, echo: string) => {
      const scripts: Record<string, [string, number]> = { s0: [`#!${echo}\n`, 0o755] }
      for (let i = 1; i <= 7; i++) scripts[`s${i}`] = [`#!${dir}/s${i - 1}\n`, 0o755]
      populate(dir, scripts, {})
    }
    chain(join(WORK, 'nest-lx'), join(D, 'echo'))
    chain(join(WORK, 'nest-host'), '/bin/echo')
    const hostExecve = program('execve', true)
    const outcome = (r: { stdout: string; status: number | null }) => (r.status === 0 ? 'ran' : r.stdout.replace(/^execve \S+: /, '').trim())
    const lx: string[] = []
    const linux: string[] = []
    for (let i = 0; i <= 7; i++) {
      lx.push(outcome(run(process.execPath, [CLI, 'exec', program('execve'), `s${i}`], { cwd: join(WORK, 'nest-lx') })))
      linux.push(outcome(run(hostExecve, [`s${i}`], { cwd: join(WORK, 'nest-host') })))
    }
    expect(lx).toEqual(linux)
    expect(linux).toEqual(['ran', 'ran', 'ran', 'ran', 'ran', 'Too many levels of symbolic links', 'Too many levels of symbolic links', 'Too many levels of symbolic links'])
  })
})
