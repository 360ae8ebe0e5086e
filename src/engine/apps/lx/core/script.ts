/**
 * `#!` scripts, as Linux's fs/binfmt_script.c reads them: the first
 * BINPRM_BUF_SIZE bytes of the file (zero past its end) hold
 * `#!interpreter [argument]`. The interpreter runs with argv = [interpreter,
 * argument if any, the script's path, the original argv[1..]]. The argument
 * is everything after the interpreter up to the end of the line, spaces
 * included (one word, not split). A line without a newline in the buffer is
 * taken as far as it goes, provided the interpreter's name ends within it
 * (else ENOEXEC: Linux will not run a truncated interpreter path).
 */
import { Errno } from '../uapi'

/** The bytes of a file the kernel looks at to choose its binary format (BINPRM_BUF_SIZE). */
export const BINPRM_BUF_SIZE = 256

/** exec_binprm's limit: `#!` interpreters nest this deep; one more is ELOOP. */
export const MAX_SCRIPT_DEPTH = 5

export interface Shebang {
  interp: string
  arg: string | null
}

const dec = new TextDecoder()
const spacetab = (c: number): boolean => c === 0x20 || c === 0x09

function nextNonSpacetab(b: Uint8Array, first: number, last: number): number {
  for (; first <= last; first++) if (!spacetab(b[first])) return first
  return -1
}

function nextTerminator(b: Uint8Array, first: number, last: number): number {
  for (; first <= last; first++) if (spacetab(b[first]) || b[first] === 0) return first
  return -1
}

/** The C string at `from`, ending at the first NUL before `end`. */
function cstring(b: Uint8Array, from: number, end: number): string {
  const z = b.indexOf(0, from)
  return dec.decode(b.subarray(from, z >= 0 && z < end ? z : end))
}

/**
 * The `#!` line of a file whose first bytes are `head`: null when the file
 * is no script, -ENOEXEC when the line names no (whole) interpreter.
 */
export function parseShebang(head: Uint8Array): Shebang | null | number {
  if (head.length < 2 || head[0] !== 0x23 || head[1] !== 0x21) return null
  const buf = new Uint8Array(BINPRM_BUF_SIZE)
  buf.set(head.subarray(0, BINPRM_BUF_SIZE))
  const bufEnd = BINPRM_BUF_SIZE - 1
  let end = buf.indexOf(0x0a)
  if (end < 0) {
    end = nextNonSpacetab(buf, 2, bufEnd)
    if (end < 0) return -Errno.ENOEXEC
    if (nextTerminator(buf, end, bufEnd) < 0) return -Errno.ENOEXEC
    end = bufEnd
  }
  // INVARIANT: buf[1] is '!', so trimming stops at index 2 at the latest.
  while (spacetab(buf[end - 1])) end--
  const name = nextNonSpacetab(buf, 2, end)
  if (name < 0 || name === end) return -Errno.ENOEXEC
  const sep = nextTerminator(buf, name, end)
  const arg = sep >= 0 && buf[sep] !== 0 ? nextNonSpacetab(buf, sep, end) : -1
  if (arg < 0) return { interp: cstring(buf, name, end), arg: null }
  return { interp: cstring(buf, name, sep), arg: cstring(buf, arg, end) }
}
