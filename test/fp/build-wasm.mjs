// Compiles the FP library's test entry
// (src/engine/cpu/aarch64/assembly/fp/test/asconfig.json) to
// build/fp-test.wasm unless it is newer than every FP source.
// Usage: node test/fp/build-wasm.mjs
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function newest(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

export function buildWasm() {
  const src = join(root, 'src/engine/cpu/aarch64/assembly/fp')
  const out = join(root, 'build/fp-test.wasm')
  if (existsSync(out) && statSync(out).mtimeMs > newest(src)) return out
  mkdirSync(join(root, 'build'), { recursive: true })
  const r = spawnSync(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js'),
    '--config', join(src, 'test/asconfig.json'), '--outFile', out], { stdio: 'inherit', cwd: root })
  if (r.status !== 0) throw new Error('asc failed for the FP test entry')
  return out
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(buildWasm())
}
