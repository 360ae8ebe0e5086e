/**
 * The default scenario's display VM (gfx: lx --fb 1024x768 running
 * /bin/mandel) as the lab sees it: frames arrive only while watched, the
 * first one whole, later ones as dirty rectangles; the picture moves on its
 * own and changes when a key goes to the VM.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { ScenarioSession } from './scenario-session'
import type { VmDescriptor } from './session'
import { readFrame } from '../devices/display'

const root = new URL('../../../', import.meta.url)
const KEY_EQUAL = 13
const KEY_RIGHT = 106
const W = 1024
const H = 768
/** mandel's status strip: the bottom 20 rows animate on their own. */
const PICTURE_ROWS = H - 20

describe('a VM with a display', () => {
  it('sends frames of mandel while watched, and mandel answers a key', { timeout: 300_000 }, () => {
    const out = new Map<string, string>()
    let vms: readonly VmDescriptor[] = []
    const dec = new TextDecoder()
    const source = readFileSync(new URL('resources/scenarios/default.lua', root), 'utf8').replace(/^vm\("vm2".*$/m, '')
    let session: ScenarioSession | null = null
    const board = new ScenarioSession(
      {
        kind: 'scenario',
        scenario: { name: 'default.lua', source },
        modules: { 'rootfs.cpio': gunzipSync(readFileSync(new URL('resources/guests/aarch64/rootfs.cpio.gz', root))) },
        paced: false,
      },
      { consoleOutput: (vm, d) => out.set(vm, (out.get(vm) ?? '') + dec.decode(d)), vmsChanged: (v) => (vms = v), statusChanged: () => {} },
      // The session's clock is the board's virtual time, not the wall clock: run(20) is then 20 ms
      // of the guest's time whatever the machine's speed (a wall-clock slice pans mandel further on
      // a fast machine than on a loaded one), and the sampler's budget is the same on every run.
      () => (session ? session.booted.kernel.now / 1e6 : 0),
    )
    session = board
    for (let i = 0; i < 3000 && !(out.get('gfx') ?? '').includes('mandel: 1024x768'); i++) board.run(20)
    expect(out.get('gfx')).toContain('mandel: 1024x768')
    expect(vms.find((v) => v.name === 'gfx')?.display).toEqual({ width: W, height: H })
    expect(vms.find((v) => v.name === 'vm1')?.display).toBeUndefined()

    // Not watched: nothing is scanned or sent.
    board.run(20)
    expect(board.displayFrames()).toEqual([])
    expect(board.watchDisplay('vm1', true)).toEqual({ ok: false, error: 'vm1 has no display' })
    expect(board.watchDisplay('gfx', true)).toEqual({ ok: true })

    const screen = new Uint8Array(W * H * 4)
    let seq = 0
    /** Runs a slice and applies the frames; the rows of the picture that changed. */
    const step = (): number => {
      // Renewed as a view does: the lease (5 s) would run out in a long test on a busy machine.
      board.watchDisplay('gfx', false)
      board.run(20)
      let pictureRows = 0
      for (const { vm, frame } of board.displayFrames()) {
        expect(vm).toBe('gfx')
        const f = readFrame(frame)
        if (typeof f === 'string') throw new Error(f)
        expect(f.seq).toBe(++seq)
        expect(f.full).toBe(seq === 1)
        for (const r of f.rects) {
          for (let y = 0; y < r.h; y++) screen.set(frame.subarray(r.pixels + y * r.w * 4, r.pixels + (y + 1) * r.w * 4), ((r.y + y) * W + r.x) * 4)
          if (r.y < PICTURE_ROWS) pictureRows += Math.min(r.h, PICTURE_ROWS - r.y)
        }
      }
      return pictureRows
    }
    /** Until the picture has been still for a while (mandel finished drawing it). */
    const settle = (): void => {
      let still = 0
      for (let i = 0; i < 5000 && still < 30; i++) still = step() === 0 ? still + 1 : 0
      expect(still).toBe(30)
    }
    step()
    expect(seq).toBe(1)
    settle()
    // The strip at the bottom keeps moving: frames come while the picture is still.
    const before = seq
    for (let i = 0; i < 50; i++) step()
    expect(seq).toBeGreaterThan(before)
    const picture = screen.slice(0, W * PICTURE_ROWS * 4)
    expect(new Set(new Uint32Array(picture.buffer)).size).toBeGreaterThan(10)

    expect(board.displayInput('gfx', [{ kind: 'key', code: KEY_EQUAL, down: true }, { kind: 'key', code: KEY_EQUAL, down: false }])).toEqual({ ok: true })
    // mandel starts again at the first rows it draws after the key; then it finishes the picture.
    let rounds = 0
    const seqAtKey = seq
    while (step() === 0 && rounds < 5000) rounds++
    expect(rounds, `frames after the key: ${seq - seqAtKey}; gfx: ${out.get('gfx')}`).toBeLessThan(5000)
    settle()
    const after = screen.slice(0, W * PICTURE_ROWS * 4)
    let differ = 0
    for (let i = 0; i < after.length; i += 4) if (after[i] !== picture[i] || after[i + 1] !== picture[i + 1] || after[i + 2] !== picture[i + 2]) differ++
    expect(differ).toBeGreaterThan(W * PICTURE_ROWS / 10)

    // The absolute pointer: mandel's cursor (a white cross) goes where the view says, through the tablet.
    expect(board.displayInput('gfx', [{ kind: 'position', x: 200, y: 300 }])).toEqual({ ok: true })
    const white = (x: number, y: number) => new Uint32Array(screen.buffer)[y * W + x] === 0xffffffff
    for (let i = 0; i < 500 && !(white(200, 300) && white(203, 300) && white(200, 297)); i++) step()
    expect(white(200, 300) && white(203, 300) && white(200, 297)).toBe(true)

    // A held arrow pans: frames keep coming while it is down (the keyboard repeats it too),
    // and what stays in view is the old picture moved, pixel for pixel.
    const panned = screen.slice(0, W * PICTURE_ROWS * 4)
    board.displayInput('gfx', [{ kind: 'key', code: KEY_RIGHT, down: true }])
    let panFrames = 0
    for (let i = 0; i < 20; i++) if (step() > 0) panFrames++
    board.displayInput('gfx', [{ kind: 'key', code: KEY_RIGHT, down: false }])
    expect(panFrames).toBeGreaterThan(5)
    settle()
    const px = (a: Uint8Array, x: number, y: number) => new Uint32Array(a.buffer, a.byteOffset)[y * W + x]
    // The shift: the one that makes rows of the new picture the old one's, away from the cursor.
    const rows = [40, 150, 420, 600, 700]
    let best = { shift: 0, same: 0 }
    for (let shift = 1; shift < W / 2; shift++) {
      let same = 0
      for (const y of rows) for (let x = 0; x < W - shift; x += 7) if (px(screen, x, y) === px(panned, x + shift, y)) same++
      if (same > best.same) best = { shift, same }
    }
    let total = 0
    for (let x = 0; x < W - best.shift; x += 7) total++
    expect(best.shift).toBeGreaterThanOrEqual(64)
    expect(best.same / (total * rows.length)).toBeGreaterThan(0.99)
  })
})
