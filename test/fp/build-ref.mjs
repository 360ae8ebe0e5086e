// Builds the QEMU reference program guests/fp-ref/fp-ref.c into
// build/fp-ref/fp-ref (static aarch64 ELF, run under qemu-aarch64), with the
// operation ids of test/fp/ops.mjs in a generated ops.h. Skips the compile
// when the binary is newer than its sources. Usage: node test/fp/build-ref.mjs
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { opsHeader } from './ops.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export function buildRef() {
  const out = join(root, 'build/fp-ref')
  mkdirSync(out, { recursive: true })
  const header = join(out, 'ops.h')
  const text = opsHeader()
  if (!existsSync(header) || readFileSync(header, 'utf8') !== text) writeFileSync(header, text)
  const src = join(root, 'guests/fp-ref/fp-ref.c')
  const bin = join(out, 'fp-ref')
  const newest = Math.max(statSync(src).mtimeMs, statSync(header).mtimeMs)
  if (existsSync(bin) && statSync(bin).mtimeMs > newest) return bin
  const r = spawnSync('aarch64-linux-gnu-gcc', ['-static', '-O1', '-Wall', '-I', out, '-o', bin, src], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('aarch64-linux-gnu-gcc failed for fp-ref.c')
  return bin
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(buildRef())
}
