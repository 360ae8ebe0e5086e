/**
 * Why a program cannot start: the errno execve returns (Linux's) and a
 * reason for a user, lx's own words where it has them ("dynamically linked
 * programs are not supported") and strerror's otherwise. execve hands the
 * process only the errno; a program lx itself starts (init, `l4lab exec`)
 * reports both.
 */
import { errnoName, errnoText } from '../fs/vfs/errno'

export interface ExecFailure {
  ok: false
  /** A negative errno. */
  errno: number
  reason: string
}

export function execFailure(errno: number, reason?: string): ExecFailure {
  const text = errnoText(errno)
  return { ok: false, errno, reason: reason ?? text[0].toLowerCase() + text.slice(1) }
}

/** "ENOEXEC: dynamically linked programs are not supported": a failure in one line. */
export function describeExecFailure(f: ExecFailure): string {
  return `${errnoName(f.errno)}: ${f.reason}`
}
