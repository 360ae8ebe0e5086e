import { describe, expect, it } from 'vitest'
import { execBinds, execTrees } from './exec-fs'

describe('what exec shows of the host over its private /tmp', () => {
  it('the top directory in /tmp of the working directory and of the program; all of /tmp when either is /tmp itself', () => {
    expect(execBinds('/work/x', '/work/x/prog')).toEqual([])
    expect(execBinds('/tmp/a/b', '/work/prog')).toEqual(['/tmp/a'])
    expect(execBinds('/work', '/tmp/a/bin/prog')).toEqual(['/tmp/a'])
    expect(execBinds('/tmp/a', '/tmp/b/prog')).toEqual(['/tmp/a', '/tmp/b'])
    expect(execBinds('/tmp/a', '/tmp/a/prog')).toEqual(['/tmp/a'])
    expect(execBinds('/tmp', '/work/prog')).toEqual(['/tmp'])
    expect(execBinds('/work', '/tmp/prog')).toEqual(['/tmp'])
    expect(execBinds('/tmpx/y', '/tmp.d/prog')).toEqual([])
  })

  it('leaves out a directory in /tmp that is not there (lx then reports the program missing)', () => {
    const t = execTrees({ cwd: '/', program: '/tmp/l4lab-no-such-dir-here/prog', writable: false })
    if (typeof t === 'string') throw new Error(t)
    expect(t.binds).toEqual([])
    t.close()
  })
})
