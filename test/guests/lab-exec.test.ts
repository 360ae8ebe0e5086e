// Issue 6's acceptance: every program gives the same stdout, stderr and
// exit status under `l4lab exec` (lx, issue 5) as under qemu-aarch64.
// On by default (L4LAB_GUEST_DIFF=0 turns it off); about a second per case.
// Cases use only arguments, stdin and read-only files of the repository,
// because `l4lab exec` gives programs a private /tmp.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, QEMU, ROOT, WRAP, ensureBuilt, guestEnv, toolsPresent } from './helpers'

const CLI = join(ROOT, 'bin', 'l4lab.mjs')

interface Outcome {
  stdout: string
  stderr: string
  status: number | null
  signal: string | null
}

function labExec(prog: string, args: string[], input: string, env: Record<string, string>): Outcome {
  const r = spawnSync(process.execPath, [CLI, 'exec', join(BIN, prog), ...args],
    { input, cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal }
}

function qemu(prog: string, args: string[], input: string, env: Record<string, string>): Outcome {
  const r = spawnSync(QEMU, ['-0', prog, join(BIN, prog), ...args], { input, cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal }
}

/** Whether `l4lab exec` exists and runs one of our binaries. The CLI is
 * only started once its source has an exec command: starting it may build
 * the lab first, which is not worth doing to learn that exec is missing. */
function labWorks(): boolean {
  if (process.env.L4LAB_GUEST_DIFF === '0') return false
  if (!toolsPresent || !existsSync(CLI)) return false
  const main = join(ROOT, 'src', 'cli', 'main.ts')
  if (!existsSync(main) || !/case 'exec'/.test(readFileSync(main, 'utf8'))) return false
  ensureBuilt()
  const r = spawnSync(process.execPath, [CLI, 'exec', join(BIN, 'true')], { encoding: 'utf8', timeout: 20_000 })
  return r.status === 0
}

// [program, args, stdin]
const CASES: [string, string[], string?][] = [
  ['true', []], ['false', []],
  ['echo', ['-e', 'a\\tb', 'c']],
  ['printf', ['%5.2f|%-4s|%x|%e|%g\\n', '3.14159', 'ab', '255', '12345.678', '0.0001']],
  ['cat', ['guests/rootfs/etc/motd']],
  ['cat', ['no/such/file']],
  ['wc', ['guests/rootfs/etc/motd']],
  ['head', ['-n', '2', 'guests/rootfs/etc/profile']],
  ['tail', ['-c', '20', 'guests/rootfs/etc/profile']],
  ['grep', ['-n', '-i', 'PATH', 'guests/rootfs/etc/profile']],
  ['sort', ['-r'], 'b\na\nc\n'], ['uniq', ['-c'], 'a\na\nb\n'],
  ['hexdump', ['-C', 'guests/rootfs/etc/passwd']],
  ['ls', ['-a', 'guests/rootfs/etc']],
  ['seq', ['-s', ',', '1', '3', '20']], ['date', ['-d', '@1700000000']],
  ['uname', ['-s', '-m']], ['env', ['-i', 'A=1']], ['sleep', ['0.1']],
  ['kill', ['-l', '15']],
  ['tr', ['a-z', 'A-Z'], 'hello\n'], ['cut', ['-d:', '-f2'], 'a:b:c\n'], ['tee', [], 'x\n'],
  ['basename', ['/a/b.c', '.c']], ['dirname', ['/a/b']], ['stty', []],
  ['forkbomb', ['8']], ['memhog', ['32']], ['crash', []], ['pipebench', ['4']],
  ['sh', ['-c', 'echo $((6*7)) | cat; for i in 1 2; do echo $i; done | sort -r; x=$(echo sub); echo "$x"']],
  ['sh', ['-c', 'crash; echo "after $?"; yes | head -n 2']],
  ['sh', [], 'echo from stdin\nexit 3\n'],
]

describe.skipIf(!labWorks())('identical under l4lab exec and qemu-aarch64', () => {
  beforeAll(() => {
    ensureBuilt()
    // The launcher builds the lab when its sources changed; do that once here.
    spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', timeout: 300_000 })
  }, 300_000)

  for (const [prog, args, input] of CASES) {
    it(`${prog} ${args.join(' ')}`, () => {
      const env = { ...guestEnv(), PATH: WRAP }
      const ref = qemu(prog, args, input ?? '', env)
      const lab = labExec(prog, args, input ?? '', { PATH: BIN })
      // Timing figures differ by nature; everything else must not.
      const scrub = (s: string): string => s.replace(/\d+\.\d+ s: \d+\.\d+ MiB\/s/g, 'T')
      expect(scrub(lab.stdout)).toBe(scrub(ref.stdout))
      // qemu reports guest deaths itself, and whether a core was dumped is
      // the host's business.
      // The launcher's own build notice is not the program's output either.
      const scrubErr = (s: string): string =>
        s.replace(/^qemu: .*\n/m, '').replace(/^l4lab: building the lab.*\n/m, '').replace(/ \(core dumped\)/g, '')
      expect(scrubErr(lab.stderr)).toBe(scrubErr(ref.stderr))
      expect([lab.status, lab.signal]).toEqual([ref.status, ref.signal])
    })
  }
})
