/**
 * A fresh clone after `npm install` alone (issue 11, "Also"): the bundled
 * CLI in a copy of the project that has no built guests and no Debian
 * busybox. The README's `l4lab exec … build/guests/aarch64/bin/…` builds the
 * guest programs on first use (with clang and lld) or says what to install
 * and run; busybox.lua names the fetch script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBuilt, root } from '../support/built'
import { toolsPresent } from '../guests/helpers'

let clone = ''

beforeAll(() => {
  requireBuilt()
  clone = mkdtempSync(join(tmpdir(), 'l4lab-clone-'))
  mkdirSync(join(clone, 'out/cli'), { recursive: true })
  mkdirSync(join(clone, 'scripts/guests'), { recursive: true })
  // The CLI with its chunks (each command is a chunk of its own).
  for (const f of readdirSync(join(root, 'out/cli'))) copyFileSync(join(root, 'out/cli', f), join(clone, 'out/cli', f))
  copyFileSync(join(root, 'package.json'), join(clone, 'package.json'))
  copyFileSync(join(root, 'scripts/guests/build-rootfs.mjs'), join(clone, 'scripts/guests/build-rootfs.mjs'))
  // What a clone has and these tests only read.
  for (const dir of ['node_modules', 'guests', 'resources']) symlinkSync(join(root, dir), join(clone, dir))
})

afterAll(() => rmSync(clone, { recursive: true, force: true }))

function cli(args: string[], path = process.env.PATH ?? '/usr/bin:/bin') {
  const r = spawnSync(process.execPath, [join(clone, 'out/cli/l4lab.mjs'), ...args], { cwd: clone, env: { ...process.env, PATH: path }, encoding: 'utf8', timeout: 600_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('a fresh clone', () => {
  it('l4lab run busybox.lua without Debian’s busybox says to run the fetch script', () => {
    const r = cli(['run', join(clone, 'resources/scenarios/busybox.lua'), '--timeout', '5'])
    expect(r.stderr).toBe(`l4lab run: rom/busybox-rootfs.cpio is made from Debian's busybox (.cache/debian/busybox), which is not fetched: run \`bash scripts/guests/fetch-debian.sh\` in ${clone}/ (it puts it in .cache/debian)\n`)
    expect(r.status).toBe(2)
  })

  it('l4lab exec of a guest program without clang and lld says what to install and run', () => {
    const ls = join(clone, 'build/guests/aarch64/bin/ls')
    const r = cli(['exec', ls, '/'], '/nonexistent')
    expect(r.stderr).toBe(`l4lab exec: ${ls}: the lab's guest programs are not built, and building them needs clang and ld.lld: install clang and lld (Debian: apt-get install clang lld), then run \`node scripts/guests/build-rootfs.mjs --bin\` in ${clone}/\n`)
    expect(r.status).toBe(127)
  })

  it.runIf(toolsPresent)('l4lab exec of a guest program builds the guest programs first, with a progress line, and runs it', () => {
    const r = cli(['exec', join(clone, 'build/guests/aarch64/bin/echo'), 'built', 'on', 'demand'])
    expect(r.stderr).toBe("l4lab: building the lab's guest programs into build/guests/aarch64/bin (first use)…\n")
    expect(r.stdout).toBe('built on demand\n')
    expect(r.status).toBe(0)
  }, 600_000)
})
