/**
 * The figures a VM shows are true: its memory drops when a program frees
 * what it used (lx gives free frames back to its dataspace, and its task's
 * resident pages fall).
 */
import { describe, expect, it } from 'vitest'
import { bootDefault } from '../testing/default-scenario'

describe('VM figures', () => {
  it('memory rises while sort holds its input and drops when it exits', () => {
    const { board, out, type } = bootDefault('vm1')
    const mem = () => board.figures().find((f) => f.name === 'vm1')!.memoryBytes!
    const idle = mem()
    const at = type('vm1', 'seq 1 400000 | sort -r | tail -1\n')
    const done = /\r\n1\r\n[^]*vm1:\/# /
    let peak = idle
    for (let i = 0; i < 3_000 && !done.test((out.get('vm1') ?? '').slice(at)); i++) {
      board.run(20)
      peak = Math.max(peak, mem())
    }
    expect((out.get('vm1') ?? '').slice(at)).toMatch(done)
    const after = mem()
    expect(peak - idle).toBeGreaterThan(4 << 20)
    expect(after - idle).toBeLessThan(2 << 20)
  })
})
