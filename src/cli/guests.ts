/**
 * The lab's own guest programs (build/guests/aarch64/bin) on first use: a
 * fresh clone has none, and the README's `l4lab exec … build/guests/…/ls`
 * should work after `npm install` alone. They are built from guests/ with
 * clang and ld.lld (scripts/guests/build-rootfs.mjs --bin), with a progress
 * line; without those tools, one line says what to install and run.
 */
import { existsSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

const BUILD = 'scripts/guests/build-rootfs.mjs'

/**
 * Null when `path` is there or is none of our guest programs, else why it
 * is missing and cannot be built (the program is built first when it can be).
 */
export function buildGuestsFor(path: string, root: string, say: (line: string) => void): string | null {
  const bin = join(root, 'build', 'guests', 'aarch64', 'bin')
  if (existsSync(path) || !path.startsWith(bin + sep) || existsSync(bin)) return null
  const command = `node ${BUILD} --bin`
  // Loaded here, on the rare path: node:child_process costs every `l4lab exec` ~10 ms to load.
  const { spawnSync } = process.getBuiltinModule('node:child_process')
  const missing = ['clang', 'ld.lld'].filter((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).error)
  if (missing.length > 0) return `the lab's guest programs are not built, and building them needs ${missing.join(' and ')}: install clang and lld (Debian: apt-get install clang lld), then run \`${command}\` in ${root}`
  say(`l4lab: building the lab's guest programs into ${relative(root, bin)} (first use)…`)
  const r = spawnSync(process.execPath, [join(root, BUILD), '--bin'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status !== 0) return `building the lab's guest programs failed; run \`${command}\` in ${root} to see why`
  return null
}
