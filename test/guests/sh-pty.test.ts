// Lines end in \r+\n: the editor writes \r\n itself and the terminal's
// output processing (ONLCR) may add another \r.
// The guest shell on a real terminal: line editing with cursor keys,
// history, tab completion, job control (^C and ^Z reach the job, not the
// shell). sh runs under qemu-aarch64 inside a pseudo-terminal made by
// pty_session.py (python3's pty module).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, QEMU, ROOT, ensureBuilt, guestEnv, tempDir, toolsPresent } from './helpers'

// The real interpreter (not a version-manager shim), since the session runs
// with the guest's own PATH.
const probe = spawnSync('python3', ['-c', 'import pty, sys; print(sys.executable)'], { encoding: 'utf8' })
const PYTHON = probe.status === 0 ? probe.stdout.trim() : ''
const hasPython = PYTHON !== ''

interface Step {
  /** seconds to wait before sending: lets a just-started job take the terminal */
  delay?: number
  send?: string
  expect: string
  timeout?: number
}

const LEFT = '\x1b[D'
const RIGHT = '\x1b[C'
const UP = '\x1b[A'
const HOME = '\x1b[H'
const END = '\x1b[F'
const DEL = '\x1b[3~'
const PROMPT = '\\r*pty:[^\\r\\n]*# $'

function session(steps: Step[], cwd: string): { ok: boolean; failed: number | null; transcript: string } {
  const r = spawnSync(PYTHON, [join(ROOT, 'test', 'guests', 'pty_session.py'), JSON.stringify(steps), '--',
    QEMU, '-0', 'sh', join(BIN, 'sh')], {
    cwd,
    env: guestEnv({ PS1: 'pty:\\w\\$ ' }),
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (r.status !== 0) throw new Error(`pty_session.py failed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

/** The failing step and the end of what the terminal showed. */
function report(s: { failed: number | null; transcript: string }): string {
  return `step ${s.failed} failed; terminal ended with ${JSON.stringify(s.transcript.slice(-400))}`
}

describe.skipIf(!toolsPresent || !hasPython)('sh on a pseudo-terminal', () => {
  let dir: string
  beforeAll(() => {
    ensureBuilt()
    dir = tempDir('pty')
    mkdirSync(join(dir, 'subdir-unique'))
    writeFileSync(join(dir, 'file-one.txt'), 'one\n')
  })

  it('edits the line with cursor keys, Home/End and Delete, and recalls history', () => {
    const s = session([
      { expect: PROMPT },
      // "echo wrld" -> move left 3, insert "o" -> "echo world"
      { send: `echo wrld${LEFT}${LEFT}${LEFT}o\r`, expect: `\\r+\\nworld\\r+\\n.*${PROMPT}` },
      // Home, then Delete the "x" typed at the start, End and append
      { send: `xecho abc${HOME}${DEL}${END}def\r`, expect: `\\r+\\nabcdef\\r+\\n.*${PROMPT}` },
      // Up twice recalls "echo world"; two lefts, backspace (drops r), X, right, !
      { send: `${UP}${UP}${LEFT}${LEFT}\x7fX${RIGHT}!\r`, expect: `\\r+\\nwoXl!d\\r+\\n.*${PROMPT}` },
      // UTF-8: a two-byte character is one step for the cursor keys and Backspace.
      { send: `echo aéb${LEFT}${LEFT}\x7fX\r`, expect: `\\r+\\nXéb\\r+\\n.*${PROMPT}` },
      // A line longer than the 80-column terminal wraps; editing still works.
      { send: `echo ${'a'.repeat(100)}${LEFT.repeat(50)}X\r`, expect: `\\r+\\n${'a'.repeat(50)}X${'a'.repeat(50)}\\r+\\n.*${PROMPT}` },
      { send: 'history\r', expect: `echo world\\r+\\n.*echo abcdef\\r+\\n.*echo woXl!d\\r+\\n.*echo Xéb\\r+\\n.*echo a{50}Xa{50}\\r+\\n.*${PROMPT}` },
    ], dir)
    expect(s.ok, report(s)).toBe(true)
  })

  it('completes commands and paths with Tab', () => {
    const s = session([
      { expect: PROMPT },
      { send: 'hexd\t', expect: 'hexdump $' },
      { send: '\x15', expect: PROMPT },
      { send: 'cd subd\t', expect: 'cd subdir-unique/$' },
      { send: '\r', expect: `pty:${dir}/subdir-unique# $` },
      { send: 'cat ../file-o\t', expect: 'cat \\.\\./file-one\\.txt $' },
      { send: '\r', expect: `one\\r+\\n.*# $` },
      // stty sees the terminal: its size, and echo switched off and on again.
      { send: 'stty size\r', expect: `24 80\\r+\\n.*# $` },
      { send: 'stty -echo; stty -a | grep -c -- " -echo "; stty echo\r', expect: `\\r+\\n1\\r+\\n.*# $` },
      // Two candidates: the second Tab lists them.
      { send: 'ec\t\t', expect: 'echo' },
      { send: '\x15', expect: '# $' },
    ], dir)
    expect(s.ok, report(s)).toBe(true)
  })

  it('^C interrupts the foreground job, not the shell; pipes and redirections work', () => {
    const s = session([
      { expect: PROMPT },
      { send: 'spin -r\r', expect: 'iterations/s', timeout: 5 },
      { send: '\x03', expect: PROMPT },
      { send: 'echo $?\r', expect: `130\\r+\\n.*${PROMPT}` },
      { send: 'echo piped | cat > /tmp/../' + join(dir, 'out.txt').slice(1) + '; cat out.txt | wc -c\r', expect: `6\\r+\\n.*${PROMPT}` },
      { send: '^C at the prompt\x03', expect: `\\^C\\r+\\n${PROMPT}` },
    ], dir)
    expect(s.ok, report(s)).toBe(true)
  })

  it('^Z stops the job; jobs lists it; fg brings it back; background jobs report Done', () => {
    const s = session([
      { expect: PROMPT },
      // The job says when it runs (and so owns the terminal); no guessing.
      { send: `sh -c 'echo ready; sleep 30'\r`, expect: 'ready\\r+\\n' },
      { send: '\x1a', expect: `Stopped\\s+sh -c 'echo ready; sleep 30'\\r+\\n${PROMPT}` },
      { send: 'jobs\r', expect: `\\[1\\]\\+\\s+Stopped\\s+sh -c .*\\r+\\n.*${PROMPT}` },
      // fg hands over the terminal before it echoes the command line.
      { send: 'fg\r', expect: `sh -c 'echo ready; sleep 30'\\r+\\n` },
      { send: '\x03', expect: PROMPT },
      { send: 'sleep 0.2 &\r', expect: `\\[1\\] \\d+\\r+\\n${PROMPT}` },
      // The finished background job is reported before the next prompt.
      { send: 'sleep 1\r', expect: `\\[1\\]\\+\\s+Done\\s+sleep 0.2\\r+\\n${PROMPT}` },
      { send: 'crash\r', expect: `Segmentation fault.*${PROMPT}` },
      { send: 'exit 0\r', expect: 'exit' },
    ], dir)
    expect(s.ok, report(s)).toBe(true)
  })
})
