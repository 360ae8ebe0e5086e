/**
 * Host files under `l4lab exec --rw` (issue 11, item 2): a descriptor keeps
 * the file it opened and a working directory follows a rename, as on Linux,
 * so a program that replaces names by symlinks to host files outside what it
 * was given (here in the host's /tmp, which is private in the guest) reads
 * and changes nothing there. programs/hostfile.c runs the same steps under
 * exec and natively on the host kernel, the reference.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { BUSYBOX, CLI, WORK, program, run } from './harness'
import { requireBuilt } from '../support/built'

beforeAll(() => {
  requireBuilt()
  program('hostfile')
  program('hostfile', true)
}, 120_000)

let outside = ''
let shared = ''

/** A host directory outside what exec shows (in the host's /tmp) with files the program must not reach. */
function plantOutside(): void {
  outside = mkdtempSync(join(tmpdir(), 'l4lab-outside-'))
  mkdirSync(join(outside, 'deep'))
  writeFileSync(join(outside, 'secret'), 'SECRET')
  chmodSync(join(outside, 'secret'), 0o644)
  writeFileSync(join(outside, 'deep/file'), 'SECRETFILE')
  chmodSync(join(outside, 'deep/file'), 0o644)
}

function outsideUnchanged(): void {
  expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('SECRET')
  expect(statSync(join(outside, 'secret')).mode & 0o7777).toBe(0o644)
  expect(readFileSync(join(outside, 'deep/file'), 'utf8')).toBe('SECRETFILE')
  expect(statSync(join(outside, 'deep/file')).mode & 0o7777).toBe(0o644)
}

function freshShared(name: string): string {
  const d = join(WORK, name)
  rmSync(d, { recursive: true, force: true })
  mkdirSync(d, { recursive: true })
  return d
}

afterEach(() => {
  for (const d of [outside, shared]) if (d) rmSync(d, { recursive: true, force: true })
  outside = shared = ''
})

describe('l4lab exec --rw: descriptors and directories never follow a name again', () => {
  it('unlink + symlink to a host file, then pread/pwrite/fchmod/ftruncate through the old fd: the unlinked file, as Linux; the host file is untouched', () => {
    plantOutside()
    shared = freshShared('hostfile-native')
    const linux = run(program('hostfile', true), [shared, outside])
    expect(linux.status).toBe(0)
    outsideUnchanged()
    rmSync(shared, { recursive: true, force: true })
    shared = freshShared('hostfile-lab')
    const lab = run(process.execPath, [CLI, 'exec', '--rw', program('hostfile'), shared, outside])
    outsideUnchanged()
    expect(lab.stderr).toBe('')
    // Paths are printed relative to the shared directory, so the two runs print the same.
    expect(lab.stdout).toBe(linux.stdout)
    expect(lab.stdout).toContain("pread: 8 'original'\n")
    expect(lab.stdout).toContain("through the old fd: 5 'STALE'\n")
    expect(lab.stdout).toContain("cwd file: 6 'inside'\n")
    expect(lab.status).toBe(0)
  })

  it('a host symlink in the shared tree that points outside is the guest\'s symlink, resolved in the guest (where /tmp is private)', () => {
    plantOutside()
    shared = freshShared('hostfile-link')
    const bb = BUSYBOX
    const script = `${bb} ln -s ${outside}/secret ${shared}/out; ${bb} readlink ${shared}/out; ${bb} cat ${shared}/out; echo "cat: $?"`
    const lab = run(process.execPath, [CLI, 'exec', '--rw', bb, 'sh', '-c', script])
    outsideUnchanged()
    expect(lab.stdout.split('\n')[0]).toBe(`${outside}/secret`)
    expect(lab.stdout).not.toContain('SECRET\n')
    expect(lab.stdout).toContain('cat: 1\n')
  })

  it('a private mapping keeps its file after close and unlink (host file and tmpfs file)', () => {
    shared = freshShared('hostfile-mmap')
    for (const dir of [shared, '/tmp']) {
      const lab = run(process.execPath, [CLI, 'exec', '--rw', program('hostfile'), dir])
      expect({ dir, out: lab.stdout, err: lab.stderr }).toEqual({ dir, out: "mapped after close and unlink: 'second page' 'm'\nmoved by mremap: 1 'm' 'second page'\n", err: '' })
    }
  })
})

describe('l4lab exec: host FIFOs (issue 11, item 14)', () => {
  it('are refused with EOPNOTSUPP and one line on stderr, rather than a pipe no host writer reaches', () => {
    shared = freshShared('hostfile-fifo')
    const fifo = join(shared, 'fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    // The timeout only bounds the hang this guards against (cat waiting on a pipe of lx's own).
    const r = spawnSync(process.execPath, [CLI, 'exec', BUSYBOX, 'cat', fifo], { encoding: 'utf8', timeout: 30_000 })
    expect(r.stderr).toBe(`l4lab exec: ${fifo}: a host FIFO; exec does not connect the program to it (EOPNOTSUPP)\ncat: can't open '${fifo}': Operation not supported\n`)
    expect(r.status).toBe(1)
  })
})
