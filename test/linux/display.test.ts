// A Linux VM with a display (start_vm display = "WxH": uvmm's PL111 and a
// virtio keyboard and tablet) on a lab board: Debian's unmodified kernel
// binds amba-clcd to the PL111 and fbcon draws its console on it, the lab
// shows that picture through the same Display interface as lx's, and keys
// typed on the display reach the shell the init starts on tty1 (which
// proves it by writing to the serial console, where the test looks).
import { describe, expect, test } from 'vitest'
import { ScenarioSession } from '../../src/engine/lab/scenario-session'
import type { SessionSink, VmDescriptor } from '../../src/engine/lab/session'
import { readFrame } from '../../src/engine/devices/display'
import { boardOptions, scenarioModules } from '../../src/host/lab-config'
import { buildGuest, expectedInitLines, initLines, readManifest } from './guest'

const missing = buildGuest()

const SCENARIO = `-- l4lab board: ram=512M
local vmm = require "vmm"
vmm.start_vm { id = "vmd", mem = 192, kernel = "rom/Image", ramdisk = "rom/initramfs.cpio.gz",
               display = "640x480", bootargs = "console=tty0 console=ttyAMA0 l4lab.hostname=vmd" }
`

/** Linux key codes (input-event-codes.h) for what the test types; upper case and these marks take shift. */
const KEYS: Record<string, number> = {
  ...Object.fromEntries([...'qwertyuiop'].map((c, i) => [c, 16 + i])),
  ...Object.fromEntries([...'asdfghjkl'].map((c, i) => [c, 30 + i])),
  ...Object.fromEntries([...'zxcvbnm'].map((c, i) => [c, 44 + i])),
  ...Object.fromEntries([...'1234567890'].map((c, i) => [c, 2 + i])),
  ' ': 57, '\n': 28, '/': 53, '.': 52, '\\': 43, '-': 12,
}
const SHIFTED: Record<string, string> = { '*': '8', '>': '.' }
const KEY_LEFTSHIFT = 42

type KeyEvent = { kind: 'key'; code: number; down: boolean }

function keystrokes(text: string): KeyEvent[] {
  const out: KeyEvent[] = []
  const press = (code: number) => out.push({ kind: 'key', code, down: true }, { kind: 'key', code, down: false })
  for (const ch of text) {
    const base = SHIFTED[ch] ?? (ch !== ch.toLowerCase() ? ch.toLowerCase() : null)
    const code = KEYS[base ?? ch]
    if (code === undefined) throw new Error(`no key for ${JSON.stringify(ch)}`)
    if (base === null) {
      press(code)
      continue
    }
    out.push({ kind: 'key', code: KEY_LEFTSHIFT, down: true })
    press(code)
    out.push({ kind: 'key', code: KEY_LEFTSHIFT, down: false })
  }
  return out
}

/** Pixels of a frame's rectangles that are not black. */
function litPixels(frame: Uint8Array): number {
  const f = readFrame(frame)
  if (typeof f === 'string') throw new Error(f)
  let n = 0
  for (const r of f.rects) {
    for (let i = 0; i < r.w * r.h; i++) {
      const p = r.pixels + 4 * i
      if (frame[p] | frame[p + 1] | frame[p + 2]) n++
    }
  }
  return n
}

describe.skipIf(missing !== undefined)(`a Linux VM's display${missing ? ` (skipped: ${missing})` : ''}`, () => {
  test('fbcon draws on the PL111, the lab shows it, and keys typed on the display reach tty1', () => {
    const out = new Map<string, string>()
    let vms: readonly VmDescriptor[] = []
    const dec = new TextDecoder()
    const sink: SessionSink = {
      consoleOutput: (vm, data) => out.set(vm, (out.get(vm) ?? '') + dec.decode(data)),
      vmsChanged: (v) => (vms = v),
      statusChanged: () => {},
    }
    let wall = 0
    const board = new ScenarioSession(
      { kind: 'scenario', scenario: { name: 'display.lua', source: SCENARIO }, modules: scenarioModules(SCENARIO), paced: false, ...boardOptions(SCENARIO) },
      sink,
      () => (wall += 0.01),
    )
    const t0 = performance.now()
    const until = (text: string, from = 0): number => {
      for (;;) {
        const at = (out.get('vmd') ?? '').indexOf(text, from)
        if (at >= 0) return at + text.length
        if (performance.now() - t0 > 240_000) throw new Error(`no "${text}" after ${((performance.now() - t0) / 1000).toFixed(0)} s:\n${(out.get('vmd') ?? '').slice(-2000)}`)
        board.run(50)
      }
    }
    let at = until('vmd:/root# ')
    // The init's report is qemu's for the same devices (qemu.test.ts boots them: keyboard and tablet, no display).
    expect(initLines(out.get('vmd')!)).toEqual(expectedInitLines(readManifest(), { cpus: 1, memMiB: 192, console: true, rng: true, input: true }, 'ttyAMA0'))
    // Give the shell on tty1 a moment of guest time to open it, through the serial shell; the
    // kernel's words on the CLCD say what went wrong if the display is missing.
    expect(board.input('vmd', new TextEncoder().encode('dmesg | grep -i -e clcd -e fb -e pl11; sleep 1; echo ready-$((6 * 7))\n')).ok).toBe(true)
    at = until('ready-42', at)
    // The driver found the PL111 and its panel, and fbcon took the VTs.
    expect(vms.find((v) => v.name === 'vmd')?.display, out.get('vmd')).toEqual({ width: 640, height: 480 })

    expect(board.watchDisplay('vmd', true)).toEqual({ ok: true })
    const first = board.displayFrames().find((f) => f.vm === 'vmd')
    expect(first).toBeDefined()
    const header = readFrame(first!.frame)
    expect(header).toMatchObject({ width: 640, height: 480, full: true })
    // fbcon's boot log and the prompt: text, so many lit pixels but far from all.
    const lit = litPixels(first!.frame)
    expect(lit).toBeGreaterThan(2000)
    expect(lit).toBeLessThan(640 * 480 / 2)

    // Typed on the display: tty1's shell runs it and answers on the serial console.
    expect(board.displayInput('vmd', keystrokes('expr 6006 \\* 7 >/dev/ttyAMA0\n'))).toEqual({ ok: true })
    until('42042', at)
    // The typed line was echoed on tty1: the picture changed.
    board.watchDisplay('vmd', false)
    let changed = false
    for (let i = 0; i < 20 && !changed; i++) {
      board.run(50)
      changed = board.displayFrames().some((f) => f.vm === 'vmd')
    }
    expect(changed).toBe(true)
  }, 300_000)
})
