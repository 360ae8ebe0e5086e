import { describe, expect, it } from 'vitest'
import { WallMeter } from './wall-meter'
import type { Thread } from './objects/thread'

/** Just what the meter reads of a thread: its task's name, and its id. */
const thread = (task: string | null, id = 7) => ({ id, task: task === null ? null : { name: task } }) as unknown as Thread

describe('WallMeter', () => {
  it("counts a task's native steps before its first emulated code as its start, the later ones apart", () => {
    const m = new WallMeter(() => 0)
    const lx = thread('vm1')
    m.add(lx, false, 3)
    m.add(lx, false, 4)
    m.add(lx, true, 10)
    m.add(lx, false, 2)
    m.add(lx, true, 1)
    expect(m.byTask.get('vm1')).toEqual({ nativeStart: 7, native: 2, user: 11 })
  })

  it('adds up threads of one task name, and names a thread without a task by its id', () => {
    const m = new WallMeter(() => 0)
    m.add(thread('ned', 1), false, 1)
    m.add(thread('ned', 2), false, 2)
    m.add(thread(null, 9), false, 5)
    expect(m.byTask.get('ned')).toEqual({ nativeStart: 3, native: 0, user: 0 })
    expect(m.byTask.get('thread 9')).toEqual({ nativeStart: 5, native: 0, user: 0 })
  })
})
