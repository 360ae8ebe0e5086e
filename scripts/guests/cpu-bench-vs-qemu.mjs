#!/usr/bin/env node
// Runs the CPU benchmark program under qemu-aarch64 and on our core and
// prints each part's time side by side with the ratio (ours / qemu).
//   node scripts/guests/cpu-bench-vs-qemu.mjs       (ROUNDS=n: best of n; JIT=0: interpreter only)
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(import.meta.url), '../../..')
const elf = join(root, 'build/guests/cpu-tests/bench')

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`)
}

/** Times the "@part" markers of a process writing to stdout. */
function timeParts(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    const parts = []
    const results = []
    let cur = null, text = ''
    p.stdout.on('data', (b) => {
      const now = performance.now()
      text += b.toString('latin1')
      let nl
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl)
        text = text.slice(nl + 1)
        if (line.startsWith('@part ') || line === '@end') {
          if (cur) parts.push({ name: cur.name, seconds: (now - cur.t0) / 1000 })
          cur = line === '@end' ? null : { name: line.slice(6), t0: now }
        } else if (!line.startsWith('cpu.')) results.push(line)
        else results.push(line)
      }
    })
    p.on('error', reject)
    p.on('close', (code) => resolve({ code, parts, results }))
  })
}

run(process.execPath, ['scripts/build.mjs', '--only=cores'])
run(process.execPath, ['scripts/guests/cpu-tests.mjs', 'bench'])
run(process.execPath, [join(root, 'node_modules/esbuild/bin/esbuild'), 'test/cpu/bench-run.ts', '--bundle', '--platform=node',
  '--format=esm', '--outfile=build/cpu-bench-run.mjs', '--log-level=warning'])

// The machine may be busy: run both sides ROUNDS times, alternating, and keep
// each part's best time.
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const best = (map, name, v) => map.set(name, Math.min(map.get(name) ?? Infinity, v))
const qemu = new Map(), mine = new Map()
let qemuResults = [], ourResults = [], mips = 0, names = []
for (let round = 0; round < ROUNDS; round++) {
  const q = await timeParts('qemu-aarch64', [elf])
  q.parts.forEach((p) => best(qemu, p.name, p.seconds))
  names = q.parts.map((p) => p.name)
  qemuResults = q.results
  const ours = spawnSync(process.execPath, ['build/cpu-bench-run.mjs', elf, ...(process.env.JIT === '0' ? ['--no-jit'] : [])], { cwd: root, encoding: 'utf8' })
  if (ours.status !== 0) throw new Error(`bench on our core failed:\n${ours.stderr}`)
  const lines = ours.stdout.trim().split('\n')
  for (const l of lines) {
    const m = l.match(/^cpu\.(\w+): ([\d.]+) s/)
    if (m) best(mine, m[1], Number(m[2]))
    const mm = l.match(/^cpu\.mips: ([\d.]+)/)
    if (mm) mips = Math.max(mips, Number(mm[1]))
    if (l.startsWith('cpu.error') || (round === 0 && l.startsWith('cpu.jit'))) console.log(l)
  }
  ourResults = lines.filter((l) => l.startsWith('cpu.result: ')).map((l) => l.slice(12))
}
console.log(`results ${JSON.stringify(ourResults) === JSON.stringify(qemuResults) ? 'match' : 'DIFFER'} (${ourResults.join(' ')})`)
console.log(`cpu.mips: ${mips.toFixed(1)} (best of ${ROUNDS})`)
console.log('part        qemu s    ours s    ratio')
for (const name of names) {
  const q = qemu.get(name), o = mine.get(name)
  console.log(`${name.padEnd(10)} ${q.toFixed(3).padStart(7)} ${o === undefined ? '      ?' : o.toFixed(3).padStart(9)} ${o === undefined ? '' : (o / q).toFixed(1).padStart(7) + 'x'}`)
}
