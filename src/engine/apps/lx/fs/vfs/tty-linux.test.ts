/**
 * Differential test: the same keystrokes through Linux's own N_TTY (a pty of
 * the host, driven by tty-linux.py) and through lx's Tty must give the same
 * echo bytes and the same reads. Skipped when python3 or ptys are missing.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Tty, ICANON, ECHOKE, ECHOCTL, ECHO, ISIG, IUTF8, OPOST, OCRNL, ONOCR, ECHOE, ICRNL, IGNCR, INLCR, ECHONL, NOFLSH, IEXTEN } from './tty'
import { type Inode, O_NONBLOCK, O_RDWR } from './types'
import { Errno } from './errno'

interface Case {
  name: string
  pieces: string[]
  lflag_off?: number
  iflag_off?: number
  oflag_off?: number
  oflag_on?: number
  lflag_on?: number
  iflag_on?: number
  /** Bytes a process writes after the input (output processing). */
  output?: string
}

const cases: Case[] = [
  { name: 'plain line', pieces: ['hello\r'] },
  { name: 'erase', pieces: ['abc\x7f\x7fd\r'] },
  { name: 'erase past the start', pieces: ['a\x7f\x7f\x7fb\r'] },
  { name: 'word erase', pieces: ['one two\x17x\r'] },
  { name: 'word erase after a slash', pieces: ['ls /usr/bin\x17lib\r'] },
  { name: 'word erase of trailing blanks', pieces: ['foo bar   \x17\r'] },
  { name: 'kill (ECHOKE)', pieces: ['abc\x15z\r'] },
  { name: 'kill (ECHOK, no ECHOKE)', pieces: ['abc\x15z\r'], lflag_off: ECHOKE },
  { name: 'tab erase', pieces: ['a\tb\x7f\x7fc\r'] },
  { name: 'interrupt flushes', pieces: ['x', '\x03', 'y\r'] },
  { name: 'quit and suspend', pieces: ['a', '\x1c', 'b', '\x1a', 'c\r'] },
  { name: 'eof mid-line and at the start', pieces: ['ab\x04', '\x04', 'c\r'] },
  { name: 'control character erase', pieces: ['\x01\x7f\r'] },
  { name: 'utf-8 erase', pieces: ['é€\x7f\r'] },
  { name: 'utf-8 erase without IUTF8', pieces: ['é\x7f\x7f\r'], iflag_off: IUTF8 },
  { name: 'literal next', pieces: ['\x16\x03\x16\x7f\r'] },
  { name: 'reprint', pieces: ['abc\x12d\r'] },
  { name: 'two lines at once', pieces: ['a\rb\r'] },
  { name: 'no ECHOCTL', pieces: ['a\x01\x7f\r'], lflag_off: ECHOCTL },
  { name: 'no echo', pieces: ['secret\x7f\r'], lflag_off: ECHO },
  { name: 'no ISIG', pieces: ['a\x03\r'], lflag_off: ISIG },
  { name: 'raw mode', pieces: ['ab\x7f\x03\r'], lflag_off: ICANON | ISIG },
  { name: 'interrupt in raw mode with ISIG', pieces: ['ab', '\x03', 'c'], lflag_off: ICANON },
  { name: 'no ECHOE: erase echoes the ERASE character', pieces: ['ab\x7f\r'], lflag_off: ECHOE },
  { name: 'no ICRNL: CR is data, NL ends the line', pieces: ['a\rb\n'], iflag_off: ICRNL },
  { name: 'IGNCR', pieces: ['a\rb\n'], iflag_on: IGNCR },
  { name: 'INLCR', pieces: ['a\nb\r'], iflag_on: INLCR },
  { name: 'ECHONL without ECHO', pieces: ['pw\r'], lflag_off: ECHO, lflag_on: ECHONL },
  { name: 'NOFLSH keeps the line on ^C', pieces: ['ab', '\x03', 'c\r'], lflag_on: NOFLSH },
  { name: 'no IEXTEN: ^W ^V ^R are data', pieces: ['a b\x17\x16\x12\r'], lflag_off: IEXTEN },
  { name: 'output: ONLCR', pieces: [], output: 'a\nb\r\n\tc\n' },
  { name: 'output: no OPOST', pieces: [], output: 'a\nb\n', oflag_off: OPOST },
  { name: 'output: OCRNL ONOCR', pieces: [], output: '\rab\rc\n', oflag_on: OCRNL | ONOCR },
  { name: 'echo after output (tab erase from a prompt column)', pieces: ['\tx\x7f\x7f\r'], output: '' },
]

function ours(c: Case): { echo: number[]; reads: number[][] } {
  const echo: number[] = []
  const tty = new Tty({ write: (b) => echo.push(...b), signalPgrp: () => {} })
  tty.termios.lflag = (tty.termios.lflag & ~(c.lflag_off ?? 0)) | (c.lflag_on ?? 0)
  tty.termios.iflag = (tty.termios.iflag & ~(c.iflag_off ?? 0)) | (c.iflag_on ?? 0)
  tty.termios.oflag = (tty.termios.oflag & ~(c.oflag_off ?? 0)) | (c.oflag_on ?? 0)
  const f = tty.open({} as Inode, O_RDWR | O_NONBLOCK)
  for (const p of c.pieces) tty.input(new TextEncoder().encode(p))
  if (c.output) f.write(new TextEncoder().encode(c.output))
  const reads: number[][] = []
  for (let k = 0; k < 64; k++) {
    const b = new Uint8Array(4096)
    const n = f.read(b)
    if (n === -Errno.EAGAIN) break
    if (typeof n !== 'number' || n < 0) throw new Error(`read: ${JSON.stringify(n)}`)
    reads.push([...b.subarray(0, n)])
  }
  return { echo, reads }
}

function linux(): Array<{ echo: number[]; reads: number[][] }> | null {
  const script = fileURLToPath(new URL('./tty-linux.py', import.meta.url))
  const input = JSON.stringify(cases.map((c) => ({ pieces: c.pieces.map((p) => [...new TextEncoder().encode(p)]), lflag_off: c.lflag_off ?? 0, iflag_off: c.iflag_off ?? 0, oflag_off: c.oflag_off ?? 0, oflag_on: c.oflag_on ?? 0, lflag_on: c.lflag_on ?? 0, iflag_on: c.iflag_on ?? 0, output: [...new TextEncoder().encode(c.output ?? '')] })))
  const r = spawnSync('python3', [script], { input, encoding: 'utf8', timeout: 60_000 })
  if (r.error || r.status !== 0) return null
  return JSON.parse(r.stdout)
}

describe('tty against Linux N_TTY (host pty)', () => {
  const ref = process.platform === 'linux' ? linux() : null
  it.skipIf(ref === null)('gives the same echo and reads for every case', () => {
    const show = (x: { echo: number[]; reads: number[][] }): unknown => ({
      echo: JSON.stringify(String.fromCharCode(...x.echo)),
      reads: x.reads.map((r) => JSON.stringify(String.fromCharCode(...r))),
    })
    for (let k = 0; k < cases.length; k++) {
      expect(show(ours(cases[k])), cases[k].name).toEqual(show(ref![k]))
    }
  })
})
