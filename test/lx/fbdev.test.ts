/**
 * /dev/fb0 and /dev/input/event* from a real program (guests/lx-tests/fbdev.c,
 * glibc, static): it checks the fbdev ioctls and the mapping itself, prints
 * "ready", and reports the input the lab delivers; the test reads what it
 * drew through the lab's display (lab/displays.ts), as the UI would.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { ExecSession } from '../../src/engine/lab/exec-session'
import { WatchedDisplay, lxDisplay, lxTask } from '../../src/engine/lab/displays'
import { readFrame } from '../../src/engine/devices/display'
import type { Lx } from '../../src/engine/apps/lx/lx'
import { execTrees } from '../../src/host/exec-fs'
import { TESTS } from './harness'
import { root } from '../support/built'

const KEY_A = 30
const KEY_Q = 16

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/guests/lx-tests.mjs'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cannot build the glibc test programs: ${r.stderr}`)
})

describe('lx --fb', () => {
  it('gives a program /dev/fb0 shared with the display, and delivers keys and pointer motion through evdev', () => {
    const bin = join(TESTS, 'fbdev')
    const trees = execTrees({ cwd: root, program: bin, writable: false })
    if (typeof trees === 'string') throw new Error(trees)
    let out = ''
    let log = ''
    let lx: Lx | null = null
    const dec = new TextDecoder()
    const s = new ExecSession({
      lxArgs: ['--init', bin, '--mem', '64M', '--fb', '64x48'],
      ports: { rootFs: trees.rootFs, binds: trees.binds, stdio: { write: (_fd, d) => (out += dec.decode(d)) }, onStart: (l) => (lx = l) },
      log: (t) => (log += t),
      ramMiB: 160,
    })
    const until = (done: () => boolean): void => {
      for (let i = 0; i < 2000 && !done(); i++) if (!s.run(20e6)) break
    }
    until(() => out.includes('ready') || out.includes('FAIL'))
    expect(out, log).toContain('mode 64x48 bpp 32 line 256 smem 12288 visual 2 red 16/8')
    expect(out).toContain("keyboard 'l4lab keyboard' bus 6; mouse has EV_REL 1 REL_X 1 REL_WHEEL 1")
    expect(out).toContain('ready')

    const k = s.booted.kernel
    const task = lxTask(k, lx!)
    if (!task) throw new Error('no task for lx')
    const display = lxDisplay(k, task, lx!)
    if (typeof display === 'string') throw new Error(display)
    const watched = new WatchedDisplay(display)
    const first = watched.frame()!.slice()
    const f = readFrame(first)
    if (typeof f === 'string') throw new Error(f)
    expect(f.full).toBe(true)
    // Pixel (5, 7) is (7 << 8) | 5: green 7, blue 5; pixel (1, 0) the red the program wrote with pwrite.
    const rgba = (x: number, y: number): number[] => {
      const r = f.rects.find((q) => y >= q.y && y < q.y + q.h)!
      const o = r.pixels + ((y - r.y) * r.w + (x - r.x)) * 4
      return [...first.subarray(o, o + 4)]
    }
    expect(rgba(5, 7)).toEqual([0, 7, 5, 255])
    expect(rgba(1, 0)).toEqual([255, 0, 0, 255])
    expect(watched.frame()).toBeNull()

    display.input.key(KEY_A, true)
    display.input.key(KEY_A, false)
    display.input.motion(3, -2)
    // The program stops at KEY_Q's release, read or not what the mouse has: let it see the motion first.
    until(() => out.includes('code 1 value -2'))
    display.input.key(KEY_Q, true)
    display.input.key(KEY_Q, false)
    until(() => s.outcome !== null)
    expect(s.outcome?.status, out + log).toBe(0)
    expect(out.split('ready\n')[1]).toBe(
      [`kbd type 1 code ${KEY_A} value 1`, `kbd type 1 code ${KEY_A} value 0`, 'mouse type 2 code 0 value 3', 'mouse type 2 code 1 value -2',
        `kbd type 1 code ${KEY_Q} value 1`, `kbd type 1 code ${KEY_Q} value 0`, 'done', ''].join('\n'),
    )
    // Each key press drew a white pixel at the start of row 0.
    const next = watched.frame()!.slice()
    const n = readFrame(next)
    if (typeof n === 'string') throw new Error(n)
    expect(n.rects.map((r) => [r.x, r.y, r.w, r.h])).toEqual([[0, 0, 2, 1]])
    expect([...next.subarray(n.rects[0].pixels, n.rects[0].pixels + 8)]).toEqual([255, 255, 255, 255, 255, 255, 255, 255])
    trees.close()
  })
})
