/**
 * The argument and environment strings execve copies to the new stack, with
 * Linux's limits (fs/exec.c): each string, its NUL included, at most
 * MAX_ARG_STRLEN; all of them with the file name and their pointers at most
 * a quarter of RLIMIT_STACK (bprm_stack_limits: 2 MiB for the usual 8 MiB),
 * never less than ARG_MAX nor more than three quarters of _STK_LIM. Past
 * either: E2BIG.
 */
import { PAGE_SIZE } from '../../../kernel/uapi'
import type { Mm } from '../mm/mm'
import { Errno, STACK_LIMIT } from '../uapi'
import { execFailure, type ExecFailure } from './exec-failure'

/** One string with its NUL: 32 pages. */
export const MAX_ARG_STRLEN = 32 * PAGE_SIZE
const ARG_MAX = 32 * PAGE_SIZE
const STK_LIM = 8 * 1024 * 1024
/** All strings and their pointers (RLIMIT_STACK is lx's fixed STACK_LIMIT). */
export const ARG_LIMIT = Math.max(ARG_MAX, Math.min((STK_LIM / 4) * 3, STACK_LIMIT / 4))

const enc = new TextEncoder()
const dec = new TextDecoder()
const KiB = (n: number) => `${n / 1024} KiB`

/** The bytes these strings take with their pointers (`path` is copied as the file name), or E2BIG with the figures. */
export function argSize(path: string, argv: string[], envp: string[]): number | ExecFailure {
  let total = (Math.max(argv.length, 1) + envp.length) * 8
  for (const s of [path, ...argv, ...envp]) {
    const n = enc.encode(s).length + 1
    if (n > MAX_ARG_STRLEN) return execFailure(-Errno.E2BIG, `a string of ${n} bytes; each may have ${KiB(MAX_ARG_STRLEN)} (MAX_ARG_STRLEN)`)
    total += n
  }
  if (total > ARG_LIMIT) return execFailure(-Errno.E2BIG, `arguments and environment of ${total} bytes with their pointers; they may have ${KiB(ARG_LIMIT)}, a quarter of the ${KiB(STACK_LIMIT)} stack limit`)
  return total
}

/**
 * A NULL-terminated array of string pointers (argv, envp) from the process:
 * -EFAULT on a bad pointer, -E2BIG for a string past MAX_ARG_STRLEN or an
 * array past ARG_LIMIT (so that a huge array stops early).
 */
export function readStringArray(mm: Mm, addr: number): string[] | number {
  const out: string[] = []
  if (addr === 0) return out
  let total = 0
  for (let i = 0; ; i++) {
    if (total + i * 8 > ARG_LIMIT) return -Errno.E2BIG
    const ptr = mm.readU64(addr + i * 8)
    if (ptr === null) return -Errno.EFAULT
    if (ptr === 0) return out
    const s = readArgString(mm, ptr)
    if (typeof s === 'number') return s
    total += s.length + 1
    out.push(dec.decode(s))
  }
}

/** The bytes of the C string at `addr` (strnlen_user up to MAX_ARG_STRLEN). */
function readArgString(mm: Mm, addr: number): Uint8Array | number {
  const chunks: Uint8Array[] = []
  let len = 0
  for (let a = addr; len < MAX_ARG_STRLEN; ) {
    const chunk = mm.read(a, Math.min(PAGE_SIZE - (a % PAGE_SIZE), MAX_ARG_STRLEN - len))
    if (!chunk) return -Errno.EFAULT
    const z = chunk.indexOf(0)
    chunks.push(z >= 0 ? chunk.subarray(0, z) : chunk)
    len += z >= 0 ? z : chunk.length
    if (z >= 0) return chunks.length === 1 ? chunks[0] : concat(chunks, len)
    a += chunk.length
  }
  return -Errno.E2BIG
}

function concat(chunks: Uint8Array[], len: number): Uint8Array {
  const out = new Uint8Array(len)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}
