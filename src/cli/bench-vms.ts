/**
 * `l4lab bench vms [--vms=N] [--busybox]`: the host memory a pv VM costs,
 * measured as issue 12 asks, with N (default 8) lx VMs in one board.
 *
 * The board boots a scenario of N lx VMs (our own rootfs.cpio, or Debian's
 * busybox with --busybox) to their prompts, in a fresh process as the lab's
 * engine worker would. The process's memory is read (after a full garbage
 * collection) when the board is made, before anything runs, and again when
 * every VM shows its prompt. What grew is what the VMs and their base system
 * cost: host memory, and the part of the board's wasm memory (guest RAM, and
 * the CPU core's decoded code and TLBs, one set per board) that the host had
 * to commit. Linux says the latter exactly: the resident size of the wasm
 * memory's mapping in /proc/self/smaps (V8 reserves at least 8 GiB for it,
 * no other mapping is that big). Reading RAM to find the pages in use would
 * commit every page it reads. The figure per VM is the growth beyond the
 * wasm memory, divided by N: the base system's share (ned's Lua, moe) is
 * spread over the VMs.
 */
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createSession } from '../engine'
import { scenarioModules } from '../host/lab-config'
import { guestNames, PROMPT, ROUND_LIMIT_MS, runUntilPrompts } from './bench-boot'
import { stripTerminal } from './run'

const MiB = 1024 * 1024
/** Guest memory of each VM (lx --mem) and its allocator's quota. */
const VM_MEM_MIB = 64
const VM_QUOTA_MIB = 72

/** The scenario: N lx VMs as busybox.lua / default.lua start theirs, on a board with RAM for all. */
export function vmsScenario(n: number, busybox: boolean): string {
  const rom = busybox ? 'busybox-rootfs.cpio' : 'rootfs.cpio'
  return [
    `-- bench vms: ${n} lx VMs`,
    'local L4 = require "L4"',
    `for i = 1, ${n} do`,
    `  local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, ${VM_QUOTA_MIB} * L4.MiB)`,
    '  local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)',
    '  L4.default_loader:start({ log = { "vm" .. i, "g" }, mem = mem, factory = kmem },',
    `    "rom/lx --initrd rom/${rom} --init /bin/sh --mem ${VM_MEM_MIB}M --hostname vm" .. i${busybox ? ' .. " -- -i"' : ''})`,
    'end',
    '',
  ].join('\n')
}

/** A full collection, so that the readings hold live memory only. */
function collect(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/**
 * Resident bytes of the wasm memories in /proc/self/smaps; null where there
 * is none (not Linux). V8 reserves 10 GiB for a wasm32 memory, guard pages
 * (no access) around the part in use: a read-write mapping between two
 * inaccessible ones, the three together 8 GiB or more, is one.
 */
export function wasmResidentBytes(smaps: string | null = readSmaps()): number | null {
  if (smaps === null) return null
  const maps: { start: bigint; end: bigint; perms: string; rss: number }[] = []
  for (const line of smaps.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) /.exec(line)
    if (head) maps.push({ start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3], rss: 0 })
    const rss = /^Rss:\s+(\d+) kB$/.exec(line)
    if (rss && maps.length > 0) maps[maps.length - 1].rss = Number(rss[1]) * 1024
  }
  let total = 0
  for (let i = 1; i + 1 < maps.length; i++) {
    const [before, m, after] = [maps[i - 1], maps[i], maps[i + 1]]
    const guarded = before.perms.startsWith('---') && after.perms.startsWith('---') && before.end === m.start && m.end === after.start
    if (m.perms.startsWith('rw') && guarded && after.end - before.start >= 8n << 30n) total += m.rss
  }
  return total
}

function readSmaps(): string | null {
  try {
    return readFileSync('/proc/self/smaps', 'utf8')
  } catch {
    return null
  }
}

export function benchVms(argv: string[]): number {
  const nArg = argv.find((a) => a.startsWith('--vms='))
  const n = nArg ? Number(nArg.slice(6)) : 8
  if (!Number.isInteger(n) || n < 1 || n > 32) {
    process.stderr.write('l4lab bench vms: --vms=N wants 1..32\n')
    return 2
  }
  const busybox = argv.includes('--busybox')
  const source = vmsScenario(n, busybox)
  let modules: Record<string, Uint8Array>
  try {
    modules = scenarioModules(source)
  } catch (e) {
    process.stderr.write(`l4lab bench vms: ${(e as Error).message}\n`)
    return 2
  }
  const text = new Map<string, string>()
  const seen = new Map<string, number>()
  const dec = new TextDecoder()
  const t0 = performance.now()
  // RAM for every VM's quota and the base system's.
  const ramMiB = Math.ceil((n * VM_QUOTA_MIB + 64) / 64) * 64
  const board = createSession(
    { kind: 'scenario', scenario: { name: 'bench-vms.lua', source }, modules, ramMiB },
    {
      consoleOutput(vm, data) {
        const s = ((text.get(vm) ?? '') + stripTerminal(dec.decode(data))).slice(-200)
        text.set(vm, s)
        if (!seen.has(vm) && PROMPT.test(s)) seen.set(vm, performance.now() - t0)
      },
      vmsChanged() {},
      statusChanged() {},
    },
    { now: () => performance.now() },
  )
  collect()
  const before = process.memoryUsage()
  const wasmBefore = wasmResidentBytes()
  const failed = runUntilPrompts(board, seen, t0)
  if (failed) {
    process.stderr.write(`l4lab bench vms: ${failed}\n`)
    return 1
  }
  const missing = guestNames(board).filter((vm) => !seen.has(vm))
  if (missing.length > 0 || guestNames(board).length !== n) {
    process.stderr.write(`l4lab bench vms: ${missing.length ? missing.join(', ') : 'some VMs'} showed no prompt within ${ROUND_LIMIT_MS / 1000} s\n`)
    return 1
  }
  collect()
  const after = process.memoryUsage()
  const wasmAfter = wasmResidentBytes()
  if (wasmBefore === null || wasmAfter === null) {
    process.stderr.write('l4lab bench vms: needs /proc/self/smaps (Linux) to tell guest RAM from host memory\n')
    return 1
  }
  const wasm = wasmAfter - wasmBefore
  const rss = after.rss - before.rss
  const heap = after.heapUsed - before.heapUsed
  const buffers = after.arrayBuffers - before.arrayBuffers
  const mib = (b: number) => (b / MiB).toFixed(2)
  const out = [
    `vms.count: ${n} VMs (${busybox ? 'busybox' : 'rootfs.cpio'}, ${VM_MEM_MIB} MiB guest memory each)`,
    `vms.rss_growth: ${mib(rss)} MiB (${mib(before.rss)} → ${mib(after.rss)})`,
    `vms.wasm_memory_growth: ${mib(wasm)} MiB (guest RAM the VMs used, and the core's decoded code and TLBs)`,
    `vms.js_heap_growth: ${mib(heap)} MiB`,
    `vms.array_buffers_growth: ${mib(buffers)} MiB (outside board RAM)`,
    `vms.host_per_vm: ${mib((rss - wasm) / n)} MiB (RSS growth beyond the wasm memory, per VM)`,
  ]
  process.stdout.write(out.join('\n') + '\n')
  return 0
}
