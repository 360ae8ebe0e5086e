import { describe, expect, it } from 'vitest'
import { ExecSession } from './exec-session'

describe('exec session', () => {
  it('ends when lx itself ends before its init runs (bad arguments), instead of idling forever (issue 11, item 9)', () => {
    let log = ''
    const s = new ExecSession({ lxArgs: ['--init', 'ls'], ports: {}, log: (t) => (log += t), ramMiB: 64 })
    let rounds = 0
    while (s.run(20e6) && rounds < 100) rounds++
    expect(rounds).toBeLessThan(100)
    expect(s.outcome).toBeNull()
    expect(s.ended).toBeTruthy()
    expect(log).toContain('lx: --init must be an absolute path')
  })

  it('refuses a board of more RAM than it can have, instead of a smaller one (issue 11, item 14)', () => {
    expect(() => new ExecSession({ lxArgs: ['--init', '/bin/true'], ports: {}, ramMiB: 4196 })).toThrow('not 4399824896 bytes')
    expect(() => new ExecSession({ lxArgs: ['--init', '/bin/true'], ports: {}, ramMiB: 8192 })).toThrow('not 8589934592 bytes')
  })
})
