#!/usr/bin/env node
// The test command (`npm test`): build, lint, typecheck, unit and component
// tests, end-to-end tests in Chromium. Stops at the first failing stage and
// ends with one summary line, "N passed, N failed".
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const node = process.execPath
const stages = [
  ['build', [node, 'scripts/build.mjs']],
  ['lint', [node, 'node_modules/eslint/bin/eslint.js', '.']],
  ['typecheck engine', [node, 'node_modules/vue-tsc/bin/vue-tsc.js', '--noEmit', '-p', 'tsconfig.engine.json']],
  ['typecheck node', [node, 'node_modules/vue-tsc/bin/vue-tsc.js', '--noEmit', '-p', 'tsconfig.node.json']],
  ['typecheck renderer', [node, 'node_modules/vue-tsc/bin/vue-tsc.js', '--noEmit', '-p', 'tsconfig.web.json']],
  ['unit and component tests', [node, 'node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json'], 'test-results/unit.json'],
  ['end-to-end tests', [node, 'node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/e2e.json'], 'test-results/e2e.json'],
]

rmSync('test-results', { recursive: true, force: true })
mkdirSync('test-results', { recursive: true })
let passed = 0
let failed = 0
const t0 = performance.now()
for (const [name, argv, report] of stages) {
  const t = performance.now()
  console.log(`\n=== ${name}`)
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } })
  if (report && existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'))
    passed += j.numPassedTests
    failed += j.numFailedTests
  } else if (!report) {
    if (r.status === 0) passed += 1
    else failed += 1
  }
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((performance.now() - t) / 1000).toFixed(1)} s)`)
  if (r.status !== 0) {
    if (report && failed === 0) failed = 1
    break
  }
}
console.log(`\ntotal time ${((performance.now() - t0) / 1000).toFixed(1)} s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
