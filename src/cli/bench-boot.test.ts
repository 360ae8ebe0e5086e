import { describe, expect, it } from 'vitest'
import { bootPhases } from './bench-boot'

describe('bootPhases', () => {
  const byTask = new Map([
    ['sigma0', { nativeStart: 1, native: 0, user: 0 }],
    ['moe', { nativeStart: 5, native: 0, user: 0 }],
    ['cons', { nativeStart: 2, native: 0, user: 0 }],
    ['ned', { nativeStart: 30, native: 0, user: 0 }],
    ['vm1', { nativeStart: 20, native: 6, user: 4 }],
    ['vm2', { nativeStart: 10, native: 3, user: 2 }],
    ['hello', { nativeStart: 1.5, native: 0, user: 0 }],
  ])
  const phases = new Map(bootPhases(8, 150, { boardMs: 40, bootstrapMs: 2, byTask }, ['vm1', 'vm2']))

  it('groups tasks: the base system, ned, and the guests split into lx start, lx and guest code', () => {
    expect(Object.fromEntries(phases)).toMatchObject({ modules: 8, board: 40, bootstrap: 2, base: 8, ned: 30, lx_start: 30, lx: 9, guest: 6 })
  })

  it('leaves what no phase took (other tasks, the host loop) to rest, so that the phases add up to the round', () => {
    expect(phases.get('rest')).toBe(150 - (8 + 40 + 2 + 8 + 30 + 30 + 9 + 6))
    expect([...phases.values()].reduce((a, b) => a + b, 0)).toBe(150)
  })
})
