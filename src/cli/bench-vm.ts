/**
 * `l4lab bench vm [--rounds=N]`: Debian's arm64 kernel with our initramfs
 * (build/guests/linux-arm64, l4lab.init=test) booted by `l4lab vm`'s
 * session and by qemu-system-aarch64 -M virt (TCG) in the same run,
 * alternating: wall milliseconds from the start to our init's first line
 * and to power-off, best of the rounds each, and the ratio; and for ours
 * where the time goes — instructions, MIPS, VM exits by kind, compiled
 * regions and compile time.
 */
import { existsSync, readFileSync } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { VmSession, type UvmmVmFigures } from '../engine'
import { projectRoot } from './paths'
import { catchUp, idleWaitMs } from './pace'

const FIRST_LINE = 'l4lab-init: kernel:'
const POWER_DOWN = 'reboot: Power down'
const APPEND = 'console=ttyAMA0 l4lab.init=test'
const SLEEP = new Int32Array(new SharedArrayBuffer(4))

interface Round {
  firstMs: number
  offMs: number
}

function guestFiles(): { kernel: string; initrd: string; disk: string } | string {
  const dir = join(projectRoot, 'build/guests/linux-arm64')
  const f = { kernel: join(dir, 'Image'), initrd: join(dir, 'initramfs.cpio.gz'), disk: join(dir, 'disk.img') }
  if (!existsSync(f.kernel) || !existsSync(f.initrd)) {
    const r = spawnSync(process.execPath, [join(projectRoot, 'scripts/guests/build-linux-guest.mjs')], { cwd: projectRoot, encoding: 'utf8' })
    if (r.status !== 0 || !existsSync(f.kernel)) return `no Linux guest: run bash scripts/guests/fetch-debian.sh, then npm run build (${(r.stdout + r.stderr).trim()})`
  }
  return f
}

/** One boot under l4lab, paced as `l4lab vm` paces it: idle virtual time follows the wall clock. */
function ours(files: { kernel: string; initrd: string; disk: string }): Round & { figures: UvmmVmFigures | null; instructions: number; jit: { regions: number; ms: number } | null } {
  const t0 = performance.now()
  let text = ''
  let firstMs = -1
  const s = new VmSession({
    uvmmArgs: ['--mem', '256M', '--kernel', 'rom/vm/kernel', '--initrd', 'rom/vm/initrd', '--disk', 'rom/vm/disk,ro', '--', ...APPEND.split(' ')],
    modules: { 'vm/kernel': new Uint8Array(readFileSync(files.kernel)), 'vm/initrd': new Uint8Array(readFileSync(files.initrd)), 'vm/disk': new Uint8Array(readFileSync(files.disk)) },
    ramMiB: 320,
    output: (b) => {
      if (firstMs >= 0) return
      text = (text + new TextDecoder().decode(b)).slice(-4096)
      if (text.includes(FIRST_LINE)) firstMs = performance.now() - t0
    },
  })
  const start = performance.now()
  while (s.run(20e6)) {
    const k = s.booted.kernel
    if (k.anyReady()) continue
    if (k.nextEvent() === Infinity) break
    const waitMs = idleWaitMs(k, start)
    if (waitMs > 0) Atomics.wait(SLEEP, 0, 0, waitMs)
    catchUp(k, start)
  }
  const offMs = s.outcome?.kind === 'off' ? performance.now() - t0 : -1
  const k = s.booted.kernel
  const jit = k.core?.compilerStats?.()
  const jitMs = (k.core as { jitStats?: () => { ms: number } } | null)?.jitStats?.().ms ?? 0
  return { firstMs, offMs, figures: s.vm?.figures() ?? null, instructions: k.stats.instructions, jit: jit ? { regions: jit.regions, ms: jitMs } : null }
}

function qemu(files: { kernel: string; initrd: string; disk: string }): Promise<Round> {
  const t0 = performance.now()
  const args = ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a57', '-m', '256', '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-net', 'none',
    '-kernel', files.kernel, '-initrd', files.initrd, '-append', APPEND,
    '-drive', `if=none,id=d0,format=raw,file=${files.disk},readonly=on`, '-device', 'virtio-blk-device,drive=d0',
    '-chardev', 'null,id=hvc0', '-device', 'virtio-serial-device', '-device', 'virtconsole,chardev=hvc0', '-device', 'virtio-rng-device']
  const child = spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'pipe', 'ignore'] })
  let text = ''
  let firstMs = -1
  child.stdout.setEncoding('latin1')
  child.stdout.on('data', (d: string) => {
    text = (text + d).slice(-4096)
    if (firstMs < 0 && text.includes(FIRST_LINE)) firstMs = performance.now() - t0
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ firstMs, offMs: status === 0 && text.includes(POWER_DOWN) ? performance.now() - t0 : -1 })
    })
    child.on('error', () => resolve({ firstMs: -1, offMs: -1 }))
  })
}

export async function benchVm(argv: string[]): Promise<number> {
  const roundsArg = argv.find((a) => a.startsWith('--rounds='))
  const rounds = roundsArg ? Number(roundsArg.slice(9)) : 3
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
    process.stderr.write('l4lab bench vm: --rounds=N wants 1..20\n')
    return 2
  }
  const files = guestFiles()
  if (typeof files === 'string') {
    process.stderr.write(`l4lab bench vm: ${files}\n`)
    return 1
  }
  const withQemu = !argv.includes('--no-qemu') && spawnSync('qemu-system-aarch64', ['--version']).status === 0
  const mine: ReturnType<typeof ours>[] = []
  const theirs: Round[] = []
  for (let i = 0; i < rounds; i++) {
    mine.push(ours(files))
    if (withQemu) theirs.push(await qemu(files))
  }
  const best = (xs: number[]): number => Math.min(...xs.filter((x) => x >= 0))
  const out = (k: string, v: string): boolean => process.stdout.write(`vm.${k}: ${v}\n`)
  const first = best(mine.map((r) => r.firstMs))
  const off = best(mine.map((r) => r.offMs))
  out('first_line_ms', `${first.toFixed(0)} ms`)
  out('power_off_ms', `${off.toFixed(0)} ms`)
  if (withQemu) {
    const qFirst = best(theirs.map((r) => r.firstMs))
    const qOff = best(theirs.map((r) => r.offMs))
    out('qemu_first_line_ms', `${qFirst.toFixed(0)} ms`)
    out('qemu_power_off_ms', `${qOff.toFixed(0)} ms`)
    out('first_line_ratio_vs_qemu', (first / qFirst).toFixed(2))
    out('power_off_ratio_vs_qemu', (off / qOff).toFixed(2))
  }
  const last = mine[mine.length - 1]
  out('instructions', `${last.instructions}`)
  out('mips', `${(last.instructions / 1e6 / (last.offMs / 1000)).toFixed(0)} MIPS`)
  for (const [kind, n] of Object.entries(last.figures?.vmExits ?? {})) out(`exits.${kind}`, `${n}`)
  if (last.figures) out('interrupts', `${last.figures.interrupts}`)
  if (last.jit) out('jit', `${last.jit.regions} regions, ${last.jit.ms.toFixed(0)} ms compiling`)
  out('rounds', `${rounds} (best of each${withQemu ? ', alternating with qemu' : ''})`)
  return 0
}
