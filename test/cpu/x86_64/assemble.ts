// Assembles x86-64 snippets (Intel syntax) with the host's GNU as, for tests
// written as assembly; results are cached in the OS temp directory by hash.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

const dir = join(tmpdir(), 'l4lab-x86-asm')

/** The machine code of `source` (position-independent: it runs at another address than it was assembled for). */
export function assemble(source: string): Uint8Array {
  const text = `.intel_syntax noprefix\n.text\n${source}\n`
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 20)
  mkdirSync(dir, { recursive: true })
  const bin = join(dir, `${hash}.bin`)
  if (!existsSync(bin)) {
    const s = join(dir, `${hash}.s`)
    writeFileSync(s, text)
    const a = spawnSync('as', ['--64', '-o', `${s}.o`, s], { encoding: 'utf8' })
    if (a.status !== 0) throw new Error(`as failed: ${a.stderr}\n${text}`)
    const o = spawnSync('objcopy', ['-O', 'binary', '-j', '.text', `${s}.o`, bin], { encoding: 'utf8' })
    if (o.status !== 0) throw new Error(`objcopy failed: ${o.stderr}`)
  }
  return new Uint8Array(readFileSync(bin))
}
