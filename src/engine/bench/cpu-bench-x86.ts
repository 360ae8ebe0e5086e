/**
 * `l4lab bench cpu --arch x86_64`: the same benchmark program as the
 * AArch64 one (guests/cpu-tests/bench.c, built for x86-64 by
 * scripts/guests/cpu-tests.mjs), run as the only process of an lx VM on the
 * pc-exec board — the x86-64 core has no bare-metal harness, and the program
 * makes nothing but write and exit calls, so lx adds no work between the
 * markers. Parts are timed between the "@part" markers, as on AArch64.
 */
import { ExecSession } from '../lab/exec-session'
import { StdinBuffer } from '../apps/lx/fs/host-stdio'
import { writeCpio } from '../formats/cpio'
import { PartTimer, type CpuBenchResult } from './cpu-bench'

declare const performance: { now(): number }

export function runCpuBenchX86(elf: Uint8Array): CpuBenchResult {
  const timer = new PartTimer()
  const stdin = new StdinBuffer()
  stdin.end()
  let board: ExecSession | null = null
  board = new ExecSession({
    lxArgs: ['--initrd', 'rom/bench.cpio', '--init', '/bench'],
    arch: 'x86_64',
    modules: { 'bench.cpio': writeCpio([{ name: 'bench', mode: 0o100755, data: elf }]) },
    ports: {
      stdio: {
        write: (fd, bytes) => {
          const now = performance.now()
          if (fd === 1) timer.write(bytes, now, board?.booted.kernel.stats.instructions ?? 0)
        },
      },
      stdin,
    },
  })
  while (board.run(50e6)) {
    if (board.booted.kernel.stats.instructions > 50e9) break
  }
  const status = board.outcome?.status ?? null
  const error = status === 0 ? undefined : `the x86-64 benchmark ended with status ${status === null ? 'none' : `0x${status.toString(16)}`}`
  const from = timer.first ?? { t: 0, i: 0 }
  const to = timer.end ?? from
  const seconds = (to.t - from.t) / 1000
  return { mips: seconds > 0 ? (to.i - from.i) / seconds / 1e6 : 0, instructions: to.i - from.i, parts: timer.parts, results: timer.results, error }
}
