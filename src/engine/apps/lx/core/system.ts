/**
 * What a process asks of the system as a whole: random bytes (getrandom,
 * from the run's seed, so runs repeat), resource limits (reported; none is
 * enforced beyond the VM's memory), and sysinfo.
 */
import { PAGE_SIZE } from '../../../kernel/uapi'
import type { Lx } from '../lx'
import type { LinuxThread } from './process'
import { int, type SyscallArgs, type SyscallResult } from './syscall'
import { u64le } from './uaccess'
import { Errno } from '../uapi'

/** getrandom(buf, count, flags) */
export function* getrandom(lx: Lx, t: LinuxThread, a: SyscallArgs): Generator<unknown, SyscallResult, number> {
  const mm = t.process.mm
  // A size_t count past 2^63 arrives negative: Linux caps it (at INT_MAX; we at 1 MiB).
  const n = a[1] < 0 ? 1 << 20 : Math.min(a[1], 1 << 20)
  const b = new Uint8Array(n)
  lx.random(b)
  yield* lx.memory.reserve(Math.ceil(n / PAGE_SIZE) + 2)
  // As get_random_bytes_user: page by page until the buffer faults; the count copied.
  let done = 0
  while (done < n) {
    const k = Math.min(n - done, PAGE_SIZE - ((a[0] + done) % PAGE_SIZE))
    if (!mm.write(a[0] + done, b.subarray(done, done + k))) break
    done += k
  }
  return done > 0 || n === 0 ? done : -Errno.EFAULT
}

/** The limits lx reports: RLIMIT_STACK 8 MiB, RLIMIT_NOFILE 1024/4096, the others unlimited. */
function rlimit(t: LinuxThread, resource: number, old: number): number {
  if (resource < 0 || resource > 15) return -Errno.EINVAL
  const limits: Record<number, [number, number]> = { 3: [8 << 20, Infinity], 7: [1024, 4096] }
  const [cur, max] = limits[resource] ?? [Infinity, Infinity]
  const enc64 = (v: number) => (v === Infinity ? new Uint8Array(8).fill(0xff) : u64le(v))
  if (old) {
    const b = new Uint8Array(16)
    b.set(enc64(cur), 0)
    b.set(enc64(max), 8)
    if (!t.process.mm.write(old, b)) return -Errno.EFAULT
  }
  return 0
}

/** prlimit64(pid, resource, new, old): new limits are accepted and not kept. */
export function prlimit64(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return rlimit(t, int(a[1]), a[3])
}

/** getrlimit(resource, rlim) */
export function getrlimit(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return rlimit(t, int(a[0]), a[1])
}

/** setrlimit(resource, rlim): accepted and not kept. */
export function setrlimit(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return rlimit(t, int(a[0]), 0)
}

/** sysinfo(info): uptime, lx's memory, the number of processes. */
export function sysinfo(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const b = new Uint8Array(112)
  const dv = new DataView(b.buffer)
  dv.setBigInt64(0, BigInt(Math.floor((lx.now() - lx.bootNs) / 1e9)), true)
  dv.setBigUint64(32, BigInt(lx.memory.frames * 4096), true)
  dv.setBigUint64(40, BigInt(lx.memory.free * 4096), true)
  dv.setUint16(80, lx.procs.size, true)
  dv.setUint32(104, 1, true)
  return t.process.mm.write(a[0], b) ? 0 : -Errno.EFAULT
}
