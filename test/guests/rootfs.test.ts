// The committed root filesystem image: its layout, and that the sources
// rebuild it byte for byte (`build-rootfs.mjs --check`).
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { BIN, ROOT, ensureBuilt, toolsPresent } from './helpers'

const IMAGE = join(ROOT, 'resources', 'guests', 'aarch64', 'rootfs.cpio.gz')

interface Entry {
  name: string
  ino: number
  mode: number
  uid: number
  gid: number
  mtime: number
  size: number
}

function entries(): Entry[] {
  const buf = gunzipSync(readFileSync(IMAGE))
  const out: Entry[] = []
  let at = 0
  for (;;) {
    const h = buf.toString('ascii', at, at + 110)
    expect(h.slice(0, 6)).toBe('070701')
    const f = (i: number): number => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16)
    const namesize = f(11)
    const name = buf.toString('utf8', at + 110, at + 110 + namesize - 1)
    at = (at + 110 + namesize + 3) & ~3
    at = (at + f(6) + 3) & ~3
    if (name === 'TRAILER!!!') break
    out.push({ name, ino: f(0), mode: f(1), uid: f(2), gid: f(3), mtime: f(5), size: f(6) })
  }
  expect(at).toBeLessThanOrEqual(buf.length)
  return out
}

const PROGRAMS = ['sh', 'ls', 'cat', 'echo', 'printf', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'touch', 'wc', 'head', 'tail',
  'grep', 'sort', 'uniq', 'hexdump', 'ps', 'top', 'free', 'uptime', 'uname', 'kill', 'sleep', 'clear', 'env', 'true',
  'false', 'seq', 'yes', 'date', 'sync', 'log', 'tee', 'tr', 'cut', 'basename', 'dirname', 'stty', 'spin', 'memhog', 'forkbomb', 'crash', 'pipebench', 'sysbench']

describe('root filesystem image', () => {
  it('holds /bin with every program, the skeleton dirs, and fixed metadata', () => {
    const list = entries()
    const names = list.map((e) => e.name)
    expect(names[0]).toBe('.')
    expect([...names.slice(1)].sort()).toEqual(names.slice(1))
    for (const d of ['bin', 'dev', 'etc', 'proc', 'root', 'tmp']) expect(names).toContain(d)
    for (const p of PROGRAMS) expect(names).toContain(`bin/${p}`)
    for (const [i, e] of list.entries()) {
      expect(e.ino).toBe(i + 1)
      expect(e.uid).toBe(0)
      expect(e.gid).toBe(0)
      expect(e.mtime).toBe(0)
    }
    const tmp = list.find((e) => e.name === 'tmp')!
    expect(tmp.mode).toBe(0o41777)
    expect(list.find((e) => e.name === 'bin/sh')!.mode).toBe(0o100755)
  })

  it.skipIf(!toolsPresent)('binaries carry no build paths', () => {
    ensureBuilt()
    for (const name of readdirSync(BIN)) {
      expect(readFileSync(join(BIN, name)).includes(Buffer.from(ROOT)), name).toBe(false)
    }
  })

  it.skipIf(!toolsPresent)('is rebuilt byte-identically from the sources (--check)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'guests', 'build-rootfs.mjs'), '--check'],
      { encoding: 'utf8', timeout: 180_000 })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/--check ok: \d+ programs/)
    expect(r.status).toBe(0)
  }, 180_000)
})

