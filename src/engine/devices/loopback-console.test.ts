import { describe, expect, it } from 'vitest'
import { LINE_MAX, LoopbackConsole, LOOPBACK_PROMPT } from './loopback-console'

function run(input: string) {
  let out = ''
  const dev = new LoopbackConsole('t', (d) => (out += new TextDecoder().decode(d)))
  dev.input(new TextEncoder().encode(input))
  return out
}

describe('LoopbackConsole', () => {
  it('echoes typed characters and answers each line', () => {
    expect(run('hi\r')).toBe(`hi\r\nloopback: hi\r\n${LOOPBACK_PROMPT}`)
  })
  it('edits the line: backspace removes a whole UTF-8 character, ^U kills the line', () => {
    expect(run('aé\x7f\r')).toContain('loopback: a\r\n')
    expect(run('abc\x15x\r')).toContain('loopback: x\r\n')
  })
  it('skips escape sequences such as cursor keys', () => {
    expect(run('a\x1b[Db\r')).toContain('loopback: ab\r\n')
  })
  it('keeps at most LINE_MAX bytes of a line: a paste without newlines is cut there with one bell, not kept whole (issue 11, item 14)', () => {
    const out = run('x'.repeat(3 * LINE_MAX) + '\r')
    expect(out).toBe(`${'x'.repeat(LINE_MAX)}\x07\r\nloopback: ${'x'.repeat(LINE_MAX)}\r\n${LOOPBACK_PROMPT}`)
  })
})
