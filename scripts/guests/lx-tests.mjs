#!/usr/bin/env node
// Builds guests/lx-tests/*.c — our test programs for lx, static against
// glibc with Debian's aarch64-linux-gnu-gcc — into build/guests/lx-tests/.
// Skips programs whose binary is newer than their source.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const src = 'guests/lx-tests'
const out = 'build/guests/lx-tests'
mkdirSync(out, { recursive: true })
let built = 0
for (const f of readdirSync(src).filter((n) => n.endsWith('.c')).sort()) {
  const bin = join(out, f.slice(0, -2))
  if (existsSync(bin) && statSync(bin).mtimeMs > statSync(join(src, f)).mtimeMs) continue
  const r = spawnSync('aarch64-linux-gnu-gcc', ['-static', '-O2', '-pthread', '-o', bin, join(src, f)], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(1)
  built++
}
console.log(`lx-tests: ${built} built`)
